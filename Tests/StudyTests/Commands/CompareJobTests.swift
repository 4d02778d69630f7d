import Foundation
import GeoData
import Testing
@testable import Study

/// `reach compare` on two small CSV tables written here; every change worked by hand.
struct CompareJobTests {
    static func job(_ before: String, _ after: String, _ out: String) -> CompareJob {
        var job = CompareJob(before: before, after: after)
        job.outputs = [out]
        return job
    }

    func write(_ text: String, _ name: String, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Rows in another order in AFTER; x: 0.1 → 0.3 is +0.2 (not 0.19999999999999998), 2 → 5 is +3; y null before,
    /// so its change is null; `label` (text) and `only_before`/`only_after` are not compared.
    @Test func changesByZoneCode() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = try write("code,label,x,y,only_before\nA,first,0.1,,1\nB,second,2,4,1\n", "before.csv", in: folder)
        let after = try write("code,x,y,only_after\nB,5,3.5,7\nA,0.3,1,7\n", "after.csv", in: folder)
        let out = folder.appendingPathComponent("change.csv").path
        var job = CompareJob(before: before, after: after)
        job.outputs = [out]
        job.name = "y2024"
        let report = try job.run()
        #expect(report.columns == ["x", "y"])
        #expect(report.onlyBefore == ["only_before"])
        #expect(report.onlyAfter == ["only_after"])
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text == """
        code,label,x,y,only_before,x__y2024,x__y2024_change,y__y2024,y__y2024_change
        A,first,0.1,,1,0.3,0.2,1,
        B,second,2,4,1,5,3,3.5,-0.5

        """)
    }

    @Test func zonesInOneTableOnlyAndRepeatedCodesAreErrors() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = try write("code,x\nA,1\nB,2\nC,3\n", "before.csv", in: folder)
        let after = try write("code,x\nA,1\nD,2\nC,3\n", "after.csv", in: folder)
        let out = folder.appendingPathComponent("change.csv").path
        let missing = try #require(throws: DataError.self) { try Self.job(before, after, out).run() }
        #expect("\(missing)".contains("the two tables must hold the same zones: 1 zone(s) of \(before) are not in \(after) (B); 1 zone(s) of \(after) are not in \(before) (D)"))
        let twice = try write("code,x\nA,1\nA,2\n", "twice.csv", in: folder)
        let repeated = try #require(throws: DataError.self) { try Self.job(before, twice, out).run() }
        #expect("\(repeated)".contains("zone code 'A' is given twice (first at line 2)"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
