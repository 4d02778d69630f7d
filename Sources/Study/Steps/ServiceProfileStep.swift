import Accessibility
import Foundation
import GeoData
import GeoPrimitives

/// `[service_profile]`: bus and rail service near each zone's people through every hour of every date
/// (docs/transit.md, "Service through the day and the week"). Writes `service_profile.csv` (long form: `zone`,
/// `date`, `hour`, `bus_departures`, `rail_departures`, `routes`, each the population-weighted mean over the zone's
/// origins) and per zone, for each date: the first and last departure, the mean longest gap within the span,
/// whether every hour of the span has service; and over the dates, evening and Sunday service as shares of the
/// weekday daytime.
struct ServiceProfileStep: StudyStep {
    var spec: ServiceProfileSpec
    var busRadiusMetres: Double
    var railRadiusMetres: Double

    static let fileName = "service_profile.csv"
    static let source = "reach service_profile"

    var title: String { "service profile" }

    func run(_ context: StudyContext, table: ZoneTable, progress: @escaping @Sendable (String) -> Void) throws -> StepOutput {
        var output = context.output()
        let feeds = try placedFeeds(context, progress: progress, notes: &output.notes)
        let measure = HourlyService(busRadiusMetres: busRadiusMetres, railRadiusMetres: railRadiusMetres, span: spec.span)
        let reducer = context.reducer, zones = context.layer.zones
        let labels = spec.labels
        var csv = Array("zone,date,hour,bus_departures,rail_departures,routes\n".utf8)
        // Per date: the zone means of each hour (bus + rail), for the shares.
        var hourly: [[[Double?]]] = []
        let span = spec.span
        for (d, date) in spec.dates.enumerated() {
            progress("\(date)")
            let day = DayDepartures(date: date, feeds: feeds)
            if day.isEmpty {
                output.notes.append("[service_profile] no bus or rail departure on \(date) (\(ServiceDate.weekdayNames[date.weekday])) in any feed: its figures are 0")
            }
            let origins = try measure.measure(origins: context.origins.points, day: day)
            func zoneMeans(_ values: (HourlyService.OriginDay) -> Int32) -> [Double?] {
                reducer.mean(origins.map { Double(values($0)) })
            }
            var dayHours: [[Double?]] = []
            let dateText = "\(date)"
            var bus: [[Double?]] = [], rail: [[Double?]] = [], routes: [[Double?]] = []
            for hour in 0..<24 {
                bus.append(zoneMeans { $0.bus[hour] })
                rail.append(zoneMeans { $0.rail[hour] })
                routes.append(zoneMeans { $0.routes[hour] })
                dayHours.append(zip(bus[hour], rail[hour]).map { b, r in b.flatMap { b in r.map { b + $0 } } })
            }
            hourly.append(dayHours)
            for z in zones.indices {
                for hour in 0..<24 {
                    CSVField.append(zones[z].code, to: &csv)
                    csv.append(0x2C)
                    csv += Array(dateText.utf8)
                    csv.append(0x2C)
                    csv += Array(String(hour).utf8)
                    for value in [bus[hour][z], rail[hour][z], routes[hour][z]] {
                        csv.append(0x2C)
                        if let value { csv += Array(Self.number(value).utf8) }
                    }
                    csv.append(0x0A)
                }
            }
            let label = labels[d]
            let members = reducer.members
            let firsts = zones.indices.map { z in members[z].compactMap { origins[$0].first }.min() }
            let lasts = zones.indices.map { z in members[z].compactMap { origins[$0].last }.max() }
            output.add(Indicator("first_departure_\(label)", unit: "HH:MM", "the first bus or rail departure on \(date) from a stop within the radius (bus \(JSONWriter.format(busRadiusMetres)) m, rail \(JSONWriter.format(railRadiusMetres)) m) of any of the zone's origins",
                                 source: Self.source, json: firsts.map { $0.map { .string(Self.clock($0)) } ?? .null }))
            output.add(Indicator("last_departure_\(label)", unit: "HH:MM", "the last such departure on \(date)",
                                 source: Self.source, json: lasts.map { $0.map { .string(Self.clock($0)) } ?? .null }))
            output.add(Indicator("longest_gap_min_\(label)", unit: "min", "population-weighted mean over the zone's origins of the longest wait within \(span) on \(date) with no bus or rail departure within the radius (the whole span when there is none)",
                                 source: Self.source, decimals: 1, numbers: reducer.mean(origins.map { Double($0.longestGap) / 60 })))
            let spanHours = (span.startSeconds / 3600)..<(span.endSeconds / 3600)
            output.add(Indicator("hourly_service_\(label)", unit: nil, "true when every hour of \(span) on \(date) has a bus or rail departure within the radius of some origin of the zone",
                                 source: Self.source, json: zones.indices.map { z in
                                     .bool(spanHours.allSatisfy { hour in members[z].contains { origins[$0].bus[hour] + origins[$0].rail[hour] > 0 } })
                                 }))
        }
        for (d, hour) in spec.mapHours {
            let label = String(format: "%02d", hour)
            output.add(Indicator("departures_\(labels[d])_\(label)", unit: "departures/hour",
                                 "bus and rail departures in \(label):00-\(String(format: "%02d", hour + 1)):00 on \(spec.dates[d]) near the zone's people (population-weighted mean over its origins; as service_profile.csv)",
                                 source: Self.source, decimals: 4, numbers: hourly[d][hour]))
        }
        let weekdays = spec.dates.indices.filter { spec.dates[$0].weekday < 5 }
        let sundays = spec.dates.indices.filter { spec.dates[$0].weekday == 6 }
        func perHour(_ days: [Int], _ hours: Range<Int>) -> [Double?] {
            zones.indices.map { z in
                var total = 0.0
                for d in days { for h in hours { guard let v = hourly[d][h][z] else { return nil }; total += v } }
                return days.isEmpty ? nil : total / Double(days.count * hours.count)
            }
        }
        let daytime = perHour(weekdays, 7..<19)
        if !weekdays.isEmpty {
            let evening = perHour(weekdays, 19..<24)
            output.add(Indicator("evening_share_pct", unit: "%", "weekday evening (19:00-24:00) bus and rail departures an hour near the zone's people as a percentage of the weekday daytime (07:00-19:00) rate (null when the daytime has none)",
                                 source: Self.source, decimals: 2, numbers: Self.ratio(evening, daytime)))
        }
        if !weekdays.isEmpty, !sundays.isEmpty {
            output.add(Indicator("sunday_share_pct", unit: "%", "Sunday daytime (07:00-19:00) bus and rail departures an hour near the zone's people as a percentage of the weekday daytime rate",
                                 source: Self.source, decimals: 2, numbers: Self.ratio(perHour(sundays, 7..<19), daytime)))
        }
        let monSat = spec.dates.indices.filter { spec.dates[$0].weekday < 6 }
        if Set(monSat.map { spec.dates[$0].weekday }).count == 6 {
            let names = Set(monSat.map { "hourly_service_\(labels[$0])" })
            let columns = output.indicators.filter { names.contains($0.name) }
            output.add(Indicator("hourly_service_mon_sat", unit: nil, "true when every hour of \(span) has service on each of Monday to Saturday (CPRE's 'every village, every hour')",
                                 source: Self.source, json: zones.indices.map { z in .bool(columns.allSatisfy { $0.json(z) == .bool(true) }) }))
        }
        output.files.append(StudyFile(name: Self.fileName, bytes: csv))
        return output
    }

    /// The feeds with their stops in the working CRS, read once for the run: through the shared loader, on the
    /// first date any feed runs (a date without service is a note, not an error).
    func placedFeeds(_ context: StudyContext, progress: @escaping @Sendable (String) -> Void, notes: inout [String]) throws -> [(feed: GTFSFeed, positions: [XY?])] {
        var lastError: Error?
        for date in spec.dates {
            do {
                let loaded = try context.transitFeeds(paths: spec.gtfs, date: date, window: .wholeDay, progress: progress)
                notes += loaded.warnings
                return loaded.feeds.map { ($0.feed, $0.positions) }
            } catch {
                lastError = error
            }
        }
        throw DataError(file: spec.gtfs.joined(separator: ", "), "[service_profile]: no feed runs on any of its dates (\(spec.dates.first!) to \(spec.dates.last!)): \(lastError.map { "\($0)" } ?? "")")
    }

    static func ratio(_ a: [Double?], _ b: [Double?]) -> [Double?] {
        zip(a, b).map { x, y in x.flatMap { x in y.flatMap { $0 > 0 ? 100 * x / $0 : nil } } }
    }

    static func clock(_ seconds: Int32) -> String {
        String(format: "%02d:%02d", Int(seconds) / 3600, (Int(seconds) % 3600) / 60)
    }

    /// A mean to 4 decimals, without trailing zeros.
    static func number(_ value: Double) -> String {
        JSONWriter.format((value * 10_000).rounded() / 10_000)
    }
}
