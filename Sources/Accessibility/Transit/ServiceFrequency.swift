import GeoData

/// A time window on the service day, seconds after its start, half-open: `[startSeconds, endSeconds)`.
public struct ServiceWindow: Sendable, Equatable, CustomStringConvertible {
    public var startSeconds: Int
    public var endSeconds: Int

    public init(startSeconds: Int, endSeconds: Int) {
        precondition(endSeconds > startSeconds)
        self.startSeconds = startSeconds
        self.endSeconds = endSeconds
    }

    /// 00:00–24:00: the whole service date on its own clock (the previous day's trips past midnight included, this
    /// day's past midnight left to the next).
    public static let wholeDay = ServiceWindow(startSeconds: 0, endSeconds: 86_400)

    /// 07:00–10:00, the morning peak (the DfT Journey Time Statistics window).
    public static let morningPeak = ServiceWindow(startSeconds: 7 * 3600, endSeconds: 10 * 3600)

    public var hours: Double { Double(endSeconds - startSeconds) / 3600 }

    /// `HH:MM-HH:MM` (seconds shown only when not zero).
    public var description: String {
        func clock(_ s: Int) -> String {
            let text = GTFSTime.format(s)
            return text.hasSuffix(":00") ? String(text.dropLast(3)) : text
        }
        return "\(clock(startSeconds))-\(clock(endSeconds))"
    }

    /// Parses `07:00-10:00` (end may pass 24:00).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = GTFSTime.parse(String(parts[0])), let end = GTFSTime.parse(String(parts[1])),
              end > start else { return nil }
        self.init(startSeconds: start, endSeconds: end)
    }
}

/// Every departure of one feed in a window of one service date (docs/transit.md, "A departure").
///
/// Departures are grouped by stop (`stopFirst[s] ..< stopFirst[s + 1]`); each names a trip instance (a trip
/// on its day, or one run of a headway-based trip) and its route class. Trips of the previous service day run
/// too, shifted back 24 h, so a 25:30:00 departure counts at 01:30.
public struct ServiceFrequency: Sendable {
    public var date: ServiceDate
    public var window: ServiceWindow
    public var stopFirst: [Int32]
    public var instance: [Int32]
    public var routeClass: [RouteClass]
    /// The trip of each instance (instances are numbered 0 ..< instanceCount in trip order).
    public var instanceTrip: [Int32]
    /// The departure's time, seconds after midnight of the date (within the window).
    public var seconds: [Int32]
    /// Distinct trip instances with a departure in the window.
    public var instanceCount: Int
    /// Trips whose service runs on the date (not counting the previous day's).
    public var tripsRunning: Int

    public func departures(at stop: Int) -> Range<Int> { Int(stopFirst[stop])..<Int(stopFirst[stop + 1]) }

    /// Departures at `stop` in the window, of `routeClass` (all classes when nil).
    public func count(at stop: Int, of routeClass: RouteClass? = nil) -> Int {
        guard let routeClass else { return departures(at: stop).count }
        return departures(at: stop).count { self.routeClass[$0] == routeClass }
    }

    public init(feed: GTFSFeed, date: ServiceDate, window: ServiceWindow) {
        self.date = date
        self.window = window
        tripsRunning = feed.tripService.count { feed.runs(service: Int($0), on: date) }
        var stops: [Int32] = [], instances: [Int32] = [], classes: [RouteClass] = [], times: [Int32] = []
        var nextInstance: Int32 = 0
        var trips: [Int32] = []
        let routeClasses = feed.routeTypes.map(RouteClass.init(routeType:))
        let start = window.startSeconds, end = window.endSeconds
        feed.forEachTripInstance(on: date) { t, delta in
            let first = Int(feed.tripFirst[t]), last = Int(feed.tripFirst[t + 1]) - 1
            let routeClass = routeClasses[Int(feed.tripRoute[t])]
            // Skip quickly when the trip's departures cannot meet the window (the last stop time is no departure).
            if Int(feed.departureSeconds[first]) + delta >= end || Int(feed.departureSeconds[last - 1]) + delta < start { return }
            var used = false
            for k in first..<last where feed.pickupAllowed[k] {
                let time = Int(feed.departureSeconds[k]) + delta
                if time >= start && time < end {
                    stops.append(feed.stopTimeStop[k])
                    instances.append(nextInstance)
                    classes.append(routeClass)
                    times.append(Int32(time))
                    used = true
                }
            }
            if used {
                trips.append(Int32(t))
                nextInstance += 1
            }
        }
        instanceCount = Int(nextInstance)
        // Group by stop (counting sort, stable).
        var first = [Int32](repeating: 0, count: feed.stopCount + 1)
        for s in stops { first[Int(s) + 1] += 1 }
        for s in 0..<feed.stopCount { first[s + 1] += first[s] }
        var next = first
        var groupedInstance = [Int32](repeating: 0, count: stops.count)
        var groupedClass = [RouteClass](repeating: .bus, count: stops.count)
        var groupedSeconds = [Int32](repeating: 0, count: stops.count)
        for (i, s) in stops.enumerated() {
            let at = Int(next[Int(s)])
            groupedInstance[at] = instances[i]
            groupedClass[at] = classes[i]
            groupedSeconds[at] = times[i]
            next[Int(s)] += 1
        }
        stopFirst = first
        instance = groupedInstance
        routeClass = groupedClass
        seconds = groupedSeconds
        instanceTrip = trips
    }

    /// Departures at `stop` in each hour of the day (index 0 = 00:00–01:00 ... 23), of `routeClass` (all when nil):
    /// each hour counted as a one-hour window would count it. Only hours inside the window are counted.
    public func hourly(at stop: Int, of routeClass: RouteClass? = nil) -> [Int] {
        var hours = [Int](repeating: 0, count: 24)
        for k in departures(at: stop) where routeClass == nil || self.routeClass[k] == routeClass {
            let hour = Int(seconds[k]) / 3600
            if hour >= 0 && hour < 24 { hours[hour] += 1 }
        }
        return hours
    }
}
