/// The departure minutes of a public-transport window and the limits of a journey, in seconds after midnight of
/// the service date (docs/raptor.md, "Terms and units").
public struct DepartureMinutes: Sendable, Equatable {
    /// The first departure minute, seconds after midnight.
    public let startSeconds: Int32
    /// How many departure minutes: start, start + 60, … (180 for 07:00–10:00).
    public let count: Int
    /// The longest journey counted, seconds; a longer one is "not reached".
    public let maxTripSeconds: Int32

    /// Departures every minute of `[startSeconds, endSeconds)`.
    public init(startSeconds: Int, endSeconds: Int, maxTripSeconds: Int) {
        precondition(endSeconds > startSeconds && maxTripSeconds > 0)
        self.startSeconds = Int32(startSeconds)
        count = (endSeconds - startSeconds + 59) / 60
        self.maxTripSeconds = Int32(maxTripSeconds)
    }

    /// Departure minute k, seconds after midnight.
    @inline(__always) public func departure(_ k: Int) -> Int32 { startSeconds + Int32(60 * k) }

    public var lastDeparture: Int32 { departure(count - 1) }

    /// The latest arrival any journey can matter for: the last departure plus the maximum trip.
    public var horizonEnd: Int32 { lastDeparture + maxTripSeconds }

    /// Whole minutes in `seconds`, rounded up, or nil when over the maximum trip.
    @inline(__always) public func minutes(_ seconds: Int32) -> UInt8? {
        seconds <= maxTripSeconds ? UInt8(clamping: (Int(seconds) + 59) / 60) : nil
    }
}

/// Per origin, the window's percentiles of its per-minute travel times (whole minutes; `WindowTimes.none` for
/// "nothing within the maximum trip"), by R5's rule: the value at 0-based index ⌈p/100 · n⌉ − 1 of the sorted
/// values, no interpolation, unreached values sorting last (`TravelTimeReducer.findPercentileIndex`).
public enum WindowTimes {
    /// Nothing reached within the maximum trip at that minute.
    public static let none: UInt8 = 255

    /// The 0-based index of percentile `p` (0 < p ≤ 100) among `n` sorted values.
    public static func percentileIndex(_ p: Int, of n: Int) -> Int {
        max((p * n + 99) / 100 - 1, 0)
    }

    /// Percentiles `ps` of `values` (whole minutes, `none` for unreached), by counting sort.
    public static func percentiles(_ values: ArraySlice<UInt8>, _ ps: [Int]) -> [UInt8] {
        var histogram = [Int](repeating: 0, count: 256)
        for value in values { histogram[Int(value)] += 1 }
        return ps.map { p in
            let index = percentileIndex(p, of: values.count)
            var seen = 0
            for value in 0..<256 {
                seen += histogram[value]
                if seen > index { return UInt8(value) }
            }
            return none
        }
    }
}
