import Foundation
import Testing

@Suite struct ScoreCLITests {
    /// The hand example of tools/crosscheck/studies (3 wards, 2 indicators; worked in scoring_oracle.py's docstring).
    @Test func scoreAndExplain() throws {
        let folder = try CLI.temporaryFolder()
        let output = folder.appendingPathComponent("scored.csv").path
        let run = try CLI.reach(["score", "--study", "tools/crosscheck/studies/hand.toml", "--in", "tools/crosscheck/studies/hand.csv",
                                 "--out", output])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("scored 3 of 3 wards (codes from WD13CD)"))
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("WD13CD,gp_walk_min,broadband_sfbb_pct,services_score,services_score_exp,services_rank,"))

        let explain = try CLI.reach(["explain", "E05000003", "--study", "tools/crosscheck/studies/hand.toml",
                                     "--in", "tools/crosscheck/studies/hand.csv", "--quiet"])
        #expect(explain.status == 0)
        #expect(explain.stdout.hasPrefix("ward E05000003\nconnectivity_score "))
        #expect(explain.stdout.contains("missing: reweight: superfast"))
        #expect(explain.stderr.isEmpty)
    }

    @Test func printsTheDefaultStudy() throws {
        let run = try CLI.reach(["score", "--print-default-study"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("[[score.indicator]]") && run.stdout.contains("domain_transform = \"exponential\""))
    }

    @Test func badStudyAndUsage() throws {
        let folder = try CLI.temporaryFolder()
        let study = folder.appendingPathComponent("bad.toml").path
        try "[score]\nnormalisation = \"ranks\"\n".write(toFile: study, atomically: true, encoding: .utf8)
        let bad = try CLI.reach(["score", "--study", study, "--in", "tools/crosscheck/studies/hand.csv",
                                 "--out", folder.appendingPathComponent("x.csv").path])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad.toml:2: score.normalisation: 'ranks' is not one of rank, zscore, minmax"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.csv").path))
        let missing = try CLI.reach(["score", "--study", folder.appendingPathComponent("none.toml").path,
                                     "--in", "tools/crosscheck/studies/hand.csv", "--out", folder.appendingPathComponent("x.csv").path])
        #expect(missing.status == 1 && missing.stderr.contains("none.toml: cannot read the study file"))
        let usage = try CLI.reach(["score", "--in", "tools/crosscheck/studies/hand.csv"])
        #expect(usage.status == 2 && usage.stderr.contains("--out"))
        let unknownWard = try CLI.reach(["explain", "E0", "--study", "tools/crosscheck/studies/hand.toml",
                                         "--in", "tools/crosscheck/studies/hand.csv", "--quiet"])
        #expect(unknownWard.status == 1 && unknownWard.stderr.contains("no zone with code 'E0'"))
    }
}
