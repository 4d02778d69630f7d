extension GTFSFeed {
    /// The feed an edit of `source` describes, without reading its untouched calls again: `part` is the edited
    /// feed read with stop_times.txt holding only the rows of the trips in `held` (`GTFSFiles.holdStopTimes`,
    /// `read(_:partStopTimes:)`). Its stops, routes, trips, calendars and frequencies are the result's; the calls
    /// of a held trip or a trip `source` lacks come from `part`, every other trip's calls from `source`, matched
    /// by trip and stop id. The result is known by `source`'s path.
    public static func patching(_ source: GTFSFeed, with part: GTFSFeed, held: Set<String>) throws -> GTFSFeed {
        var feed = part
        feed.path = source.path
        var heldIDs = ByteKeyIndex()
        for id in held { _ = heldIDs.insert(id) }
        // Each stop of the source as the edited feed numbers it (-1: the edit dropped it).
        let stopOf: [Int32] = (0..<source.stopCount).map { s in source.stopIDs.withKey(s) { part.stopIDs.find($0) }.map(Int32.init) ?? -1 }
        let total = source.stopTimeCount + part.stopTimeCount
        var first: [Int32] = [0], stops: [Int32] = [], arrivals: [Int32] = [], departures: [Int32] = []
        var pickups: [Bool] = [], dropOffs: [Bool] = []
        first.reserveCapacity(part.tripCount + 1)
        stops.reserveCapacity(total); arrivals.reserveCapacity(total); departures.reserveCapacity(total)
        pickups.reserveCapacity(total); dropOffs.reserveCapacity(total)
        // A trip's calls as slices, the stops as `feed` numbers them.
        func copyCalls(of trip: Int, in feed: GTFSFeed) {
            let range = Int(feed.tripFirst[trip])..<Int(feed.tripFirst[trip + 1])
            stops += feed.stopTimeStop[range]
            arrivals += feed.arrivalSeconds[range]
            departures += feed.departureSeconds[range]
            pickups += feed.pickupAllowed[range]
            dropOffs += feed.dropOffAllowed[range]
        }
        // When the edit kept every stop of the source in place (it removed or retimed trips), a source trip's
        // calls are copied as slices, not call by call: a national feed's 29 million.
        let sameStops = stopOf.indices.allSatisfy { stopOf[$0] == Int32($0) }
        for t in 0..<part.tripCount {
            let from = part.tripIDs.withKey(t) { key in heldIDs.find(key) == nil ? source.tripIDs.find(key) : nil }
            if let from, sameStops {
                copyCalls(of: from, in: source)
            } else if let from {
                for k in Int(source.tripFirst[from])..<Int(source.tripFirst[from + 1]) {
                    let stop = stopOf[Int(source.stopTimeStop[k])]
                    guard stop >= 0 else {
                        throw DataError(file: part.path, "trip '\(part.tripIDs.key(t))' still calls at stop '\(source.stopIDs.key(Int(source.stopTimeStop[k])))', which the edit removed from stops.txt")
                    }
                    stops.append(stop)
                    arrivals.append(source.arrivalSeconds[k])
                    departures.append(source.departureSeconds[k])
                    pickups.append(source.pickupAllowed[k])
                    dropOffs.append(source.dropOffAllowed[k])
                }
            } else {
                copyCalls(of: t, in: part)
            }
            first.append(Int32(stops.count))
        }
        feed.tripFirst = first
        feed.stopTimeStop = stops
        feed.arrivalSeconds = arrivals
        feed.departureSeconds = departures
        feed.pickupAllowed = pickups
        feed.dropOffAllowed = dropOffs
        guard !stops.isEmpty else { throw DataError(file: part.path, "has no stop times left, so no trip calls at any stop") }
        return feed
    }
}
