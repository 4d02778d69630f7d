import Accessibility
import Foundation
import GeoData

/// What `reach run` computes and writes: the study file's `[study]`, `[wards]`, `[origins]`, `[distance]`,
/// `[coverage]`, `[public_transport]` and `[outputs]` tables (docs/study.md). Paths are resolved against the study file's folder.
public struct RunSpec: Sendable {
    public var name: String
    /// The output folder.
    public var output: String
    public var workingCRS: String = "EPSG:27700"

    /// The zone set: `[zones]` (any polygons: LSOAs, a hex grid...) or `[wards]`, the same keys.
    public var zones: [String] = []
    public var zoneCodeField: String?
    /// The property with zone names, for the map.
    public var zoneNameField: String?
    public var zoneCRS: String?
    /// What the zones are called in output file names: `[zones] name` (default "zones"), "wards" for `[wards]`.
    public var zoneSetName = "wards"

    public var origins: String?
    public var originWeightField: String?
    public var originCRS: String?

    public struct Distance: Sendable {
        public var services: [String] = []
        public var categoryField: String?
        public var modes: [DistanceMode] = [.straight]
        public var osm: String?
        public var minutes: [Double] = [15, 30]
        public var metres: [Double] = [800, 2000]
        public var opportunities = false
        public var gravityBeta: Double?
        public var supplyField: String?
        public var fca: [FloatingCatchmentMethod] = []
        public var fcaDecay: CatchmentDecay = .steps
        public var roadDistance = false
        public var nthNearest: [Int] = []
        public var connectivity: ConnectivityMetric?
        public var demandFields: [String: String] = [:]
    }
    public var distance: Distance?

    public struct Coverage: Sendable {
        public var naptan: [String] = []
        public var busStops: [String] = []
        public var railStations: [String] = []
        public var metroStops: [String] = []
        public var osmStops: [String] = []
        public var gtfs: [String] = []
        public var date: ServiceDate?
        public var window: ServiceWindow = .morningPeak
        public var busRadiusMetres = CoverageJob.defaultBusRadius
        public var railRadiusMetres = CoverageJob.defaultRailRadius
        public var stationBandsMetres = CoverageJob.defaultBands
        public var frequentPerHour = 4.0
        /// Also map the gaps (`gaps.geojson`, and a layer of the map): each ward's area farther than
        /// `gapsRadiusMetres` (default: the bus radius) from every stop of the stop files.
        public var gaps = false
        public var gapsRadiusMetres: Double?
    }
    public var coverage: Coverage?

    /// `[public_transport]`: door-to-door time by public transport and walking (`reach pt`, docs/raptor.md).
    public struct PublicTransport: Sendable {
        public var services: [String] = []
        public var categoryField: String?
        public var osm = ""
        public var gtfs: [String] = []
        public var date: ServiceDate?
        public var window: ServiceWindow = .morningPeak
        public var maxWalkMinutes = 15.0
        public var maxTransferWalkMinutes = 5.0
        public var maxTripMinutes = 120.0
        public var minutes: [Double] = [15, 30, 45, 60]
        /// Further named windows (`windows = { evening = "19:00-22:00", sunday = { window = "10:00-13:00",
        /// date = "2024-03-10" } }`), each computed again with its columns named `{category}_pt_{name}_...`.
        public var windows: [NamedWindow] = []
        /// Each origin's median journey broken into walk, wait, ride and changes (`breakdown`, default true).
        public var breakdown = true
    }

    /// A departure window of its own, on the study's date or its own.
    public struct NamedWindow: Sendable, Equatable {
        public var name: String
        public var window: ServiceWindow
        public var date: ServiceDate?
        /// A window of arrival deadlines (`arrive_by`), not of departures.
        public var arriveBy = false
    }
    public var publicTransport: PublicTransport?

    /// Output formats written to the folder.
    public enum Format: String, Sendable, CaseIterable {
        /// `{zones}.gpkg`: an OGC GeoPackage (docs/geopackage.md), written only when asked for.
        case geojson, geojsonseq, csv, gpkg
    }
    /// The formats written when `[outputs] formats` is not given.
    public static let defaultFormats: [Format] = [.geojson, .geojsonseq, .csv]
    public var formats: [Format] = RunSpec.defaultFormats
    public var map = true
    /// The property the map shows first; nil picks `connectivity_score` when scored, else the first indicator.
    public var mapProperty: String?
    public var precision = 6
    /// `[outputs] postgres`: a libpq connection string or URI the zones (and gaps) are loaded into after the files
    /// are written; `postgres_schema` (default public), `postgres_replace` (default false). docs/postgis.md.
    public var postgres: String?
    public var postgresSchema = "public"
    public var postgresReplace = false

    /// Every input file the study names, for the checks before any work.
    public var inputs: [(key: String, path: String)] = []

    static func decode(_ root: ConfigTable, folder: String) throws(StudyConfigError) -> RunSpec? {
        guard let study = try root.table("study") else {
            for key in ["zones", "wards", "origins", "distance", "coverage", "public_transport", "outputs"] where root.has(key) {
                throw root.error(key, "[\(key)] needs a [study] table with the output folder (output = \"out/my-study\")")
            }
            return nil
        }
        var resolver = StudyPaths(folder: folder)
        func path(_ table: ConfigTable, _ key: String) throws(StudyConfigError) -> String? { try resolver.path(table, key) }
        func paths(_ table: ConfigTable, _ key: String) throws(StudyConfigError) -> [String] { try resolver.paths(table, key) }

        guard let outputText = try study.string("output"), !outputText.isEmpty else {
            throw study.error(nil, "missing key 'output' (the folder the study writes to)")
        }
        var spec = RunSpec(name: try study.string("name") ?? "reach study", output: StudyConfig.resolve(outputText, folder: folder))
        spec.workingCRS = try study.string("working_crs") ?? spec.workingCRS
        try study.finish(known: ["name", "output", "working_crs"])

        if root.has("wards"), root.has("zones") {
            throw root.error("zones", "give the zones once: [zones] or [wards] (the same keys), not both")
        }
        let zoneKey = root.has("zones") ? "zones" : "wards"
        guard let zones = try root.table(zoneKey) else {
            throw root.error(nil, "missing table [zones] (files = [\"zones.geojson\"]; [wards] is read the same)")
        }
        spec.zones = try paths(zones, "files")
        guard !spec.zones.isEmpty else { throw zones.error(nil, "missing key 'files' (the zone boundaries)") }
        spec.zoneCodeField = try zones.string("code_field")
        spec.zoneNameField = try zones.string("name_field")
        spec.zoneCRS = try zones.string("crs")
        if zoneKey == "zones" {
            spec.zoneSetName = try zones.string("name") ?? "zones"
            guard !spec.zoneSetName.isEmpty, spec.zoneSetName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                throw zones.error("name", "'\(spec.zoneSetName)': the zone set's name becomes its file names (\(spec.zoneSetName).geojson); use letters, digits, _ and -")
            }
        }
        try zones.finish(known: ["files", "code_field", "name_field", "crs"] + (zoneKey == "zones" ? ["name"] : []))

        if let origins = try root.table("origins") {
            spec.origins = try path(origins, "file")
            guard spec.origins != nil else { throw origins.error(nil, "missing key 'file' (the origins: population-weighted points)") }
            spec.originWeightField = try origins.string("weight_field")
            spec.originCRS = try origins.string("crs")
            try origins.finish(known: ["file", "weight_field", "crs"])
        }

        if let table = try root.table("distance") {
            var distance = Distance()
            distance.services = try paths(table, "services")
            guard !distance.services.isEmpty else { throw table.error(nil, "missing key 'services' (service files, one category each)") }
            distance.categoryField = try table.string("category_field")
            let modeNames = try table.strings("modes")
            if !modeNames.isEmpty {
                distance.modes = []
                for name in modeNames {
                    guard let mode = DistanceMode(name) else { throw table.error("modes", "'\(name)' is not a mode (straight, walk, cycle, car)") }
                    distance.modes.append(mode)
                }
            }
            distance.osm = try path(table, "osm")
            if distance.modes.contains(where: { $0 != .straight }), distance.osm == nil {
                throw table.error("modes", "network modes need a road network: add osm = \"extract.osm.pbf\"")
            }
            distance.minutes = try table.positives("minutes") ?? distance.minutes
            distance.metres = try table.positives("metres") ?? distance.metres
            distance.opportunities = try table.bool("opportunities") ?? false
            distance.gravityBeta = try table.positive("gravity_beta")
            distance.supplyField = try table.string("supply_field")
            distance.roadDistance = try table.bool("road_distance") ?? false
            for rank in try table.positives("nth_nearest") ?? [] {
                guard rank == rank.rounded(), (2...100).contains(Int(rank)) else {
                    throw table.error("nth_nearest", "\(rank) is not a rank from 2 to 100 (1, the nearest, is always given)")
                }
                if !distance.nthNearest.contains(Int(rank)) { distance.nthNearest.append(Int(rank)) }
            }
            distance.nthNearest.sort()
            for name in try table.strings("fca") {
                guard let method = FloatingCatchmentMethod(rawValue: name.lowercased()) else {
                    throw table.error("fca", "'\(name)' is not a floating-catchment method (\(FloatingCatchmentMethod.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                if !distance.fca.contains(method) { distance.fca.append(method) }
            }
            if let name = try table.string("fca_decay") {
                guard let decay = CatchmentDecay(rawValue: name.lowercased()) else {
                    throw table.error("fca_decay", "'\(name)' is not a decay (\(CatchmentDecay.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                distance.fcaDecay = decay
            }
            switch table.value("connectivity") {
            case .bool(let flag)?: distance.connectivity = flag ? ConnectivityMetric() : nil
            case .table(let metric)?: distance.connectivity = try ConnectivityMetric.decode(metric)
            case nil: break
            case let other?: throw table.error("connectivity", "expected true or a table [distance.connectivity], found \(other.typeName)")
            }
            if let demand = try table.table("demand_fields") {
                for category in demand.keys {
                    guard let field = try demand.string(category), !field.isEmpty else { throw demand.error(category, "expected the origins' field of the people who use \(category)") }
                    distance.demandFields[category] = field
                }
            }
            if distance.connectivity != nil, !distance.modes.contains(where: { $0 != .straight }) {
                throw table.error("connectivity", "the connectivity metric is scored by travel time: add walk, cycle or car to modes")
            }
            try table.finish(known: ["services", "category_field", "modes", "osm", "minutes", "metres", "opportunities", "gravity_beta",
                                     "supply_field", "fca", "fca_decay", "road_distance", "nth_nearest", "connectivity", "demand_fields"])
            spec.distance = distance
        }

        if let table = try root.table("coverage") {
            var coverage = Coverage()
            coverage.naptan = try paths(table, "naptan")
            coverage.busStops = try paths(table, "bus_stops")
            coverage.railStations = try paths(table, "rail_stations")
            coverage.metroStops = try paths(table, "metro_stops")
            coverage.osmStops = try paths(table, "osm_stops")
            coverage.gtfs = try paths(table, "gtfs")
            if coverage.naptan.isEmpty, coverage.busStops.isEmpty, coverage.railStations.isEmpty, coverage.metroStops.isEmpty,
               coverage.osmStops.isEmpty, coverage.gtfs.isEmpty {
                throw table.error(nil, "no stops: add naptan, bus_stops, rail_stations, metro_stops, osm_stops or gtfs")
            }
            coverage.date = try table.serviceDate("date")
            coverage.window = try table.serviceWindow("window") ?? coverage.window
            coverage.busRadiusMetres = try table.positive("bus_radius", atMost: CoverageJob.maxRadiusMetres, unit: " m") ?? coverage.busRadiusMetres
            coverage.railRadiusMetres = try table.positive("rail_radius", atMost: CoverageJob.maxRadiusMetres, unit: " m") ?? coverage.railRadiusMetres
            coverage.stationBandsMetres = try table.positives("station_bands") ?? coverage.stationBandsMetres
            coverage.frequentPerHour = try table.positive("frequent_per_hour") ?? coverage.frequentPerHour
            coverage.gaps = try table.bool("gaps") ?? false
            coverage.gapsRadiusMetres = try table.positive("gaps_radius", atMost: CoverageJob.maxRadiusMetres, unit: " m")
            if coverage.gaps, coverage.naptan.isEmpty, coverage.busStops.isEmpty, coverage.railStations.isEmpty,
               coverage.metroStops.isEmpty, coverage.osmStops.isEmpty {
                throw table.error("gaps", "gaps are drawn from stop files: add naptan, bus_stops, rail_stations, metro_stops or osm_stops")
            }
            try table.finish(known: ["naptan", "bus_stops", "rail_stations", "metro_stops", "osm_stops", "gtfs", "date", "window",
                                     "bus_radius", "rail_radius", "station_bands", "frequent_per_hour", "gaps", "gaps_radius"])
            spec.coverage = coverage
        }

        if let table = try root.table("public_transport") {
            var pt = PublicTransport()
            pt.services = try paths(table, "services")
            guard !pt.services.isEmpty else { throw table.error(nil, "missing key 'services' (service files, one category each)") }
            pt.categoryField = try table.string("category_field")
            guard let osm = try path(table, "osm") else { throw table.error(nil, "missing key 'osm' (the OpenStreetMap extract walked on)") }
            pt.osm = osm
            pt.gtfs = try paths(table, "gtfs")
            guard !pt.gtfs.isEmpty else { throw table.error(nil, "missing key 'gtfs' (one or more GTFS feeds)") }
            pt.date = try table.serviceDate("date")
            pt.window = try table.serviceWindow("window") ?? pt.window
            pt.maxWalkMinutes = try table.positive("max_walk") ?? pt.maxWalkMinutes
            pt.maxTransferWalkMinutes = try table.positive("max_transfer_walk") ?? pt.maxTransferWalkMinutes
            pt.maxTripMinutes = try table.positive("max_trip") ?? pt.maxTripMinutes
            guard pt.maxTripMinutes <= 240, (pt.maxTripMinutes * 60).rounded() == pt.maxTripMinutes * 60 else {
                throw table.error("max_trip", "must be a whole number of seconds, at most 240 minutes")
            }
            pt.minutes = try table.positives("minutes") ?? pt.minutes
            pt.breakdown = try table.bool("breakdown") ?? pt.breakdown
            if let windows = try table.table("windows") {
                for name in windows.entries.keys.sorted(by: { windows.lines.order(of: windows.keyPath($0)) < windows.lines.order(of: windows.keyPath($1)) }) {
                    guard name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isLowercase || ("0"..."9").contains($0) || $0 == "_") }),
                          name.first?.isLetter == true else {
                        throw windows.error(name, "'\(name)': a window's name becomes part of column names: use lower-case letters, digits and _")
                    }
                    var named: NamedWindow
                    if case .table = windows.entries[name], let own = try windows.table(name) {
                        if let deadlines = try own.string("arrive_by") {
                            guard !own.has("window") else { throw own.error("arrive_by", "give window (departures) or arrive_by (arrival deadlines), not both") }
                            // One deadline ("09:00") or a window of them ("08:30-09:00"), one a minute.
                            let window = GTFSTime.parse(deadlines).map { ServiceWindow(startSeconds: $0, endSeconds: $0 + 60) } ?? ServiceWindow(deadlines)
                            guard let window else { throw own.error("arrive_by", "'\(deadlines)': expected a time HH:MM or a window HH:MM-HH:MM of arrival deadlines") }
                            named = NamedWindow(name: name, window: window, date: try own.serviceDate("date"), arriveBy: true)
                        } else {
                            guard let window = try own.serviceWindow("window") else { throw own.error(nil, "missing key 'window' (HH:MM-HH:MM) or 'arrive_by'") }
                            named = NamedWindow(name: name, window: window, date: try own.serviceDate("date"))
                        }
                        try own.finish(known: ["window", "arrive_by", "date"])
                    } else {
                        guard let window = try windows.serviceWindow(name) else { throw windows.error(name, "expected a window HH:MM-HH:MM") }
                        named = NamedWindow(name: name, window: window, date: nil)
                    }
                    guard named.arriveBy || named.window != pt.window || named.date != nil && named.date != pt.date else {
                        throw windows.error(name, "is the study's own window (\(pt.window)): its columns are the unsuffixed ones")
                    }
                    pt.windows.append(named)
                }
            }
            try table.finish(known: ["services", "category_field", "osm", "gtfs", "date", "window", "max_walk", "max_transfer_walk", "max_trip", "minutes", "windows", "breakdown"])
            spec.publicTransport = pt
        }

        if let table = try root.table("outputs") {
            let names = try table.strings("formats")
            if !names.isEmpty {
                spec.formats = []
                for name in names {
                    guard let format = Format(rawValue: name) else {
                        throw table.error("formats", "'\(name)' is not a format (\(Format.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    spec.formats.append(format)
                }
            }
            spec.map = try table.bool("map") ?? true
            spec.mapProperty = try table.string("map_property")
            if let precision = try table.integer("precision") {
                guard (0...15).contains(precision) else { throw table.error("precision", "must be between 0 and 15, not \(precision)") }
                spec.precision = precision
            }
            spec.postgres = try table.string("postgres")
            spec.postgresSchema = try table.string("postgres_schema") ?? spec.postgresSchema
            spec.postgresReplace = try table.bool("postgres_replace") ?? false
            if spec.postgres == nil, table.has("postgres_schema") || table.has("postgres_replace") {
                throw table.error(table.has("postgres_schema") ? "postgres_schema" : "postgres_replace", "goes with postgres = \"postgresql://...\"")
            }
            try table.finish(known: ["formats", "map", "map_property", "precision", "postgres", "postgres_schema", "postgres_replace"])
        }
        spec.inputs = resolver.inputs
        return spec
    }
}

extension ConfigTable {
    /// A service date (`YYYY-MM-DD`), or nil when the key is absent.
    func serviceDate(_ key: String) throws(StudyConfigError) -> ServiceDate? {
        guard let text = try string(key) else { return nil }
        guard let date = ServiceDate(text) else { throw error(key, "'\(text)' is not a date (YYYY-MM-DD)") }
        return date
    }

    /// A departure window (`HH:MM-HH:MM`), or nil when the key is absent.
    func serviceWindow(_ key: String) throws(StudyConfigError) -> ServiceWindow? {
        guard let text = try string(key) else { return nil }
        guard let window = ServiceWindow(text) else { throw error(key, "'\(text)': expected HH:MM-HH:MM with the end after the start") }
        return window
    }
}
