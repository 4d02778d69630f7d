import Accessibility
import GeoData

/// `[service_profile]` (docs/transit.md, "Service through the day and the week"): the dates whose departures are
/// counted hour by hour near every origin, the feeds, and the span of the hourly-service test.
public struct ServiceProfileSpec: Sendable, Equatable {
    /// The dates, in order: the seven days from `week`, or `dates`.
    public var dates: [ServiceDate]
    /// The feeds; empty takes `[coverage]`'s `gtfs`.
    public var gtfs: [String] = []
    /// Every hour of it needs a departure for `hourly_service_{day}`; the longest gap is measured within it.
    public var span = ServiceWindow(startSeconds: 7 * 3600, endSeconds: 22 * 3600)
    /// Day-hours given a zone column each (`map_hours = ["monday 08", "sunday 14"]`), so the map and any GIS can
    /// show them: `departures_{day}_{HH}`, bus and rail departures an hour near the zone's people.
    public var mapHours: [(date: Int, hour: Int)] = []

    public static func == (a: ServiceProfileSpec, b: ServiceProfileSpec) -> Bool {
        a.dates == b.dates && a.gtfs == b.gtfs && a.span == b.span && a.mapHours.map { [$0.date, $0.hour] } == b.mapHours.map { [$0.date, $0.hour] }
    }

    static func decode(_ table: ConfigTable, paths: inout StudyPaths) throws(StudyConfigError) -> ServiceProfileSpec {
        var dates: [ServiceDate] = []
        if let week = try table.string("week") {
            guard let start = ServiceDate(week) else { throw table.error("week", "'\(week)' is not a date YYYY-MM-DD") }
            guard !table.has("dates") else { throw table.error("dates", "give week (seven days from a date) or dates, not both") }
            dates = (0..<7).map { start.adding(days: $0) }
        } else {
            for text in try table.strings("dates") {
                guard let date = ServiceDate(text) else { throw table.error("dates", "'\(text)' is not a date YYYY-MM-DD") }
                guard !dates.contains(date) else { throw table.error("dates", "\(text) is given twice") }
                dates.append(date)
            }
            guard !dates.isEmpty else { throw table.error(nil, "missing key 'week' (the seven days from a date, week = \"2024-03-04\") or 'dates'") }
        }
        var spec = ServiceProfileSpec(dates: dates)
        spec.gtfs = try paths.paths(table, "gtfs")
        if let text = try table.string("span") {
            guard let span = ServiceWindow(text), span.endSeconds <= 24 * 3600, span.startSeconds % 3600 == 0, span.endSeconds % 3600 == 0 else {
                throw table.error("span", "'\(text)': expected whole hours HH:00-HH:00 within the day, e.g. 07:00-22:00")
            }
            spec.span = span
        }
        let labels = spec.labels
        for text in try table.strings("map_hours") {
            let parts = text.split(separator: " ")
            guard parts.count == 2, let d = labels.firstIndex(of: String(parts[0])), let hour = Int(parts[1]), (0..<24).contains(hour) else {
                throw table.error("map_hours", "'\(text)': expected a day of the profile and an hour, e.g. \"\(labels[0]) 08\" (days: \(labels.joined(separator: ", ")))")
            }
            spec.mapHours.append((d, hour))
        }
        try table.finish(known: ["week", "dates", "gtfs", "span", "map_hours"])
        return spec
    }

    /// The column suffix of each date: its weekday (`monday`) when every date's weekday is different, else the
    /// date (`2024_03_04`).
    var labels: [String] {
        let weekdays = dates.map { ServiceDate.weekdayNames[$0.weekday] }
        if Set(weekdays).count == weekdays.count { return weekdays }
        return dates.map { "\($0)".replacingOccurrences(of: "-", with: "_") }
    }
}
