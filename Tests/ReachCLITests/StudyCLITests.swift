import Foundation
import Testing

/// The subcommands users meet first: run, validate, map, export, and the help every subcommand owes them.
struct StudyCLITests {
    static let subcommands = ["run", "wards", "distance", "nearest", "network", "coverage", "gaps", "departures", "pt", "isochrone",
                              "broadband", "score", "explain", "map", "report", "export", "validate"]

    /// Every subcommand's --help gives the exit codes and at least one example, and exits 0.
    @Test(arguments: subcommands) func helpHasExitCodesAndAnExample(_ name: String) throws {
        let help = try CLI.reach([name, "--help"])
        #expect(help.status == 0)
        // The help is wrapped to the terminal's width: compare with runs of white space as one space.
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("Exit codes: 0 ") && text.contains("; 1 ") && text.contains("2 wrong usage"), "\(name)")
        #expect(text.contains("Example"), "\(name)")
    }

    @Test func topLevelHelpListsEverySubcommand() throws {
        let help = try CLI.reach(["--help"]).stdout
        for name in Self.subcommands { #expect(help.contains("  \(name) "), "\(name)") }
    }

    /// validate exits 1 with errors and says what is wrong; 0 on the bundled study.
    @Test func validateExitCodes() throws {
        #expect(try CLI.reach(["validate", "fixtures/trafford/study.toml", "-q"]).status == 0)
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let swapped = folder.appendingPathComponent("swapped.csv").path
        try "id,lon,lat\n1,53.40,-2.30\n".write(toFile: swapped, atomically: true, encoding: .utf8)
        let run = try CLI.reach(["validate", "--services", swapped, "-q"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("error: \(swapped): 1 of 1 services lie outside the area of use") && run.stdout.contains("swapped"))
        #expect(try CLI.reach(["validate"]).status == 2)
    }

    /// As a new user would: `reach run` of the bundled study, then `reach explain` of a ward straight from its output
    /// (no --in), then `reach report` of its folder; a folder that is not a run's is exit 1.
    @Test func explainAndReportAfterARun() throws {
        let folder = try CLI.temporaryFolder()
        let study = CLI.packageRoot.appendingPathComponent("fixtures/trafford/.cli-\(UUID().uuidString).toml").path
        defer {
            try? FileManager.default.removeItem(at: folder)
            try? FileManager.default.removeItem(atPath: study)
        }
        let text = try String(contentsOfFile: CLI.packageRoot.appendingPathComponent("fixtures/trafford/study.toml").path, encoding: .utf8)
            .replacingOccurrences(of: "output = \"../../out/trafford\"", with: "output = \"\(folder.path)/out\"")
        try text.write(toFile: study, atomically: true, encoding: .utf8)
        let before = try CLI.reach(["explain", "E05000824", "--study", study])
        #expect(before.status == 1 && before.stderr.contains("does not exist yet: run `reach run"))
        #expect(try CLI.reach(["run", study, "-q"]).status == 0)
        let explain = try CLI.reach(["explain", "E05000824", "--study", study])
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(explain.stdout.hasPrefix("ward E05000824\nconnectivity_score ") && explain.stdout.contains("rank 3 of 21 wards"))
        // --in of the run's own output without --study: its schema.json names the study that made it.
        let own = try CLI.reach(["explain", "E05000824", "--in", "\(folder.path)/out/wards.geojson"])
        #expect(own.status == 0 && own.stdout == explain.stdout, "\(own.stderr)")
        let page = folder.appendingPathComponent("again.html").path
        let report = try CLI.reach(["report", "\(folder.path)/out", "--out", page])
        #expect(report.status == 0 && report.stderr.contains("wrote \(page)"), "\(report.stderr)")
        #expect(try String(contentsOfFile: page, encoding: .utf8).contains("Bucklow-St Martins"))
        let bad = try CLI.reach(["report", folder.path])
        #expect(bad.status == 1 && bad.stderr.contains("holds no zone table"))
    }

    /// map and export of the table `reach wards` writes, whose one figure is area_km2.
    @Test func mapAndExportOfAWardTable() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let wards = folder.appendingPathComponent("wards.geojson").path
        #expect(try CLI.reach(["wards", "--wards", "fixtures/trafford/wards_2017.geojson", "--out", wards, "-q"]).status == 0)
        let html = folder.appendingPathComponent("map.html").path
        let map = try CLI.reach(["map", "--in", wards, "--out", html, "--property", "area_km2"])
        #expect(map.status == 0, "\(map.stderr)")
        #expect(map.stderr.contains("map of 21 of 21 wards") && map.stderr.contains("coloured by area_km2"))
        let bad = try CLI.reach(["map", "--in", wards, "--out", html, "--property", "nope"])
        #expect(bad.status == 1 && bad.stderr.contains("nope") && bad.stderr.contains("area_km2"))
        #expect(try CLI.reach(["map", "--in", wards, "--out", folder.appendingPathComponent("map.png").path]).status == 2)
        let csv = folder.appendingPathComponent("w.csv").path
        let export = try CLI.reach(["export", "--in", wards, "--select", "area_code,area_km2", "--out", csv])
        #expect(export.status == 0)
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 22 && lines[0] == "area_code,area_km2")
    }
}
