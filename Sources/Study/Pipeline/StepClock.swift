import Foundation

/// Wall-clock laps for the report's timings.
struct StepClock {
    var last = ContinuousClock.now

    /// Records the time since the last lap under `step`, and returns it in seconds.
    @discardableResult
    mutating func lap(_ step: String, into timings: inout [(step: String, seconds: Double)]) -> Double {
        let now = ContinuousClock.now
        let elapsed = now - last
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        timings.append((step, seconds))
        last = now
        return seconds
    }
}
