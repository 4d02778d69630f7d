import ArgumentParser
import Foundation
import Study

/// `reach report FOLDER`: the study's one-page report again, from its output folder.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild report.html, the one-page report of a study, from its output folder.",
        discussion: """
        Reads the folder reach run wrote (its wards.geojson, schema.json and, with [equity], equity.csv) and writes \
        report.html: the headline figures, a map of the zones by connectivity decile with the zones left behind \
        outlined, the inequality measures each with a plain-English reading, the table of zones left behind with \
        the indicators that put them there, and a chart of each equity indicator by class. The page fetches \
        nothing (it works offline and can be emailed) and prints to A4. reach run writes it beside map.html when \
        the study has [equity] or [left_behind]; docs/equity.md says what each figure means.

        \(HelpText.exitCodes)

        Example:
          reach report out/trafford
          chromium --headless --print-to-pdf=trafford.pdf out/trafford/report.html
        """
    )

    @Argument(help: ArgumentHelp("The study's output folder (its [study] output).", valueName: "OUTPUT_FOLDER"))
    var folder: String

    @Option(name: .customLong("out"), help: ArgumentHelp("Where to write the page (default: report.html in the folder).", valueName: "FILE.html"))
    var output: String?

    @OptionGroup var common: CommonOptions

    func run() throws {
        let written = try ReportJob(folder: folder, output: output).run()
        common.progress("wrote \(written)")
    }
}
