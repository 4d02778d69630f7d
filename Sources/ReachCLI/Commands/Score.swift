import ArgumentParser
import Foundation
import GeoData
import Study

/// Flags `score` and `explain` share: the study and the ward table.
struct ScoreInputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Study file (TOML) naming indicators, domains, weights and method (default: the built-in CNI connectedness study; see --print-default-study).", valueName: "FILE"))
    var study: String?

    @Option(name: .customLong("in"), help: ArgumentHelp("Ward table with the indicator properties: GeoJSON (e.g. from reach coverage) or CSV (default: the output of reach run of --study).", valueName: "FILE"))
    var input: String?

    @Option(name: .customLong("code-field"), help: ArgumentHelp("Property holding ward codes (default: detected, e.g. WD23CD, area_code).", valueName: "NAME"))
    var codeField: String?

    func job(output: String? = nil) throws -> ScoreJob {
        ScoreJob(study: study, input: input, output: output, codeField: codeField)
    }
}

/// `reach score`: indicators to one transparent ward score.
struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score every ward's connectivity from its indicators, with ranks, deciles and rank intervals.",
        discussion: """
        Each indicator is normalised across wards (rank → normal score, z-score or min–max), combined by weight \
        within its domain, domains transformed (the Indices of Deprivation's exponential transform, or linear) and \
        combined by weight. Higher scores are less connected. The method is in docs/scoring.md; the study file \
        (TOML) names the indicators, their direction, domain and weight, the missing-value policy, an optional \
        group_by for ranks within local authorities, and CSV columns to join by ward code.

        Adds to each ward: {domain}_score, {domain}_score_exp, {domain}_rank, connectivity_score, \
        connectivity_rank (1 = least connected), connectivity_decile (1 = least connected tenth), \
        connectivity_rank_p05/_p95 (Monte Carlo weight draws), connectivity_rank_loo_min/_max (each indicator \
        left out in turn), score_missing.

        \(HelpText.exitCodes)

        Examples:
          reach score --print-default-study > study.toml
          reach score --study study.toml --in out/coverage.geojson --out out/scored.geojson
          reach score --study tools/crosscheck/studies/rank_exp_reweight.toml --in wards.csv --out scored.csv
        """
    )

    @OptionGroup var inputs: ScoreInputOptions

    @Option(name: .customLong("out"), help: ArgumentHelp("Scored table: .geojson or .csv (by extension).", valueName: "FILE"))
    var output: String?

    @Flag(name: .customLong("print-default-study"), help: "Print the built-in study file and exit.")
    var printDefaultStudy = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if printDefaultStudy { return }
        if inputs.input == nil { throw ValidationError("give the ward table with --in FILE") }
        if output == nil { throw ValidationError("give the output file with --out FILE (.geojson or .csv)") }
    }

    func run() throws {
        if printDefaultStudy {
            print(DefaultStudy.text)
            return
        }
        let common = self.common
        let report = try inputs.job(output: output).run { common.progress($0) }
        if !common.quiet {
            for join in report.joins {
                Terminal.info("reach: joined \(join.properties.joined(separator: ", ")) from \(join.file): \(join.matchedWards) of \(report.wards) wards matched, \(join.unmatchedRows) rows for other codes")
                for mixed in join.mixedColumns { Terminal.error("warning: \(mixed)") }
                if !join.nearMisses.isEmpty { Terminal.error("warning: \(join.file): \(join.nearMisses.count) zone(s) have no row but a row whose key differs only in case or spacing (e.g. key \(TextCheck.quoted(join.nearMisses[0].key)) on line \(join.nearMisses[0].line)): fix the keys in the file") }
            }
            for name in report.constantIndicators {
                Terminal.info("reach: warning: indicator \(name) has the same value in every ward; it adds nothing to the score")
            }
            if !report.missing.isEmpty {
                Terminal.info("reach: missing values (\(report.policy.rawValue)): " + report.missing.map { "\($0.indicator) \($0.wards)" }.joined(separator: ", "))
            }
            Terminal.info("reach: scored \(Terminal.count(report.scored)) of \(Terminal.count(report.wards)) wards (codes from \(report.codeField)); wrote \(output ?? "")")
            Terminal.info("reach: timings: " + report.timings.map { "\($0.step) \(Terminal.seconds($0.seconds))" }.joined(separator: ", "))
        }
        if common.strict, report.scored < report.wards || !report.missing.isEmpty {
            throw ExitCode(1)
        }
    }
}

/// `reach explain`: the numbers behind one ward's score.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how one ward's score is built: each indicator's raw value, normal score, rank, weight and contribution.",
        discussion: """
        Scores the whole table as `reach score` does (ranks need every ward), then prints for the ward: its score, \
        rank, decile and rank interval; each domain's score D, transformed score X, weight and contribution; each \
        indicator's raw value, normalised value z, rank among the wards that have it (1 = least connected), weight \
        within its domain and contribution. The contributions add up to the domain score and the score. When the \
        table has public-transport journey breakdowns ([public_transport], docs/raptor.md "Journey breakdown"), \
        it then gives the ward's median journey per category: walk, wait, ride, changes, rides and routes (a study \
        with no [score] table gets those alone).

        \(HelpText.exitCodes)

        Example:
          reach explain E05000820 --study study.toml --in out/coverage.geojson
          reach explain E05000824 --study fixtures/trafford/study.toml    (after reach run of that study)
        """
    )

    @Argument(help: ArgumentHelp("The ward's code, e.g. E05000820.", valueName: "WARD_CODE"))
    var code: String

    @OptionGroup var inputs: ScoreInputOptions

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if inputs.input == nil, inputs.study == nil { throw ValidationError("give the ward table with --in FILE, or the study whose reach run output to read with --study") }
    }

    func run() throws {
        let common = self.common
        let job = try inputs.job()
        let heading = "public transport, the median journey from the ward's origins (population-weighted means, minutes):"
        guard try job.loadStudy().scoring != nil else {
            // No score to explain: the ward's journeys alone, when the table has them.
            let zone = try job.zoneRow(code)
            let lines = PublicTransportJob.journeyLines(zone.row, columns: zone.columns)
            guard !lines.isEmpty else {
                throw ValidationError("the study has no [score] table and \(zone.source) has no journey breakdown ([public_transport]): nothing to explain")
            }
            print("ward \(code) (the study has no [score] table)\n\n\(heading)\n" + lines.map { "  " + $0 }.joined(separator: "\n"))
            return
        }
        let scored = try job.score { common.progress($0) }
        print(try scored.explanation(of: code).text, terminator: "")
        // What the ward's public-transport journeys are made of, when the table has the breakdown.
        if let row = scored.codes.firstIndex(of: code).map({ scored.table.rows[$0] }) {
            let lines = PublicTransportJob.journeyLines(row, columns: scored.table.columns)
            if !lines.isEmpty { print("\n\(heading)\n" + lines.map { "  " + $0 }.joined(separator: "\n")) }
        }
    }
}
