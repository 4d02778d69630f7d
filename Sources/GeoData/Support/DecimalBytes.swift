import Foundation

/// Decimal numbers parsed straight from a file's bytes.
///
/// Written by hand because `Double(String)` needs a `String` per field, and a national Ofcom file has some
/// twenty million numeric fields. The fast path is exact: a mantissa of at most 15 digits and a power of ten
/// up to 10^22 are both exact doubles, so one multiplication or division rounds correctly (Clinger 1990).
/// Anything longer falls back to `strtod` through `Double(String)`.
public enum DecimalBytes {
    /// What a field held.
    public enum Parsed: Equatable, Sendable {
        /// Empty or only spaces.
        case empty
        case value(Double)
        /// Not a finite decimal number.
        case invalid
    }

    static let powers: [Double] = (0...22).map { pow(10, Double($0)) }

    /// Parses `[+-]digits[.digits][(e|E)[+-]digits]`, allowing spaces around it.
    public static func parse(_ field: UnsafeBufferPointer<UInt8>) -> Parsed {
        var start = 0, end = field.count
        while start < end, field[start] == 0x20 || field[start] == 0x09 { start += 1 }
        while end > start, field[end - 1] == 0x20 || field[end - 1] == 0x09 { end -= 1 }
        if start == end { return .empty }
        var i = start
        var negative = false
        if field[i] == UInt8(ascii: "-") || field[i] == UInt8(ascii: "+") { negative = field[i] == UInt8(ascii: "-"); i += 1 }
        var mantissa: UInt64 = 0, significant = 0, digits = 0, scale = 0
        var exact = true
        while i < end, field[i] >= 0x30, field[i] <= 0x39 {
            accumulate(field[i], &mantissa, &significant, &exact, fraction: false, &scale)
            digits += 1; i += 1
        }
        if i < end, field[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, field[i] >= 0x30, field[i] <= 0x39 {
                accumulate(field[i], &mantissa, &significant, &exact, fraction: true, &scale)
                digits += 1; i += 1
            }
        }
        guard digits > 0 else { return .invalid }
        if i < end, field[i] == UInt8(ascii: "e") || field[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < end, field[i] == UInt8(ascii: "-") || field[i] == UInt8(ascii: "+") { exponentNegative = field[i] == UInt8(ascii: "-"); i += 1 }
            var exponent = 0, exponentDigits = 0
            while i < end, field[i] >= 0x30, field[i] <= 0x39 {
                if exponent < 10_000 { exponent = exponent * 10 + Int(field[i] - 0x30) }
                exponentDigits += 1; i += 1
            }
            guard exponentDigits > 0 else { return .invalid }
            scale += exponentNegative ? -exponent : exponent
        }
        guard i == end else { return .invalid }
        if exact, abs(scale) <= 22 {
            let m = Double(mantissa)
            let value = scale >= 0 ? m * powers[scale] : m / powers[-scale]
            return .value(negative ? -value : value)
        }
        // The slow, general path: strtod rounds correctly whatever the length.
        let text = String(decoding: UnsafeBufferPointer(rebasing: field[start..<end]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return .invalid }
        return .value(value)
    }

    @inline(__always)
    private static func accumulate(_ byte: UInt8, _ mantissa: inout UInt64, _ significant: inout Int, _ exact: inout Bool,
                                   fraction: Bool, _ scale: inout Int) {
        let digit = UInt64(byte - 0x30)
        if significant == 0, digit == 0 {
            // Leading zeros carry no precision.
            if fraction { scale -= 1 }
            return
        }
        if significant < 15 {
            mantissa = mantissa * 10 + digit
            significant += 1
            if fraction { scale -= 1 }
        } else {
            // Beyond 15 significant digits the fast path would round twice: leave it to strtod.
            exact = false
            if !fraction { scale += 1 }
        }
    }
}

extension CSVRow {
    /// The field as a decimal number (see `DecimalBytes`).
    @inline(__always)
    public func decimal(_ index: Int) -> DecimalBytes.Parsed { DecimalBytes.parse(field(index)) }
}
