/// Travel time by public transport and walking from every origin to the nearest service of one category, for
/// every departure minute of a window, by one search backwards in time from the services (docs/raptor.md, "The
/// reverse profile search, one per category").
///
/// For a deadline A the search finds, for every stop, the latest time one can board there and still reach a
/// service by A (RAPTOR rounds run backwards: patterns are scanned from their last stop, a trip is caught at
/// the latest arrival no later than the stop's label). Deadlines run every minute in increasing order and the
/// labels are kept between them, as range RAPTOR keeps them between departure minutes (Delling, Pajor, Werneck
/// 2012), because the latest departure never falls as the deadline grows. An origin's departure minute d is
/// settled by the first deadline whose latest departure from the origin is at or after d: that deadline is
/// exactly d + 60·⌈(earliest arrival − d)/60⌉, so the result is whole minutes rounded up, with no approximation.
///
/// Journeys: access walk → ride → (same stop, or one footpath → ride)* → egress walk; walks never chain. No limit
/// on rides. Cost grows with deadlines × the network, not with origins.
public struct ReverseProfileSearch: Sendable {
    public let timetable: TransitTimetable
    public let transfers: StopTransfers
    public let minutes: DepartureMinutes
    /// Origins within the maximum walk of each stop (CSR by stop), whole seconds.
    public let access: StopPointWalks

    public init(timetable: TransitTimetable, transfers: StopTransfers, access: StopPointWalks, minutes: DepartureMinutes) {
        self.timetable = timetable
        self.transfers = transfers
        self.access = access
        self.minutes = minutes
    }

    static let none = Int32.min

    /// Whole minutes per origin and departure minute: `result[o * minutes.count + k]`, `WindowTimes.none` when no
    /// service is reached within the maximum trip. `egress[s]`: walk from stop s to the nearest service (whole
    /// seconds; nil: none within the maximum walk). `directWalk[o]`: the walk from origin o straight to the
    /// nearest service (nil: none), a candidate at every minute. `within`, when given, keeps every label to the
    /// stops it marks: the times are then exact for every origin none of whose journeys within the maximum trip
    /// leaves those stops (a scenario's affected origins), and no better than the truth for any other.
    public func run(egress: [Int32?], directWalk: [Int32?], within: [Bool]? = nil) -> [UInt8] {
        let originCount = access.pointCount, k = minutes.count
        var result = [UInt8](repeating: WindowTimes.none, count: originCount * k)
        var covered = [Int32](repeating: minutes.startSeconds - 1, count: originCount)
        sweep(from: minutes.startSeconds, through: minutes.horizonEnd, earliest: minutes.startSeconds, egress: egress, within: within) { deadline, touched, latest in
            for o in touched {
                guard latest[o] > covered[o] else { continue }
                // Departure minutes in (covered, latest] are first met by this deadline.
                let from = max(0, Int((Int64(covered[o]) - Int64(minutes.startSeconds)).floorDiv(60) + 1))
                let last = min(k - 1, Int((Int64(latest[o]) - Int64(minutes.startSeconds)).floorDiv(60)))
                if from <= last {
                    for m in from...last {
                        if let value = minutes.minutes(deadline - minutes.departure(m)) { result[o * k + m] = value }
                    }
                }
                covered[o] = latest[o]
            }
        }
        // Walking straight to the service.
        for o in 0..<originCount {
            guard let walk = directWalk[o], let value = minutes.minutes(walk) else { continue }
            for m in 0..<k where value < result[o * k + m] { result[o * k + m] = value }
        }
        return result
    }

    /// Arrive-by: for each deadline of `deadlines` (every minute of an arrival window, each a "be there by"), whole
    /// minutes from the latest departure from origin o that still reaches a service by the deadline to the
    /// deadline: `result[o * deadlines.count + j]`, `WindowTimes.none` when none within the maximum trip. The same
    /// backward sweep as `run`, the deadlines being its own: the cost of a depart-at search of the same window.
    /// `latest`, when given, receives per origin the latest departure (seconds after midnight) for the first
    /// deadline, `Int32.min` when none (walking straight there counts: the deadline less the walk).
    public func arriveBy(deadlines: DepartureMinutes, egress: [Int32?], directWalk: [Int32?], latest latestOut: UnsafeMutableBufferPointer<Int32>? = nil) -> [UInt8] {
        let originCount = access.pointCount, k = deadlines.count
        var result = [UInt8](repeating: WindowTimes.none, count: originCount * k)
        var j = 0
        sweep(from: deadlines.startSeconds, through: deadlines.lastDeparture, earliest: deadlines.startSeconds - deadlines.maxTripSeconds,
              egress: egress, within: nil) { deadline, _, latest in
            for o in 0..<originCount {
                var best = latest[o] >= deadline - deadlines.maxTripSeconds ? latest[o] : Self.none
                if let walk = directWalk[o], walk <= deadlines.maxTripSeconds { best = max(best, deadline - walk) }
                if j == 0, let latestOut { latestOut[o] = best }
                if best != Self.none, let value = deadlines.minutes(deadline - best) { result[o * k + j] = value }
            }
            j += 1
        }
        return result
    }

    /// The backward sweep both searches share: deadlines every minute from `first` through `last`, labels kept
    /// between them; after each, `visit` gets the deadline, the origins whose latest departure rose, and every
    /// origin's latest departure by transit (`Self.none` when none). Labels earlier than the deadline less the
    /// maximum trip, or than `earliest`, are not kept.
    func sweep(from first: Int32, through last: Int32, earliest: Int32, egress: [Int32?], within: [Bool]?,
               visit: (_ deadline: Int32, _ touched: [Int], _ latest: [Int32]) -> Void) {
        let tt = timetable
        let stopCount = tt.stopCount, originCount = access.pointCount
        var board = [Int32](repeating: Self.none, count: stopCount)
        var alight = [Int32](repeating: Self.none, count: stopCount)
        var latest = [Int32](repeating: Self.none, count: originCount)
        var originTouched = [Bool](repeating: false, count: originCount)
        var touchedOrigins: [Int] = []
        var isMarked = [Bool](repeating: false, count: stopCount)
        var boardRose = [Bool](repeating: false, count: stopCount)
        var boardRoseList: [Int] = []
        var patternTo = [Int32](repeating: -1, count: tt.patternCount)
        var patterns: [Int] = []
        let restricted = within != nil, allowed = within ?? []
        let egressStops = egress.indices.filter { egress[$0] != nil && (!restricted || allowed[$0]) }

        var deadline = first
        while deadline <= last {
            // No journey counted for any departure minute uses a label before this.
            let floor = max(deadline - minutes.maxTripSeconds, earliest)
            var marked: [Int] = []
            for s in egressStops {
                let value = deadline - egress[s]!
                if value >= floor, value > alight[s] {
                    alight[s] = value
                    if !isMarked[s] { isMarked[s] = true; marked.append(s) }
                }
            }
            while !marked.isEmpty {
                // Each pattern through a marked stop, from the last such stop backwards.
                for s in marked {
                    isMarked[s] = false
                    for e in Int(tt.stopPatternFirst[s])..<Int(tt.stopPatternFirst[s + 1]) {
                        let p = Int(tt.stopPatterns[e]), position = Int32(tt.stopPatternPosition[e])
                        if patternTo[p] < 0 { patterns.append(p) }
                        if position > patternTo[p] { patternTo[p] = position }
                    }
                }
                var boarded: [Int] = []
                for p in patterns {
                    let to = Int(patternTo[p])
                    patternTo[p] = -1
                    let base = Int(tt.patternStopFirst[p])
                    let firstTrip = Int(tt.patternTripFirst[p]), endTrip = Int(tt.patternTripFirst[p + 1])
                    var trip = -1
                    var i = to
                    while i >= 0 {
                        let u = Int(tt.patternStops[base + i])
                        // Board here on the trip caught further along (never a ride of zero stops).
                        if trip >= 0, tt.canBoard[base + i], !restricted || allowed[u] {
                            let departure = tt.departures[Int(tt.tripTimeFirst[trip]) + i]
                            if departure >= floor, departure > board[u] {
                                board[u] = departure
                                if !isMarked[u] { isMarked[u] = true; boarded.append(u) }
                            }
                        }
                        // Catch a later trip by alighting here in time.
                        let ready = alight[u]
                        if ready >= floor, tt.canAlight[base + i] {
                            // The latest trip (after `trip`) arriving here at or before `ready`.
                            var low = max(trip + 1, firstTrip), high = endTrip
                            while low < high {
                                let mid = (low + high) / 2
                                if tt.arrivals[Int(tt.tripTimeFirst[mid]) + i] <= ready { low = mid + 1 } else { high = mid }
                            }
                            if low - 1 > trip, low - 1 >= firstTrip { trip = low - 1 }
                        }
                        i -= 1
                    }
                }
                patterns.removeAll(keepingCapacity: true)
                // Footpaths (and the same stop) from each stop whose boarding time rose, back to where one alights.
                marked.removeAll(keepingCapacity: true)
                for t in boarded {
                    isMarked[t] = false
                    if !boardRose[t] { boardRose[t] = true; boardRoseList.append(t) }
                }
                for t in boarded {
                    let time = board[t]
                    if time > alight[t] {
                        alight[t] = time
                        if !isMarked[t] { isMarked[t] = true; marked.append(t) }
                    }
                    for e in Int(transfers.first[t])..<Int(transfers.first[t + 1]) {
                        let s = Int(transfers.target[e])
                        let value = time - transfers.seconds[e]
                        if value >= floor, value > alight[s], !restricted || allowed[s] {
                            alight[s] = value
                            if !isMarked[s] { isMarked[s] = true; marked.append(s) }
                        }
                    }
                }
            }
            // Origins: walk to a stop whose boarding time rose, and leave in time for it.
            for s in boardRoseList {
                boardRose[s] = false
                let time = board[s]
                for e in Int(access.first[s])..<Int(access.first[s + 1]) {
                    let o = Int(access.point[e])
                    let value = time - access.seconds[e]
                    if value > latest[o] {
                        latest[o] = value
                        if !originTouched[o] { originTouched[o] = true; touchedOrigins.append(o) }
                    }
                }
            }
            boardRoseList.removeAll(keepingCapacity: true)
            visit(deadline, touchedOrigins, latest)
            for o in touchedOrigins { originTouched[o] = false }
            touchedOrigins.removeAll(keepingCapacity: true)
            deadline += 60
        }
    }
}

extension Int64 {
    /// Division rounding towards −∞.
    @inline(__always) func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
