import ArgumentParser
import Foundation
import Study

/// Messages for people go to stderr; data goes to files or stdout.
enum Terminal {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("reach: \(message)\n".utf8))
    }

    static func info(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    /// 7681 → "7,681".
    static func count(_ value: Int) -> String { NumberText.grouped(value) }

    static func seconds(_ value: Double) -> String {
        String(format: "%.2f s", value)
    }

    /// 500.0 → "500", 0.25 → "0.25".
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }

    /// Warns about origins that lie in no zone, naming up to three.
    static func warnOriginsOutside(_ outside: [String]) {
        guard !outside.isEmpty else { return }
        let first = outside.prefix(3).joined(separator: "; ")
        error("warning: \(outside.count) origin(s) lie in no zone and are not counted (\(first)\(outside.count > 3 ? "; ..." : ""))")
    }

    /// The closing lines of a one-step command: zones with warnings, what was written, the timings.
    static func closing(zonesWithWarnings: Int, wrote: [String], timings: [(step: String, seconds: Double)]) {
        info("reach: \(zonesWithWarnings) zone(s) with a reach_warning; wrote \(wrote.joined(separator: " and "))")
        info("reach: timings: " + timings.map { "\($0.step) \(seconds($0.seconds))" }.joined(separator: ", "))
    }

    /// `--strict`: exit 1 when any zone has a warning or any origin lies in no zone (after writing).
    static func strict(_ strict: Bool, zonesWithWarnings: Int, originsOutside: Int = 0) throws {
        guard strict, zonesWithWarnings > 0 || originsOutside > 0 else { return }
        error("--strict: \(zonesWithWarnings) zone(s) have warnings\(originsOutside > 0 ? ", \(originsOutside) origin(s) lie in no zone" : "")")
        throw ExitCode(1)
    }
}
