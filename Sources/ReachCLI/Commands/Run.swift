import ArgumentParser
import Foundation
import GeoData
import Study

/// `reach run STUDY.toml`: the whole pipeline a study file describes.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a whole study: wards, origins, distance, coverage, broadband, joins and score, in one command.",
        discussion: """
        Reads the study file (TOML; docs/study.md), checks it and every input it names, and that the output folder \
        can be written, before any long work. Then it reads the wards and origins once, computes every configured \
        step, joins the extra columns, scores, and writes to the study's output folder:
          wards.geojson      RFC 7946 GeoJSON: every ward with every figure, score and reach_warning
          wards.geojsonseq   the same as GeoJSON Text Sequences (RFC 8142), one feature per line
          wards.csv          the same without geometry, for spreadsheets
          schema.json        every property: unit, meaning and source
          broadband_unmatched.csv   Ofcom records that could not be placed (when the study has [broadband])
        Progress goes to stderr: each step, how far through, elapsed time (--progress json: one JSON object per \
        line). A summary ends the run: wards, warnings, timings per step.

        Exit codes: 0 success; 1 bad input (the message names the file, line and key or field); 2 wrong usage.

        Example:
          reach run fixtures/trafford/study.toml
        """
    )

    @Argument(help: ArgumentHelp("The study file (TOML).", valueName: "STUDY.toml"))
    var study: String

    enum ProgressStyle: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: ArgumentHelp("Progress on stderr as text lines or JSON lines.", valueName: "text|json"))
    var progress: ProgressStyle = .text

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Exit with status 1 when any ward gets a reach_warning (after writing the outputs).")
    var strict = false

    func run() throws {
        let style = progress, quiet = self.quiet
        let job = StudyRun(study: study)
        let report = try job.run { event in
            guard !quiet else { return }
            switch style {
            case .text:
                let what = event.message == event.step ? event.step : "\(event.step): \(event.message)"
                Terminal.info("reach: [\(event.index)/\(event.total) \(String(format: "%.1f", event.elapsedSeconds)) s] \(what)")
            case .json:
                var object = JSONObject()
                object["event"] = .string("progress")
                object["step"] = .string(event.step)
                object["index"] = .number(Double(event.index))
                object["total"] = .number(Double(event.total))
                object["message"] = .string(event.message)
                object["elapsed_s"] = .number((event.elapsedSeconds * 1000).rounded() / 1000)
                Run.jsonLine(object)
            }
        }
        if !quiet {
            switch style {
            case .text:
                for note in report.notes { Terminal.error("warning: \(note)") }
                Terminal.info("reach: \(report.name): \(Terminal.count(report.wards)) wards, \(Terminal.count(report.origins)) origins\(report.scored.map { ", \(Terminal.count($0)) scored" } ?? ""), \(report.zonesWithWarnings) ward(s) with a reach_warning")
                for scenario in report.scenarios {
                    for change in scenario.changes { Terminal.info("reach: scenario \(change)") }
                    for count in scenario.counts {
                        Terminal.info("reach: scenario \(scenario.name): \(count.column): \(Run.weight(count.loss)) in \(count.zonesLosing) ward(s) lose, \(Run.weight(count.gain)) in \(count.zonesGaining) gain")
                    }
                }
                Terminal.info("reach: timings: " + report.timings.map { "\($0.step) \(Terminal.seconds($0.seconds))" }.joined(separator: ", "))
                Terminal.info("reach: wrote " + report.outputs.joined(separator: ", "))
            case .json:
                var object = JSONObject()
                object["event"] = .string("summary")
                object["study"] = .string(report.name)
                object["wards"] = .number(Double(report.wards))
                object["origins"] = .number(Double(report.origins))
                object["scored"] = report.scored.map { .number(Double($0)) } ?? .null
                object["wards_with_warnings"] = .number(Double(report.zonesWithWarnings))
                object["notes"] = .array(report.notes.map { .string($0) })
                var timings = JSONObject()
                for (step, seconds) in report.timings { timings[step] = .number((seconds * 1000).rounded() / 1000) }
                object["timings_s"] = .object(timings)
                object["outputs"] = .array(report.outputs.map { .string($0) })
                object["scenarios"] = .array(report.scenarios.map { scenario in
                    var entry = JSONObject()
                    entry["name"] = .string(scenario.name)
                    entry["changes"] = .array(scenario.changes.map { .string($0) })
                    entry["feeds"] = .array(scenario.feeds.map { .string($0) })
                    entry["routes"] = .array(scenario.routes.map { .string($0) })
                    entry["access"] = .array(scenario.counts.map { count in
                        var item = JSONObject()
                        item["column"] = .string(count.column)
                        item["gain"] = .number(count.gain)
                        item["wards_gaining"] = .number(Double(count.zonesGaining))
                        item["loss"] = .number(count.loss)
                        item["wards_losing"] = .number(Double(count.zonesLosing))
                        return .object(item)
                    })
                    return .object(entry)
                })
                for (key, value) in report.summary { object[key] = value }
                Run.jsonLine(object)
            }
        }
        if strict, report.zonesWithWarnings > 0 {
            Terminal.error("--strict: \(report.zonesWithWarnings) ward(s) have warnings")
            throw ExitCode(1)
        }
    }

    /// An origin weight for the summary: whole numbers grouped (people), else two decimals.
    static func weight(_ value: Double) -> String {
        value == value.rounded() ? Terminal.count(Int(value)) : String(format: "%.2f", value)
    }

    static func jsonLine(_ object: JSONObject) {
        var writer = JSONWriter(capacity: 256)
        writer.value(.object(object))
        writer.byte(0x0A)
        FileHandle.standardError.write(Data(writer.bytes))
    }
}
