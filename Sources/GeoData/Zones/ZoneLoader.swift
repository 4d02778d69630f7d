import Foundation
import GeoPrimitives
import Geometry
import Projection

/// How to read a zone layer.
public struct ZoneLoadOptions: Sendable {
    /// The CRS of the input coordinates, overriding any `crs` member (RFC 7946 WGS84 when neither is given).
    public var sourceCRS: CRS?
    /// The projected CRS all metric work happens in (metres).
    public var workingCRS: CRS
    /// The property holding zone codes; detected when nil (`WD13CD`, `LSOA21CD`, `area_code`, `code`...).
    public var codeField: String?
    /// Whether a code given twice is an error (it is for every computation; `reach validate` lists each repeat).
    public var requiresUniqueCodes = true

    public init(sourceCRS: CRS? = nil, workingCRS: CRS = .britishNationalGrid, codeField: String? = nil) {
        self.sourceCRS = sourceCRS
        self.workingCRS = workingCRS
        self.codeField = codeField
    }
}

/// Reads polygon layers from GeoJSON files or folders of them, reprojects every boundary once into the
/// working CRS, checks it against the CRS's area of use, and repairs invalid boundaries with GEOS make-valid.
///
/// Whole-file problems (missing, not GeoJSON, unknown CRS, every feature outside the area of use) throw a
/// `DataError`; a single bad feature becomes a zone without geometry and with a warning.
public enum ZoneLoader {
    static let extensions = [".geojson", ".json", ".geojson.gz", ".json.gz"]

    /// The files named: a folder stands for its GeoJSON files (`.geojson`, `.json`, optionally `.gz`),
    /// sorted by name.
    public static func inputFiles(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw DataError(file: path, "no such file or folder")
            }
            if isDirectory.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path)
                    .filter { name in
                        var isFolder: ObjCBool = false
                        let full = URL(fileURLWithPath: path).appendingPathComponent(name).path
                        return extensions.contains { name.lowercased().hasSuffix($0) }
                            && FileManager.default.fileExists(atPath: full, isDirectory: &isFolder) && !isFolder.boolValue
                    }
                    .sorted()
                guard !names.isEmpty else {
                    throw DataError(file: path, "the folder holds no GeoJSON files (\(extensions.joined(separator: ", ")))")
                }
                files += names.map { URL(fileURLWithPath: path).appendingPathComponent($0).path }
            } else {
                files.append(path)
            }
        }
        guard !files.isEmpty else { throw DataError(file: "(none)", "no zone files given") }
        return files
    }

    public static func load(paths: [String], options: ZoneLoadOptions = ZoneLoadOptions(),
                            progress: @Sendable (String) -> Void = { _ in }) throws -> ZoneLayer {
        let working = try workingCRSInfo(options.workingCRS)
        if let sourceCRS = options.sourceCRS { _ = try sourceCRS.resolve() }
        let files = try inputFiles(paths)
        progress("reading \(files.count) file\(files.count == 1 ? "" : "s")")
        let collections = try ParallelMap.map(files, chunksPerWorker: 8) { slice in
            try slice.map { try GeoJSONReader.read(path: $0) }
        }
        guard collections.contains(where: { !$0.features.isEmpty }) else {
            throw DataError(file: files.joined(separator: ", "), "empty layer: the file holds no features, and a zone layer needs at least one polygon")
        }
        let codeField = options.codeField ?? detectCodeField(collections)
        if let named = options.codeField, !collections.contains(where: { $0.features.contains { $0.properties[named] != nil } }) {
            throw DataError(file: files[0], field: named, "no feature has this property (use --code-field with one of: \(collections.first?.features.first?.properties.keys.joined(separator: ", ") ?? "none"))")
        }
        // Resolve each distinct source CRS once, naming the file that uses it when PROJ does not know it.
        var infos: [CRS: CRSInfo] = [:]
        for collection in collections {
            let crs = collection.crs(override: options.sourceCRS)
            if infos[crs] == nil {
                do { infos[crs] = try crs.resolve() } catch let error as ProjectionError {
                    throw DataError(file: collection.source, field: "crs", error.description)
                }
            }
        }
        var items: [ZoneWorkItem] = []
        for collection in collections {
            let info = infos[collection.crs(override: options.sourceCRS)]!
            for (index, feature) in collection.features.enumerated() {
                items.append(ZoneWorkItem(feature: feature, source: FeatureSource(file: collection.source, index: index), sourceCRS: info))
            }
        }
        progress("reprojecting, checking and repairing \(items.count) zones")
        let workingCRS = options.workingCRS
        let zones = try ParallelMap.map(items, worker: { ZoneBuilder(working: working, codeField: codeField) }) { builder, slice in
            slice.map { builder.build($0) }
        }
        try checkAreaOfUse(zones: zones, collections: collections, working: working)
        if let codeField, options.requiresUniqueCodes { try checkUniqueCodes(zones, codeField: codeField) }
        return ZoneLayer(zones: zones, workingCRS: workingCRS, codeField: codeField, files: files)
    }

    /// Outputs, joins and database keys are keyed by the zone code, so a zone without a code, or a code given twice
    /// (also when the two differ only in case or spacing, as `E05000819` and `e05000819 `), is an error naming the
    /// features (and how many more codes repeat).
    static func checkUniqueCodes(_ zones: [Zone], codeField: String) throws {
        if let missing = zones.first(where: { ($0.properties[codeField]?.stringValue ?? "").trimmingCharacters(in: .whitespaces).isEmpty }) {
            let count = zones.count { ($0.properties[codeField]?.stringValue ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
            throw DataError(file: missing.source.file, location: "feature \(missing.source.index)", field: codeField,
                            "no zone code\(count > 1 ? " (nor in \(count - 1) more feature\(count == 2 ? "" : "s"))" : ""): every zone needs one, as outputs and joins are keyed by it")
        }
        var first: [String: (code: String, source: FeatureSource)] = [:]
        var repeats: [(code: String, source: FeatureSource, earlier: (code: String, source: FeatureSource))] = []
        for zone in zones {
            guard let code = zone.properties[codeField]?.stringValue else { continue }
            let key = String(code.uppercased().filter { !$0.isWhitespace })
            if let earlier = first[key] { repeats.append((code, zone.source, earlier)) } else { first[key] = (code, zone.source) }
        }
        guard let repeated = repeats.first else { return }
        let more = repeats.count > 1 ? " (and \(repeats.count - 1) more repeated code\(repeats.count == 2 ? "" : "s"))" : ""
        let same = repeated.code == repeated.earlier.code ? "" : ", which differs from \(TextCheck.quoted(repeated.earlier.code)) only in case or spacing"
        throw DataError(file: repeated.source.file, location: "feature \(repeated.source.index)", field: codeField,
                        "zone code \(TextCheck.quoted(repeated.code)) again (first at \(repeated.earlier.source)\(same))\(more): each zone must appear once; dissolve the parts into one feature, or name another --code-field")
    }

    static func workingCRSInfo(_ crs: CRS) throws -> CRSInfo {
        let info: CRSInfo
        do { info = try crs.resolve() } catch let error as ProjectionError {
            throw DataError(file: "--working-crs", error.description)
        }
        guard !info.isGeographic, let unit = info.metresPerUnit, abs(unit - 1) < 1e-12 else {
            throw DataError(file: "--working-crs", "\(crs.definition) (\(info.name)) is not a projected CRS in metres; areas and distances need one, e.g. EPSG:27700")
        }
        return info
    }

    /// The first property, in the first feature that has properties, that looks like an area code.
    static func detectCodeField(_ collections: [FeatureCollection]) -> String? {
        guard let keys = collections.lazy.flatMap(\.features).first(where: { $0.properties.count > 0 })?.properties.keys else { return nil }
        return detectCodeField(keys)
    }

    /// The first of `keys` that looks like an area code: ONS style (two to six letters, two digits, "CD": WD13CD,
    /// LSOA21CD, LAD23CD), else `area_code`, `code`, `ward_code`, `zone_code` or `id`.
    public static func detectCodeField(_ keys: [String]) -> String? {
        if let ons = keys.first(where: { key in
            let chars = Array(key.uppercased())
            guard key == key.uppercased(), chars.count >= 6, chars.suffix(2) == ["C", "D"] else { return false }
            let digits = chars.dropLast(2).suffix(2)
            return digits.allSatisfy(\.isNumber) && chars.dropLast(4).allSatisfy(\.isLetter)
        }) { return ons }
        for candidate in ["area_code", "code", "ward_code", "zone_code", "id"] {
            if let key = keys.first(where: { $0.lowercased() == candidate }) { return key }
        }
        return nil
    }

    /// A file all of whose located features fall outside the working CRS's area of use has the wrong CRS or
    /// swapped axes: stop with one message rather than emit a layer of nonsense.
    static func checkAreaOfUse(zones: [Zone], collections: [FeatureCollection], working: CRSInfo) throws {
        var byFile: [String: (outside: Int, located: Int, swapped: Int, first: Int)] = [:]
        for zone in zones {
            var entry = byFile[zone.source.file] ?? (0, 0, 0, zone.source.index)
            if zone.geometry != nil || zone.areaOfUseMiss != nil { entry.located += 1 }
            if let miss = zone.areaOfUseMiss {
                entry.outside += 1
                if miss == .swapped { entry.swapped += 1 }
            }
            byFile[zone.source.file] = entry
        }
        for collection in collections {
            guard let entry = byFile[collection.source], entry.located > 0, entry.outside == entry.located else { continue }
            let area = working.areaOfUse.map { " (\($0))" } ?? ""
            let hint = entry.swapped == entry.outside
                ? "the coordinates look like latitude/longitude swapped: GeoJSON puts longitude first"
                : "is the file's CRS right? Say which CRS its coordinates are in with --crs"
            throw DataError(file: collection.source,
                            "all \(entry.located) features lie outside the area of use of \(working.identifier ?? working.name)\(area); \(hint)")
        }
    }
}

/// One feature to turn into a zone.
struct ZoneWorkItem: Sendable {
    var feature: Feature
    var source: FeatureSource
    var sourceCRS: CRSInfo
}

/// Turns features into zones on one task: owns a GEOS context and PROJ transformers, never shared.
final class ZoneBuilder {
    static let swappedHint = "latitude/longitude swapped"

    let working: CRSInfo
    let codeField: String?
    let context = GEOSContext()
    private var toWorking: [CRS: Transformer] = [:]
    private var toLonLat: [CRS: Transformer] = [:]

    init(working: CRSInfo, codeField: String?) {
        self.working = working
        self.codeField = codeField
    }

    private func transformer(_ cache: inout [CRS: Transformer], from source: CRS, to target: CRS) throws -> Transformer {
        if let transformer = cache[source] { return transformer }
        let transformer = try Transformer(from: source, to: target)
        cache[source] = transformer
        return transformer
    }

    func build(_ item: ZoneWorkItem) -> Zone {
        let feature = item.feature
        let code = codeField.flatMap { feature.properties[$0]?.stringValue } ?? "feature \(item.source.index)"
        var zone = Zone(code: code, properties: feature.properties, geometry: nil, areaSquareMetres: nil, source: item.source)
        do {
            let (geometry, repaired) = try boundary(of: feature, crs: item.sourceCRS)
            zone.repairedReason = repaired
            if geometry.isEmpty {
                zone.warnings.append("the boundary has no area\(repaired.map { " after repairing it (\($0))" } ?? "")")
            } else {
                zone.geometry = try geometry.shape()
                zone.areaSquareMetres = try geometry.area()
                if let repaired { zone.warnings.append("boundary repaired (\(repaired)); area is of the repaired polygon") }
            }
        } catch let problem as ZoneProblem {
            zone.warnings.append(problem.message)
            zone.areaOfUseMiss = problem.areaOfUseMiss
        } catch {
            zone.warnings.append("\(error)")
        }
        return zone
    }

    struct ZoneProblem: Error {
        let message: String
        var areaOfUseMiss: AreaOfUseMiss?
    }

    /// The feature's boundary as a valid polygonal GEOS geometry in the working CRS, and the validity reason
    /// when it had to be repaired.
    func boundary(of feature: Feature, crs: CRSInfo) throws -> (Geometry, String?) {
        if let problem = feature.geometryProblem { throw ZoneProblem(message: "unreadable geometry: \(problem)") }
        guard let shape = feature.geometry else { throw ZoneProblem(message: "the feature has no geometry") }
        guard shape.isPolygonal else {
            throw ZoneProblem(message: "the geometry is a \(shape.typeName), expected a Polygon or MultiPolygon")
        }
        let coordinates = shape.allCoordinates
        guard !coordinates.isEmpty else { throw ZoneProblem(message: "the geometry is empty") }
        if let bad = coordinates.firstIndex(where: { !$0.isFinite }) {
            throw ZoneProblem(message: "coordinate \(bad) is not a finite number \(coordinates[bad])")
        }
        if crs.isGeographic, let bad = coordinates.firstIndex(where: { abs($0.x) > 180 || abs($0.y) > 90 }) {
            let swapped = abs(coordinates[bad].y) <= 180 && abs(coordinates[bad].x) <= 90 ? "; \(ZoneBuilder.swappedHint)?" : ""
            throw ZoneProblem(message: "coordinate \(bad) \(coordinates[bad]) is not a valid longitude/latitude\(swapped)")
        }
        try checkAreaOfUse(Envelope(covering: coordinates)!, crs: crs)
        var projected = coordinates
        do {
            try transformer(&toWorking, from: crs.crs, to: working.crs).transform(&projected)
        } catch let error as ProjectionError {
            throw ZoneProblem(message: "cannot reproject to \(working.identifier ?? working.name): \(error)")
        }
        let geometry: Geometry
        do {
            geometry = try Geometry(shape.replacingCoordinates(with: projected), context: context)
        } catch let error as GeometryError {
            throw ZoneProblem(message: "unusable boundary: \(error)")
        }
        if try geometry.isValid() { return (geometry, nil) }
        let reason = try geometry.validityReason()
        let repaired = try geometry.makeValid().polygonalParts()
        guard try repaired.isValid() else {
            throw ZoneProblem(message: "invalid boundary (\(reason)) that make-valid could not repair")
        }
        return (repaired, reason)
    }

    /// Throws when the feature lies wholly outside the working CRS's area of use (1° margin), saying whether
    /// swapping the axes would put it inside.
    private func checkAreaOfUse(_ envelope: Envelope, crs: CRSInfo) throws {
        guard let area = working.areaOfUse else { return }
        let margin = 1.0
        guard let lonLat = lonLatEnvelope(envelope, crs: crs), area.intersects(lonLat, marginDegrees: margin) else {
            let swapped = lonLatEnvelope(envelope.swapped, crs: crs).map { area.intersects($0, marginDegrees: margin) } ?? false
            let hint = swapped ? "; the coordinates look like \(ZoneBuilder.swappedHint)" : "; is the input CRS (\(crs.identifier ?? crs.name)) right?"
            throw ZoneProblem(message: "lies outside the area of use of \(working.identifier ?? working.name) (\(area))\(hint)",
                              areaOfUseMiss: swapped ? .swapped : .outside)
        }
    }

    /// The envelope in WGS84 lon/lat degrees, or nil when it cannot be transformed.
    private func lonLatEnvelope(_ envelope: Envelope, crs: CRSInfo) -> Envelope? {
        if crs.isGeographic { return envelope }
        guard var corners = Optional(envelope.corners),
              (try? transformer(&toLonLat, from: crs.crs, to: .wgs84).transform(&corners)) != nil else { return nil }
        return Envelope(covering: corners)
    }
}
