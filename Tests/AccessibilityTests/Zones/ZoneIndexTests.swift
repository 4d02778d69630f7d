import GeoData
import GeoPrimitives
import Projection
import Testing
@testable import Accessibility

/// Point-in-zone lookups on three squares worked by hand: A = [0, 100]², B = [100, 200] × [0, 100] (sharing
/// A's edge x = 100), and C, which has no usable boundary.
struct ZoneIndexTests {
    static func square(_ x0: Double, _ y0: Double, _ side: Double) -> Shape {
        .polygon([[XY(x0, y0), XY(x0 + side, y0), XY(x0 + side, y0 + side), XY(x0, y0 + side), XY(x0, y0)]])
    }

    static let layer = ZoneLayer(zones: [
        Zone(code: "A", properties: JSONObject(), geometry: square(0, 0, 100), areaSquareMetres: 10_000, source: FeatureSource(file: "t", index: 0)),
        Zone(code: "B", properties: JSONObject(), geometry: square(100, 0, 100), areaSquareMetres: 10_000, source: FeatureSource(file: "t", index: 1)),
        Zone(code: "C", properties: JSONObject(), geometry: nil, areaSquareMetres: nil, source: FeatureSource(file: "t", index: 2)),
    ], workingCRS: .britishNationalGrid, codeField: nil, files: ["t"])

    @Test func pointsGoToTheFirstZoneThatCoversThem() throws {
        let index = ZoneIndex(Self.layer)
        // Inside A, inside B, on the shared edge (the earlier zone, A), on B's far corner (boundaries count),
        // outside both.
        let points = [XY(50, 50), XY(150, 50), XY(100, 30), XY(200, 100), XY(250, 50), XY(-0.001, 50)]
        #expect(try index.zoneOf(points) == [0, 1, 0, 1, nil, nil])
        #expect(try index.zoneOf(XY(150, 99.999)) == 1)
    }

    /// Many batches through one index (the pooled lookups are reused, on every core) agree with the rule written
    /// out: x ≤ 100 → A, 100 < x ≤ 200 → B, when 0 ≤ y ≤ 100.
    @Test func repeatedBatchesAgreeWithTheRuleByHand() throws {
        let index = ZoneIndex(Self.layer)
        var generator = LinearCongruential(seed: 11)
        for _ in 0..<5 {
            let points = (0..<4_000).map { _ in XY(Double(generator.next() % 2_500) / 10 - 10, Double(generator.next() % 1_200) / 10 - 10) }
            let expected: [Int?] = points.map { p in
                guard p.y >= 0, p.y <= 100, p.x >= 0, p.x <= 200 else { return nil }
                return p.x <= 100 ? 0 : 1
            }
            #expect(try index.zoneOf(points) == expected)
        }
    }
}
