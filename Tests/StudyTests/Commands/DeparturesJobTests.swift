import Foundation
import GeoData
import Testing
@testable import Study

/// `reach departures --week`: the hourly table of the hand-made feed (fixtures/gtfs/hand/README.md), worked out
/// trip by trip in AccessibilityTests/Transit/ServiceFrequencyTests.hourByHour.
struct DeparturesJobTests {
    static let hand = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/gtfs/hand").path

    @Test func weekByHour() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reach-departures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("hourly.csv").path
        let monday = ServiceDate("2024-03-04")!
        let report = try DeparturesJob(gtfs: [Self.hand], date: monday, output: out, dates: (0..<7).map { monday.adding(days: $0) }).run()
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines[0] == "feed,stop_id,stop_name,date,hour,departures,bus,rail,metro,ferry,other")
        // (stop, date, hour) → departures, from the rows (hours with none have no row).
        var table: [String: Int] = [:]
        for line in lines.dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            table["\(f[1]) \(f[3]) \(f[4])"] = Int(f[5])
        }
        // Tuesday as hourByHour works it: S1 6, 1, 1 at 07, 08, 09; S2 6, 2, 1 at 07, 08, 10.
        #expect(table["S1 2024-03-05 7"] == 6 && table["S1 2024-03-05 8"] == 1 && table["S1 2024-03-05 9"] == 1)
        #expect(table["S2 2024-03-05 7"] == 6 && table["S2 2024-03-05 8"] == 2 && table["S2 2024-03-05 10"] == 1)
        // Wednesday: no EXTRA (t5), no Monday-night t6, and HOL's t4 is back (calendar_dates removes only the 5th):
        // S1 t1 + t7 ×4 = 5 at 07, t4 08:00 at 08, t2 at 09.
        #expect(table["S1 2024-03-06 7"] == 5 && table["S1 2024-03-06 8"] == 1 && table["S1 2024-03-06 9"] == 1)
        // Saturday: t3 alone, S1 08:00 (its S2 is its last stop).
        #expect(table.filter { $0.key.contains("2024-03-09") } == ["S1 2024-03-09 8": 1])
        // Sunday has no service: said, and no rows.
        #expect(table.keys.allSatisfy { !$0.contains("2024-03-10") })
        #expect(report.warnings.contains { $0.contains("no trip runs on 2024-03-10 (sunday)") })
        // The rail column of R1 on Tuesday at 07: t10.
        let r1 = lines.first { $0.contains(",R1,") && $0.contains(",2024-03-05,7,") }
        #expect(r1?.hasSuffix(",2024-03-05,7,1,0,1,0,0,0") == true, "\(r1 ?? "no row")")
    }
}
