import GeoPrimitives

/// One GTFS feed read into flat arrays: stops, routes, trips, services and every stop time, grouped by trip
/// in `stop_sequence` order with times filled in (see docs/transit.md).
///
/// Ids become dense indices; stop times are columns (`stopTimeStop[i]`, `departureSeconds[i]`...) and trip `t`
/// owns rows `tripFirst[t] ..< tripFirst[t + 1]`.
public struct GTFSFeed: Sendable {
    /// The feed as the user named it.
    public var path: String

    public var stopIDs: ByteKeyIndex
    public var stopNames: [String]
    /// WGS84 (longitude, latitude); nil for stops without a position (GTFS allows this for generic nodes and
    /// boarding areas, `location_type` 3 and 4).
    public var stopLonLat: [XY?]
    /// "feed.zip: stops.txt: line N" for each stop.
    public var stopSources: [String]

    public var routeIDs: ByteKeyIndex
    public var routeTypes: [Int]
    /// What a rider calls each route: `route_short_name`, else `route_long_name`, else `route_id`.
    public var routeNames: [String]

    public var tripIDs: ByteKeyIndex
    public var tripRoute: [Int32]
    public var tripService: [Int32]

    public var serviceIDs: ByteKeyIndex
    /// Weekday rules from calendar.txt, by service; nil for services defined only by calendar_dates.txt.
    public var calendar: [CalendarRule?]
    /// Dates added (true) or removed (false) by calendar_dates.txt, by service.
    public var exceptions: [[ServiceDate: Bool]]

    public var tripFirst: [Int32]
    public var stopTimeStop: [Int32]
    /// Seconds after the start of the service day; interpolated where the feed left a time blank.
    public var arrivalSeconds: [Int32]
    public var departureSeconds: [Int32]
    /// False where `pickup_type` is 1 (no pickup).
    public var pickupAllowed: [Bool]
    /// False where `drop_off_type` is 1 (no drop off).
    public var dropOffAllowed: [Bool]
    /// Headway-based service (frequencies.txt) by trip.
    public var frequencies: [Int: [Frequency]]

    /// Things worth saying that are not errors (a calendar row that never runs...).
    public var warnings: [String]

    public var stopCount: Int { stopIDs.count }
    public var tripCount: Int { tripIDs.count }
    public var stopTimeCount: Int { stopTimeStop.count }

    /// The days of the week and the dates between which a service runs.
    public struct CalendarRule: Sendable, Equatable {
        /// Monday = bit 0 ... Sunday = bit 6.
        public var weekdays: UInt8
        public var start: ServiceDate
        public var end: ServiceDate
    }

    /// One `frequencies.txt` row: the trip runs from `startSeconds` every `headwaySeconds` while before `endSeconds`.
    public struct Frequency: Sendable, Equatable {
        public var startSeconds: Int
        public var endSeconds: Int
        public var headwaySeconds: Int
    }

    /// Whether service `s` runs on `date` (calendar.txt weekdays and range, then calendar_dates.txt exceptions).
    public func runs(service s: Int, on date: ServiceDate) -> Bool {
        if let exception = exceptions[s][date] { return exception }
        guard let rule = calendar[s] else { return false }
        return date >= rule.start && date <= rule.end && rule.weekdays & (1 << UInt8(date.weekday)) != 0
    }

    /// The first and last dates any service runs (calendar ranges and added dates), nil if none.
    public var dateRange: ClosedRange<ServiceDate>? {
        var first: ServiceDate?, last: ServiceDate?
        func extend(_ a: ServiceDate, _ b: ServiceDate) {
            first = first.map { min($0, a) } ?? a
            last = last.map { max($0, b) } ?? b
        }
        for rule in calendar.compactMap({ $0 }) where rule.weekdays != 0 { extend(rule.start, rule.end) }
        for dates in exceptions { for (date, added) in dates where added { extend(date, date) } }
        guard let first, let last, first <= last else { return nil }
        return first...last
    }

    /// The Tuesday of the feed's first full Monday–Sunday week (gtfs-kit's `get_first_week`), else the first
    /// Tuesday the feed covers; nil if it covers none.
    public var defaultDate: ServiceDate? {
        guard let range = dateRange else { return nil }
        var monday = range.lowerBound
        while monday.weekday != 0 { monday = monday.adding(days: 1) }
        if monday.adding(days: 1) <= range.upperBound { return monday.adding(days: 1) }
        var day = range.lowerBound
        while day <= range.upperBound { if day.weekday == 1 { return day }; day = day.adding(days: 1) }
        return nil
    }

    /// The number of trips running on `date`.
    public func tripsRunning(on date: ServiceDate) -> Int {
        let running = (0..<serviceIDs.count).map { runs(service: $0, on: date) }
        return tripService.count { running[Int($0)] }
    }
}

extension GTFSFeed {
    /// Calls `body` with each run of a trip that belongs to service date `date`: the trip's index and the seconds
    /// to add to its stop times to put them on `date`'s clock. Trips of the previous service day run too, shifted
    /// by −24 h (a 25:30:00 stop time is 01:30 on `date`), and a trip in frequencies.txt runs once per headway
    /// from each start time (the first stop time moved to it). Trips with fewer than two stop times are skipped (the
    /// reader has warned about each).
    public func forEachTripInstance(on date: ServiceDate, _ body: (_ trip: Int, _ deltaSeconds: Int) -> Void) {
        let today = (0..<serviceIDs.count).map { runs(service: $0, on: date) }
        let yesterday = (0..<serviceIDs.count).map { runs(service: $0, on: date.adding(days: -1)) }
        for t in 0..<tripCount {
            let s = Int(tripService[t])
            let first = Int(tripFirst[t])
            guard Int(tripFirst[t + 1]) - first >= 2 else { continue }
            for shift in [0, -86_400] where shift == 0 ? today[s] : yesterday[s] {
                guard let runs = frequencies[t] else { body(t, shift); continue }
                let base = Int(departureSeconds[first])
                for run in runs {
                    var start = run.startSeconds
                    while start < run.endSeconds {
                        body(t, start - base + shift)
                        start += run.headwaySeconds
                    }
                }
            }
        }
    }
}
