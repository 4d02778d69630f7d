import Foundation
import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that readers only ever see a complete file: the bytes go to a temporary file beside the
/// target, are flushed to disk, and the temporary file is renamed over the target (rename is atomic on POSIX).
/// Opening, writing and closing go through swift-system's `FileDescriptor`; `fsync` and `rename`, which it does
/// not wrap, come from the platform's C library (Glibc, Musl or Darwin).
public enum AtomicFile {
    /// Fails early, before long work, when `path`'s folder does not exist or cannot be written.
    public static func checkWritable(_ path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError(file: path, "cannot write: folder \(folder) does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw DataError(file: path, "cannot write: folder \(folder) is not writable")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw DataError(file: path, "cannot write: it is a folder")
        }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)").path
        do {
            let file = try FileDescriptor.open(FilePath(temporary), .writeOnly, options: [.create, .truncate],
                                               permissions: [.ownerReadWrite, .groupRead, .otherRead])
            try file.closeAfter {
                // writeAll retries short writes and EINTR.
                _ = try bytes.withUnsafeBytes { try file.writeAll($0) }
                // fsync returns 0 on success, -1 with errno set.
                guard fsync(file.rawValue) == 0 else { throw Errno(rawValue: errno) }
            }
            // rename returns 0 on success, -1 with errno set; it replaces the target atomically.
            guard rename(temporary, path) == 0 else { throw Errno(rawValue: errno) }
        } catch {
            unlink(temporary)
            let reason = (error as? Errno).map { String(describing: $0) } ?? "\(error)"
            throw DataError(file: path, "cannot write: \(reason)")
        }
    }

    /// For a file another library writes by path (SQLite for a GeoPackage): `body` writes the file at a temporary
    /// path beside `path`, then it is flushed to disk and renamed over `path`. When `body` throws, the temporary
    /// file is removed and `path` is left as it was.
    public static func writeThrough(to path: String, _ body: (String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)").path
        unlink(temporary)
        do {
            try body(temporary)
            let file = try FileDescriptor.open(FilePath(temporary), .readWrite)
            try file.closeAfter {
                guard fsync(file.rawValue) == 0 else { throw Errno(rawValue: errno) }
            }
            guard rename(temporary, path) == 0 else { throw Errno(rawValue: errno) }
        } catch let error as Errno {
            unlink(temporary)
            throw DataError(file: path, "cannot write: \(error)")
        } catch {
            unlink(temporary)
            throw error
        }
    }
}
