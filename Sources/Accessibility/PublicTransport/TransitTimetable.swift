import GeoData
import GeoPrimitives

/// The trips of one or more GTFS feeds that run in a time range of one service date, laid out for RAPTOR
/// (Delling, Pajor, Werneck 2012) as flat arrays of dense ids.
///
/// Stops of all feeds are numbered together (feed by feed, in each feed's stop order); stops of different feeds
/// are never merged by id, only linked by walking. Trips with the same stop sequence (and the same stops where
/// boarding is allowed) form a *pattern*; within a pattern trips are sorted by departure and none overtakes
/// another, so the first trip that can be boarded at a stop is also the first to reach every later stop. Trips
/// that would overtake are put in a pattern of their own. Times are seconds after midnight of the service date;
/// the previous day's trips past 24:00 appear shifted by −24 h, and headway-based trips once per run.
public struct TransitTimetable: Sendable {
    public let stopCount: Int
    /// Stop positions in the working CRS (metres); nil where the feed gives none (such a stop is reached only by
    /// riding to it).
    public let stopXY: [XY?]
    /// "feed path: stop_id", for messages.
    public let stopLabel: [String]

    /// Pattern p calls at `patternStops[patternStopFirst[p] ..< patternStopFirst[p + 1]]`.
    public let patternStopFirst: [UInt32]
    public let patternStops: [UInt32]
    /// Pattern p's trips are `patternTripFirst[p] ..< patternTripFirst[p + 1]`, sorted by departure.
    public let patternTripFirst: [UInt32]
    /// Trip k's time at the i-th stop of its pattern is at `tripTimeFirst[k] + i` in `arrivals` / `departures`.
    public let tripTimeFirst: [UInt32]
    public let arrivals: [Int32]
    public let departures: [Int32]
    /// Whether a passenger may board at the i-th stop of pattern p: `canBoard[patternStopFirst[p] + i]`
    /// (GTFS pickup_type 1 forbids it).
    public let canBoard: [Bool]
    /// Whether a passenger may alight there (GTFS drop_off_type 1 forbids it), indexed like `canBoard`.
    public let canAlight: [Bool]
    /// The patterns calling at stop s: `stopPatterns[stopPatternFirst[s] ..< stopPatternFirst[s + 1]]`, with the
    /// stop's position in each pattern in `stopPatternPosition`.
    public let stopPatternFirst: [UInt32]
    public let stopPatterns: [UInt32]
    public let stopPatternPosition: [UInt32]

    /// Each trip run's route, an index into `routeNames` (the routes of all feeds, feed by feed).
    public let tripRoute: [UInt32]
    /// "short name" of each route, else its long name or id (`GTFSFeed.routeNames`), for journey breakdowns.
    public let routeNames: [String]

    public var patternCount: Int { patternStopFirst.count - 1 }
    public var tripCount: Int { tripTimeFirst.count }

    /// One GTFS feed with its stops placed in the working CRS.
    public struct Source: Sendable {
        public var feed: GTFSFeed
        public var positions: [XY?]

        public init(feed: GTFSFeed, positions: [XY?]) {
            self.feed = feed
            self.positions = positions
        }
    }

    /// The trip runs of `sources` on `date` with a stop time in `rangeSeconds` (seconds after midnight of `date`).
    public init(sources: [Source], date: ServiceDate, rangeSeconds: ClosedRange<Int>) {
        var stopXY: [XY?] = [], stopLabel: [String] = []
        var offsets: [Int] = [], routeOffsets: [Int] = [], routeNames: [String] = []
        for source in sources {
            offsets.append(stopXY.count)
            routeOffsets.append(routeNames.count)
            routeNames += source.feed.routeNames
            stopXY += source.positions
            stopLabel += (0..<source.feed.stopCount).map { "\(source.feed.path): \(source.feed.stopIDs.key($0))" }
        }
        self.stopCount = stopXY.count
        self.stopXY = stopXY
        self.stopLabel = stopLabel
        self.routeNames = routeNames

        // Group the runs by pattern key: the stop sequence, with bit 31 set where boarding is not allowed and bit 30
        // where alighting is not.
        struct Run { var feed: Int; var trip: Int; var delta: Int }
        var patternOf: [[UInt32]: Int] = [:]
        var keys: [[UInt32]] = []
        var runs: [[Run]] = []
        for (f, source) in sources.enumerated() {
            let feed = source.feed
            feed.forEachTripInstance(on: date) { t, delta in
                let first = Int(feed.tripFirst[t]), end = Int(feed.tripFirst[t + 1])
                guard Int(feed.departureSeconds[first]) + delta <= rangeSeconds.upperBound,
                      Int(feed.arrivalSeconds[end - 1]) + delta >= rangeSeconds.lowerBound else { return }
                let key = (first..<end).map { k in
                    UInt32(offsets[f] + Int(feed.stopTimeStop[k])) | (feed.pickupAllowed[k] ? 0 : 0x8000_0000)
                        | (feed.dropOffAllowed[k] ? 0 : 0x4000_0000)
                }
                let p: Int
                if let known = patternOf[key] {
                    p = known
                } else {
                    p = keys.count
                    patternOf[key] = p
                    keys.append(key)
                    runs.append([])
                }
                runs[p].append(Run(feed: f, trip: t, delta: delta))
            }
        }

        var patternStopFirst: [UInt32] = [0], patternStops: [UInt32] = [], canBoard: [Bool] = [], canAlight: [Bool] = []
        var patternTripFirst: [UInt32] = [0], tripTimeFirst: [UInt32] = []
        var arrivals: [Int32] = [], departures: [Int32] = [], tripRoute: [UInt32] = []
        for (p, key) in keys.enumerated() {
            let length = key.count
            // Each run's times on the date's clock.
            let times: [(arr: [Int32], dep: [Int32])] = runs[p].map { run in
                let feed = sources[run.feed].feed
                let first = Int(feed.tripFirst[run.trip])
                return ((0..<length).map { Int32(Int(feed.arrivalSeconds[first + $0]) + run.delta) },
                        (0..<length).map { Int32(Int(feed.departureSeconds[first + $0]) + run.delta) })
            }
            let order = times.indices.sorted { a, b in
                (times[a].dep[0], times[a].arr[length - 1], a) < (times[b].dep[0], times[b].arr[length - 1], b)
            }
            // Split so that no trip overtakes another within a pattern: each run joins the first group whose last
            // run it is never earlier than, at any stop.
            var groups: [[Int]] = []
            for r in order {
                if let g = groups.firstIndex(where: { group in
                    let last = times[group[group.count - 1]]
                    return (0..<length).allSatisfy { times[r].dep[$0] >= last.dep[$0] && times[r].arr[$0] >= last.arr[$0] }
                }) {
                    groups[g].append(r)
                } else {
                    groups.append([r])
                }
            }
            for group in groups {
                for stop in key {
                    patternStops.append(stop & 0x3FFF_FFFF)
                    canBoard.append(stop & 0x8000_0000 == 0)
                    canAlight.append(stop & 0x4000_0000 == 0)
                }
                patternStopFirst.append(UInt32(patternStops.count))
                for r in group {
                    tripTimeFirst.append(UInt32(arrivals.count))
                    let run = runs[p][r]
                    tripRoute.append(UInt32(routeOffsets[run.feed] + Int(sources[run.feed].feed.tripRoute[run.trip])))
                    arrivals += times[r].arr
                    departures += times[r].dep
                }
                patternTripFirst.append(UInt32(tripTimeFirst.count))
            }
        }
        self.patternStopFirst = patternStopFirst
        self.patternStops = patternStops
        self.canBoard = canBoard
        self.canAlight = canAlight
        self.patternTripFirst = patternTripFirst
        self.tripTimeFirst = tripTimeFirst
        self.arrivals = arrivals
        self.departures = departures
        self.tripRoute = tripRoute

        // Stop → (pattern, position), by counting sort.
        var first = [UInt32](repeating: 0, count: stopCount + 1)
        for s in patternStops { first[Int(s) + 1] += 1 }
        for s in 0..<stopCount { first[s + 1] += first[s] }
        var next = first
        var stopPatterns = [UInt32](repeating: 0, count: patternStops.count)
        var stopPatternPosition = [UInt32](repeating: 0, count: patternStops.count)
        for p in 0..<(patternStopFirst.count - 1) {
            let base = Int(patternStopFirst[p])
            for i in base..<Int(patternStopFirst[p + 1]) {
                let s = Int(patternStops[i])
                stopPatterns[Int(next[s])] = UInt32(p)
                stopPatternPosition[Int(next[s])] = UInt32(i - base)
                next[s] += 1
            }
        }
        self.stopPatternFirst = first
        self.stopPatterns = stopPatterns
        self.stopPatternPosition = stopPatternPosition
    }
}
