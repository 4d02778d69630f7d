import Foundation
import Testing
@testable import Study

/// `reach validate` on hand-made layers with one known problem each; every expected finding is listed by hand.
struct ValidateJobTests {
    /// A 0.01° square near Manchester (inside EPSG:27700's area of use) with its south-west corner at lon, lat.
    static func square(_ lon: Double, _ lat: Double) -> String {
        "[[[\(lon),\(lat)],[\(lon + 0.01),\(lat)],[\(lon + 0.01),\(lat + 0.01)],[\(lon),\(lat + 0.01)],[\(lon),\(lat)]]]"
    }

    static func feature(_ code: String, _ coordinates: String) -> String {
        "{\"type\":\"Feature\",\"properties\":{\"WD23CD\":\"\(code)\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":\(coordinates)}}"
    }

    static func collection(_ features: [String]) -> String {
        "{\"type\":\"FeatureCollection\",\"features\":[\(features.joined(separator: ","))]}"
    }

    func write(_ text: String, _ name: String, in folder: URL) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func listsEveryProblemWithItsFileAndFeature() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let zones = folder.appendingPathComponent("zones")
        try FileManager.default.createDirectory(at: zones, withIntermediateDirectories: true)
        // a.geojson: E1 fine; E2 a bow-tie (invalid, repairable: a warning); E1 again (a duplicate code: an error).
        let bowTie = "[[[-2.30,53.40],[-2.29,53.41],[-2.29,53.40],[-2.30,53.41],[-2.30,53.40]]]"
        _ = try write(Self.collection([Self.feature("E1", Self.square(-2.32, 53.40)), Self.feature("E2", bowTie),
                                       Self.feature("E1", Self.square(-2.34, 53.40))]), "a.geojson", in: zones)
        // b.geojson: latitude first: every feature outside the area of use, and inside once swapped.
        _ = try write(Self.collection([Self.feature("E3", "[[[53.40,-2.36],[53.40,-2.35],[53.41,-2.35],[53.41,-2.36],[53.40,-2.36]]]")]),
                      "b.geojson", in: zones)
        // c.geojson: no features.
        _ = try write(Self.collection([]), "c.geojson", in: zones)
        // Origins: one in E1, one in no zone (still in England).
        let origins = try write("id,lon,lat\n1,-2.315,53.405\n2,-1.5,52.5\n", "origins.csv", in: folder)
        // Services given latitude first, all of them.
        let services = try write("id,lon,lat\n1,53.405,-2.315\n2,53.406,-2.316\n", "services.csv", in: folder)

        let report = ValidateJob(zones: [zones.path], origins: origins, services: [services]).run()
        let lines = report.findings.map(\.description)
        #expect(report.errors == 4, "\(lines)")
        #expect(report.warnings == 3, "\(lines)")
        func has(_ severity: ValidateJob.Severity, _ file: String, _ words: String...) -> Bool {
            report.findings.contains { f in f.severity == severity && f.file.hasSuffix(file) && words.allSatisfy { "\(f)".contains($0) } }
        }
        #expect(has(.warning, "a.geojson", "feature 1 (E2)", "invalid geometry", "Self-intersection"))
        #expect(has(.error, "a.geojson", "feature 2", "duplicate zone code E1", "a.geojson: feature 0"))
        #expect(has(.error, "b.geojson", "swapped"))
        #expect(has(.error, "c.geojson", "empty layer"))
        #expect(has(.warning, "origins.csv", "1 of 2 origins lie in no zone"))
        // E2 (the bow-tie) and the second E1 hold no origin.
        #expect(has(.warning, "origins.csv", "2 zone(s) hold no origin"))
        #expect(!lines.contains { $0.contains("b.geojson: /") }, "the file is named once")
        #expect(has(.error, "services.csv", "2 of 2 services lie outside the area of use", "swapped"))
        // Errors come first.
        #expect(report.findings.prefix(4).allSatisfy { $0.severity == .error })
    }

    @Test func theBundledStudyIsClean() throws {
        let report = ValidateJob(study: packageRoot.appendingPathComponent("fixtures/trafford/study.toml").path).run()
        #expect(report.errors == 0 && report.warnings == 0, "\(report.findings)")
        // wards, origins, 5 service files, 3 stop files, the broadband postcode directory, and the study itself.
        #expect(report.layers.count == 12)
        #expect(report.layers.contains { $0.hasPrefix("postcodes: ") && $0.hasSuffix("trafford/postcodes.csv") })
    }

    @Test func aBrokenStudyIsOneErrorNamingTheKey() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let study = try write("[study]\noutput = \"out\"\n[wards]\nfiles = [\"missing.geojson\"]\n", "study.toml", in: folder)
        let report = ValidateJob(study: study).run()
        #expect(report.errors == 1)
        #expect("\(report.findings[0])".contains("wards.files") && "\(report.findings[0])".contains("does not exist"))
    }
}
