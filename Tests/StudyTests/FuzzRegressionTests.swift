import Foundation
import GeoData
import Testing
@testable import Study

/// Every input in fixtures/fuzz/<target>/ (crashes the fuzzers or the hostile-input probes found, and hand-made
/// hostile seeds) replayed through the same reader calls as tools/fuzz/Sources/<target>: each must be rejected with
/// a DataError (or, for GeoJSON, a feature whose geometry problem is reported), never crash or be read as valid.
struct FuzzRegressionTests {
    static let folder = packageRoot.appendingPathComponent("fixtures/fuzz")

    static func inputs(_ target: String) -> [String] {
        let dir = folder.appendingPathComponent(target).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { "\(dir)/\($0)" }
    }

    func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    @Test("every target has regression inputs")
    func corpusPresent() {
        for target in ["FuzzGeoJSON", "FuzzCSV", "FuzzPBF", "FuzzGTFS", "FuzzTOML"] { #expect(!Self.inputs(target).isEmpty, "\(target)") }
    }

    @Test("GeoJSON", arguments: inputs("FuzzGeoJSON"))
    func geoJSON(_ path: String) throws {
        var input = try bytes(path)
        input.append(0)
        do {
            let collection = try GeoJSONReader.parse(bytes: input, source: path)
            #expect(collection.features.contains { $0.geometryProblem != nil }, "read as valid GeoJSON")
        } catch is DataError {}
    }

    @Test("CSV", arguments: inputs("FuzzCSV"))
    func csv(_ path: String) throws {
        #expect(throws: DataError.self) {
            let table = try CSVTable(bytes: try bytes(path), source: path)
            _ = try PointTable.read(table)
        }
    }

    @Test("PBF", arguments: inputs("FuzzPBF"))
    func pbf(_ path: String) throws {
        #expect(throws: DataError.self) {
            _ = try PBFReader.parse(bytes: try bytes(path), source: path, filter: OSMFilter(wayKeys: ["highway"], nodeKeys: ["public_transport"]))
        }
    }

    @Test("GTFS (files joined by NUL bytes, as FuzzGTFS reads them)", arguments: inputs("FuzzGTFS"))
    func gtfs(_ path: String) throws {
        let names = ["stops.txt", "routes.txt", "trips.txt", "stop_times.txt", "calendar.txt", "calendar_dates.txt", "frequencies.txt"]
        let parts = try bytes(path).split(separator: 0, omittingEmptySubsequences: false)
        var files: [String: [UInt8]] = [:]
        for (name, part) in zip(names, parts) { files[name] = Array(part) }
        #expect(throws: DataError.self) { _ = try GTFSFeed.read(GTFSArchive(files: files, path: path)) }
    }

    @Test("study TOML", arguments: inputs("FuzzTOML"))
    func toml(_ path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(throws: StudyConfigError.self) { _ = try StudyConfig.parse(text: text, file: path, folder: "/nonexistent") }
    }
}
