import Foundation
import Testing
@testable import GeoData

/// Shared helpers for the GeoData tests: temporary folders, gzip through the system tool, and the package root.
enum TestSupport {
    /// The package root, found from this file's path (Tests/GeoDataTests/TestSupport.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // GeoDataTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root

    /// The shared data folder beside the package (`../shared/data`), as the project README places it.
    static let sharedData: URL = packageRoot.appendingPathComponent("../shared/data").standardizedFileURL

    /// The path of `relative` in `../shared/data` when it is there. When it is not, the test is skipped with a
    /// line saying so, except under `CI=true`, where a check whose data is missing fails instead of passing
    /// silently.
    static func sharedFile(_ relative: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let path = sharedData.appendingPathComponent(relative).path
        if FileManager.default.fileExists(atPath: path) { return path }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("CI=true and \(path) is missing: ../shared/data must be beside the package", sourceLocation: sourceLocation)
        } else {
            print("skipped: \(path) is absent (../shared/data not beside the package)")
        }
        return nil
    }

    /// The gzip tool, used to make compressed inputs independently of the code under test.
    static let gzipPath: String? = ["/bin/gzip", "/usr/bin/gzip"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A fresh, empty folder under the system temporary folder; the caller removes it.
    static func makeTemporaryFolder(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("reach-geodata-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `body` with a fresh folder and removes it afterwards.
    static func withTemporaryFolder<R>(_ name: String = #function, _ body: (URL) throws -> R) throws -> R {
        let folder = try makeTemporaryFolder(name)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder)
    }

    /// Writes `text` as UTF-8 to `name` in `folder` and returns the path.
    @discardableResult
    static func write(_ text: String, to name: String, in folder: URL) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Compresses `bytes` with the system gzip (`gzip -c -n`), not with our own zlib code.
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        guard let gzipPath else { throw GzipUnavailable() }
        let folder = try makeTemporaryFolder("gzip")
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in")
        let output = folder.appendingPathComponent("out.gz")
        try Data(bytes).write(to: input)
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gzipPath)
        process.arguments = ["-c", "-n", input.path]
        process.standardOutput = try FileHandle(forWritingTo: output)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw GzipUnavailable() }
        return [UInt8](try Data(contentsOf: output))
    }

    struct GzipUnavailable: Error {}

    /// A NUL-terminated copy of `text`, as `JSONScanner` and `GeoJSONReader.parse` need.
    static func terminated(_ text: String) -> [UInt8] {
        Array(text.utf8) + [0]
    }

    /// Twice the signed area of a closed ring by the shoelace formula, written out here so the tests do not
    /// rely on `RingOrientation`: positive when anticlockwise (x east, y north).
    static func shoelace(_ ring: [(Double, Double)]) -> Double {
        var sum = 0.0
        for i in 0..<(ring.count - 1) {
            sum += ring[i].0 * ring[i + 1].1 - ring[i + 1].0 * ring[i].1
        }
        return sum
    }
}
