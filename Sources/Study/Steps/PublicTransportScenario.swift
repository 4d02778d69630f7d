import Accessibility
import GeoData

/// The public-transport step under a scenario that edits the study's timetables (docs/scenarios.md, "What is
/// recomputed"): the services, the walk graph and its snaps are the baseline's; the stops' walking links too
/// when the scenario keeps every stop; and only what a changed trip run can reach is searched again.
///
/// A journey whose time changes boards a changed run (one the baseline has and the scenario lacks, or the
/// reverse) at a stop it calls at, and gets there on unchanged runs, which both timetables have. So if even a
/// lower bound on the time from an origin to any such stop (`StopLowerBounds`, scenario timetable) exceeds the
/// origin's slowest baseline time over the window, nothing in the scenario can change any of its minutes: it
/// keeps the baseline's figures. The others are searched again, exactly, over the stops some affected origin
/// can pass through on a journey within the maximum trip (a stop whose lower bounds from the affected origins and
/// on to a service add up to more than the maximum trip is on no such journey).
extension PublicTransportJob {
    /// The baseline's work a scenario run reuses.
    struct Baseline: Sendable {
        var report: Report
        var names: [String]
        var walking: NetworkContext
        var timetable: TransitTimetable
        var links: TransitWalkLinks
        var access: StopPointWalks
        /// Per category, each stop's walk to the nearest service (whole seconds).
        var egress: [[Int32?]]
        var times: OriginTimes
        var summaries: [WindowSummary]
        var counts: [[[Int]]?]
    }

    /// The key a baseline is kept under: the step and every setting of it.
    var baselineKey: String { "public transport|\(self)" }

    /// Per origin, the window's quartiles, minimum and maximum (whole minutes, `WindowTimes.none` for none).
    struct WindowSummary: Sendable {
        /// `quartiles[3 * o + q]`, q = 0, 1, 2 for the 25th, 50th and 75th percentiles.
        var quartiles: [UInt8]
        var minima: [UInt8]
        /// The slowest minute of the window (`none` when some minute reaches nothing within the maximum trip).
        var maxima: [UInt8]

        init(originCount: Int) {
            quartiles = [UInt8](repeating: WindowTimes.none, count: 3 * originCount)
            minima = [UInt8](repeating: WindowTimes.none, count: originCount)
            maxima = [UInt8](repeating: WindowTimes.none, count: originCount)
        }

        /// Origin o's figures from a search's `times[o * minutes ..< (o + 1) * minutes]`.
        mutating func set(_ o: Int, times: [UInt8], minutes k: Int) {
            let row = times[(o * k)..<((o + 1) * k)]
            let values = WindowTimes.percentiles(row, [25, 50, 75])
            quartiles[3 * o] = values[0]
            quartiles[3 * o + 1] = values[1]
            quartiles[3 * o + 2] = values[2]
            minima[o] = row.min() ?? WindowTimes.none
            maxima[o] = row.max() ?? WindowTimes.none
        }
    }

    func computeScenario(_ context: StudyContext, baseline: Baseline, report: inout Report,
                         progress: @escaping @Sendable (String) -> Void) throws -> (output: StepOutput, originTimes: OriginTimes, names: [String]) {
        var clock = StepClock()
        let minutesGrid = departureMinutes, names = baseline.names
        let maxWalk = Int32((maxWalkMinutes * 60).rounded()), maxTrip = Int32(minutesGrid.maxTripSeconds)
        let originSnaps = baseline.walking.originSnaps[.walk]!, helpers = baseline.walking.categoryTimes[.walk]!
        let timings = report.timings
        report = baseline.report
        report.timings = timings
        report.invariantChecks = 0

        // The baseline's notes are left out of the scenario's by the scenario columns; the feeds' own are new.
        let (loaded, timetable) = try self.timetable(context, report: &report, clock: &clock, progress: progress)
        // The walking links are the baseline's when every stop is where it was; otherwise they are built again.
        let links: TransitWalkLinks, access: StopPointWalks, egress: [[Int32?]], scenarioStop: [Int?]
        if timetable.stopLabel == baseline.timetable.stopLabel, timetable.stopXY == baseline.timetable.stopXY {
            (links, access, egress) = (baseline.links, baseline.access, baseline.egress)
            scenarioStop = Array(0..<timetable.stopCount)
        } else {
            links = try TransitWalkLinks(snapper: baseline.links.snapper, stopPositions: timetable.stopXY, maxSnapMetres: maxSnapMetres,
                                         maxTransferSeconds: Int32((maxTransferWalkMinutes * 60).rounded()),
                                         fastestWalkMetresPerSecond: baseline.links.fastestWalkMetresPerSecond)
            access = try StopPointWalks.build(links, to: originSnaps, maxSeconds: maxWalk)
            egress = helpers.map { links.egress(to: $0, maxWalkSeconds: maxWalk) }
            var index: [String: Int] = [:]
            for (s, label) in timetable.stopLabel.enumerated() { index[label] = s }
            scenarioStop = baseline.timetable.stopLabel.enumerated().map { s, label in
                index[label].flatMap { timetable.stopXY[$0] == baseline.timetable.stopXY[s] ? $0 : nil }
            }
        }
        report.stopsUnsnapped = timetable.stopCount - links.snappedStopCount
        report.transferLinks = links.transfers.target.count
        report.accessLinks = access.point.count
        let served = Self.servedOrigins(feeds: loaded.feeds, timetable: timetable, access: access)
        report.originsUnserved = originSnaps.indices.count { originSnaps[$0] != nil && !served[$0] }
        let changes = TimetableChanges(baseline: baseline.timetable, scenario: timetable, scenarioStop: scenarioStop)
        let touched = changes.touchedStops
        clock.lap("timetable and walking links", into: &report.timings)

        // Lower bounds from every origin to the nearest changed call.
        let bounds = StopLowerBounds(timetable: timetable, transfers: links.transfers)
        let unreachable = StopLowerBounds.unreachable
        let toTouched = bounds.toSeeds(touched.map { ($0, 0) }, limit: maxTrip)
        var nearestTouched = [Int32](repeating: unreachable, count: originSnaps.count)
        for s in 0..<timetable.stopCount where toTouched[s] != unreachable {
            for e in Int(access.first[s])..<Int(access.first[s + 1]) {
                let o = Int(access.point[e])
                nearestTouched[o] = min(nearestTouched[o], access.seconds[e] + toTouched[s])
            }
        }
        let originToTouched = nearestTouched
        progress("scenario: \(NumberText.grouped(changes.removedRuns)) trip runs removed and \(NumberText.grouped(changes.addedRuns)) added, calling at \(NumberText.grouped(touched.count)) stops; \(NumberText.grouped(originToTouched.count { $0 != unreachable })) origins can reach one within \(DistanceJob.label(maxTripMinutes)) min")

        let search = ReverseProfileSearch(timetable: timetable, transfers: links.transfers, access: access, minutes: minutesGrid)
        let breaks = !baseline.times.journeys.isEmpty
        let perCategory: [(summary: WindowSummary, affected: [Bool], searched: Int, medianMinute: [Int16])] = try ParallelMap.map(Array(names.indices), chunksPerWorker: 1) { slice in
            slice.map { c in
                let before = baseline.summaries[c]
                let affected = originSnaps.indices.map { o -> Bool in
                    let bound = originToTouched[o]
                    guard originSnaps[o] != nil, bound != unreachable else { return false }
                    return before.maxima[o] == WindowTimes.none || bound <= 60 * Int32(before.maxima[o])
                }
                guard affected.contains(true) else { return (before, affected, 0, []) }
                // Where the affected origins' journeys can go: reached from one and on to a service within the maximum trip.
                var seed = [Int32](repeating: unreachable, count: timetable.stopCount)
                for s in 0..<timetable.stopCount {
                    for e in Int(access.first[s])..<Int(access.first[s + 1]) where affected[Int(access.point[e])] { seed[s] = min(seed[s], access.seconds[e]) }
                }
                let fromAffected = bounds.fromSeeds(seed.indices.compactMap { seed[$0] == unreachable ? nil : ($0, seed[$0]) }, limit: maxTrip)
                let reached = fromAffected.map { $0 != unreachable }
                let toService = bounds.toSeeds(egress[c].indices.compactMap { s in egress[c][s].flatMap { reached[s] ? (s, $0) : nil } },
                                               limit: maxTrip, within: reached)
                let within = fromAffected.indices.map { s in
                    reached[s] && toService[s] != unreachable && Int64(fromAffected[s]) + Int64(toService[s]) <= Int64(maxTrip)
                }
                let times = search.run(egress: egress[c], directWalk: baseline.times.directWalk[c], within: within)
                var summary = before
                for o in originSnaps.indices where affected[o] { summary.set(o, times: times, minutes: minutesGrid.count) }
                let medianMinute = breaks ? Self.medianMinutes(times: times, medians: { summary.quartiles[3 * $0 + 1] }, count: minutesGrid.count,
                                                               origins: originSnaps.count, only: affected) : []
                return (summary, affected, within.count { $0 }, medianMinute)
            }
        }
        let pairs = perCategory.reduce(0) { $0 + $1.affected.count { $0 } }
        let searched = perCategory.map(\.searched).max() ?? 0
        progress("scenario: \(NumberText.grouped(pairs)) of \(NumberText.grouped(originSnaps.count * names.count)) origin × category pairs searched again, over at most \(NumberText.grouped(searched)) of \(NumberText.grouped(timetable.stopCount)) stops")
        clock.lap("public transport search", into: &report.timings)
        let summaries = perCategory.map(\.summary)
        try Self.checkInvariant(names: names, helpers: helpers, links: links, timetable: timetable, originSnaps: originSnaps,
                                labels: context.origins.labels, minima: summaries.map(\.minima), only: perCategory.map(\.affected),
                                walkSpeed: profile.walkKmh / 3.6, report: &report)

        var originTimes = OriginTimes(quartiles: summaries.map(\.quartiles), directWalk: baseline.times.directWalk, onGraph: baseline.times.onGraph,
                                      served: served, snapMetres: baseline.times.snapMetres)
        if breaks {
            // The affected origins' median journeys again, on the scenario's timetable; the others' are the baseline's.
            let walks = PointStopWalks(access), labels = context.origins.labels
            let none = [Int16](repeating: -1, count: originSnaps.count)
            let inputs = names.indices.map { c in
                BreakdownInput(minute: perCategory[c].medianMinute.isEmpty ? none : perCategory[c].medianMinute,
                               median: originSnaps.indices.map { summaries[c].quartiles[3 * $0 + 1] }, egress: egress[c],
                               directWalk: baseline.times.directWalk[c], name: names[c])
            }
            let again = try Self.medianJourneys(inputs, minutes: minutesGrid, timetable: timetable, transfers: links.transfers, walks: walks,
                                                labels: labels, source: 1)
            originTimes.journeyTimetables = [baseline.timetable, timetable]
            originTimes.journeys = names.indices.map { c in
                originSnaps.indices.map { o in perCategory[c].affected[o] ? again[c][o] : baseline.times.journeys[c][o] }
            }
            clock.lap("journey breakdown", into: &report.timings)
        }
        let counts = try typicalCounts(layer: context.layer, origins: context.origins, links: links, timetable: timetable, helpers: helpers,
                                       minutesGrid: minutesGrid, maxWalk: maxWalk, reuse: (baseline.counts, toTouched))
        clock.lap("typical-origin counts", into: &report.timings)
        let output = zoneFigures(context, times: originTimes, counts: counts, names: names)
        clock.lap("aggregate", into: &report.timings)
        return (output, originTimes, names)
    }
}
