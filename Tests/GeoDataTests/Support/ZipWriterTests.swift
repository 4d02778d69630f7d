import Foundation
import Testing
import ZIPFoundation
@testable import GeoData

/// ZipWriter's archives read back by an independent reader, ZIPFoundation (which checks every CRC-32), and
/// byte for byte against what went in.
@Suite("ZipWriter")
struct ZipWriterTests {
    /// 12 MB of CSV-like text: three pieces of `ZipWriter.pieceBytes`, so several parallel runs are joined.
    static let big: [UInt8] = {
        var text: [UInt8] = []
        var n: UInt64 = 88_172_645_463_325_252
        while text.count < 12 << 20 {
            n ^= n << 13; n ^= n >> 7; n ^= n << 17
            text += Array("T\(n % 9973),S\(n % 40_000),\(n % 86_400),1\n".utf8)
        }
        return text
    }()

    static func entries(of path: String) throws -> [String: [UInt8]] {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        var found: [String: [UInt8]] = [:]
        for entry in archive {
            var bytes: [UInt8] = []
            _ = try archive.extract(entry, skipCRC32: false) { bytes += $0 }
            found[entry.path] = bytes
        }
        return found
    }

    static func write(_ path: String, zip64From: UInt64 = 0xFFFF_FFFF) throws {
        var zip = try ZipWriter(path: path, zip64From: zip64From)
        try zip.add("a.txt", bytes: Array("stop_id,stop_name\nS1,\"Market, Street\"\n".utf8))
        try zip.add("empty.txt", bytes: [])
        // Pieces of awkward sizes, not aligned with the writer's.
        try zip.add("stop_times.txt") { emit in
            var start = 0, size = 1
            while start < big.count {
                let end = min(big.count, start + size)
                try emit(Array(big[start..<end]))
                start = end
                size = size * 7 % 3_000_001 + 1
            }
        }
        try zip.finish()
    }

    /// `zip64From: 1` writes as ZIP64 every size and offset but zeros (which ZIPFoundation, like the format,
    /// reads as "no ZIP64 value"), as a file past 4 GiB would be.
    @Test("entries read back equal, with their CRCs, through pieces of any size", arguments: [UInt64(0xFFFF_FFFF), 1])
    func readsBack(zip64From: UInt64) throws {
        try TestSupport.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("feed.zip").path
            try Self.write(path, zip64From: zip64From)
            if let keep = ProcessInfo.processInfo.environment["REACH_KEEP_ZIP"] { try? FileManager.default.copyItem(atPath: path, toPath: keep + "-\(zip64From).zip") }
            let entries = try Self.entries(of: path)
            #expect(entries.keys.sorted() == ["a.txt", "empty.txt", "stop_times.txt"])
            #expect(entries["a.txt"] == Array("stop_id,stop_name\nS1,\"Market, Street\"\n".utf8))
            #expect(entries["empty.txt"] == [])
            let same = entries["stop_times.txt"] == Self.big
            #expect(same, "stop_times.txt: \(entries["stop_times.txt"]?.count ?? -1) bytes read back of \(Self.big.count)")
            // Deflated: this text compresses to well under half at zlib's fastest level.
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
            #expect(size < Self.big.count / 2)
        }
    }

    @Test("an entry that continues a run deflated earlier reads back whole, its CRC joined", arguments: [0, 1, 5_000_000, 12 << 20])
    func continuesRun(split: Int) throws {
        try TestSupport.withTemporaryFolder { folder in
            let spool = try SpoolFolder(beside: folder.appendingPathComponent("feeds").path)
            let cut = min(split, Self.big.count)
            let run = try DeflatedRun.write("head.deflate", in: spool) { emit in
                try Self.big[0..<cut].withUnsafeBufferPointer { try emit($0) }
            }
            #expect(run.uncompressed == UInt64(cut))
            let path = folder.appendingPathComponent("feed.zip").path
            var zip = try ZipWriter(path: path)
            try zip.add("a.txt", bytes: Array("x\n".utf8))
            try zip.add("stop_times.txt", after: run) { emit in try emit(Array(Self.big[cut...])) }
            // The same run twice: each zip that carries it copies it.
            try zip.add("again.txt", after: run) { _ in }
            try zip.finish()
            let entries = try Self.entries(of: path)
            let same = entries["stop_times.txt"] == Self.big
            #expect(same, "stop_times.txt: \(entries["stop_times.txt"]?.count ?? -1) bytes read back of \(Self.big.count)")
            let again = entries["again.txt"] == Array(Self.big[0..<cut])
            #expect(again)
            #expect(entries["a.txt"] == Array("x\n".utf8))
        }
    }

    @Test("a zip whose CRC-32 does not match its data is refused by GTFSArchive, naming the file")
    func corruptCRC() throws {
        try TestSupport.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("feed.zip").path
            var zip = try ZipWriter(path: path)
            try zip.add("stop_times.txt", bytes: Array("trip_id,stop_id\nT1,S1\n".utf8))
            try zip.finish()
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            // The CRC-32 is at offset 14 of the local header (APPNOTE 4.3.7) and again in the central header:
            // flip it in both, so only the data disagrees.
            let crc = Array(bytes[14..<18])
            var i = 0, flipped = 0
            while i + 4 <= bytes.count {
                if Array(bytes[i..<(i + 4)]) == crc { bytes[i] ^= 0xFF; flipped += 1; i += 4 } else { i += 1 }
            }
            #expect(flipped == 2)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let archive = try GTFSArchive(path: path)
            #expect(throws: DataError.self) { _ = try archive.bytes("stop_times.txt") }
            do {
                try archive.stream("stop_times.txt") { _ in }
                Issue.record("a corrupt entry streamed without error")
            } catch {
                #expect("\(error)".contains("\(path): stop_times.txt") && "\(error)".contains("the file is corrupt"), "\(error)")
            }
        }
    }

    @Test("ZIP64 records are written only where asked: the end record, and each entry's extra field")
    func zip64Records() throws {
        try TestSupport.withTemporaryFolder { folder in
            let plain = folder.appendingPathComponent("plain.zip").path, large = folder.appendingPathComponent("large.zip").path
            try Self.write(plain)
            try Self.write(large, zip64From: 1)
            func count(_ signature: [UInt8], in bytes: [UInt8]) -> Int {
                (0...(bytes.count - signature.count)).count { i in bytes[i] == signature[0] && Array(bytes[i..<(i + 4)]) == signature }
            }
            let a = [UInt8](try Data(contentsOf: URL(fileURLWithPath: plain))), b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: large)))
            // PK\x06\x06: the ZIP64 end of central directory record (APPNOTE 4.3.14).
            #expect(count([0x50, 0x4B, 0x06, 0x06], in: Array(a.suffix(200))) == 0)
            #expect(count([0x50, 0x4B, 0x06, 0x06], in: Array(b.suffix(200))) == 1)
            // The same deflated data and local headers in both; in the central directory a.txt's 16-byte padding
            // becomes its two sizes (its offset is 0), empty.txt's its compressed size and offset (its size is 0),
            // stop_times.txt's two sizes and its offset (24 bytes): 8 more. Then the 56-byte ZIP64 end record and
            // its 20-byte locator.
            #expect(a.count + 8 + 56 + 20 == b.count)
        }
    }
}

@Suite("CSVRecordStream")
struct CSVRecordStreamTests {
    @Test("records cut at every byte come out whole with their first line: quoted line ends kept, CRLF and blank lines dropped")
    func cuts() throws {
        let text = Array("trip_id,stop_id,stop_headsign\r\nT1,S1,\"to the\nmarket\"\n\nT2,\"S,2\",x\nT3,S3,last".utf8)
        let expected = ["trip_id,stop_id,stop_headsign", "T1,S1,\"to the\nmarket\"", "T2,\"S,2\",x", "T3,S3,last"]
        for cut in 1...text.count {
            var stream = CSVRecordStream()
            var records: [String] = [], lines: [Int] = []
            var start = 0
            while start < text.count {
                let end = min(text.count, start + cut)
                try stream.push(Array(text[start..<end]), numbered: { records.append(String(decoding: $0, as: UTF8.self)); lines.append($1) })
                start = end
            }
            try stream.finish(numbered: { records.append(String(decoding: $0, as: UTF8.self)); lines.append($1) })
            #expect(records == expected, "pieces of \(cut) bytes")
            // Counted by hand: the header on line 1, T1 on 2 (its quoted line end takes it to 3), a blank 4.
            #expect(lines == [1, 2, 5, 6], "pieces of \(cut) bytes")
        }
    }

    @Test("fields are unquoted; a field beyond the record is empty")
    func fields() {
        let record = Array("T2,\"S,2\",\"say \"\"hi\"\"\",".utf8)
        record.withUnsafeBufferPointer { buffer in
            #expect(CSVRecordStream.fields(buffer).map { String(decoding: $0, as: UTF8.self) } == ["T2", "S,2", "say \"hi\"", ""])
            #expect(CSVRecordStream.withField(1, of: buffer) { String(decoding: $0, as: UTF8.self) } == "S,2")
            #expect(CSVRecordStream.withField(7, of: buffer) { $0.count } == 0)
        }
        Array("T1,S1,0".utf8).withUnsafeBufferPointer { buffer in
            #expect(CSVRecordStream.withField(0, of: buffer) { String(decoding: $0, as: UTF8.self) } == "T1")
            #expect(CSVRecordStream.withField(2, of: buffer) { String(decoding: $0, as: UTF8.self) } == "0")
        }
    }
}
