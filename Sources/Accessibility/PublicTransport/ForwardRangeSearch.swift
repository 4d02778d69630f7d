/// Travel time by public transport and walking from one point to each of many targets (services) for every
/// departure minute of a window, by range RAPTOR (Delling, Pajor, Werneck 2012): departure minutes run from the
/// last to the first and the earliest-arrival labels are kept between them, since leaving earlier never arrives
/// later. Used for a zone's typical origin (services within t, the JTS origin indicator) and for isochrones; it
/// is also the independent forward check of `ReverseProfileSearch` in the tests.
///
/// Journeys as `ReverseProfileSearch`: access walk → ride → (same stop, or one footpath → ride)* → egress walk.
public struct ForwardRangeSearch: Sendable {
    public let timetable: TransitTimetable
    public let transfers: StopTransfers
    /// From each stop, the targets within the maximum walk and the walk (whole seconds).
    public let egress: StopPointWalks

    /// Earliest time ready to board at each stop (after the access walk, a footpath, or alighting there), and
    /// earliest arrival there by vehicle, after the last `run` (its first departure minute).
    public private(set) var ready: [Int32]
    public private(set) var arrived: [Int32]
    private var isMarked: [Bool]
    private var patternFrom: [Int32]
    private var touchedStops: [Int] = []

    public static let unreached = Int32.max

    public init(timetable: TransitTimetable, transfers: StopTransfers, egress: StopPointWalks) {
        self.timetable = timetable
        self.transfers = transfers
        self.egress = egress
        ready = [Int32](repeating: Self.unreached, count: timetable.stopCount)
        arrived = ready
        isMarked = [Bool](repeating: false, count: timetable.stopCount)
        patternFrom = [Int32](repeating: -1, count: timetable.patternCount)
    }

    /// Whole minutes from the point to each target it reaches within `limitSeconds`, per departure minute:
    /// `times[target]` holds `minutes.count` values (`WindowTimes.none`: not within the limit at that minute).
    /// `access`: stops within the maximum walk of the point; `directWalk`: whole seconds on foot straight to each
    /// target (a candidate at every minute), only for targets it reaches.
    public mutating func run(access: [(stop: UInt32, seconds: Int32)], directWalk: [(target: Int, seconds: Int32)],
                             minutes: DepartureMinutes, limitSeconds: Int32) -> [Int: [UInt8]] {
        for s in touchedStops {
            ready[s] = Self.unreached
            arrived[s] = Self.unreached
        }
        touchedStops.removeAll(keepingCapacity: true)
        let tt = timetable
        let k = minutes.count
        var best: [Int: Int32] = [:]
        var times: [Int: [UInt8]] = [:]
        func touch(_ s: Int) { if ready[s] == Self.unreached && arrived[s] == Self.unreached { touchedStops.append(s) } }
        for m in stride(from: k - 1, through: 0, by: -1) {
            let departure = minutes.departure(m)
            let bound = departure + limitSeconds
            var marked: [Int] = []
            for (stop, walk) in access {
                let s = Int(stop), time = departure + walk
                if time <= bound, time < ready[s] {
                    touch(s)
                    ready[s] = time
                    if !isMarked[s] { isMarked[s] = true; marked.append(s) }
                }
            }
            while !marked.isEmpty {
                var patterns: [Int] = []
                for s in marked {
                    isMarked[s] = false
                    for e in Int(tt.stopPatternFirst[s])..<Int(tt.stopPatternFirst[s + 1]) {
                        let p = Int(tt.stopPatterns[e]), position = Int32(tt.stopPatternPosition[e])
                        if patternFrom[p] < 0 { patterns.append(p); patternFrom[p] = position } else if position < patternFrom[p] { patternFrom[p] = position }
                    }
                }
                var alighted: [Int] = []
                for p in patterns {
                    let from = Int(patternFrom[p])
                    patternFrom[p] = -1
                    let base = Int(tt.patternStopFirst[p]), length = Int(tt.patternStopFirst[p + 1]) - base
                    let firstTrip = Int(tt.patternTripFirst[p]), endTrip = Int(tt.patternTripFirst[p + 1])
                    var trip = -1
                    for i in from..<length {
                        let u = Int(tt.patternStops[base + i])
                        if trip >= 0, tt.canAlight[base + i] {
                            let time = tt.arrivals[Int(tt.tripTimeFirst[trip]) + i]
                            if time <= bound, time < arrived[u] {
                                touch(u)
                                arrived[u] = time
                                if !isMarked[u] { isMarked[u] = true; alighted.append(u) }
                            }
                        }
                        let time = ready[u]
                        guard time <= bound, tt.canBoard[base + i] else { continue }
                        // The earliest trip (before `trip`) departing here at or after `time`.
                        var low = firstTrip, high = trip >= 0 ? trip : endTrip
                        while low < high {
                            let mid = (low + high) / 2
                            if tt.departures[Int(tt.tripTimeFirst[mid]) + i] < time { low = mid + 1 } else { high = mid }
                        }
                        if low < (trip >= 0 ? trip : endTrip) { trip = low }
                    }
                }
                marked.removeAll(keepingCapacity: true)
                for u in alighted { isMarked[u] = false }
                for u in alighted {
                    let time = arrived[u]
                    for e in Int(egress.first[u])..<Int(egress.first[u + 1]) {
                        let target = Int(egress.point[e]), at = time + egress.seconds[e]
                        if at < best[target] ?? Self.unreached { best[target] = at }
                    }
                    if time < ready[u] {
                        ready[u] = time
                        if !isMarked[u] { isMarked[u] = true; marked.append(u) }
                    }
                    for e in Int(transfers.first[u])..<Int(transfers.first[u + 1]) {
                        let t = Int(transfers.target[e]), at = time + transfers.seconds[e]
                        if at <= bound, at < ready[t] {
                            touch(t)
                            ready[t] = at
                            if !isMarked[t] { isMarked[t] = true; marked.append(t) }
                        }
                    }
                }
            }
            for (target, arrival) in best where arrival - departure <= limitSeconds {
                let value = UInt8(clamping: (Int(arrival - departure) + 59) / 60)
                times[target, default: [UInt8](repeating: WindowTimes.none, count: k)][m] = value
            }
        }
        for (target, walk) in directWalk where walk <= limitSeconds {
            let value = UInt8(clamping: (Int(walk) + 59) / 60)
            var row = times[target] ?? [UInt8](repeating: WindowTimes.none, count: k)
            for m in 0..<k where value < row[m] { row[m] = value }
            times[target] = row
        }
        return times
    }
}
