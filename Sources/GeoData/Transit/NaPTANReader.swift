import GeoPrimitives
import Projection

/// Reads NaPTAN `Stops.csv` in its published layout (columns found by header name, in any order).
///
/// `StopType` BCT, BCS, BCQ are bus stops; RLY and RSE (station entrances: local authority files carry the
/// entrances, the stations themselves are in the national area 910 file) rail; MET, PLT, TMU metro and tram.
/// Other NaPTAN types are skipped and counted; a type NaPTAN does not define is an error. Only active stops count
/// (`Status` active or, in files before 2021, `act`). Positions come from Easting/Northing (EPSG:27700), else
/// Longitude/Latitude (WGS84).
public enum NaPTANReader {
    static let kinds: [String: StopKind] = [
        "BCT": .bus, "BCS": .bus, "BCQ": .bus, "RLY": .rail, "RSE": .rail, "MET": .metro, "PLT": .metro, "TMU": .metro,
    ]
    /// Every other StopType NaPTAN's schema defines (2.x): air, bus/coach station parts, ferry, rail platform,
    /// taxi, lifts and cable cars, tram entrance.
    static let otherTypes: Set<String> = [
        "AIR", "GAT", "FTD", "FER", "FBT", "RPL", "BCE", "BST", "TXR", "STR", "LSE", "LCB", "LPH", "TMU_E", "MET_E",
    ]

    /// How far apart, in metres, a stop's Easting/Northing and its Longitude/Latitude may be before the file is
    /// warned about. NaPTAN derives one pair from the other: PROJ's transformation puts them 1.4-2.6 m apart on
    /// Cheshire's 2,756 stops (measured with pyproj), so 10 m is well past rounding and datum differences.
    public static let pairToleranceMetres = 10.0

    public static func read(path: String, workingCRS: CRS = .britishNationalGrid) throws -> (stops: [TransitStop], report: StopReadReport) {
        let table = try CSVTable(bytes: FileBytes.read(path: path), source: path)
        let atco = try table.requiredColumn("ATCOCode"), type = try table.requiredColumn("StopType")
        let name = table.column("CommonName"), status = table.column("Status")
        let easting = table.column("Easting"), northing = table.column("Northing")
        let longitude = table.column("Longitude"), latitude = table.column("Latitude")
        guard (easting != nil && northing != nil) || (longitude != nil && latitude != nil) else {
            throw DataError(file: path, location: "line 1", "no Easting/Northing or Longitude/Latitude columns: is this a NaPTAN Stops.csv? (columns: \(table.header.prefix(12).joined(separator: ", "))...)")
        }
        var report = StopReadReport(file: path)
        if status == nil {
            report.warnings.append("\(path): has no Status column, so inactive (closed) stops cannot be left out: every stop is counted as active")
        }
        var stops: [TransitStop] = []
        var gridIndices: [Int] = [], lonLatIndices: [Int] = []
        // Stops with both pairs: the index of the stop and its longitude/latitude, checked against its grid pair.
        var bothPairs: [(stop: Int, lonLat: XY)] = []
        var rows = 0, emptyStatus = 0, firstEmptyStatus = 0
        try table.forEachRow { row in
            let stopType = row.string(type).trimmingCharacters(in: " ").uppercased()
            rows += 1
            if status != nil, row.optionalString(status) == nil {
                if emptyStatus == 0 { firstEmptyStatus = row.line }
                emptyStatus += 1
            }
            let state = row.optionalString(status)?.lowercased() ?? "active"
            guard let kind = kinds[stopType] else {
                guard otherTypes.contains(stopType) else {
                    throw DataError(file: path, location: "line \(row.line)", field: "StopType",
                                    "'\(row.string(type))' is not a NaPTAN stop type (bus BCT/BCS/BCQ, rail RLY/RSE, metro MET/PLT/TMU, or another NaPTAN type)")
                }
                if state == "active" || state == "act" { report.otherTypes[stopType, default: 0] += 1 } else { report.inactive += 1 }
                return
            }
            guard state == "active" || state == "act" else { report.inactive += 1; return }
            var stop = TransitStop(xy: XY(0, 0), kind: kind, id: row.string(atco), name: row.optionalString(name) ?? "",
                                   source: "\(path): line \(row.line)")
            if let easting, let northing,
               let x = try row.double(easting, source: path, name: "Easting"), let y = try row.double(northing, source: path, name: "Northing") {
                stop.xy = XY(x, y)
                if let longitude, let latitude, let lon = try? row.double(longitude, source: path, name: "Longitude"),
                   let lat = try? row.double(latitude, source: path, name: "Latitude") {
                    bothPairs.append((stops.count, XY(lon, lat)))
                }
                gridIndices.append(stops.count)
                stops.append(stop)
            } else if let longitude, let latitude,
                      let x = try row.double(longitude, source: path, name: "Longitude"), let y = try row.double(latitude, source: path, name: "Latitude") {
                guard abs(x) <= 180, abs(y) <= 90 else {
                    throw DataError(file: path, location: "line \(row.line)", field: "Longitude", "(\(x), \(y)) is not a longitude and latitude")
                }
                stop.xy = XY(x, y)
                lonLatIndices.append(stops.count)
                stops.append(stop)
            } else {
                throw DataError(file: path, location: "line \(row.line)", field: "Easting",
                                "stop \(row.string(atco)) has neither Easting/Northing nor Longitude/Latitude")
            }
            report.kept[kind, default: 0] += 1
        }
        if emptyStatus > 0 {
            report.warnings.append("\(path): Status is empty on \(emptyStatus == rows ? "every row" : "\(emptyStatus) of \(rows) rows (first line \(firstEmptyStatus))"), so those stops cannot be told active or inactive: they are counted as active")
        }
        report.warnings += try disagreements(stops, bothPairs, path: path)
        try reproject(&stops, indices: gridIndices, from: .britishNationalGrid, to: workingCRS)
        try reproject(&stops, indices: lonLatIndices, from: .wgs84, to: workingCRS)
        return (stops, report)
    }

    /// The warning for stops whose two coordinate pairs are more than `pairToleranceMetres` apart, with the count
    /// and the first three lines; `stops` still hold their grid pairs (EPSG:27700), which are the ones used.
    static func disagreements(_ stops: [TransitStop], _ pairs: [(stop: Int, lonLat: XY)], path: String) throws -> [String] {
        guard !pairs.isEmpty else { return [] }
        var projected = pairs.map(\.lonLat)
        // A longitude/latitude PROJ cannot place on the grid (far outside it) simply disagrees.
        try? Transformer(from: .wgs84, to: .britishNationalGrid).transform(&projected)
        var far: [(source: String, metres: Double)] = []
        for (k, pair) in pairs.enumerated() {
            let grid = stops[pair.stop].xy
            let metres = ((projected[k].x - grid.x) * (projected[k].x - grid.x) + (projected[k].y - grid.y) * (projected[k].y - grid.y)).squareRoot()
            if !(metres <= pairToleranceMetres) { far.append((stops[pair.stop].source, metres)) }
        }
        guard !far.isEmpty else { return [] }
        let examples = far.prefix(3).map { item in
            let line = item.source.components(separatedBy: ": ").last ?? item.source
            return item.metres.isFinite ? "\(line) (\(Int(item.metres.rounded())) m)" : "\(line) (off the grid)"
        }
        return ["\(path): \(far.count) of \(pairs.count) stops have Easting/Northing and Longitude/Latitude more than \(Int(pairToleranceMetres)) m apart, e.g. \(examples.joined(separator: ", ")); Easting/Northing were used"]
    }

    /// Transforms the stops at `indices` in one batch.
    public static func reproject(_ stops: inout [TransitStop], indices: [Int], from source: CRS, to target: CRS) throws {
        guard !indices.isEmpty, source != target else { return }
        var points = indices.map { stops[$0].xy }
        do {
            try Transformer(from: source, to: target).transform(&points)
        } catch let ProjectionError.nonFiniteResult(index, _, message) {
            throw DataError(file: stops[indices[index]].source, "cannot be transformed to \(target.definition): \(message)")
        }
        for (k, i) in indices.enumerated() { stops[i].xy = points[k] }
    }
}
