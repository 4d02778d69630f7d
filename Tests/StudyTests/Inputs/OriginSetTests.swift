import Foundation
import GeoData
import GeoPrimitives
import Geometry
import Accessibility
import Testing
@testable import Study

/// Origins placed in zones: a zone whose origins all weigh 0 is warned about, not silently counted equally.
struct OriginSetTests {
    static let wards = packageRoot.appendingPathComponent("fixtures/trafford/wards_2017.geojson").path

    @Test("a zone whose origins all weigh 0 gets a reach_warning; a zone with one weighted origin does not")
    func zeroWeights() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let layer = try ZoneLoader.load(paths: [Self.wards], options: ZoneLoadOptions(codeField: "area_code"))
        // Two origins at the point-on-surface of ward 0 (both weight 0), two in ward 1 (weights 0 and 5).
        let context = GEOSContext()
        func inside(_ z: Int) throws -> XY { try Geometry(layer.zones[z].geometry!, context: context).pointOnSurface().pointCoordinates() }
        let a = try inside(0), b = try inside(1)
        let csv = "easting,northing,pop\n\(a.x),\(a.y),0\n\(a.x),\(a.y),0\n\(b.x),\(b.y),0\n\(b.x),\(b.y),5\n"
        let path = folder.appendingPathComponent("origins.csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let set = try OriginSet.load(path: path, options: PointLoadOptions(), weightField: "pop", layer: layer, progress: { _ in })
        #expect(set.zeroWeightZones == [0])
        #expect(set.warnings == ["\(path): in 1 zone(s) every origin has weight 0 ('pop'), so their figures count each origin equally (e.g. \(layer.zones[0].code))"])
        let study = StudyContext(name: "t", layer: layer, zoneIndex: ZoneIndex(layer), origins: set, precision: 6)
        let output = study.output()
        #expect(output.warnings[0].contains(StudyContext.zeroWeightWarning))
        #expect(!output.warnings[1].contains(StudyContext.zeroWeightWarning))
    }
}
