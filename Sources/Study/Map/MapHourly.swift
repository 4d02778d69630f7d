import GeoData

/// The service profile on the map (docs/transit.md, "Service profile"): from `service_profile.csv`, the bus and
/// rail departures an hour near each zone's people for every date and hour, as one map property per day-hour,
/// chosen with a day and an hour picker. All day-hours share one colour scale (deciles of every zone-hour value
/// pooled), so that the map darkens as the service thins out in the evening or on a Sunday.
struct MapHourly {
    /// "Monday 2024-03-04", one per date of the file, in its order.
    var days: [String]
    /// `days.count × 24` properties, day-major: `columns[24 * d + h]`.
    var columns: [MapColumns.Column]

    /// The profile of the zones `codes` (in map order) from `service_profile.csv`'s bytes; nil when it holds no
    /// row. A zone without rows has no value; a row of a zone not on the map, or a malformed row, is an error
    /// naming its line.
    static func parse(_ bytes: [UInt8], file: String, codes: [String]) throws -> MapHourly? {
        let table = try CSVTable(bytes: bytes, source: file)
        let header = ["zone", "date", "hour", "bus_departures", "rail_departures", "routes"]
        guard table.header == header else {
            throw DataError(file: file, location: "line 1", "expected the columns \(header.joined(separator: ",")) (found \(table.header.joined(separator: ",")))")
        }
        let zoneIndex = Dictionary(codes.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var dates: [String] = [], dateIndex: [String: Int] = [:]
        var cells: [(zone: Int, day: Int, hour: Int, value: Double)] = []
        try table.forEachRow { row in
            guard row.count == header.count else { throw DataError(file: file, location: "line \(row.line)", "expected \(header.count) fields, found \(row.count)") }
            let code = row.string(0), date = row.string(1)
            guard let zone = zoneIndex[code] else { throw DataError(file: file, location: "line \(row.line)", field: "zone", "'\(code)' is not a zone of the map") }
            guard ServiceDate(date) != nil else { throw DataError(file: file, location: "line \(row.line)", field: "date", "'\(date)' is not a date YYYY-MM-DD") }
            guard let hour = Int(row.string(2)), (0..<24).contains(hour) else {
                throw DataError(file: file, location: "line \(row.line)", field: "hour", "'\(row.string(2))' is not an hour 0-23")
            }
            guard let bus = Double(row.string(3)), let rail = Double(row.string(4)), bus >= 0, rail >= 0 else {
                throw DataError(file: file, location: "line \(row.line)", field: "bus_departures", "'\(row.string(3))', '\(row.string(4))': departures must be numbers ≥ 0")
            }
            let day = dateIndex[date] ?? {
                dateIndex[date] = dates.count
                dates.append(date)
                return dates.count - 1
            }()
            cells.append((zone, day, hour, bus + rail))
        }
        guard !dates.isEmpty else { return nil }
        var values = [[Double?]](repeating: [Double?](repeating: nil, count: codes.count), count: 24 * dates.count)
        for cell in cells { values[24 * cell.day + cell.hour][cell.zone] = cell.value }
        // One scale: deciles of every zone-hour pooled, then each day-hour's own counts.
        let pooled = DecileClasses(values: values.flatMap { $0 })
        let labels = dates.map { date in "\(ServiceDate.weekdayNames[ServiceDate(date)!.weekday].capitalized) \(date)" }
        var columns: [MapColumns.Column] = []
        for (d, label) in labels.enumerated() {
            for hour in 0..<24 {
                let k = 24 * d + hour
                var classes = pooled
                classes.classes = Array(pooled.classes[(k * codes.count)..<((k + 1) * codes.count)])
                classes.counts = (1...10).map { c in classes.classes.count { $0 == UInt8(c) } }
                classes.missing = classes.classes.count { $0 == 0 }
                let hh = hour < 10 ? "0\(hour)" : "\(hour)"
                columns.append(MapColumns.Column(name: "departures \(label) \(hh):00", unit: "departures",
                                                 description: "bus and rail departures in the hour \(hh):00-\(hour + 1 < 10 ? "0" : "")\(hour + 1):00 of \(label) from the stops near the zone's people (population-weighted over its origins; service_profile.csv). One colour scale for every day and hour: deciles of all the zone-hours together.",
                                                 computed: true, values: values[k], deciles: classes))
            }
        }
        return MapHourly(days: labels, columns: columns)
    }
}
