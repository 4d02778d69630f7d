import Foundation
import Testing

@Suite struct BroadbandCLITests {
    static let fixtureArguments = ["broadband", "--wards", "fixtures/trafford/wards_2017.geojson",
                                   "--postcodes", "fixtures/broadband/trafford_postcodes_sample.csv",
                                   "--ofcom", "fixtures/broadband/ofcom_2016_M_sample.csv"]

    /// The real 2016 sample (numbers worked in BroadbandJobTests.real2016RowsByHand): summary lines and CSV output.
    @Test func runsOnTheFixtures() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("bb.csv").path
        let run = try CLI.reach(Self.fixtureArguments + ["--out", output])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("has no USO column: broadband_below_uso_pct is the share unable to get 10 Mbit/s"))
        #expect(run.stderr.contains("every record weighs 1 (a share of postcodes, not of premises)"))
        #expect(run.stderr.contains("records not placed: 1 not in the directory (e.g. fixtures/broadband/ofcom_2016_M_sample.csv: line 2: M11 1AA); list them all with --unmatched-out FILE.csv"))
        #expect(run.stderr.contains("reach: 10 records, 9 placed in 21 wards"))
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 22)
        #expect(lines[0].hasSuffix(",broadband_records,broadband_premises,broadband_sfbb_pct,broadband_ufbb_pct,broadband_below_uso_pct,broadband_median_down_mbps,broadband_speed_records,broadband_unmatched_records,reach_warning"))
        #expect(lines.contains { $0.hasPrefix("E05000825,Clifford,") && $0.hasSuffix(",4,,86,0,5,10.2,4,0,") })
    }

    @Test func badPercentageExitsOne() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("bad.csv").path
        try "postcode_space,SFBB availability (% premises)\nM15 4AD,101\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("bb.geojson").path
        let run = try CLI.reach(["broadband", "--wards", "fixtures/trafford/wards_2017.geojson", "--postcodes",
                                 "fixtures/broadband/trafford_postcodes_sample.csv", "--ofcom", bad, "--out", output, "-q"])
        #expect(run.status == 1)
        #expect(run.stderr == "reach: error: \(bad): line 2: field 'SFBB availability (% premises)': 101 is not a percentage (0–100)\n")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func usageErrorsExitTwo() throws {
        let noOfcom = try CLI.reach(["broadband", "--wards", "w.geojson", "--postcodes", "p.csv", "--out", "o.geojson"])
        #expect(noOfcom.status == 2 && noOfcom.stderr.contains("give the Ofcom files with --ofcom FILE"))
        let badRole = try CLI.reach(Self.fixtureArguments + ["--column", "superfast=SFBB", "--out", "o.geojson"])
        #expect(badRole.status == 2 && badRole.stderr.contains("'superfast' is not a role"))
        let both = try CLI.reach(Self.fixtureArguments + ["--output-areas", "oa.geojson", "--out", "o.geojson"])
        #expect(both.status == 2 && both.stderr.contains("give --postcodes or --output-areas, not both"))
    }
}
