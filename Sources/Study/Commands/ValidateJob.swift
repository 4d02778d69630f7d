import Foundation
import GeoData
import GeoPrimitives
import Projection

/// `reach validate`: checks the inputs of a study (or the layers named) before a long run, and lists every problem
/// instead of stopping at the first: files that cannot be read, empty layers, coordinates outside the working
/// CRS's area of use (and whether latitude/longitude look swapped), invalid or missing geometries, missing and
/// duplicate zone codes, origins outside every zone.
public struct ValidateJob: Sendable {
    public var study: String?
    public var zones: [String]
    public var zoneOptions: ZoneLoadOptions
    public var origins: String?
    public var services: [String]
    public var stops: StopSources
    public var pointOptions: PointLoadOptions

    public init(study: String? = nil, zones: [String] = [], zoneOptions: ZoneLoadOptions = ZoneLoadOptions(), origins: String? = nil,
                services: [String] = [], stops: StopSources = StopSources(), pointOptions: PointLoadOptions = PointLoadOptions()) {
        self.study = study
        self.zones = zones
        self.zoneOptions = zoneOptions
        self.origins = origins
        self.services = services
        self.stops = stops
        self.pointOptions = pointOptions
    }

    public enum Severity: String, Sendable, Comparable {
        case error, warning

        public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
    }

    /// One problem: what is wrong, where (file and feature or line).
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public var severity: Severity
        public var file: String
        public var location: String?
        public var message: String

        public var description: String {
            "\(severity.rawValue): \(file)\(location.map { ": \($0)" } ?? ""): \(message)"
        }

        /// An error thrown while reading `file`; its own "file: " prefix is dropped, the finding names the file.
        static func failure(_ file: String, _ error: Error) -> Finding {
            var message = "\(error)"
            if message.hasPrefix(file + ": ") { message.removeFirst(file.count + 2) }
            return Finding(severity: .error, file: file, message: message)
        }
    }

    public struct Report: Sendable {
        public var findings: [Finding] = []
        /// What was read, one line a layer: "wards: 21 zones in 1 file (code field area_code)".
        public var layers: [String] = []
        public var errors: Int { findings.count { $0.severity == .error } }
        public var warnings: Int { findings.count { $0.severity == .warning } }
    }

    public func run(progress: @Sendable (String) -> Void = { _ in }) -> Report {
        var report = Report()
        var job = self
        // The study's postcode directory (broadband): its path, postcode and coordinate columns, CRS.
        var postcodeDirectory: (String, String?, String?, String?, CRS?)?
        if let study {
            do {
                let (config, spec) = try StudyRun(study: study).check()
                job.zones = spec.zones
                job.zoneOptions = ZoneLoadOptions(sourceCRS: spec.zoneCRS.map { CRS($0) }, workingCRS: CRS(spec.workingCRS), codeField: spec.zoneCodeField)
                job.origins = spec.origins
                job.pointOptions = PointLoadOptions(sourceCRS: spec.originCRS.map { CRS($0) }, workingCRS: CRS(spec.workingCRS))
                job.services = spec.distance?.services ?? []
                if let coverage = spec.coverage {
                    job.stops = StopSources(naptan: coverage.naptan, busStops: coverage.busStops, railStations: coverage.railStations,
                                            metroStops: coverage.metroStops, osm: coverage.osmStops,
                                            pointOptions: PointLoadOptions(workingCRS: CRS(spec.workingCRS)))
                }
                if let broadband = config.broadband, let postcodes = broadband.postcodes {
                    postcodeDirectory = (postcodes, broadband.postcodeField, broadband.xField, broadband.yField, broadband.postcodesCRS.map { CRS($0) })
                }
                report.layers.append("study: \(config.file) reads; every input it names exists; \(spec.output) can be written")
            } catch {
                report.findings.append(.failure(study, error))
                return report
            }
        }
        let layer = job.checkZones(into: &report, progress: progress)
        job.checkOrigins(layer: layer, into: &report, progress: progress)
        for path in job.services {
            progress("services \(path)")
            var options = PointLoadOptions(workingCRS: job.zoneOptions.workingCRS)
            options.fields = []
            job.checkPoints(role: "services", path: path, into: &report) { try PointLoader.load(path: path, options: options).map { ($0.xy, $0.source) } }
        }
        let s = job.stops
        let single: [(String, StopSources)] =
            s.naptan.map { ($0, StopSources(naptan: [$0], pointOptions: s.pointOptions)) }
            + s.busStops.map { ($0, StopSources(busStops: [$0], pointOptions: s.pointOptions)) }
            + s.railStations.map { ($0, StopSources(railStations: [$0], pointOptions: s.pointOptions)) }
            + s.metroStops.map { ($0, StopSources(metroStops: [$0], pointOptions: s.pointOptions)) }
            + s.osm.map { ($0, StopSources(osm: [$0], pointOptions: s.pointOptions)) }
        for (path, source) in single {
            progress("stops \(path)")
            job.checkPoints(role: "stops", path: path, into: &report) { try source.load(progress: { _ in }).stops.map { ($0.xy, $0.source) } }
        }
        if let (path, postcodeField, xField, yField, crs) = postcodeDirectory {
            progress("postcodes \(path)")
            job.checkPoints(role: "postcodes", path: path, into: &report) {
                let directory = try PostcodeDirectory.read(path: path, postcodeField: postcodeField, xField: xField, yField: yField,
                                                           crs: crs, workingCRS: job.zoneOptions.workingCRS)
                return directory.points.indices.filter { directory.points[$0].isFinite }.map { (directory.points[$0], "\(path): line \(directory.lines[$0])") }
            }
        }
        report.findings.sort { ($0.severity, $0.file) < ($1.severity, $1.file) }
        return report
    }

    /// Each zone file on its own (so one bad file does not hide the others' problems), then codes across all.
    func checkZones(into report: inout Report, progress: @Sendable (String) -> Void) -> ZoneLayer? {
        guard !zones.isEmpty else { return nil }
        let files: [String]
        do { files = try ZoneLoader.inputFiles(zones) } catch {
            report.findings.append(.failure(zones.joined(separator: ", "), error))
            return nil
        }
        progress("zones: \(files.count) file(s)")
        var all: [Zone] = []
        var codeField = zoneOptions.codeField
        for file in files {
            let layer: ZoneLayer
            do {
                var options = zoneOptions
                // Validation lists every repeated code itself, across files.
                options.requiresUniqueCodes = false
                layer = try ZoneLoader.load(paths: [file], options: options)
            } catch {
                report.findings.append(.failure(file, error))
                continue
            }
            guard !layer.zones.isEmpty else {
                report.findings.append(Finding(severity: .error, file: file, message: "empty layer: no features"))
                continue
            }
            if codeField == nil { codeField = layer.codeField }
            if layer.codeField == nil {
                report.findings.append(Finding(severity: .error, file: file, message: "no property looks like a zone code (WD23CD, area_code, code...); name it with --code-field"))
            }
            for zone in layer.zones {
                let location = "feature \(zone.source.index)\(layer.codeField != nil ? " (\(zone.code))" : "")"
                if let reason = zone.repairedReason, zone.geometry != nil {
                    report.findings.append(Finding(severity: .warning, file: file, location: location,
                                                   message: "invalid geometry (\(reason)); reach repairs it with GEOS make-valid and computes on the repaired boundary"))
                }
                if zone.geometry == nil {
                    let why = zone.warnings.joined(separator: "; ")
                    report.findings.append(Finding(severity: .error, file: file, location: location,
                                                   message: zone.areaOfUseMiss == .swapped ? "\(why) (GeoJSON puts longitude first)" : why))
                }
                if let field = layer.codeField, zone.properties[field]?.stringValue?.isEmpty ?? true {
                    report.findings.append(Finding(severity: .error, file: file, location: location, message: "no value for the code field \(field)"))
                }
            }
            all += layer.zones
        }
        // Codes must be unique across every file: joins, scores and outputs are keyed by them.
        var first: [String: FeatureSource] = [:]
        for zone in all where codeField.flatMap({ zone.properties[$0]?.stringValue }) != nil {
            if let earlier = first[zone.code] {
                report.findings.append(Finding(severity: .error, file: zone.source.file, location: "feature \(zone.source.index)",
                                               message: "duplicate zone code \(zone.code) (first at \(earlier))"))
            } else {
                first[zone.code] = zone.source
            }
        }
        report.layers.append("zones: \(all.count) in \(files.count) file(s)\(codeField.map { ", code field \($0)" } ?? ""), \(all.count { $0.repairedReason != nil }) repaired, \(all.count { $0.geometry == nil }) unusable")
        return ZoneLayer(zones: all, workingCRS: zoneOptions.workingCRS, codeField: codeField, files: files)
    }

    func checkOrigins(layer: ZoneLayer?, into report: inout Report, progress: @Sendable (String) -> Void) {
        guard let origins else { return }
        progress("origins \(origins)")
        let points = checkPoints(role: "origins", path: origins, into: &report) {
            try PointLoader.load(path: origins, options: pointOptions).map { ($0.xy, $0.source) }
        }
        guard let layer, !points.isEmpty, layer.zones.contains(where: { $0.geometry != nil }) else { return }
        do {
            let set = try OriginSet.load(path: origins, options: pointOptions, weightField: nil, layer: layer, progress: { _ in })
            if !set.outside.isEmpty {
                report.findings.append(Finding(severity: .warning, file: origins,
                                               message: "\(set.outside.count) of \(points.count) origins lie in no zone and will not be counted (e.g. \(set.outside[0]))"))
            }
            if !set.fallbackZones.isEmpty {
                let codes = set.fallbackZones.sorted().prefix(5).map { layer.zones[$0].code }
                report.findings.append(Finding(severity: .warning, file: origins,
                                               message: "\(set.fallbackZones.count) zone(s) hold no origin and will use their point-on-surface (e.g. \(codes.joined(separator: ", ")))"))
            }
        } catch {
            report.findings.append(.failure(origins, error))
        }
    }

    /// Reads a point layer, and checks it is not empty and lies in the working CRS's area of use. Returns the
    /// points (empty when the file could not be read).
    @discardableResult
    func checkPoints(role: String, path: String, into report: inout Report, read: () throws -> [(xy: XY, source: String)]) -> [(xy: XY, source: String)] {
        let points: [(xy: XY, source: String)]
        do { points = try read() } catch {
            report.findings.append(.failure(path, error))
            return []
        }
        guard !points.isEmpty else {
            report.findings.append(Finding(severity: .error, file: path, message: "empty layer: no \(role)"))
            return []
        }
        report.layers.append("\(role): \(points.count) in \(path)")
        // The same check every command and `reach run` make when they read the layer.
        do {
            for warning in try PointPlacement.check(points.map(\.xy), source: { points[$0].source }, file: path, role: role,
                                                   working: zoneOptions.workingCRS) {
                report.findings.append(Finding(severity: .warning, file: path, message: String(warning.dropFirst(path.count + 2))))
            }
        } catch let error as DataError {
            report.findings.append(Finding(severity: .error, file: path, message: error.message))
        } catch {
            report.findings.append(.failure(path, error))
        }
        return points
    }
}
