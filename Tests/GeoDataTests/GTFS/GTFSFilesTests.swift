import Foundation
import Testing
import ZIPFoundation
@testable import GeoData

/// A feed held in part for editing (`GTFSFiles.holdStopTimes`) and written back out, with and without the
/// untouched stop times deflated once into a spool folder. Expected rows come from the fixture's text, filtered
/// by trip id with plain string operations (fixtures/raptor/transfer, hand-made: 12 trips of 4 calls).
@Suite("GTFSFiles")
struct GTFSFilesTests {
    static let feed = TestSupport.packageRoot.appendingPathComponent("fixtures/raptor/transfer").path
    static let held: Set<String> = ["R1_0720", "R2_0741"]

    static func lines() throws -> [String] {
        try String(contentsOfFile: feed + "/stop_times.txt", encoding: .utf8).split(separator: "\n").map(String.init)
    }

    static func stopTimes(of zip: String) throws -> String {
        let archive = try Archive(url: URL(fileURLWithPath: zip), accessMode: .read)
        var bytes: [UInt8] = []
        _ = try archive.extract(try #require(archive["stop_times.txt"]), skipCRC32: false) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("held rows are the named trips' with their lines; the zip is the other rows in order, then the held ones, spooled or not")
    func holdsAndWrites() throws {
        let lines = try Self.lines()
        let trip = { (line: String) in String(line.prefix { $0 != "," }) }
        let others = lines.dropFirst().filter { !Self.held.contains(trip($0)) }
        let heldLines = lines.indices.dropFirst().filter { Self.held.contains(trip(lines[$0])) }
        try TestSupport.withTemporaryFolder { folder in
            var written: [String] = []
            for spooled in [false, true] {
                let spool = spooled ? try SpoolFolder(beside: folder.appendingPathComponent("feeds").path) : nil
                var files = try GTFSFiles(archive: try GTFSArchive(path: Self.feed), deferringStopTimes: true)
                try files.holdStopTimes(of: Self.held, spool: spool)
                let table = try #require(files.tables["stop_times.txt"])
                #expect(table.header == ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"])
                #expect(table.rows.map { $0.joined(separator: ",") } == heldLines.map { lines[$0] })
                // Line numbers are 1-based with the header on line 1.
                #expect(table.lines == heldLines.map { $0 + 1 })
                #expect((files.untouchedStopTimes != nil) == spooled)
                let zip = folder.appendingPathComponent("out-\(spooled).zip").path
                try files.writeZip(to: zip)
                let text = try Self.stopTimes(of: zip)
                #expect(text == ([lines[0]] + others + heldLines.map { lines[$0] }).joined(separator: "\n") + "\n")
                written.append(text)
                if let run = files.untouchedStopTimes?.run {
                    // The run holds the header and the other rows, each with its line end.
                    #expect(run.uncompressed == UInt64(([lines[0]] + others).joined(separator: "\n").utf8.count + 1))
                    #expect(FileManager.default.fileExists(atPath: run.path))
                }
            }
            #expect(written[0] == written[1])
        }
    }

    @Test("a header edit (an added column) is written from the source, padded, even when spooled")
    func addedColumn() throws {
        let lines = try Self.lines()
        try TestSupport.withTemporaryFolder { folder in
            let spool = try SpoolFolder(beside: folder.appendingPathComponent("feeds").path)
            var files = try GTFSFiles(archive: try GTFSArchive(path: Self.feed), deferringStopTimes: true)
            try files.holdStopTimes(of: Self.held, spool: spool)
            _ = files.tables["stop_times.txt"]!.ensureColumn("timepoint")
            let zip = folder.appendingPathComponent("out.zip").path
            try files.writeZip(to: zip)
            let text = try Self.stopTimes(of: zip).split(separator: "\n").map(String.init)
            #expect(text[0] == lines[0] + ",timepoint")
            #expect(text[1] == lines[1] + ",")
            #expect(text.count == lines.count)
        }
    }

    @Test("the trips calling at named stops, streamed from stop_times.txt")
    func tripsCalling() throws {
        let files = try GTFSFiles(archive: try GTFSArchive(path: Self.feed), deferringStopTimes: true)
        // From the fixture's text: P is on R1 only (its four trips, N1 → X → P → S1); X, the interchange, on
        // all twelve; together with E1 (R2 only) every trip.
        let lines = try Self.lines().dropFirst().map { $0.split(separator: ",").map(String.init) }
        let calling = { (stops: Set<String>) in Set(lines.filter { stops.contains($0[3]) }.map { $0[0] }) }
        let archive = try GTFSArchive(path: Self.feed)
        #expect(calling(["P"]) == ["R1_0700", "R1_0720", "R1_0740", "R1_0800"])
        #expect(try files.tripsCalling(at: ["P"], in: archive) == calling(["P"]))
        #expect(try files.tripsCalling(at: ["X"], in: archive).count == 12)
        #expect(try files.tripsCalling(at: ["P", "E1"], in: archive).count == 12)
        #expect(try files.tripsCalling(at: ["nowhere"], in: archive).isEmpty)
    }
}

@Suite("SpoolFolder")
struct SpoolFolderTests {
    @Test("a private folder beside the target, removed with its files when the last reference goes")
    func removedAtEnd() throws {
        try TestSupport.withTemporaryFolder { folder in
            var path = ""
            do {
                let spool = try SpoolFolder(beside: folder.appendingPathComponent("feeds").path)
                path = spool.path
                #expect(FileManager.default.createFile(atPath: spool.file("a.bin"), contents: Data([1, 2, 3])))
                let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
                #expect(mode == 0o700)
                try spool.move(spool.file("a.bin"), to: folder.appendingPathComponent("a.bin").path)
                #expect(FileManager.default.contents(atPath: folder.appendingPathComponent("a.bin").path) == Data([1, 2, 3]))
                #expect(FileManager.default.createFile(atPath: spool.file("b.bin"), contents: Data([4])))
            }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }
}
