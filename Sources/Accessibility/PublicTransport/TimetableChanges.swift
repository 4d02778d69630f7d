/// Where a scenario's timetable differs from the baseline's: the trip runs of one with no identical run in the
/// other (same stops in the same order, same pickup and drop-off rules, same arrival and departure at every call),
/// and the stops they call at. A run that is in both, however the patterns were split, is unchanged.
public struct TimetableChanges: Sendable {
    /// Per scenario stop: whether a removed or an added run calls there.
    public var touched: [Bool]
    /// Baseline runs with no identical scenario run, and scenario runs with no identical baseline run.
    public var removedRuns: Int
    public var addedRuns: Int

    public var touchedStops: [Int] { touched.indices.filter { touched[$0] } }

    /// `scenarioStop[s]`: the scenario's index of baseline stop s (nil: the scenario has no such stop).
    public init(baseline: TransitTimetable, scenario: TransitTimetable, scenarioStop: [Int?]) {
        struct Run { var pattern: Int; var trip: Int }
        func runs(_ tt: TransitTimetable) -> [Run] {
            var runs: [Run] = []
            runs.reserveCapacity(tt.tripCount)
            for p in 0..<tt.patternCount {
                for k in Int(tt.patternTripFirst[p])..<Int(tt.patternTripFirst[p + 1]) { runs.append(Run(pattern: p, trip: k)) }
            }
            return runs
        }
        // A call's stop in the scenario's numbering, with the boarding rules in the top bits (-1: no such stop).
        func call(_ tt: TransitTimetable, _ p: Int, _ i: Int, mapped: Bool) -> Int64 {
            let at = Int(tt.patternStopFirst[p]) + i
            let stop = Int(tt.patternStops[at])
            guard let index = mapped ? scenarioStop[stop] : stop else { return -1 }
            return Int64(index) | (tt.canBoard[at] ? 0 : 1 << 40) | (tt.canAlight[at] ? 0 : 1 << 41)
        }
        func length(_ tt: TransitTimetable, _ p: Int) -> Int { Int(tt.patternStopFirst[p + 1] - tt.patternStopFirst[p]) }
        func hash(_ tt: TransitTimetable, _ run: Run, mapped: Bool) -> Int {
            var hasher = Hasher()
            let n = length(tt, run.pattern), times = Int(tt.tripTimeFirst[run.trip])
            hasher.combine(n)
            for i in 0..<n {
                hasher.combine(call(tt, run.pattern, i, mapped: mapped))
                hasher.combine(tt.arrivals[times + i])
                hasher.combine(tt.departures[times + i])
            }
            return hasher.finalize()
        }
        func same(_ b: Run, _ s: Run) -> Bool {
            let n = length(baseline, b.pattern)
            guard n == length(scenario, s.pattern) else { return false }
            let bt = Int(baseline.tripTimeFirst[b.trip]), st = Int(scenario.tripTimeFirst[s.trip])
            for i in 0..<n {
                if call(baseline, b.pattern, i, mapped: true) != call(scenario, s.pattern, i, mapped: false)
                    || baseline.arrivals[bt + i] != scenario.arrivals[st + i] || baseline.departures[bt + i] != scenario.departures[st + i] {
                    return false
                }
            }
            return true
        }
        let before = runs(baseline)
        var unmatched: [Int: [Int]] = [:]
        unmatched.reserveCapacity(before.count)
        for (r, run) in before.enumerated() { unmatched[hash(baseline, run, mapped: true), default: []].append(r) }
        var touched = [Bool](repeating: false, count: scenario.stopCount)
        var added = 0
        for run in runs(scenario) {
            let key = hash(scenario, run, mapped: false)
            if let candidates = unmatched[key], let hit = candidates.firstIndex(where: { same(before[$0], run) }) {
                var rest = candidates
                rest.remove(at: hit)
                unmatched[key] = rest.isEmpty ? nil : rest
                continue
            }
            added += 1
            let base = Int(scenario.patternStopFirst[run.pattern])
            for i in 0..<length(scenario, run.pattern) { touched[Int(scenario.patternStops[base + i])] = true }
        }
        var removed = 0
        for list in unmatched.values {
            for r in list {
                removed += 1
                let run = before[r], base = Int(baseline.patternStopFirst[run.pattern])
                for i in 0..<length(baseline, run.pattern) {
                    if let s = scenarioStop[Int(baseline.patternStops[base + i])] { touched[s] = true }
                }
            }
        }
        self.touched = touched
        removedRuns = removed
        addedRuns = added
    }
}
