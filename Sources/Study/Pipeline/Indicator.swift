import Foundation
import GeoData

/// What `schema.json` says of one output column: its unit, meaning and the step (or file) it came from.
public struct ColumnSchema: Sendable, Equatable {
    public var name: String
    public var unit: String?
    public var description: String
    public var source: String

    public init(name: String, unit: String?, description: String, source: String) {
        self.name = name
        self.unit = unit
        self.description = description
        self.source = source
    }
}

/// One per-zone column a step computes: its name, unit, meaning and source, how it is rounded in outputs, and
/// one value per zone in layer order. `schema.json`, the map's legend and every writer read these; nothing is
/// worked out again from the column's name.
public struct Indicator: Sendable {
    public enum Values: Sendable {
        /// Numbers (nil or non-finite: null), rounded to `decimals` when written.
        case numbers([Double?])
        /// Values as they are (text, or numbers kept exactly as a joined file wrote them).
        case json([JSONValue])
    }

    public var schema: ColumnSchema
    /// Decimal places kept in outputs; nil writes the number as computed (shortest round-trip form).
    public var decimals: Int?
    public var values: Values

    public var name: String { schema.name }

    public init(_ name: String, unit: String?, _ description: String, source: String, decimals: Int? = nil, numbers: [Double?]) {
        schema = ColumnSchema(name: name, unit: unit, description: description, source: source)
        self.decimals = decimals
        values = .numbers(numbers)
    }

    public init(_ name: String, unit: String?, _ description: String, source: String, json: [JSONValue]) {
        schema = ColumnSchema(name: name, unit: unit, description: description, source: source)
        decimals = nil
        values = .json(json)
    }

    /// Integers (counts) as numbers, with no decimals (so a GeoPackage types the column INTEGER).
    public init(_ name: String, unit: String?, _ description: String, source: String, counts: [Int]) {
        self.init(name, unit: unit, description, source: source, decimals: 0, numbers: counts.map { Double($0) })
    }

    public var count: Int {
        switch values {
        case .numbers(let numbers): numbers.count
        case .json(let values): values.count
        }
    }

    /// The value written for zone z.
    public func json(_ zone: Int) -> JSONValue {
        switch values {
        case .json(let values):
            return values[zone]
        case .numbers(let numbers):
            guard let value = numbers[zone], value.isFinite else { return .null }
            guard let decimals else { return .number(value) }
            let scale = pow(10, Double(decimals))
            return .number((value * scale).rounded() / scale)
        }
    }
}
