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
}
