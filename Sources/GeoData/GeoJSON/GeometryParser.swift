import GeoPrimitives

/// Parses GeoJSON geometry objects straight into `Shape`s.
enum GeometryParser {
    static let geometryTypes: Set<String> = [
        "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection",
    ]

    /// Nested coordinate arrays as read, before the geometry type says what they mean.
    indirect enum Nest {
        case position(XY)
        case positions([XY])
        case nested([Nest])
    }

    /// Parses a geometry object or `null`. Returns the shape, or nil and the reason it cannot be used; throws
    /// only on JSON syntax errors.
    static func parseGeometry(_ scanner: inout JSONScanner) throws -> (Shape?, String?) {
        if scanner.peek() == UInt8(ascii: "n") {
            try scanner.literal("null")
            return (nil, nil)
        }
        guard scanner.peek() == UInt8(ascii: "{") else {
            let found = scanner.describeNext()
            try scanner.skipValue()
            return (nil, "\"geometry\" must be an object or null, found \(found)")
        }
        var type: String?
        var coordinates: Nest?
        var members: [(Shape?, String?)]?
        var problem: String?
        try scanner.forEachMember { scanner, key in
            switch key {
            case "type":
                if scanner.peek() == UInt8(ascii: "\"") { type = try scanner.parseString() } else { try scanner.skipValue() }
            case "coordinates":
                if scanner.peek() == UInt8(ascii: "[") {
                    do {
                        coordinates = try parseNest(&scanner)
                    } catch let error as NestProblem {
                        problem = error.message
                        try skipRest(&scanner, from: error)
                    }
                } else {
                    try scanner.skipValue()
                }
            case "geometries":
                var parsed: [(Shape?, String?)] = []
                try scanner.forEachElement { parsed.append(try parseGeometry(&$0)) }
                members = parsed
            default:
                try scanner.skipValue()
            }
        }
        if let problem { return (nil, problem) }
        guard let type else { return (nil, "the geometry has no \"type\"") }
        guard geometryTypes.contains(type) else { return (nil, "unknown geometry type \"\(type)\"") }
        if type == "GeometryCollection" {
            guard let members else { return (nil, "a GeometryCollection without \"geometries\"") }
            var shapes: [Shape] = []
            for (index, member) in members.enumerated() {
                guard let shape = member.0 else { return (nil, "member \(index) of the GeometryCollection: \(member.1 ?? "null geometry")") }
                shapes.append(shape)
            }
            return (.geometryCollection(shapes), nil)
        }
        guard let coordinates else { return (nil, "a \(type) without \"coordinates\"") }
        do {
            return (try shape(type: type, coordinates), nil)
        } catch let error as NestProblem {
            return (nil, error.message)
        }
    }

    struct NestProblem: Error {
        let message: String
        /// Array depth at which parsing stopped, so the rest of the array can be skipped.
        var depth: Int = 0
    }

    /// Skips what remains of a coordinates array after a problem was found inside it.
    private static func skipRest(_ scanner: inout JSONScanner, from problem: NestProblem) throws {
        var depth = problem.depth
        while depth > 0 {
            switch scanner.peek() {
            case UInt8(ascii: "["): scanner.index += 1; depth += 1
            case UInt8(ascii: "]"): scanner.index += 1; depth -= 1
            case 0: throw scanner.error("unexpected end of file in coordinates")
            case UInt8(ascii: "\""): try scanner.skipString()
            default: scanner.index += 1
            }
        }
    }

    /// The deepest coordinate arrays GeoJSON has: a MultiPolygon's positions are 4 arrays deep.
    static let maxCoordinateDepth = 4

    private static func parseNest(_ scanner: inout JSONScanner, depth: Int = 1) throws -> Nest {
        guard depth <= maxCoordinateDepth else {
            // skipRest walks the rest without recursion, however deep it goes.
            throw NestProblem(message: "coordinates nested deeper than \(maxCoordinateDepth) arrays (a MultiPolygon's depth)", depth: depth - 1)
        }
        try scanner.expect(UInt8(ascii: "["))
        let next = scanner.peek()
        if next == UInt8(ascii: "]") {
            scanner.index += 1
            return .nested([])
        }
        if next == UInt8(ascii: "[") {
            var children: [Nest] = []
            var points: [XY] = []
            var allPositions = true
            repeat {
                let child = try parseNest(&scanner, depth: depth + 1)
                if case .position(let p) = child, allPositions {
                    points.append(p)
                } else {
                    if allPositions && !points.isEmpty {
                        throw NestProblem(message: "coordinates mix positions and arrays", depth: depth)
                    }
                    allPositions = false
                    children.append(child)
                }
            } while try scanner.nextElement(close: UInt8(ascii: "]"))
            return allPositions ? .positions(points) : .nested(children)
        }
        // A position: two or more numbers (a third, the height, is ignored).
        var values: [Double] = []
        repeat {
            let byte = scanner.peek()
            guard byte == UInt8(ascii: "-") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "N") || byte == UInt8(ascii: "I") else {
                if byte == UInt8(ascii: "n") {
                    try scanner.literal("null")
                    throw NestProblem(message: "a position holds null instead of a number", depth: depth)
                }
                throw NestProblem(message: "a position holds \(scanner.describeNext()) instead of a number", depth: depth)
            }
            values.append(try scanner.parseDouble())
        } while try scanner.nextElement(close: UInt8(ascii: "]"))
        guard values.count >= 2 else {
            throw NestProblem(message: "a position has \(values.count) number, needs at least 2", depth: depth - 1)
        }
        return .position(XY(values[0], values[1]))
    }

    private static func positions(_ nest: Nest, _ what: String) throws -> [XY] {
        switch nest {
        case .positions(let points): return points
        case .nested(let children) where children.isEmpty: return []
        default: throw NestProblem(message: "\(what) must be an array of positions")
        }
    }

    private static func lists(_ nest: Nest, _ what: String) throws -> [Nest] {
        switch nest {
        case .nested(let children): return children
        default: throw NestProblem(message: "\(what) must be an array of arrays of positions")
        }
    }

    private static func shape(type: String, _ nest: Nest) throws -> Shape {
        switch type {
        case "Point":
            guard case .position(let p) = nest else { throw NestProblem(message: "Point coordinates must be one position") }
            return .point(p)
        case "MultiPoint":
            return .multiPoint(try positions(nest, "MultiPoint coordinates"))
        case "LineString":
            return .lineString(try positions(nest, "LineString coordinates"))
        case "MultiLineString":
            return .multiLineString(try lists(nest, "MultiLineString coordinates").map { try positions($0, "each line") })
        case "Polygon":
            return .polygon(try lists(nest, "Polygon coordinates").map { try positions($0, "each ring") })
        case "MultiPolygon":
            return .multiPolygon(try lists(nest, "MultiPolygon coordinates").map { polygon in
                try lists(polygon, "each polygon of a MultiPolygon").map { try positions($0, "each ring") }
            })
        default:
            throw NestProblem(message: "unknown geometry type \"\(type)\"")
        }
    }
}
