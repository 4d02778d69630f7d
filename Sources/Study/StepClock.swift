import Foundation

/// Wall-clock laps for the report's timings.
struct StepClock {
    var last = ContinuousClock.now

    mutating func lap(_ step: String, into timings: inout [(step: String, seconds: Double)]) {
        let now = ContinuousClock.now
        let elapsed = now - last
        timings.append((step, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18))
        last = now
    }
}
