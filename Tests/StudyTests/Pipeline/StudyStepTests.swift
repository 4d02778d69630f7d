import Accessibility
import Foundation
import GeoData
import GeoPrimitives
import Testing
@testable import Study

/// The issue's example of a new step, written as a user of the library would write one: the libraries within a
/// distance of each origin, averaged over each zone by the one reducer. This struct is the whole step: its study
/// table, its column and what the schema says of it. `StudyRun`, the schema and the writers are not touched.
struct LibrariesStep: StudyStep, StudyStepKind {
    static let table = "libraries"
    var file: String
    var metres: Double

    var title: String { "libraries" }

    static func decode(_ table: ConfigTable, paths: inout StudyPaths) throws(StudyConfigError) -> any StudyStep {
        guard let file = try paths.path(table, "file") else { throw table.error(nil, "missing key 'file' (the libraries)") }
        let metres = try table.positive("metres") ?? 800
        try table.finish(known: ["file", "metres"])
        return LibrariesStep(file: file, metres: metres)
    }

    func run(_ context: StudyContext, table: ZoneTable, progress: @escaping @Sendable (String) -> Void) throws -> StepOutput {
        let libraries = PointIndex(try PointLoader.load(path: file, options: PointLoadOptions(workingCRS: context.workingCRS)).map(\.xy))
        let counts: [Double?] = context.origins.points.map { Double(libraries.count(within: metres, of: $0, limit: .max)) }
        var output = context.output()
        output.add(Indicator("library_count_within_\(Int(metres))m_mean", unit: "libraries",
                             "population-weighted mean number of libraries within \(Int(metres)) m (straight line) of each origin",
                             source: "reach libraries", decimals: 2, numbers: context.reducer.mean(counts)))
        return output
    }
}

struct StudyStepTests {
    /// Two 1 km squares in British National Grid, three weighted origins, two libraries, and a join whose column
    /// is named like a coverage column.
    func study(in folder: URL) throws -> String {
        try DistanceJobTests.squares([("A", 400_000, 300_000, 401_000, 301_000), ("B", 401_000, 300_000, 402_000, 301_000)])
            .write(to: folder.appendingPathComponent("zones.geojson"), atomically: true, encoding: .utf8)
        try "easting,northing,population\n400100,300500,100\n400900,300500,300\n401500,300500,50\n"
            .write(to: folder.appendingPathComponent("origins.csv"), atomically: true, encoding: .utf8)
        try "easting,northing\n400500,300500\n401200,300500\n".write(to: folder.appendingPathComponent("libraries.csv"), atomically: true, encoding: .utf8)
        try "code,bus_stop_count\nA,3\nB,5\n".write(to: folder.appendingPathComponent("join.csv"), atomically: true, encoding: .utf8)
        let path = folder.appendingPathComponent("study.toml").path
        try """
        [study]
        name = "libraries"
        output = "out"

        [zones]
        name = "squares"
        files = ["zones.geojson"]
        code_field = "code"

        [origins]
        file = "origins.csv"
        weight_field = "population"

        [libraries]
        file = "libraries.csv"
        metres = 800

        [[join]]
        file = "join.csv"
        key = "code"

        [outputs]
        map = false

        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aNewStepNeedsOnlyItsOwnFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try StudyRun(study: try study(in: folder), kinds: [LibrariesStep.self]).run()
        let out = folder.appendingPathComponent("out").path
        // The zone set's name names the tables.
        #expect(report.outputs.map { ($0 as NSString).lastPathComponent } == ["squares.geojson", "squares.geojsonseq", "squares.csv", "schema.json"])
        // By hand, libraries within 800 m: origin (400100, 300500) has L1 at 400 m, L2 at 1,100 m: 1; (400900, 300500)
        // has L1 at 400 m and L2 at 300 m: 2; (401500, 300500) has L2 at 300 m, L1 at 1,000 m: 1.
        // A: (100·1 + 300·2) / 400 = 1.75; B: 1.
        let csv = try String(contentsOfFile: "\(out)/squares.csv", encoding: .utf8)
        // Every run's zone facts first: each square is 1 km²; A holds the origins of weight 100 and 300, B the one of 50.
        #expect(csv == "code,area_km2,origins_count,origins_weight,library_count_within_800m_mean,bus_stop_count,reach_warning\nA,1,2,400,1.75,3,\nB,1,1,50,1,5,\n")
        // schema.json comes from the columns: the step's own description, and the joined bus_stop_count is the
        // join's, not described as reach coverage's.
        let schema = try PropertySchema.read(path: "\(out)/schema.json")
        #expect(schema["library_count_within_800m_mean"] == ColumnSchema(name: "library_count_within_800m_mean", unit: "libraries",
            description: "population-weighted mean number of libraries within 800 m (straight line) of each origin", source: "reach libraries"))
        #expect(schema["bus_stop_count"]?.source == "joined from \(folder.path)/join.csv")
        #expect(schema["bus_stop_count"]?.unit == nil)
        #expect(schema["code"]?.source == "zone boundaries (\(folder.path)/zones.geojson)")
    }

    @Test func aStepTableIsCheckedLikeEveryOther() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try study(in: folder)
        // Without the kind, [libraries] is an unknown table, named with its line.
        #expect(throws: StudyConfigError.self) { try StudyConfig.load(path: path) }
        do { _ = try StudyConfig.load(path: path) } catch { #expect("\(error)".contains(":14: libraries: unknown key")) }
        // With it, a key the step does not read is an error naming its line.
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "metres = 800", with: "metres = 800\nradius = 3")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try StudyConfig.load(path: path, kinds: [LibrariesStep.self])
            Issue.record("no error")
        } catch {
            #expect("\(error)".hasSuffix(":17: libraries.radius: unknown key ([libraries] takes file, metres)"), "\(error)")
        }
        // Its input is checked before any work like the built-in ones.
        text = text.replacingOccurrences(of: "radius = 3\n", with: "").replacingOccurrences(of: "\"libraries.csv\"", with: "\"nowhere.csv\"")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: StudyConfigError(file: path, key: "libraries.file", "input file \(folder.path)/nowhere.csv does not exist")) {
            _ = try StudyRun(study: path, kinds: [LibrariesStep.self]).check()
        }
    }

    @Test func zonesAndWardsAreOneTableOrTheOther() throws {
        let both = "[study]\noutput = \"o\"\n[zones]\nfiles = [\"a.geojson\"]\n[wards]\nfiles = [\"b.geojson\"]\n"
        #expect(throws: StudyConfigError.self) { try StudyConfig.parse(text: both, file: "s.toml") }
        let wards = try StudyConfig.parse(text: "[study]\noutput = \"o\"\n[wards]\nfiles = [\"b.geojson\"]\n", file: "s.toml")
        #expect(wards.run?.zoneSetName == "wards" && wards.run?.zones == ["b.geojson"])
        let zones = try StudyConfig.parse(text: "[study]\noutput = \"o\"\n[zones]\nfiles = [\"a.geojson\"]\n", file: "s.toml")
        #expect(zones.run?.zoneSetName == "zones")
        #expect(throws: StudyConfigError.self) {
            try StudyConfig.parse(text: "[study]\noutput = \"o\"\n[zones]\nname = \"my lsoas\"\nfiles = [\"a.geojson\"]\n", file: "s.toml")
        }
    }
}

/// The zone table: what a zone without a boundary gets, and the one rule for a column two steps make.
struct ZoneTableTests {
    static let layer = ZoneLayer(zones: [
        Zone(code: "A", properties: JSONObject([("code", .string("A"))]), geometry: ZoneIndexSquares.square, areaSquareMetres: 1,
             source: FeatureSource(file: "t", index: 0)),
        Zone(code: "B", properties: JSONObject([("code", .string("B"))]), geometry: nil, areaSquareMetres: nil,
             source: FeatureSource(file: "t", index: 1), warnings: ["no geometry"]),
    ], workingCRS: .britishNationalGrid, codeField: "code", files: ["t"])

    func output(_ name: String, _ values: [Double?], unit: String? = "m") -> StepOutput {
        var output = StepOutput(zoneCount: 2)
        output.add(Indicator(name, unit: unit, "test", source: "reach test", numbers: values))
        return output
    }

    @Test func boundariesNullsAndRepeats() throws {
        var table = ZoneTable(layer: Self.layer, inputSource: "zone boundaries")
        try table.append(output("x", [1, 2]), step: "one")
        // A zone without a usable boundary gets null from a step that needs boundaries, its value from one that
        // does not (a join).
        #expect(table.row(1)["x"] == .null)
        try table.append(output("joined", [3, 4], unit: nil), step: "join", needsBoundaries: false)
        #expect(table.row(1)["joined"] == JSONValue.number(4))
        // The same column with the same values from a second step is kept once; with other values it is an error.
        try table.append(output("x", [1, 2]), step: "two")
        #expect(table.indicators.map { $0.name } == ["x", "joined"])
        #expect(throws: DataError.self) { try table.append(output("x", [9, 2]), step: "three") }
        // A column named like a zone property replaces it, with a note.
        let notes = try table.append(output("code", [7, 8]), step: "four")
        #expect(notes == ["the zone files' own property code is replaced by reach test's"])
        #expect(table.schema.map { $0.name } == ["x", "joined", "code", "reach_warning"])
        #expect(table.zonesWithWarnings == 1)
    }
}

enum ZoneIndexSquares {
    static let square: Shape = .polygon([[XY(0, 0), XY(1, 0), XY(1, 1), XY(0, 1), XY(0, 0)]])
}
