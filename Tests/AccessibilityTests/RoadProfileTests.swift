@testable import Accessibility
import Testing

/// The rules of docs/road-network.md, case by case.
@Suite struct RoadProfileTests {
    let profile = RoadProfile()

    func allows(_ tags: [String: String], _ mode: TravelMode) -> (Bool, Bool)? {
        profile.permission(tags, mode: mode).map { ($0.forward, $0.backward) }
    }

    @Test func classesPerMode() {
        #expect(allows(["highway": "motorway"], .walk) == nil)
        #expect(allows(["highway": "motorway", "foot": "yes"], .walk) == nil)
        #expect(allows(["highway": "motorway"], .cycle) == nil)
        #expect(allows(["highway": "motorway"], .car)! == (true, false)) // oneway implied
        #expect(allows(["highway": "motorway", "oneway": "no"], .car)! == (true, true))
        #expect(allows(["highway": "footway"], .walk)! == (true, true))
        #expect(allows(["highway": "footway"], .cycle) == nil)
        #expect(allows(["highway": "footway", "bicycle": "yes"], .cycle)! == (true, true))
        #expect(allows(["highway": "track"], .car) == nil)
        // Plain access=permissive on a footway opens it to walkers, not cars (Rutland way 3701351).
        #expect(allows(["highway": "footway", "access": "permissive"], .car) == nil)
        #expect(allows(["highway": "steps", "access": "yes"], .car) == nil)
        #expect(allows(["highway": "path", "motorcar": "yes"], .car)! == (true, true))
        // A byway open to all traffic (Rutland way 156263469): open to cars at 16 km/h without a maxspeed.
        #expect(profile.permission(["highway": "track", "vehicle": "designated"], mode: .car)?.speedKmh == 16)
        #expect(profile.permission(["highway": "path", "motorcar": "yes", "maxspeed": "10"], mode: .car)?.speedKmh == 10)
        #expect(allows(["highway": "steps"], .cycle) == nil)
        #expect(allows(["highway": "proposed"], .walk) == nil)
        #expect(allows(["highway": "pedestrian", "area": "yes"], .walk) == nil)
        #expect(allows(["building": "yes"], .walk) == nil)
    }

    @Test func accessTags() {
        let privateService = ["highway": "service", "access": "private"]
        #expect(allows(privateService, .walk) == nil)
        #expect(allows(privateService, .car) == nil)
        #expect(allows(privateService.merging(["foot": "yes"]) { $1 }, .walk)! == (true, true))
        #expect(allows(privateService.merging(["foot": "yes"]) { $1 }, .car) == nil)
        #expect(allows(["highway": "residential", "bicycle": "dismount"], .cycle) == nil)
        #expect(allows(["highway": "residential", "motor_vehicle": "no"], .car) == nil)
        #expect(allows(["highway": "residential", "motor_vehicle": "no"], .walk)! == (true, true))
        #expect(allows(["highway": "residential", "access": "destination"], .car)! == (true, true))
        // The most specific tag decides: motorcar=yes over access=no.
        #expect(allows(["highway": "residential", "access": "no", "motorcar": "yes"], .car)! == (true, true))
        #expect(allows(["highway": "residential", "vehicle": "no"], .cycle) == nil)
        #expect(allows(["highway": "residential", "access": "discouraged"], .car)! == (true, true))
    }

    @Test func oneway() {
        #expect(allows(["highway": "residential", "oneway": "yes"], .car)! == (true, false))
        #expect(allows(["highway": "residential", "oneway": "yes"], .walk)! == (true, true))
        #expect(allows(["highway": "residential", "oneway": "-1"], .car)! == (false, true))
        #expect(allows(["highway": "residential", "junction": "roundabout"], .cycle)! == (true, false))
        #expect(allows(["highway": "residential", "oneway": "yes", "oneway:bicycle": "no"], .cycle)! == (true, true))
        #expect(allows(["highway": "residential", "oneway": "yes", "cycleway": "opposite_lane"], .cycle)! == (true, true))
        #expect(allows(["highway": "residential", "oneway": "yes", "cycleway": "opposite_lane"], .car)! == (true, false))
        #expect(allows(["highway": "residential", "oneway": "reversible"], .car) == nil)
    }

    @Test func speeds() {
        #expect(profile.permission(["highway": "residential"], mode: .walk)!.speedKmh == 4.8)
        #expect(profile.permission(["highway": "residential"], mode: .cycle)!.speedKmh == 16)
        #expect(profile.permission(["highway": "residential"], mode: .car)!.speedKmh == 32)
        #expect(profile.permission(["highway": "primary", "maxspeed": "30 mph"], mode: .car)!.speedKmh == 30 * 1.609344)
        #expect(profile.permission(["highway": "primary", "maxspeed": "none"], mode: .car)!.speedKmh == 80)
        #expect(RoadProfile.parseMaxspeed("50") == 50)
        #expect(RoadProfile.parseMaxspeed("20mph") == 20 * 1.609344)
        #expect(RoadProfile.parseMaxspeed("GB:nsl_single") == 60 * 1.609344)
        #expect(RoadProfile.parseMaxspeed("UK:nsl_dual") == 70 * 1.609344)
        #expect(RoadProfile.parseMaxspeed("GB:motorway") == 70 * 1.609344)
        #expect(RoadProfile.parseMaxspeed("30;40") == 30)
        #expect(RoadProfile.parseMaxspeed("48 km/h") == 48)
        #expect(RoadProfile.parseMaxspeed("walk") == 5)
        #expect(RoadProfile.parseMaxspeed("signals") == nil)
        #expect(RoadProfile.parseMaxspeed("-5") == nil)
    }
}
