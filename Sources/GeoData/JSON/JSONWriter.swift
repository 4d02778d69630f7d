/// Appends JSON text to a byte buffer with fixed, deterministic number formatting.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 1 << 16) {
        bytes.reserveCapacity(capacity)
    }

    @inline(__always) public mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func appendRaw(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }

    @inline(__always) public mutating func byte(_ byte: UInt8) {
        bytes.append(byte)
    }

    /// Text as it is, unquoted (CSV headers, already-formatted fields).
    public mutating func text(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// A JSON string literal with the escapes RFC 8259 requires.
    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for unit in text.utf8 {
            switch unit {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(hex[Int(unit >> 4)])
                bytes.append(hex[Int(unit & 0xF)])
            default: bytes.append(unit)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A number rounded to `decimals` places with trailing zeros dropped (`0.5`, `-2.354560`→`-2.35456`,
    /// `3.0`→`3`); non-finite values become `null`, as JSON has no NaN.
    public mutating func fixed(_ value: Double, decimals: Int) {
        guard value.isFinite else { raw("null"); return }
        let scale = JSONWriter.powersOfTen[decimals]
        let scaled = (value * scale).rounded()
        guard abs(scaled) < 9.0e15 else {
            bytes.append(contentsOf: Array(JSONWriter.format(value).utf8))
            return
        }
        var units = Int64(scaled)
        if units == 0 { bytes.append(UInt8(ascii: "0")); return }
        if units < 0 {
            bytes.append(UInt8(ascii: "-"))
            units = -units
        }
        let divisor = Int64(scale)
        integer(units / divisor)
        var fraction = units % divisor
        guard fraction != 0 else { return }
        var places = decimals
        while fraction % 10 == 0 {
            fraction /= 10
            places -= 1
        }
        bytes.append(UInt8(ascii: "."))
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: places)
        var i = places - 1
        while fraction > 0 {
            digits[i] = UInt8(ascii: "0") + UInt8(fraction % 10)
            fraction /= 10
            i -= 1
        }
        bytes.append(contentsOf: digits)
    }

    mutating func integer(_ value: Int64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        integer(value / 10)
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// A computed number: integers without a fraction, others in Swift's shortest round-trip form.
    public mutating func number(_ value: Double) {
        guard value.isFinite else { raw("null"); return }
        bytes.append(contentsOf: Array(JSONWriter.format(value).utf8))
    }

    /// Shortest round-trip text of a finite number; integral values below 2^53 without ".0".
    public static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 9.0e15 {
            return value == 0 ? "0" : String(Int64(value))
        }
        return "\(value)"
    }

    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): flag ? raw("true") : raw("false")
        case .number(let number):
            if let literal = number.literal, number.value.isFinite {
                bytes.append(contentsOf: Array(literal.utf8))
            } else {
                self.number(number.value)
            }
        case .string(let text): string(text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                self.value(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            self.object(object)
        }
    }

    public mutating func object(_ object: JSONObject) {
        bytes.append(UInt8(ascii: "{"))
        for (i, member) in object.members.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            string(member.key)
            bytes.append(UInt8(ascii: ":"))
            value(member.value)
        }
        bytes.append(UInt8(ascii: "}"))
    }

    static let powersOfTen: [Double] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]
}
