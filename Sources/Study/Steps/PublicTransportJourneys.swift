import Accessibility
import Foundation
import GeoData

/// What the median journey of each origin is made of (docs/raptor.md, "Journey breakdown"): for the departure
/// minute of the window whose time is the origin's median, the earliest-arrival journey to the nearest service,
/// walked back leg by leg, its parts adding up to its exact time in seconds (which the median rounds up to whole
/// minutes).
extension PublicTransportJob {
    /// One origin's median journey to one category: its legs (seconds), and which of the run's timetables
    /// (`OriginTimes.journeyTimetables`: the baseline's, or a scenario's) its rides' routes and stops index.
    struct OriginJourney: Sendable, Equatable {
        var legs: JourneyLegs
        var source: UInt8 = 0

        /// The routes ridden, in order.
        func routes(_ timetables: [TransitTimetable]) -> [String] {
            legs.rides.map { timetables[Int(source)].routeNames[Int($0.route)] }
        }

        /// The journey leg by leg, for `--origins-out` and checks: `walk 312 s to 5310AAA; wait 48 s; 151 07:21:00
        /// 5310AAA - 07:28:00 5310BBB; walk 113 s to 5310CCC; wait 7 s; 30 07:30:00 5310CCC - 07:34:00 5310DDD;
        /// walk 40 s` (a change at the same stop has no walk; the last walk is to the service; on foot only: `walk N s`).
        func text(_ timetables: [TransitTimetable]) -> String {
            guard !legs.rides.isEmpty else { return "walk \(legs.accessWalk) s" }
            let timetable = timetables[Int(source)]
            var parts: [String] = []
            for (i, ride) in legs.rides.enumerated() {
                let board = PublicTransportJob.stopID(timetable, ride.boardStop)
                if i == 0 || ride.boardStop != legs.rides[i - 1].alightStop || ride.walkBefore > 0 {
                    parts.append("walk \(ride.walkBefore) s to \(board)")
                }
                parts.append("wait \(ride.waitBefore) s")
                parts.append("\(timetable.routeNames[Int(ride.route)]) \(GTFSTime.format(Int(ride.boardSeconds))) \(board) - \(GTFSTime.format(Int(ride.alightSeconds))) \(PublicTransportJob.stopID(timetable, ride.alightStop))")
            }
            parts.append("walk \(legs.egressWalk) s")
            return parts.joined(separator: "; ")
        }
    }

    /// Per origin, the first departure minute (index into the window) whose time is the origin's median, -1 when the
    /// median is none or the origin is not one `only` marks (every origin when nil). `times[o * k + m]` are a
    /// search's whole minutes.
    static func medianMinutes(times: [UInt8], medians: (Int) -> UInt8, count k: Int, origins: Int, only: [Bool]?) -> [Int16] {
        (0..<origins).map { o in
            let median = medians(o)
            guard median != WindowTimes.none, only?[o] ?? true else { return -1 }
            return Int16((0..<k).first { times[o * k + $0] == median } ?? -1)
        }
    }

    /// What the breakdown of one category needs: each origin's median minute (`medianMinutes`) and median, the
    /// stops' egress to the category and the origins' direct walks.
    struct BreakdownInput: Sendable {
        var minute: [Int16]
        var median: [UInt8]
        var egress: [Int32?]
        var directWalk: [Int32?]
        var name: String
    }

    /// The median journey of each origin with a median minute (`minute[o] >= 0`) per category, `[c][o]`; nil for
    /// the others. Origins in chunks on every core, each core with its own search. An error when a journey found
    /// does not round up to the median: the searches disagree, which is a bug.
    static func medianJourneys(_ categories: [BreakdownInput], minutes: DepartureMinutes, timetable: TransitTimetable,
                               transfers: StopTransfers, walks: PointStopWalks, labels: [String], source: UInt8 = 0) throws -> [[OriginJourney?]] {
        let originCount = walks.first.count - 1
        let perOrigin: [[OriginJourney?]] = try ParallelMap.map(Array(0..<originCount), chunksPerWorker: 16,
                                                                 worker: { JourneySearch(timetable: timetable, transfers: transfers) }) { worker, slice in
            var search = worker
            return try slice.map { o in
                let access = categories.contains { $0.minute[o] >= 0 } ? walks.walks(of: o) : []
                return try categories.map { input -> OriginJourney? in
                    guard input.minute[o] >= 0 else { return nil }
                    let median = input.median[o], departure = minutes.departure(Int(input.minute[o]))
                    guard let legs = search.earliest(departure: departure, access: access, egress: input.egress,
                                                     directWalk: input.directWalk[o], maxTripSeconds: minutes.maxTripSeconds),
                          (Int(legs.total) + 59) / 60 == Int(median) else {
                        throw DataError(file: "pt", location: "origin \(labels[o])",
                                        "internal check failed: the journey to the nearest \(input.name) leaving at \(GTFSTime.format(Int(departure)).prefix(5)) does not take the \(median) min the window's search found; please report this")
                    }
                    return OriginJourney(legs: legs, source: source)
                }
            }
        }
        return categories.indices.map { c in perOrigin.map { $0[c] } }
    }

    /// A stop's stop_id (its label is "feed: stop_id").
    static func stopID(_ timetable: TransitTimetable, _ stop: UInt32) -> String {
        let label = timetable.stopLabel[Int(stop)]
        guard let cut = label.range(of: ": ", options: .backwards) else { return label }
        return String(label[cut.upperBound...])
    }

    /// The parts of a journey the outputs name, with how each is read from the legs (seconds).
    static let journeyParts: [(name: String, what: String, seconds: @Sendable (JourneyLegs) -> Int32)] = [
        ("journey", "the whole journey (the sum of the parts below)", { $0.total }),
        ("access_walk", "the walk from the origin to the first stop (or, on foot only, to the service)", { $0.accessWalk }),
        ("initial_wait", "the wait at the first stop", { $0.initialWait }),
        ("in_vehicle", "the time on board, all rides", { $0.inVehicle }),
        ("transfer_walk", "the walks between rides", { $0.transferWalk }),
        ("transfer_wait", "the waits for the second and later rides", { $0.transferWait }),
        ("egress_walk", "the walk from the last stop to the service", { $0.egressWalk }),
    ]

    /// Zone columns of the breakdown of category `name`: the population-weighted mean of each part over the
    /// zone's origins with a median journey, the mean number of rides, the share on foot only and the routes ridden
    /// most (by the weight of the origins whose journey rides them).
    func journeyColumns(_ journeys: [OriginJourney?], timetables: [TransitTimetable], name: String, reducer: ZoneReducer, into output: inout StepOutput) {
        let prefix = "\(name)_pt"
        let known = journeys.map { $0 != nil }
        for part in Self.journeyParts {
            let values = journeys.map { $0.map { Double(part.seconds($0.legs)) / 60 } }
            output.add(Indicator("\(prefix)_\(part.name)_min_mean", unit: "min",
                                 "journey breakdown: population-weighted mean over the zone's origins of \(part.what), on the median journey to the nearest \(name) (the departure minute whose time is the origin's median over the window; exact seconds, so the parts add up to \(prefix)_journey_min_mean, which is below \(prefix)_mean by the rounding up to whole minutes)",
                                 source: Self.source, decimals: 2, numbers: reducer.mean(values)))
        }
        output.add(Indicator("\(prefix)_rides_mean", unit: "rides",
                             "journey breakdown: population-weighted mean number of vehicles ridden on the median journey to the nearest \(name) (0 on foot only)",
                             source: Self.source, decimals: 2, numbers: reducer.mean(journeys.map { $0.map { Double($0.legs.rides.count) } })))
        output.add(Indicator("\(prefix)_walk_only_pct", unit: "%",
                             "journey breakdown: share of the weight of the zone's origins with a median journey to the nearest \(name) for whom it is on foot only",
                             source: Self.source, decimals: 2, numbers: reducer.share(known: known) { journeys[$0]?.legs.rides.isEmpty ?? false }))
        let routes: [JSONValue] = reducer.members.indices.map { z in
            guard reducer.usable[z] else { return .null }
            var weight: [String: Double] = [:], total = 0.0
            for o in reducer.members[z] {
                guard let journey = journeys[o] else { continue }
                total += reducer.weights[o]
                for route in Set(journey.routes(timetables)) { weight[route, default: 0] += reducer.weights[o] }
            }
            guard total > 0, !weight.isEmpty else { return .null }
            let top = weight.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3)
            return .string(top.map { "\($0.key) (\(Int((100 * $0.value / total).rounded()))%)" }.joined(separator: ", "))
        }
        output.add(Indicator("\(prefix)_routes", unit: nil,
                             "journey breakdown: the routes the median journeys to the nearest \(name) ride most, each with the share of the weight of the zone's origins with a median journey that rides it (up to three)",
                             source: Self.source, json: routes))
    }

    /// The origins table's header of the breakdown of category `name`.
    static func journeyHeader(_ name: String) -> String {
        ",\(name)_pt_departure" + journeyParts.map { ",\(name)_pt_\($0.name)_s" }.joined() + ",\(name)_pt_rides,\(name)_pt_routes,\(name)_pt_legs"
    }

    /// One origin's breakdown fields: departure HH:MM, each part in seconds, the rides, the routes (`>` between)
    /// and the legs in words.
    static func writeJourney(_ journey: OriginJourney?, timetables: [TransitTimetable], into writer: inout JSONWriter) {
        guard let journey else {
            writer.text(String(repeating: ",", count: journeyParts.count + 4))
            return
        }
        writer.text("," + GTFSTime.format(Int(journey.legs.departure)).prefix(5))
        for part in journeyParts { writer.text(",\(part.seconds(journey.legs))") }
        writer.text(",\(journey.legs.rides.count),")
        writer.text(CSVField.escape(journey.routes(timetables).joined(separator: " > ")) + ",")
        writer.text(CSVField.escape(journey.text(timetables)))
    }
}

extension PublicTransportJob {
    /// `reach explain`'s lines on a zone's median journeys (docs/raptor.md, "Journey breakdown"), one per category
    /// and window whose `_journey_min_mean` column the row has: the mean journey and its parts, rides, the share
    /// on foot only and the routes. Empty when the table has no breakdown.
    public static func journeyLines(_ row: JSONObject, columns: [String]) -> [String] {
        let suffix = "_journey_min_mean"
        func number(_ key: String) -> String {
            row[key]?.doubleValue.map { String(format: "%.2f", $0) } ?? "—"
        }
        var lines: [String] = []
        for column in columns where column.hasSuffix(suffix) {
            let stem = String(column.dropLast(suffix.count))
            guard let total = row[column]?.doubleValue else {
                lines.append("\(stem): no median journey within the maximum trip from any origin")
                continue
            }
            let parts = [("walk (to the first stop, or all the way)", "access_walk"), ("wait", "initial_wait"), ("on board", "in_vehicle"),
                         ("walks between rides", "transfer_walk"), ("waits between rides", "transfer_wait"),
                         ("walk from the last stop", "egress_walk")]
                .map { "\($0.0) \(number("\(stem)_\($0.1)_min_mean"))" }.joined(separator: " + ")
            var line = "\(stem): median journey \(String(format: "%.2f", total)) min = \(parts)"
            line += "; \(number("\(stem)_rides_mean")) rides; \(number("\(stem)_walk_only_pct"))% on foot only"
            if case .string(let routes) = row["\(stem)_routes"] { line += "; routes \(routes)" }
            lines.append(line)
        }
        return lines
    }
}
