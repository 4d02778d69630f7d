/// Footpaths between stops, in seconds, as compressed sparse rows: stop s reaches `target[first[s] ..< first[s + 1]]`
/// on foot in the matching `seconds`. Computed once per study from the walking graph.
public struct StopTransfers: Sendable {
    public let first: [UInt32]
    public let target: [UInt32]
    public let seconds: [Int32]

    /// From (from, to, seconds) triples; the order of the triples does not matter.
    public init(stopCount: Int, links: [(from: UInt32, to: UInt32, seconds: Int32)]) {
        var first = [UInt32](repeating: 0, count: stopCount + 1)
        for link in links { first[Int(link.from) + 1] += 1 }
        for s in 0..<stopCount { first[s + 1] += first[s] }
        var next = first
        var target = [UInt32](repeating: 0, count: links.count)
        var seconds = [Int32](repeating: 0, count: links.count)
        for link in links {
            let at = Int(next[Int(link.from)])
            target[at] = link.to
            seconds[at] = link.seconds
            next[Int(link.from)] += 1
        }
        self.first = first
        self.target = target
        self.seconds = seconds
    }

    /// No footpaths at all.
    public static func none(stopCount: Int) -> StopTransfers { StopTransfers(stopCount: stopCount, links: []) }
}

/// Earliest arrival at every stop by RAPTOR (Delling, Pajor, Werneck 2012): round k finds the best arrivals with
/// at most k vehicles, scanning each pattern once from the first stop improved in the round before, then walking
/// one footpath from each stop improved. One search object per thread over a shared timetable; its arrays are
/// reused between searches.
///
/// Rules: a vehicle is boarded at a stop where boarding is allowed and left where alighting is, at a departure no earlier than the arrival
/// there in the previous round (no minimum change time: the same second connects); a footpath follows a ride,
/// never the access walk or another footpath.
public struct RaptorSearch: Sendable {
    /// No arrival.
    public static let unreachable = Int32.max

    public let timetable: TransitTimetable
    public let transfers: StopTransfers
    /// At most this many vehicles in one journey.
    public let maxRides: Int

    /// Best arrival at each stop over all rounds of the last search (`unreachable` where none).
    public private(set) var arrival: [Int32]
    /// Rides used by that best arrival (0 for the access walk).
    public private(set) var rides: [UInt8]
    private var previous: [Int32]
    private var current: [Int32]
    private var markedStops: [Bool]
    private var patternFrom: [Int32]

    public init(timetable: TransitTimetable, transfers: StopTransfers, maxRides: Int = 8) {
        self.timetable = timetable
        self.transfers = transfers
        self.maxRides = maxRides
        arrival = [Int32](repeating: Self.unreachable, count: timetable.stopCount)
        rides = [UInt8](repeating: 0, count: timetable.stopCount)
        previous = arrival
        current = arrival
        markedStops = [Bool](repeating: false, count: timetable.stopCount)
        patternFrom = [Int32](repeating: -1, count: timetable.patternCount)
    }

    /// Earliest arrival at every stop from `access` (stops reached by walking from the origin, and when), ignoring
    /// any arrival later than `latestArrival`. Results in `arrival` and `rides`.
    public mutating func run(access: [(stop: UInt32, arrival: Int32)], latestArrival: Int32 = unreachable - 1) {
        let n = timetable.stopCount
        for s in 0..<n {
            arrival[s] = Self.unreachable
            previous[s] = Self.unreachable
            rides[s] = 0
            markedStops[s] = false
        }
        var marked: [Int] = []
        for (stop, time) in access where time <= latestArrival && time < arrival[Int(stop)] {
            let s = Int(stop)
            if !markedStops[s] { markedStops[s] = true; marked.append(s) }
            arrival[s] = time
            previous[s] = time
        }
        var round = 0
        while !marked.isEmpty && round < maxRides {
            round += 1
            current = previous
            // The patterns through the stops improved last round, each from its earliest such stop.
            var patterns: [Int] = []
            for s in marked {
                markedStops[s] = false
                for k in Int(timetable.stopPatternFirst[s])..<Int(timetable.stopPatternFirst[s + 1]) {
                    let p = Int(timetable.stopPatterns[k]), position = Int32(timetable.stopPatternPosition[k])
                    if patternFrom[p] < 0 { patterns.append(p); patternFrom[p] = position } else if position < patternFrom[p] { patternFrom[p] = position }
                }
            }
            var improved: [Int] = []
            for p in patterns {
                let from = Int(patternFrom[p])
                patternFrom[p] = -1
                let stopBase = Int(timetable.patternStopFirst[p]), length = Int(timetable.patternStopFirst[p + 1]) - stopBase
                let tripRange = Int(timetable.patternTripFirst[p])..<Int(timetable.patternTripFirst[p + 1])
                var trip = -1
                for i in from..<length {
                    let s = Int(timetable.patternStops[stopBase + i])
                    if trip >= 0, timetable.canAlight[stopBase + i] {
                        let time = timetable.arrivals[Int(timetable.tripTimeFirst[trip]) + i]
                        // Target pruning by the best arrival so far at this stop.
                        if time < arrival[s] && time <= latestArrival {
                            arrival[s] = time
                            current[s] = time
                            rides[s] = UInt8(round)
                            if !markedStops[s] { markedStops[s] = true; improved.append(s) }
                        }
                    }
                    // Catch an earlier trip here if the previous round arrived in time for it.
                    let ready = previous[s]
                    guard ready != Self.unreachable, timetable.canBoard[stopBase + i] else { continue }
                    if trip >= 0, timetable.departures[Int(timetable.tripTimeFirst[trip]) + i] <= ready { continue }
                    if let earlier = earliestTrip(in: tripRange, at: i, notBefore: ready, before: trip) { trip = earlier }
                }
            }
            // One footpath from each stop improved by a ride this round.
            let ridden = improved
            for s in ridden {
                let time = current[s]
                for k in Int(transfers.first[s])..<Int(transfers.first[s + 1]) {
                    let t = Int(transfers.target[k])
                    let walked = time + transfers.seconds[k]
                    if walked < arrival[t] && walked <= latestArrival {
                        arrival[t] = walked
                        current[t] = walked
                        rides[t] = UInt8(round)
                        if !markedStops[t] { markedStops[t] = true; improved.append(t) }
                    }
                }
            }
            marked = improved
            swap(&previous, &current)
        }
        for s in marked { markedStops[s] = false }
    }

    /// The first trip of `trips` departing position `i` at or after `time`, if it is earlier than `before`
    /// (-1: any). Trips of a pattern never overtake, so their departures at every position are sorted.
    private func earliestTrip(in trips: Range<Int>, at i: Int, notBefore time: Int32, before: Int) -> Int? {
        var low = trips.lowerBound, high = before >= 0 ? before : trips.upperBound
        while low < high {
            let mid = (low + high) / 2
            if timetable.departures[Int(timetable.tripTimeFirst[mid]) + i] < time { low = mid + 1 } else { high = mid }
        }
        return low < (before >= 0 ? before : trips.upperBound) ? low : nil
    }
}
