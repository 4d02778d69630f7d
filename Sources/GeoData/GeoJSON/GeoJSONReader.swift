import GeoPrimitives
import Projection

/// Reads GeoJSON: a FeatureCollection, a single Feature or a bare geometry, keeping every property in order.
///
/// Honours the legacy top-level `crs` member (2008 GeoJSON: `urn:ogc:def:crs:OGC:1.3:CRS84`,
/// `urn:ogc:def:crs:EPSG::27700`, `EPSG:27700`, or `{"type":"EPSG","properties":{"code":27700}}`); without it
/// coordinates are WGS84 lon/lat as RFC 7946 says. Syntax errors throw a `DataError` with the line; a feature
/// whose geometry cannot be understood is kept with `geometryProblem` set, so the caller can report it by index.
public enum GeoJSONReader {
    /// Reads and parses a file (`.geojson`, `.json`, or either gzip-compressed with a `.gz` suffix).
    public static func read(path: String) throws -> FeatureCollection {
        var bytes = try FileBytes.read(path: path)
        bytes.append(0)
        return try parse(bytes: bytes, source: path)
    }

    /// Parses a NUL-terminated buffer (the last byte must be 0 and is not part of the document).
    public static func parse(bytes: [UInt8], source: String) throws -> FeatureCollection {
        try bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(bytes: buffer)
            // A UTF-8 byte order mark is not JSON, but some writers add one.
            if buffer.count >= 4, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { scanner.index = 3 }
            do {
                let collection = try parseDocument(&scanner, source: source)
                if scanner.peek() != 0 {
                    throw scanner.error("unexpected \(scanner.describeNext()) after the end of the GeoJSON object")
                }
                return collection
            } catch let syntax as JSONSyntaxError {
                let (line, column) = scanner.lineAndColumn(of: syntax.offset)
                throw DataError(file: source, location: "line \(line), column \(column)", "not valid GeoJSON: \(syntax.message)")
            }
        }
    }

    private static func parseDocument(_ scanner: inout JSONScanner, source: String) throws -> FeatureCollection {
        guard scanner.peek() == UInt8(ascii: "{") else {
            if scanner.peek() == 0 { throw DataError(file: source, "the file is empty, expected a GeoJSON object") }
            throw scanner.error("expected a GeoJSON object ('{'), found \(scanner.describeNext())")
        }
        let documentStart = scanner.index
        var type: String?
        var features: [Feature] = []
        var sawFeatures = false
        var crs: CRS?
        var featureError: DataError?
        do {
            try scanner.forEachMember { scanner, key in
                switch key {
                case "type":
                    type = try scanner.parseString()
                case "features":
                    sawFeatures = true
                    try scanner.forEachElement { scanner in
                        do {
                            features.append(try parseFeature(&scanner, index: features.count, source: source))
                        } catch var error as DataError {
                            // Name the line too: a feature index alone is hard to find in a large file.
                            let line = scanner.lineAndColumn(of: scanner.index).line
                            error.location = (error.location ?? "feature \(features.count)") + ", line \(line)"
                            featureError = featureError ?? error
                            throw scanner.error(error.message)
                        }
                    }
                case "crs":
                    crs = try parseCRS(&scanner, source: source)
                default:
                    try scanner.skipValue()
                }
            }
        } catch is JSONSyntaxError where featureError != nil {
            // The syntax error above only stopped the scan; report the feature's own error, which names it.
            throw featureError!
        }
        switch type {
        case "FeatureCollection":
            guard sawFeatures else { throw DataError(file: source, "a FeatureCollection without a \"features\" array") }
            return FeatureCollection(features: features, declaredCRS: crs, source: source)
        case "Feature":
            // Parse the whole object again as one feature: members may come in any order.
            scanner.index = documentStart
            let feature = try parseFeature(&scanner, index: 0, source: source)
            return FeatureCollection(features: [feature], declaredCRS: crs, source: source)
        case .some(let name) where GeometryParser.geometryTypes.contains(name):
            scanner.index = documentStart
            let (shape, problem) = try GeometryParser.parseGeometry(&scanner)
            return FeatureCollection(features: [Feature(geometry: shape, geometryProblem: problem)], declaredCRS: crs, source: source)
        case .some(let name):
            throw DataError(file: source, "not GeoJSON: top-level \"type\" is \"\(name)\", expected \"FeatureCollection\", \"Feature\" or a geometry")
        case nil:
            throw DataError(file: source, "not GeoJSON: the top-level object has no \"type\" member")
        }
    }

    private static func parseFeature(_ scanner: inout JSONScanner, index: Int, source: String) throws -> Feature {
        guard scanner.peek() == UInt8(ascii: "{") else {
            throw DataError(file: source, location: "feature \(index)", "expected a Feature object, found \(scanner.describeNext())")
        }
        var feature = Feature(geometry: nil)
        var type: String?
        try scanner.forEachMember { scanner, key in
            switch key {
            case "type":
                type = try scanner.parseString()
            case "properties":
                switch try scanner.parseValue() {
                case .object(let object): feature.properties = object
                case .null: break
                default: throw scanner.error("feature \(index): \"properties\" must be an object or null")
                }
            case "geometry":
                (feature.geometry, feature.geometryProblem) = try GeometryParser.parseGeometry(&scanner)
            case "id":
                feature.id = try scanner.parseValue()
            default:
                try scanner.skipValue()
            }
        }
        guard type == "Feature" else {
            throw DataError(file: source, location: "feature \(index)", "\"type\" is \(type.map { "\"\($0)\"" } ?? "missing"), expected \"Feature\"")
        }
        return feature
    }

    /// The CRS named by a legacy `crs` member, in a form PROJ understands.
    private static func parseCRS(_ scanner: inout JSONScanner, source: String) throws -> CRS? {
        let value = try scanner.parseValue()
        guard case .object(let crs) = value else { return nil }
        guard case .object(let properties)? = crs["properties"] else {
            throw DataError(file: source, field: "crs", "a \"crs\" member without \"properties\"")
        }
        switch crs["type"]?.stringValue {
        case "name":
            guard let name = properties["name"]?.stringValue else {
                throw DataError(file: source, field: "crs", "a named \"crs\" without a \"name\"")
            }
            return CRS(legacyName: name)
        case "EPSG":
            guard let code = properties["code"]?.stringValue else {
                throw DataError(file: source, field: "crs", "an EPSG \"crs\" without a \"code\"")
            }
            return CRS("EPSG:\(code)")
        case let other:
            throw DataError(file: source, field: "crs", "unsupported \"crs\" type \(other.map { "\"\($0)\"" } ?? "(none)"); use --crs to say which CRS the coordinates are in")
        }
    }
}

extension CRS {
    /// A CRS from a legacy GeoJSON `crs` name: OGC URNs become `AUTH:CODE`, CRS84 stays lon/lat.
    public init(legacyName name: String) {
        let trimmed = name.trimmingCharacters(in: " ")
        let lower = trimmed.lowercased()
        if lower == "urn:ogc:def:crs:ogc:1.3:crs84" || lower == "urn:ogc:def:crs:ogc::crs84" || lower == "ogc:crs84" || lower == "crs84" {
            self = .wgs84
            return
        }
        // urn:ogc:def:crs:EPSG::27700 or urn:ogc:def:crs:EPSG:6.6:27700 → EPSG:27700
        if lower.hasPrefix("urn:ogc:def:crs:") {
            let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count >= 7, let code = parts.last, !code.isEmpty {
                self.init("\(parts[4]):\(code)")
                return
            }
        }
        self.init(trimmed)
    }
}
