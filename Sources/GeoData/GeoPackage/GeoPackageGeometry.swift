import GeoPrimitives

/// GeoPackage binary geometry (OGC 12-128, "GeoPackageBinary"): the `GP` header with version 0, the flags byte
/// (little endian, an XY envelope, empty or not), the SRS id, the envelope, then the geometry as ISO WKB, little
/// endian. Written by hand: it is a few bytes of header in front of WKB, and GEOS's WKB writer would need a context
/// and a GEOS geometry per feature.
public enum GeoPackageGeometry {
    /// The blob of `shape` in SRS `srsID`, and its envelope (nil for an empty geometry).
    public static func encode(_ shape: Shape, srsID: Int32) -> (blob: [UInt8], envelope: Envelope?) {
        let envelope = shape.envelope
        var bytes: [UInt8] = [0x47, 0x50, 0x00] // "GP", version 0
        // Flags: bit 0 little endian; bits 1-3 envelope contents (1 = minx, maxx, miny, maxy); bit 4 empty.
        bytes.append(envelope == nil ? 0b0001_0001 : 0b0000_0011)
        append(UInt32(bitPattern: srsID), to: &bytes)
        if let envelope {
            for value in [envelope.minX, envelope.maxX, envelope.minY, envelope.maxY] { append(value, to: &bytes) }
        }
        wkb(shape, into: &bytes)
        return (bytes, envelope)
    }

    /// ISO WKB type codes (2D).
    static func typeCode(_ shape: Shape) -> UInt32 {
        switch shape {
        case .point: 1
        case .lineString: 2
        case .polygon: 3
        case .multiPoint: 4
        case .multiLineString: 5
        case .multiPolygon: 6
        case .geometryCollection: 7
        }
    }

    /// Appends `shape` as little-endian ISO WKB.
    public static func wkb(_ shape: Shape, into bytes: inout [UInt8]) {
        bytes.append(1) // little endian
        append(typeCode(shape), to: &bytes)
        func points(_ ring: [XY]) {
            append(UInt32(ring.count), to: &bytes)
            for p in ring { append(p.x, to: &bytes); append(p.y, to: &bytes) }
        }
        func rings(_ polygon: [[XY]]) {
            append(UInt32(polygon.count), to: &bytes)
            for ring in polygon { points(ring) }
        }
        switch shape {
        case .point(let p):
            append(p.x, to: &bytes)
            append(p.y, to: &bytes)
        case .lineString(let line):
            points(line)
        case .polygon(let polygon):
            rings(polygon)
        case .multiPoint(let list):
            append(UInt32(list.count), to: &bytes)
            for p in list { wkb(.point(p), into: &bytes) }
        case .multiLineString(let lines):
            append(UInt32(lines.count), to: &bytes)
            for line in lines { wkb(.lineString(line), into: &bytes) }
        case .multiPolygon(let polygons):
            append(UInt32(polygons.count), to: &bytes)
            for polygon in polygons { wkb(.polygon(polygon), into: &bytes) }
        case .geometryCollection(let parts):
            append(UInt32(parts.count), to: &bytes)
            for part in parts { wkb(part, into: &bytes) }
        }
    }

    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    static func append(_ value: Double, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }
}
