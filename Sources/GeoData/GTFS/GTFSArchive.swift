import CSystemZlib
import Foundation
import ZIPFoundation

/// The files of one GTFS feed, from a zip (ZIPFoundation) or a folder.
///
/// Zips whose files sit inside one folder (`feed/stops.txt`) are read too: a file is found by its last path
/// component.
public struct GTFSArchive: Sendable {
    /// The feed as the user named it.
    public let path: String
    private let entries: [String: String]
    private let storage: Storage

    private enum Storage: Sendable {
        case folder, zip
        /// Files given in memory (tests, fuzzing): name to bytes.
        case memory([String: [UInt8]])
    }

    public init(path: String) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(file: path, "no such GTFS feed (expected a .zip or a folder of .txt files)")
        }
        var entries: [String: String] = [:]
        if isDirectory.boolValue {
            storage = .folder
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            for name in names where name.hasSuffix(".txt") { entries[name] = (path as NSString).appendingPathComponent(name) }
        } else {
            storage = .zip
            let archive: Archive
            do {
                archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
            } catch {
                throw DataError(file: path, "is not a readable zip archive (\(error)); a GTFS feed is a .zip or a folder")
            }
            for entry in archive where entry.type == .file {
                let name = (entry.path as NSString).lastPathComponent
                guard name.hasSuffix(".txt") else { continue }
                // Two entries of one name (two folders, or a zip appended to): which one a reader takes differs
                // from tool to tool, so reach takes neither.
                if let earlier = entries[name] {
                    throw DataError(file: path, "holds \(name) twice (entries '\(earlier)' and '\(entry.path)'): remove one, so it is clear which timetable is meant")
                }
                entries[name] = entry.path
            }
        }
        self.entries = entries
        guard !entries.isEmpty else { throw DataError(file: path, "holds no GTFS .txt files") }
    }

    /// A feed whose files are given in memory, by name ("stops.txt"); `path` names it in messages.
    public init(files: [String: [UInt8]], path: String) throws {
        self.path = path
        storage = .memory(files)
        entries = Dictionary(uniqueKeysWithValues: files.keys.map { ($0, $0) })
        guard !entries.isEmpty else { throw DataError(file: path, "holds no GTFS .txt files") }
    }

    /// The feed's .txt files by name, sorted.
    public var fileNames: [String] { entries.keys.sorted() }

    /// Whether the feed has the file (e.g. "frequencies.txt").
    public func has(_ name: String) -> Bool { entries[name] != nil }

    /// How a file of the feed is named in messages: "feed.zip: stop_times.txt".
    public func source(_ name: String) -> String { "\(path): \(name)" }

    /// The size of `name` in bytes (uncompressed, for a zip), nil if the feed has no such file.
    public func size(_ name: String) -> Int? {
        guard let entryPath = entries[name] else { return nil }
        switch storage {
        case .folder: return (try? FileManager.default.attributesOfItem(atPath: entryPath)[.size] as? Int) ?? nil
        case .memory(let files): return files[name]?.count
        case .zip:
            guard let archive = try? Archive(url: URL(fileURLWithPath: path), accessMode: .read), let entry = archive[entryPath] else { return nil }
            return Int(entry.uncompressedSize)
        }
    }

    /// The bytes of `name`, nil if the feed has no such file.
    public func bytes(_ name: String) throws -> [UInt8]? {
        guard let entryPath = entries[name] else { return nil }
        switch storage {
        case .folder: return try FileBytes.read(path: entryPath, inflateGzip: false)
        case .memory(let files): return files[name]
        case .zip: break
        }
        do {
            let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
            guard let entry = archive[entryPath] else { return nil }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(entry.uncompressedSize))
            var check = CRCCheck(entry)
            _ = try archive.extract(entry, bufferSize: 1 << 20, skipCRC32: true) { chunk in
                check.add(chunk)
                bytes.append(contentsOf: chunk)
            }
            try check.verify(source(name))
            return bytes
        } catch let error as DataError {
            throw error
        } catch {
            throw DataError(file: source(name), "cannot be unzipped (\(error))")
        }
    }

    /// Hands the bytes of `name` to `body` in pieces, in order, without holding the whole file; false if the feed
    /// has no such file.
    @discardableResult
    public func stream(_ name: String, _ body: ([UInt8]) throws -> Void) throws -> Bool {
        guard let entryPath = entries[name] else { return false }
        switch storage {
        case .memory(let files):
            try body(files[name] ?? [])
            return true
        case .folder:
            guard let handle = FileHandle(forReadingAtPath: entryPath) else { throw DataError(file: source(name), "cannot be opened") }
            defer { try? handle.close() }
            while true {
                let data = try handle.read(upToCount: 1 << 20) ?? Data()
                if data.isEmpty { return true }
                try body([UInt8](data))
            }
        case .zip: break
        }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw DataError(file: source(name), "cannot be unzipped (\(error))")
        }
        guard let entry = archive[entryPath] else { return false }
        // `body`'s own errors pass through; ZIPFoundation's are named for the file.
        var failure: Error?
        var check = CRCCheck(entry)
        do {
            _ = try archive.extract(entry, bufferSize: 1 << 20, skipCRC32: true) { chunk in
                check.add(chunk)
                do { try body([UInt8](chunk)) } catch { failure = error; throw error }
            }
            try check.verify(source(name))
        } catch let error as DataError {
            throw error
        } catch {
            if let failure { throw failure }
            throw DataError(file: source(name), "cannot be unzipped (\(error))")
        }
        return true
    }

    /// The file as a table; nil if absent.
    public func table(_ name: String) throws -> CSVTable? {
        guard let bytes = try bytes(name) else { return nil }
        return try CSVTable(bytes: bytes, source: source(name), allowsShortRows: true)
    }

    /// A file the feed must have.
    public func requiredTable(_ name: String) throws -> CSVTable {
        guard let table = try table(name) else {
            throw DataError(file: path, "has no \(name) (a GTFS feed needs stops, routes, trips, stop_times and calendar or calendar_dates)")
        }
        return table
    }
}

/// An entry's CRC-32 worked out with zlib's `crc32` as its bytes are extracted: ZIPFoundation's own check
/// (`skipCRC32: false`) runs a table loop in Swift that took a quarter of the time of inflating a national
/// stop_times.txt, so it is skipped and this one compares the same checksum the zip's directory gives.
struct CRCCheck {
    private let expected: UInt32
    private var crc: UInt = crc32(0, nil, 0)

    init(_ entry: Entry) { expected = entry.checksum }

    mutating func add(_ chunk: Data) {
        crc = chunk.withUnsafeBytes { crc32(crc, $0.bindMemory(to: UInt8.self).baseAddress, uInt($0.count)) }
    }

    func verify(_ source: String) throws {
        guard UInt32(truncatingIfNeeded: crc) == expected else {
            throw DataError(file: source, "cannot be unzipped (its CRC-32 is \(String(UInt32(truncatingIfNeeded: crc), radix: 16)), the zip's directory says \(String(expected, radix: 16)): the file is corrupt)")
        }
    }
}
