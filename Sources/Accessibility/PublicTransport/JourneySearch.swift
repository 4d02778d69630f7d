/// What one public-transport journey is made of, whole seconds (docs/raptor.md, "Journey breakdown"): the walk to
/// the first stop, the wait there, each ride, the walks and waits between rides, and the walk from the last stop
/// to the service. The parts add up to `total`, the door-to-door time from `departure`.
///
/// A journey on foot only has its whole walk in `accessWalk`, no wait and no ride.
public struct JourneyLegs: Sendable, Equatable {
    /// One vehicle ridden: its route (an index into `TransitTimetable.routeNames`), the stops it is boarded and
    /// left at, and when (seconds after midnight of the service date).
    public struct Ride: Sendable, Equatable {
        public var route: UInt32
        public var boardStop: UInt32
        public var alightStop: UInt32
        public var boardSeconds: Int32
        public var alightSeconds: Int32
        /// The walk before boarding (from the origin for the first ride, else from the stop of the last ride; 0
        /// at the same stop) and the wait at the stop after it, seconds.
        public var walkBefore: Int32
        public var waitBefore: Int32
    }

    /// When the journey leaves the origin, seconds after midnight.
    public var departure: Int32
    public var accessWalk: Int32 = 0
    /// From reaching the first stop to boarding.
    public var initialWait: Int32 = 0
    public var inVehicle: Int32 = 0
    /// Footpaths between the stop one alights at and the next one boards at (0 for a change at the same stop).
    public var transferWalk: Int32 = 0
    /// From reaching the stop of a change to boarding the next vehicle.
    public var transferWait: Int32 = 0
    public var egressWalk: Int32 = 0
    public var rides: [Ride] = []

    public init(departure: Int32) { self.departure = departure }

    /// Door-to-door seconds: the sum of the parts.
    public var total: Int32 { accessWalk + initialWait + inVehicle + transferWalk + transferWait + egressWalk }
    public var arrival: Int32 { departure + total }
}

/// The earliest-arrival journey from one point at one departure time to the nearest of a set of targets reached
/// from stops by a walk (the egress), with its legs: RAPTOR (Delling, Pajor, Werneck 2012) keeping, for every
/// round, each stop's label and where it came from, so that the best journey can be walked back leg by leg.
///
/// The journeys are those of `ReverseProfileSearch` (access walk → ride → (same stop, or one footpath → ride)* →
/// egress walk; no limit on rides), so the earliest arrival found here is the one the reverse search's minute
/// values round up. Of journeys arriving at the same second the one with fewest rides is kept, and walking
/// straight to the target wins a tie with any ride. One search object per thread; arrays reused between
/// searches, only what a search touched reset.
public struct JourneySearch: Sendable {
    public let timetable: TransitTimetable
    public let transfers: StopTransfers

    static let unreached = Int32.max
    /// Best vehicle arrival and best time ready to board at each stop over the rounds so far.
    private var bestArrived: [Int32]
    private var bestReady: [Int32]
    /// The round whose label `bestReady` is.
    private var bestReadyRound: [UInt16]
    private var touched: [Int] = []
    private var isTouched: [Bool]
    /// The access walk to each stop of the last search (valid where `bestReadyRound` of an access label is 0).
    private var accessSeconds: [Int32]
    private var isMarked: [Bool]
    private var patternFrom: [Int32]
    /// Per round r (1, 2, …) and stop s at `(r - 1) * stopCount + s`: the vehicle arrival, its trip run, the
    /// position boarded at and the round of the label boarded from.
    private var arrived: [Int32] = [], arrivedTrip: [UInt32] = []
    private var arrivedBoardPosition: [UInt16] = [], arrivedBoardRound: [UInt16] = []
    /// Per round r ≥ 1 and stop: the time ready to board after that round's ride, and the stop alighted at.
    private var ready: [Int32] = [], readyFrom: [UInt32] = []
    private var rounds = 0
    /// Each trip run's pattern.
    private let tripPattern: [UInt32]

    public init(timetable: TransitTimetable, transfers: StopTransfers) {
        self.timetable = timetable
        self.transfers = transfers
        let n = timetable.stopCount
        bestArrived = [Int32](repeating: Self.unreached, count: n)
        bestReady = bestArrived
        bestReadyRound = [UInt16](repeating: 0, count: n)
        isTouched = [Bool](repeating: false, count: n)
        accessSeconds = [Int32](repeating: 0, count: n)
        isMarked = [Bool](repeating: false, count: n)
        patternFrom = [Int32](repeating: -1, count: timetable.patternCount)
        var tripPattern = [UInt32](repeating: 0, count: timetable.tripCount)
        for p in 0..<timetable.patternCount {
            for k in Int(timetable.patternTripFirst[p])..<Int(timetable.patternTripFirst[p + 1]) { tripPattern[k] = UInt32(p) }
        }
        self.tripPattern = tripPattern
    }

    /// The journey leaving at `departure` that reaches a target earliest within `maxTripSeconds`, or nil when
    /// none does. `access`: stops within the maximum walk of the point and the walk (seconds); `egress[s]`: the
    /// walk from stop s to the nearest target (nil: none within the maximum walk); `directWalk`: the walk straight
    /// to the nearest target (nil: none).
    public mutating func earliest(departure: Int32, access: [(stop: UInt32, seconds: Int32)], egress: [Int32?],
                                  directWalk: Int32?, maxTripSeconds: Int32) -> JourneyLegs? {
        let tt = timetable, n = tt.stopCount
        for s in touched {
            bestArrived[s] = Self.unreached
            bestReady[s] = Self.unreached
            isTouched[s] = false
        }
        touched.removeAll(keepingCapacity: true)
        rounds = 0
        let limit = Int64(departure) + Int64(maxTripSeconds)
        // The best arrival at a target so far, and how (round 0: on foot).
        var bestTarget = Int64.max, bestRound = -1, bestStop = -1
        if let walk = directWalk, Int64(departure) + Int64(walk) <= limit { bestTarget = Int64(departure) + Int64(walk); bestRound = 0 }
        func useful(_ time: Int32) -> Bool { Int64(time) <= limit && Int64(time) < bestTarget }

        var marked = markedBuffer, patterns = patternBuffer, alighted = alightedBuffer
        marked.removeAll(keepingCapacity: true)
        defer {
            markedBuffer = marked
            patternBuffer = patterns
            alightedBuffer = alighted
        }
        for (stop, walk) in access {
            let s = Int(stop), time = departure + walk
            guard useful(time), time < bestReady[s] else { continue }
            if !isTouched[s] { isTouched[s] = true; touched.append(s) }
            bestReady[s] = time
            bestReadyRound[s] = 0
            accessSeconds[s] = walk
            if !isMarked[s] { isMarked[s] = true; marked.append(s) }
        }
        while !marked.isEmpty {
            rounds += 1
            let round = rounds, base = (round - 1) * n
            if arrived.count < round * n {
                arrived += [Int32](repeating: Self.unreached, count: n)
                arrivedTrip += [UInt32](repeating: 0, count: n)
                arrivedBoardPosition += [UInt16](repeating: 0, count: n)
                arrivedBoardRound += [UInt16](repeating: 0, count: n)
                ready += [Int32](repeating: Self.unreached, count: n)
                readyFrom += [UInt32](repeating: 0, count: n)
            }
            patterns.removeAll(keepingCapacity: true)
            for s in marked {
                isMarked[s] = false
                for e in Int(tt.stopPatternFirst[s])..<Int(tt.stopPatternFirst[s + 1]) {
                    let p = Int(tt.stopPatterns[e]), position = Int32(tt.stopPatternPosition[e])
                    if patternFrom[p] < 0 { patterns.append(p); patternFrom[p] = position } else if position < patternFrom[p] { patternFrom[p] = position }
                }
            }
            alighted.removeAll(keepingCapacity: true)
            for p in patterns {
                let from = Int(patternFrom[p])
                patternFrom[p] = -1
                let stopBase = Int(tt.patternStopFirst[p]), length = Int(tt.patternStopFirst[p + 1]) - stopBase
                let firstTrip = Int(tt.patternTripFirst[p]), endTrip = Int(tt.patternTripFirst[p + 1])
                var trip = -1, boardPosition = 0, boardRound: UInt16 = 0
                for i in from..<length {
                    let u = Int(tt.patternStops[stopBase + i])
                    if trip >= 0, tt.canAlight[stopBase + i] {
                        let time = tt.arrivals[Int(tt.tripTimeFirst[trip]) + i]
                        if useful(time), time < bestArrived[u] {
                            if !isTouched[u] { isTouched[u] = true; touched.append(u) }
                            bestArrived[u] = time
                            if arrived[base + u] == Self.unreached && ready[base + u] == Self.unreached { setCells.append(base + u) }
                            arrived[base + u] = time
                            arrivedTrip[base + u] = UInt32(trip)
                            arrivedBoardPosition[base + u] = UInt16(boardPosition)
                            arrivedBoardRound[base + u] = boardRound
                            if !isMarked[u] { isMarked[u] = true; alighted.append(u) }
                        }
                    }
                    // Ready here from an earlier round (labels of this round are set after the scan).
                    let time = bestReady[u]
                    guard time != Self.unreached, Int(bestReadyRound[u]) < round, tt.canBoard[stopBase + i] else { continue }
                    if trip >= 0, tt.departures[Int(tt.tripTimeFirst[trip]) + i] <= time { continue }
                    var low = firstTrip, high = trip >= 0 ? trip : endTrip
                    while low < high {
                        let mid = (low + high) / 2
                        if tt.departures[Int(tt.tripTimeFirst[mid]) + i] < time { low = mid + 1 } else { high = mid }
                    }
                    if low < (trip >= 0 ? trip : endTrip) {
                        trip = low
                        boardPosition = i
                        boardRound = bestReadyRound[u]
                    }
                }
            }
            for u in alighted { isMarked[u] = false }
            // Targets, then the next round's boarding labels: the same stop, or one footpath on.
            for u in alighted {
                let time = arrived[base + u]
                if let walk = egress[u], Int64(time) + Int64(walk) <= limit, Int64(time) + Int64(walk) < bestTarget {
                    bestTarget = Int64(time) + Int64(walk)
                    bestRound = round
                    bestStop = u
                }
            }
            marked.removeAll(keepingCapacity: true)
            func setReady(_ t: Int, _ time: Int32, from u: Int) {
                guard useful(time), time < bestReady[t] else { return }
                if !isTouched[t] { isTouched[t] = true; touched.append(t) }
                if ready[base + t] == Self.unreached && arrived[base + t] == Self.unreached { setCells.append(base + t) }
                bestReady[t] = time
                bestReadyRound[t] = UInt16(round)
                ready[base + t] = time
                readyFrom[base + t] = UInt32(u)
                if !isMarked[t] { isMarked[t] = true; marked.append(t) }
            }
            for u in alighted {
                let time = arrived[base + u]
                setReady(u, time, from: u)
                for e in Int(transfers.first[u])..<Int(transfers.first[u + 1]) {
                    setReady(Int(transfers.target[e]), time + transfers.seconds[e], from: u)
                }
            }
            // The labels of every round are kept until the journey is walked back, then reset (`setCells`).
        }
        defer { resetRounds() }
        guard bestRound >= 0 else { return nil }
        var legs = JourneyLegs(departure: departure)
        if bestRound == 0 {
            legs.accessWalk = directWalk!
            return legs
        }
        // Walk back from the last ride.
        legs.egressWalk = egress[bestStop]!
        var round = bestRound, stop = bestStop
        var rides: [JourneyLegs.Ride] = []
        while true {
            let at = (round - 1) * n + stop
            let trip = Int(arrivedTrip[at]), position = Int(arrivedBoardPosition[at])
            let p = Int(tripPattern[trip])
            let boardStop = Int(tt.patternStops[Int(tt.patternStopFirst[p]) + position])
            let boardTime = tt.departures[Int(tt.tripTimeFirst[trip]) + position]
            let alightTime = arrived[at]
            var ride = JourneyLegs.Ride(route: tt.tripRoute[trip], boardStop: UInt32(boardStop), alightStop: UInt32(stop),
                                        boardSeconds: boardTime, alightSeconds: alightTime, walkBefore: 0, waitBefore: 0)
            legs.inVehicle += alightTime - boardTime
            let from = Int(arrivedBoardRound[at])
            if from == 0 {
                ride.walkBefore = accessSeconds[boardStop]
                ride.waitBefore = boardTime - (departure + ride.walkBefore)
                legs.accessWalk = ride.walkBefore
                legs.initialWait = ride.waitBefore
                rides.append(ride)
                break
            }
            let readyAt = (from - 1) * n + boardStop
            let readyTime = ready[readyAt], previous = Int(readyFrom[readyAt])
            ride.waitBefore = boardTime - readyTime
            ride.walkBefore = readyTime - arrived[(from - 1) * n + previous]
            legs.transferWait += ride.waitBefore
            legs.transferWalk += ride.walkBefore
            rides.append(ride)
            round = from
            stop = previous
        }
        legs.rides = rides.reversed()
        return legs
    }

    /// The (round, stop) cells of `arrived` and `ready` the last search set, to reset.
    private var setCells: [Int] = []
    private var markedBuffer: [Int] = [], patternBuffer: [Int] = [], alightedBuffer: [Int] = []

    private mutating func resetRounds() {
        for cell in setCells {
            arrived[cell] = Self.unreached
            ready[cell] = Self.unreached
        }
        setCells.removeAll(keepingCapacity: true)
    }
}
