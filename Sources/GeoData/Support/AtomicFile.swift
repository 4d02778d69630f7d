import Foundation
import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so that readers only ever see a complete file and nothing else is touched: the bytes go to a new
/// temporary file beside the target, are flushed to disk, and the temporary file is renamed over the target
/// (rename is atomic on POSIX, and replaces a symlink rather than writing through it).
///
/// The temporary file is made as `mkstemp` makes one: an unpredictable name (`.{name}.reach-{pid}-{random}.tmp`),
/// opened with `O_CREAT | O_EXCL | O_NOFOLLOW`, so a file or symlink planted at that name is never written
/// through. A target that is a device, FIFO or socket is refused (writing `/dev/sda` or blocking on a FIFO is not
/// what an output path means). Temporaries a killed earlier run left (their process is gone) are removed.
/// Opening, writing and closing go through swift-system's `FileDescriptor`; `fsync`, `rename`, `lstat` and
/// `kill` come from the platform's C library (Glibc, Musl or Darwin).
public enum AtomicFile {
    /// Fails early, before long work, when `path`'s folder does not exist or cannot be written, or `path` is a
    /// folder, a device, a FIFO or a socket.
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
        if let kind = nonRegularKind(path) { throw DataError(file: path, "cannot write: it is \(kind), not a regular file") }
    }

    /// What `path` is when it exists and is not a regular file or a symlink: "a folder", "a device", "a FIFO",
    /// "a socket". A symlink is fine: the rename replaces the link, and never writes to what it points at.
    static func nonRegularKind(_ path: String) -> String? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG, S_IFLNK: return nil
        case S_IFDIR: return "a folder"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }

    public static func write(_ bytes: [UInt8], to path: String) throws {
        var set = OutputSet()
        defer { set.discard() }
        try set.stage(bytes, to: path)
        try set.commit()
    }

    /// For a file another library writes by path (SQLite for a GeoPackage): `body` writes the file at a path inside
    /// a new private folder beside `path` (`OutputSet.stageThrough`), then it is flushed to disk and renamed over
    /// `path`. When `body` throws, the temporary file and folder are removed and `path` is left as it was.
    public static func writeThrough(to path: String, _ body: (String) throws -> Void) throws {
        var set = OutputSet()
        defer { set.discard() }
        try set.stageThrough(to: path, body)
        try set.commit()
    }

    // MARK: Temporary files

    /// The prefix of every temporary name for `path`'s file: `.{name}.reach-`.
    static func temporaryPrefix(_ name: String) -> String { ".\(name).reach-" }

    /// Creates a new, empty file beside `path` with an unpredictable name, exclusively and without following a
    /// symlink; returns its path and open descriptor. Retries on the (astronomically rare) name collision.
    /// `random` gives the random part of each name tried (tests plant files at the names it will give).
    static func createTemporary(beside path: String, suffix: String = ".tmp",
                                random: () -> String = randomPart) throws -> (path: String, file: FileDescriptor) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = temporaryPrefix(url.lastPathComponent)
        for _ in 0..<100 {
            let random = random()
            let candidate = (folder as NSString).appendingPathComponent("\(prefix)\(getpid())-\(random)\(suffix)")
            do {
                let file = try FileDescriptor.open(FilePath(candidate), .writeOnly,
                                                   options: [.create, .exclusiveCreate, .noFollow, .closeOnExec],
                                                   permissions: [.ownerReadWrite, .groupRead, .otherRead])
                return (candidate, file)
            } catch Errno.fileExists {
                continue
            } catch {
                throw DataError(file: path, "cannot write: cannot create a temporary file in \(folder): \(error)")
            }
        }
        throw DataError(file: path, "cannot write: 100 temporary names in a row were taken in \(folder)")
    }

    /// Creates a new folder beside `path` that only this user can enter (mode 0700), with an unpredictable name
    /// (`.{name}.reach-{pid}-{random}.d`), exclusively: `mkdir` fails on any existing name, a symlink included.
    static func createPrivateFolder(beside path: String, random: () -> String = randomPart) throws -> String {
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        let prefix = temporaryPrefix(url.lastPathComponent)
        for _ in 0..<100 {
            let candidate = (parent as NSString).appendingPathComponent("\(prefix)\(getpid())-\(random()).d")
            if mkdir(candidate, 0o700) == 0 { return candidate }
            guard errno == EEXIST else {
                throw DataError(file: path, "cannot write: cannot create a temporary folder in \(parent): \(Errno(rawValue: errno))")
            }
        }
        throw DataError(file: path, "cannot write: 100 temporary names in a row were taken in \(parent)")
    }

    /// Removes a private temporary folder and the regular files (or links) in it, never following a link.
    static func removeFolder(_ folder: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            unlink((folder as NSString).appendingPathComponent(name))
        }
        rmdir(folder)
    }

    /// 64 random bits from the system's generator, in base 36.
    static func randomPart() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 36)
    }

    /// Removes the temporary files an earlier run left beside `path` when that run's process no longer exists
    /// (killed before it could rename or remove them); returns their names. Files of a live process are kept.
    @discardableResult
    public static func removeStaleTemporaries(beside path: String) -> [String] {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let prefix = temporaryPrefix(url.lastPathComponent)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(prefix) && (name.hasSuffix(".tmp") || name.hasSuffix(".bak") || name.hasSuffix(".d")) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0 else { continue }
            // kill(pid, 0) sends nothing: it fails with ESRCH only when no such process exists.
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            let stale = (folder as NSString).appendingPathComponent(name)
            var info = stat()
            guard lstat(stale, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            // Only regular files, links and our own private folders are ours to remove.
            case S_IFREG, S_IFLNK: if unlink(stale) == 0 { removed.append(name) }
            case S_IFDIR where name.hasSuffix(".d"):
                removeFolder(stale)
                if !FileManager.default.fileExists(atPath: stale) { removed.append(name) }
            default: continue
            }
        }
        return removed
    }
}

/// A set of output files replaced as a whole: each file is first written to its own temporary file (`stage`);
/// `commit` then checks every target, keeps a hard-linked backup of each existing target, and renames the
/// temporaries over the targets. When a rename fails part-way, the targets already replaced are put back from
/// their backups, so the folder holds the earlier set, never a mix of old and new files. `discard` (call it in a
/// `defer`) removes whatever temporaries and backups are left.
public struct OutputSet {
    struct Staged {
        var temporary: String
        var target: String
        /// The private folder the temporary file was made in, removed once the file is renamed out of it or discarded.
        var folder: String? = nil
    }

    private(set) var staged: [Staged] = []
    /// Temporary files an earlier, killed run left beside the targets, removed while staging.
    public private(set) var removedStale: [String] = []

    public init() {}

    /// The targets staged so far, in order.
    public var targets: [String] { staged.map(\.target) }

    /// Writes `bytes` to a new temporary file beside `path`, flushed to disk, to be renamed over `path` by `commit`.
    public mutating func stage(_ bytes: [UInt8], to path: String) throws {
        try AtomicFile.checkWritable(path)
        removedStale += AtomicFile.removeStaleTemporaries(beside: path)
        let (temporary, file) = try AtomicFile.createTemporary(beside: path)
        staged.append(Staged(temporary: temporary, target: path))
        do {
            try file.closeAfter {
                // writeAll retries short writes and EINTR.
                _ = try bytes.withUnsafeBytes { try file.writeAll($0) }
                guard fsync(file.rawValue) == 0 else { throw Errno(rawValue: errno) }
            }
        } catch {
            throw DataError(file: path, "cannot write: \(describe(error))")
        }
    }

    /// For a file another library writes by path: `body` writes a new file at the temporary path it is given
    /// (nothing exists there when it starts); it is then flushed to disk and staged like `stage`'s.
    public mutating func stageThrough(to path: String, _ body: (String) throws -> Void) throws {
        try AtomicFile.checkWritable(path)
        removedStale += AtomicFile.removeStaleTemporaries(beside: path)
        // The library creates the file itself (following symlinks, without O_EXCL), so it writes inside a new folder
        // only this process can enter (mkdtemp-style: an unpredictable name, mode 0700, made exclusively); nothing
        // can be planted in it, and the finished file is renamed out of it onto the target.
        let folder = try AtomicFile.createPrivateFolder(beside: path)
        let temporary = (folder as NSString).appendingPathComponent((path as NSString).lastPathComponent)
        staged.append(Staged(temporary: temporary, target: path, folder: folder))
        try body(temporary)
        do {
            // O_NOFOLLOW: what the library left at the name must be its own file, not a link planted meanwhile.
            let written = try FileDescriptor.open(FilePath(temporary), .readWrite, options: [.noFollow, .closeOnExec])
            try written.closeAfter {
                guard fsync(written.rawValue) == 0 else { throw Errno(rawValue: errno) }
            }
        } catch {
            throw DataError(file: path, "cannot write: \(describe(error))")
        }
    }

    /// Renames every staged file over its target, or none: every target is checked first; an existing target is
    /// hard-linked to a backup name before it is replaced, and when a rename fails the targets already replaced
    /// are restored from their backups (or removed, where there was none) before the error is thrown.
    public mutating func commit() throws {
        try commit(rename: posixRename)
    }

    /// `commit` with the rename call given (tests make one fail part-way).
    mutating func commit(rename: (String, String) -> Int32) throws {
        for item in staged { try AtomicFile.checkWritable(item.target) }
        var backups: [String?] = []
        defer { for case let backup? in backups { unlink(backup) } }
        for item in staged {
            var info = stat()
            if lstat(item.target, &info) == 0 {
                let (backup, file) = try AtomicFile.createTemporary(beside: item.target, suffix: ".bak")
                try? file.close()
                unlink(backup)
                // A hard link costs nothing; where the file system has none, a copy does the same job.
                if link(item.target, backup) != 0 {
                    do {
                        try FileManager.default.copyItem(atPath: item.target, toPath: backup)
                    } catch {
                        throw DataError(file: item.target, "cannot write: cannot keep a backup of the earlier file: \(error)")
                    }
                }
                backups.append(backup)
            } else {
                backups.append(nil)
            }
        }
        for (index, item) in staged.enumerated() {
            guard rename(item.temporary, item.target) == 0 else {
                let failure = Errno(rawValue: errno)
                for earlier in 0..<index {
                    if let backup = backups[earlier] { _ = posixRename(backup, staged[earlier].target) } else { unlink(staged[earlier].target) }
                }
                // Backups renamed back are gone; the rest are removed by the defer.
                for earlier in 0..<index { backups[earlier] = nil }
                throw DataError(file: item.target, "cannot write: \(failure); the earlier \(staged.count == 1 ? "file is" : "files are") left as they were")
            }
        }
        for case let folder? in staged.map(\.folder) { AtomicFile.removeFolder(folder) }
        staged.removeAll()
    }

    /// Removes the temporary files (and their private folders) of whatever was staged and not committed.
    public mutating func discard() {
        for item in staged {
            unlink(item.temporary)
            if let folder = item.folder { AtomicFile.removeFolder(folder) }
        }
        staged.removeAll()
    }

    private func describe(_ error: Error) -> String {
        (error as? Errno).map { String(describing: $0) } ?? "\(error)"
    }
}

/// The C library's `rename(2)`, under a name a parameter called `rename` does not hide.
private func posixRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
