import Foundation
import GeoData
import GeoPrimitives
import Testing
@testable import Accessibility

/// Hour by hour near origins, on the hand-made feed (fixtures/gtfs/hand/README.md) on Tuesday 2024-03-05, with its
/// stops placed on a line by hand (metres): S1 at 0, S2 at 100, S3 at 300, R1 at 1,000, R2 at 5,000. Bus radius
/// 400 m, rail 800 m, span 07:00–22:00.
struct HourlyServiceTests {
    @Test func originsThroughTheDay() throws {
        let feed = try GTFSFeed.read(path: ServiceFrequencyTests.hand)
        var positions = [XY?](repeating: nil, count: feed.stopCount)
        for (id, x) in [("S1", 0.0), ("S2", 100), ("S3", 300), ("R1", 1000), ("R2", 5000)] { positions[feed.stopIDs.find(id)!] = XY(x, 0) }
        let day = DayDepartures(date: ServiceFrequencyTests.tuesday, feeds: [(feed, positions)])
        let measure = HourlyService(busRadiusMetres: 400, railRadiusMetres: 800, span: ServiceWindow("07:00-22:00")!)
        let result = try measure.measure(origins: [XY(50, 0), XY(1000, 300), XY(-5000, 0)], day: day)
        func nonzero(_ values: [Int32]) -> [Int: Int32] {
            Dictionary(uniqueKeysWithValues: values.enumerated().filter { $0.element > 0 }.map { ($0.offset, $0.element) })
        }
        // (50, 0) reaches S1, S2, S3 (not R1, 950 m away). 07:00: t1, t6, t7 ×4 at S1 and S2, distinct = 6; 08:00:
        // t5 (S1, S2), t8 (S2), t9 (S3) = 3; 09:00: t2 (S1 09:58); 10:00: t2 again (S2 10:00), another hour.
        #expect(nonzero(result[0].bus) == [7: 6, 8: 3, 9: 1, 10: 1] && nonzero(result[0].rail) == [:])
        // Routes: B at 07, 09, 10; B and the coach C (t9) at 08.
        #expect(nonzero(result[0].routes) == [7: 1, 8: 2, 9: 1, 10: 1])
        // First t7's 07:00 at S1, last t2's 10:00 at S2; the longest wait in the span is 10:00 to 22:00.
        #expect(result[0].first == 7 * 3600 && result[0].last == 10 * 3600 && result[0].longestGap == 12 * 3600)
        // (1000, 300) is 300 m from R1 (rail, within 800 m) and 762 m from S3 (beyond 400 m): t10 at 07:00 alone.
        #expect(nonzero(result[1].rail) == [7: 1] && nonzero(result[1].bus) == [:] && nonzero(result[1].routes) == [7: 1])
        #expect(result[1].first == 7 * 3600 && result[1].longestGap == 15 * 3600)
        // Far from every stop: nothing all day, the whole span is a gap.
        #expect(result[2].first == nil && result[2].last == nil && result[2].longestGap == 15 * 3600)
    }
}
