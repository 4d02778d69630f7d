import GeoPrimitives

/// Writes RFC 7946 GeoJSON: WGS84 lon/lat, `precision` decimal places (6 ≈ 0.1 m), exterior rings
/// anticlockwise and holes clockwise, no `crs` member, `null` for missing values; one feature per line so
/// files diff well. Output is byte-identical for identical input.
public struct GeoJSONWriter: Sendable {
    /// Decimal places of coordinates (0–15).
    public var precision: Int

    public init(precision: Int = 6) {
        precondition((0...15).contains(precision), "precision must be 0–15")
        self.precision = precision
    }

    /// Encodes a FeatureCollection; geometries must already be WGS84 lon/lat. Encodes on all cores.
    public func encode(_ features: [Feature]) throws -> [UInt8] {
        let writer = self
        let chunks: [[UInt8]] = try ParallelMap.map(features, chunksPerWorker: 2) { slice in
            var json = JSONWriter(capacity: 1 << 20)
            for feature in slice {
                writer.feature(feature, into: &json)
                json.raw(",\n")
            }
            return [json.bytes]
        }
        var output: [UInt8] = []
        output.reserveCapacity(chunks.reduce(64) { $0 + $1.count })
        output.append(contentsOf: Array("{\"type\":\"FeatureCollection\",\"features\":[\n".utf8))
        for chunk in chunks { output.append(contentsOf: chunk) }
        if !features.isEmpty { output.removeLast(2) }
        output.append(contentsOf: Array("\n]}\n".utf8))
        return output
    }

    /// Encodes GeoJSON Text Sequences (RFC 8142): each feature as one line, after an ASCII record separator (0x1E),
    /// ending in a line feed. GDAL reads it as `GeoJSONSeq`; `jq --seq` and streaming tools one feature at a time.
    public func encodeSequence(_ features: [Feature]) throws -> [UInt8] {
        let writer = self
        let chunks: [[UInt8]] = try ParallelMap.map(features, chunksPerWorker: 2) { slice in
            var json = JSONWriter(capacity: 1 << 20)
            for feature in slice {
                json.byte(0x1E)
                writer.feature(feature, into: &json)
                json.byte(0x0A)
            }
            return [json.bytes]
        }
        return chunks.flatMap { $0 }
    }

    /// Encodes and writes atomically (temporary file, then rename).
    public func write(_ features: [Feature], to path: String) throws {
        try AtomicFile.write(try encode(features), to: path)
    }

    /// One `Feature` object.
    public func feature(_ feature: Feature, into json: inout JSONWriter) {
        json.raw("{\"type\":\"Feature\",")
        if let id = feature.id {
            json.raw("\"id\":")
            json.value(id)
            json.raw(",")
        }
        json.raw("\"properties\":")
        json.object(feature.properties)
        json.raw(",\"geometry\":")
        if let shape = feature.geometry {
            geometry(RingOrientation.rightHandRule(shape), into: &json)
        } else {
            json.raw("null")
        }
        json.raw("}")
    }

    /// One geometry object.
    public func geometry(_ shape: Shape, into json: inout JSONWriter) {
        json.raw("{\"type\":\"")
        json.unescaped(shape.typeName)
        if case .geometryCollection(let members) = shape {
            json.raw("\",\"geometries\":[")
            for (i, member) in members.enumerated() {
                if i > 0 { json.raw(",") }
                geometry(member, into: &json)
            }
            json.raw("]}")
            return
        }
        json.raw("\",\"coordinates\":")
        switch shape {
        case .point(let p): position(p, into: &json)
        case .multiPoint(let points), .lineString(let points): positions(points, into: &json)
        case .multiLineString(let lines), .polygon(let lines): list(lines, into: &json)
        case .multiPolygon(let polygons):
            json.raw("[")
            for (i, rings) in polygons.enumerated() {
                if i > 0 { json.raw(",") }
                list(rings, into: &json)
            }
            json.raw("]")
        case .geometryCollection: break
        }
        json.raw("}")
    }

    @inline(__always) private func position(_ p: XY, into json: inout JSONWriter) {
        json.raw("[")
        json.fixed(p.x, decimals: precision)
        json.raw(",")
        json.fixed(p.y, decimals: precision)
        json.raw("]")
    }

    private func positions(_ points: [XY], into json: inout JSONWriter) {
        json.raw("[")
        for (i, p) in points.enumerated() {
            if i > 0 { json.raw(",") }
            position(p, into: &json)
        }
        json.raw("]")
    }

    private func list(_ lists: [[XY]], into json: inout JSONWriter) {
        json.raw("[")
        for (i, points) in lists.enumerated() {
            if i > 0 { json.raw(",") }
            positions(points, into: &json)
        }
        json.raw("]")
    }
}

extension JSONWriter {
    /// Appends text without quoting or escaping (for known-safe names).
    mutating func unescaped(_ text: String) {
        var text = text
        text.withUTF8 { appendRaw($0) }
    }
}
