import GeoPrimitives
import Testing
@testable import Accessibility

/// `JourneySearch` on the hand-built feeds of fixtures/raptor: journeys worked by hand from the README's timetables
/// and distances, then every origin and minute of `RaptorFixtureTests.reverseEqualsForward`'s network, where the
/// journey walked back must round up to the reverse search's minutes and its parts must chain in time.
struct JourneySearchTests {
    typealias Fixture = RaptorFixtureTests

    /// The W1 → S1 case of `RaptorFixtureTests.doorToDoorByHand` (origin at W1, the service at S1, straight-line
    /// walks at 4.8 km/h rounded up; the README's `transfer/` tables).
    func transferCase() throws -> (timetable: TransitTimetable, transfers: StopTransfers, ids: [String: UInt32], egress: [Int32?], walk: Int32) {
        let (sources, ids) = try Fixture.sources(["transfer"])
        let timetable = TransitTimetable(sources: sources, date: Fixture.tuesday, rangeSeconds: 6 * 3600...10 * 3600)
        let w1 = timetable.stopXY[Int(ids["transfer/W1"]!)]!, s1 = timetable.stopXY[Int(ids["transfer/S1"]!)]!
        let egressWalks = Fixture.straightWalks(timetable, to: [s1], maxSeconds: 900)
        let egress: [Int32?] = (0..<timetable.stopCount).map { s in
            let range = Int(egressWalks.first[s])..<Int(egressWalks.first[s + 1])
            return range.isEmpty ? nil : egressWalks.seconds[range.lowerBound]
        }
        return (timetable, Fixture.straightTransfers(timetable), ids, egress, Int32((Fixture.distance(w1, s1) / Fixture.walkSpeed).rounded(.up)))
    }

    /// Leaving W1 at 07:20:00: wait 60 s for R2_0721 (W1 07:21:00), ride 420 s to Q (07:28:00), walk 113 s to P
    /// (150 m at 4.8 km/h = 112.5 s, rounded up; 07:29:53), wait 7 s for R1_0720 (P 07:30:00), ride 240 s to S1
    /// (07:34:00), where the service is (0 s). 60 + 420 + 113 + 7 + 240 = 840 s = 14 min, the reverse search's 14.
    @Test func twoRidesByHand() throws {
        let c = try transferCase()
        var search = JourneySearch(timetable: c.timetable, transfers: c.transfers)
        let w1 = c.ids["transfer/W1"]!
        let foundLegs = search.earliest(departure: 7 * 3600 + 20 * 60, access: [(w1, 0)], egress: c.egress,
                                                directWalk: c.walk, maxTripSeconds: 3600)
        let legs = try #require(foundLegs)
        #expect(legs.accessWalk == 0)
        #expect(legs.initialWait == 60)
        #expect(legs.inVehicle == 420 + 240)
        #expect(legs.transferWalk == 113)
        #expect(legs.transferWait == 7)
        #expect(legs.egressWalk == 0)
        #expect(legs.total == 840)
        #expect(legs.rides.map { c.timetable.routeNames[Int($0.route)] } == ["R2", "R1"])
        #expect(legs.rides.map(\.boardStop) == [w1, c.ids["transfer/P"]!])
        #expect(legs.rides.map(\.alightStop) == [c.ids["transfer/Q"]!, c.ids["transfer/S1"]!])
        let boarded: [Int32] = [26_460, 27_000]   // 07:21:00, 07:30:00
        #expect(legs.rides.map(\.boardSeconds) == boarded)
        #expect(legs.rides.map(\.walkBefore) == [0, 113])
        #expect(legs.rides.map(\.waitBefore) == [60, 7])
    }

    /// Leaving W1 at 07:22:00: R2_0721 has gone; R2_0731 leaves 07:31:00 (wait 540 s), reaches Q 07:38:00 (420 s),
    /// then the 759 s walk from Q to S1 (1011.2 m): 1,719 s, which the reverse search rounds up to 29 min. R1_0740
    /// (S1 07:54:00, 1,920 s) and walking all the way (1,807 s) are slower.
    @Test func oneRideAndAWalkOnByHand() throws {
        let c = try transferCase()
        var search = JourneySearch(timetable: c.timetable, transfers: c.transfers)
        let foundLegs = search.earliest(departure: 7 * 3600 + 22 * 60, access: [(c.ids["transfer/W1"]!, 0)], egress: c.egress,
                                                directWalk: c.walk, maxTripSeconds: 3600)
        let legs = try #require(foundLegs)
        let parts: [Int32] = [legs.accessWalk, legs.initialWait, legs.inVehicle, legs.transferWalk, legs.transferWait, legs.egressWalk]
        #expect(parts == [0, 540, 420, 0, 0, 759])
        #expect(legs.total == 1719)
        #expect(legs.rides.count == 1)
        #expect(legs.rides[0].alightStop == c.ids["transfer/Q"]!)
    }

    /// Leaving at 07:45:00 the next R2 from W1 is 07:51:00 (Q 07:58:00 + 759 s = 08:10:39, 1,539 s); walking takes
    /// 1,807 s. With a 25 min (1,500 s) maximum trip neither is within it: nil. Leaving at 09:00:00 no trip is left
    /// that day (the last R2 leaves W1 08:11): walking, 1,807 s, is the journey, on foot only.
    @Test func limitsAndWalkingOnly() throws {
        let c = try transferCase()
        var search = JourneySearch(timetable: c.timetable, transfers: c.transfers)
        let w1 = c.ids["transfer/W1"]!
        let beyond = search.earliest(departure: 7 * 3600 + 45 * 60, access: [(w1, 0)], egress: c.egress, directWalk: c.walk, maxTripSeconds: 1500)
        #expect(beyond == nil)
        let foundLate = search.earliest(departure: 7 * 3600 + 45 * 60, access: [(w1, 0)], egress: c.egress, directWalk: c.walk, maxTripSeconds: 3600)
        let late = try #require(foundLate)
        #expect(late.total == 1539)
        let foundWalking = search.earliest(departure: 9 * 3600, access: [(w1, 0)], egress: c.egress, directWalk: c.walk, maxTripSeconds: 3600)
        let walking = try #require(foundWalking)
        #expect(walking.rides.isEmpty)
        #expect(walking.accessWalk == 1807)
        #expect(walking.total == 1807)
    }

    /// Every origin and departure minute of the five-feed network of `reverseEqualsForward` (both windows): the
    /// journey's total rounds up to the reverse search's minute; rides chain (each boarded no earlier than the walk
    /// after the last, times along the ride increasing); the access walk is the origin's walk to its first stop
    /// and the egress the stop's walk to the service; with no journey, the reverse search has none either. One
    /// search object serves every query, so leftovers from earlier searches would show.
    @Test(arguments: [(6 * 3600 + 50 * 60, 8 * 3600 + 40 * 60, 3600), (23 * 3600 + 30 * 60, 24 * 3600 + 45 * 60, 5400)])
    func everyJourneyAgreesWithTheReverseSearch(window: (start: Int, end: Int, maxTrip: Int)) throws {
        let (sources, ids) = try Fixture.sources(Fixture.feedNames)
        let minutes = DepartureMinutes(startSeconds: window.start, endSeconds: window.end, maxTripSeconds: window.maxTrip)
        let timetable = TransitTimetable(sources: sources, date: Fixture.tuesday, rangeSeconds: Int(minutes.startSeconds)...Int(minutes.horizonEnd))
        let stops = timetable.stopXY.map { $0! }
        var origins = stops.map { XY($0.x, $0.y + 60) }
        for pair in [("single_line/A1", "single_line/A4"), ("transfer/N1", "transfer/S1"), ("transfer/W1", "transfer/E1")] {
            let a = stops[Int(ids[pair.0]!)], b = stops[Int(ids[pair.1]!)]
            origins.append(XY((a.x + b.x) / 2, (a.y + b.y) / 2))
        }
        let services = ["single_line/A4", "transfer/S1", "transfer/E1", "overtaking/O4", "past_midnight/M4", "calendar_exception/C3"]
            .map { stops[Int(ids[$0]!)] }.map { XY($0.x + 40, $0.y) }
        let transfers = Fixture.straightTransfers(timetable)
        let access = Fixture.straightWalks(timetable, to: origins, maxSeconds: 900)
        let toServices = Fixture.straightWalks(timetable, to: services, maxSeconds: 900)
        let egress: [Int32?] = (0..<timetable.stopCount).map { s in toServices.seconds[Int(toServices.first[s])..<Int(toServices.first[s + 1])].min() }
        let walks: [Int32] = origins.map { o in services.map { Int32((Fixture.distance(o, $0) / Fixture.walkSpeed).rounded(.up)) }.min()! }
        let reverse = ReverseProfileSearch(timetable: timetable, transfers: transfers, access: access, minutes: minutes).run(egress: egress, directWalk: walks)
        let byOrigin = PointStopWalks(access)
        var search = JourneySearch(timetable: timetable, transfers: transfers)
        var journeys = 0, byTransit = 0
        for o in origins.indices {
            let own = byOrigin.walks(of: o)
            let accessOf = Dictionary(uniqueKeysWithValues: own.map { (Int($0.stop), $0.seconds) })
            for m in 0..<minutes.count {
                let expected = reverse[o * minutes.count + m]
                let d = minutes.departure(m)
                guard let legs = search.earliest(departure: d, access: own, egress: egress, directWalk: walks[o], maxTripSeconds: minutes.maxTripSeconds) else {
                    #expect(expected == WindowTimes.none, "origin \(o) minute \(m)")
                    continue
                }
                journeys += 1
                #expect((Int(legs.total) + 59) / 60 == Int(expected), "origin \(o) minute \(m)")
                #expect(legs.departure == d)
                guard let first = legs.rides.first, let last = legs.rides.last else {
                    #expect(legs.accessWalk == walks[o] && legs.total == walks[o])
                    continue
                }
                byTransit += 1
                #expect(legs.accessWalk == accessOf[Int(first.boardStop)])
                #expect(legs.egressWalk == egress[Int(last.alightStop)])
                var clock = d
                for ride in legs.rides {
                    #expect(ride.walkBefore >= 0 && ride.waitBefore >= 0)
                    clock += ride.walkBefore + ride.waitBefore
                    #expect(clock == ride.boardSeconds, "origin \(o) minute \(m)")
                    #expect(ride.alightSeconds > ride.boardSeconds)
                    clock = ride.alightSeconds
                }
                #expect(clock + legs.egressWalk == legs.arrival)
            }
        }
        #expect(journeys > 100)
        #expect(byTransit > 10)   // not vacuous: many journeys ride (two rides: twoRidesByHand)
    }
}
