import Foundation
import Testing
@testable import GeoData

@Suite("FileBytes")
struct FileBytesTests {
    @Test("a missing file is a DataError saying no such file")
    func missing() throws {
        let error = try #require(throws: DataError.self) { try FileBytes.read(path: "/nonexistent/wards.geojson") }
        #expect(error.message == "no such file")
        #expect(error.file == "/nonexistent/wards.geojson")
    }

    @Test("a folder is a DataError")
    func folder() throws {
        try TestSupport.withTemporaryFolder { folder in
            let error = try #require(throws: DataError.self) { try FileBytes.read(path: folder.path) }
            #expect(error.message.contains("folder"))
        }
    }

    @Test("plain bytes come back unchanged, including a lone 0x1F first byte")
    func plain() throws {
        try TestSupport.withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("plain.bin")
            let bytes: [UInt8] = [0x1F, 0x00, 0x8B, 0xFF, 0x0A]
            try Data(bytes).write(to: url)
            #expect(try FileBytes.read(path: url.path) == bytes)
            let empty = folder.appendingPathComponent("empty.bin")
            try Data().write(to: empty)
            #expect(try FileBytes.read(path: empty.path) == [])
        }
    }

    /// Highly compressible text (ratio well above 4), so inflating must grow its output buffer several times.
    static let compressible: [UInt8] = Array((0..<40_000).map { "line \($0 % 100) of a repetitive test file\n" }.joined().utf8)

    /// Incompressible-ish bytes from a seeded generator.
    static let noisy: [UInt8] = {
        var rng = SplitMix64(seed: 99)
        return (0..<300_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }()

    @Test("gzip made by the system tool is inflated exactly", .enabled(if: TestSupport.gzipPath != nil, "needs the gzip tool"),
          arguments: [0, 1, 2])
    func gzip(_ which: Int) throws {
        let original: [UInt8] = [Self.compressible, Self.noisy, []][which]
        let compressed = try TestSupport.gzip(original)
        #expect(compressed.prefix(2) == [0x1F, 0x8B])
        try TestSupport.withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("data.gz")
            try Data(compressed).write(to: url)
            #expect(try FileBytes.read(path: url.path) == original)
        }
    }

    @Test("concatenated gzip members are all inflated (as `cat a.gz b.gz` makes)", .enabled(if: TestSupport.gzipPath != nil, "needs the gzip tool"))
    func concatenated() throws {
        let first = Array("first member\n".utf8)
        let second = Array("second member\n".utf8)
        let compressed = try TestSupport.gzip(first) + TestSupport.gzip(second)
        #expect(try FileBytes.inflate(compressed, source: "ab.gz") == first + second)
    }

    @Test("a truncated gzip is a DataError mentioning corrupt or truncated", .enabled(if: TestSupport.gzipPath != nil, "needs the gzip tool"),
          arguments: [0.3, 0.9, 0.999])
    func truncated(_ fraction: Double) throws {
        let compressed = try TestSupport.gzip(Self.compressible)
        let cut = Array(compressed.prefix(Int(Double(compressed.count) * fraction)))
        try TestSupport.withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("cut.geojson.gz")
            try Data(cut).write(to: url)
            let error = try #require(throws: DataError.self) { try FileBytes.read(path: url.path) }
            #expect(error.message.contains("corrupt or truncated"), "\(error)")
            #expect(error.file == url.path)
        }
    }

    @Test("a gzip with damaged data is a DataError", .enabled(if: TestSupport.gzipPath != nil, "needs the gzip tool"))
    func damaged() throws {
        var compressed = try TestSupport.gzip(Self.noisy)
        // Overwrite a run in the middle of the deflate stream; the CRC-32 check (or the stream itself) fails.
        for i in (compressed.count / 2)..<(compressed.count / 2 + 64) { compressed[i] ^= 0x5A }
        let error = try #require(throws: DataError.self) { try FileBytes.inflate(compressed, source: "bad.gz") }
        #expect(error.message.contains("corrupt or truncated"))
    }

    @Test("a hand-made zlib stream (one stored block) is inflated")
    func zlibStoredBlock() throws {
        // RFC 1950/1951 by hand: header 78 01; block header 01 (final, stored); LEN 5 = 05 00, NLEN = FA FF;
        // the 5 bytes "hello"; Adler-32 of "hello" = 0x062C0215 (a = 1+104+101+108+108+111 = 533 = 0x215,
        // b = 105+206+314+422+533 = 1580 = 0x62C), big-endian.
        let stream: [UInt8] = [0x78, 0x01, 0x01, 0x05, 0x00, 0xFA, 0xFF] + Array("hello".utf8) + [0x06, 0x2C, 0x02, 0x15]
        #expect(try FileBytes.inflate(stream, source: "hello.z") == Array("hello".utf8))
        var badChecksum = stream
        badChecksum[badChecksum.count - 1] ^= 1
        #expect(throws: DataError.self) { try FileBytes.inflate(badChecksum, source: "hello.z") }
    }
}
