#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GeoPrimitives

/// A JSON syntax error at a byte offset; the reader turns it into a `DataError` with a line number.
struct JSONSyntaxError: Error {
    let offset: Int
    let message: String
}

/// A hand-written byte-level JSON parser over a NUL-terminated buffer.
///
/// Written by hand rather than using Foundation's `JSONSerialization` because reading coordinates is the
/// bottleneck of every job (34 MB of ward boundaries, 43 MB compressed of output areas): this parses
/// coordinate arrays straight into `[XY]` without boxing each number. The trailing NUL lets `strtod` stop
/// safely at the end of the buffer.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int = 0
    /// Objects and arrays open at `index`; parsing recurses once per level, so it is bounded.
    var depth = 0

    /// The deepest nesting of objects and arrays read (GeoJSON needs at most 6: a FeatureCollection's
    /// MultiPolygon coordinates). Deeper input is an error rather than a stack overflow.
    static let maxDepth = 128

    /// `bytes` must end with a 0 byte that is not part of the document.
    init(bytes: UnsafeBufferPointer<UInt8>) {
        precondition(bytes.last == 0, "JSONScanner needs a NUL-terminated buffer")
        self.bytes = bytes
    }

    var end: Int { bytes.count - 1 }

    func error(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? index, message: message)
    }

    @inline(__always) mutating func skipWhitespace() {
        while index < end {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// The next non-space byte, or 0 at the end.
    @inline(__always) mutating func peek() -> UInt8 {
        skipWhitespace()
        return index < end ? bytes[index] : 0
    }

    mutating func expect(_ byte: UInt8) throws {
        guard peek() == byte else {
            throw error("expected '\(Character(Unicode.Scalar(byte)))', found \(describeNext())")
        }
        index += 1
    }

    func describeNext() -> String {
        guard index < end else { return "end of file" }
        let byte = bytes[index]
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16))"
    }

    /// Consumes `,` and returns true, or consumes `close` and returns false.
    mutating func nextElement(close: UInt8) throws -> Bool {
        let byte = peek()
        index += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == close { return false }
        index -= 1
        throw error("expected ',' or '\(Character(Unicode.Scalar(close)))', found \(describeNext())")
    }

    /// Iterates the members of an object, calling `body` with each key; `body` must consume the value.
    mutating func forEachMember(_ body: (inout JSONScanner, String) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        try enter()
        defer { depth -= 1 }
        if peek() == UInt8(ascii: "}") { index += 1; return }
        repeat {
            guard peek() == UInt8(ascii: "\"") else { throw error("expected a member name, found \(describeNext())") }
            let key = try parseString()
            try expect(UInt8(ascii: ":"))
            try body(&self, key)
        } while try nextElement(close: UInt8(ascii: "}"))
    }

    /// Iterates the elements of an array; `body` must consume each element.
    mutating func forEachElement(_ body: (inout JSONScanner) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        try enter()
        defer { depth -= 1 }
        if peek() == UInt8(ascii: "]") { index += 1; return }
        repeat {
            try body(&self)
        } while try nextElement(close: UInt8(ascii: "]"))
    }

    /// Counts one more level of nesting, failing past `maxDepth`.
    mutating func enter() throws {
        depth += 1
        guard depth <= JSONScanner.maxDepth else {
            throw error("objects and arrays nested deeper than \(JSONScanner.maxDepth) levels (reach's limit for JSON)", at: index - 1)
        }
    }

    // MARK: Values

    mutating func parseValue() throws -> JSONValue {
        switch peek() {
        case UInt8(ascii: "{"):
            var members: [(key: String, value: JSONValue)] = []
            try forEachMember { scanner, key in members.append((key, try scanner.parseValue())) }
            return .object(JSONObject(members))
        case UInt8(ascii: "["):
            var elements: [JSONValue] = []
            try forEachElement { elements.append(try $0.parseValue()) }
            return .array(elements)
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case 0:
            throw error("unexpected end of file")
        default:
            let start = index
            let value = try parseDouble()
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            return .number(JSONNumber(value: value, literal: text))
        }
    }

    mutating func skipValue() throws {
        switch peek() {
        case UInt8(ascii: "{"): try forEachMember { scanner, _ in try scanner.skipValue() }
        case UInt8(ascii: "["): try forEachElement { try $0.skipValue() }
        case UInt8(ascii: "\""): try skipString()
        default: _ = try parseValue()
        }
    }

    mutating func literal(_ word: StaticString) throws {
        let start = index
        let count = word.utf8CodeUnitCount
        guard index + count <= end else { throw error("unexpected end of file") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw error("invalid literal, expected '\(word)'", at: start)
        }
        index += count
    }

    // MARK: Strings

    mutating func skipString() throws {
        let start = index
        index += 1
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { index += 1; return }
            index += byte == UInt8(ascii: "\\") ? 2 : 1
        }
        throw error("unterminated string", at: start)
    }

    mutating func parseString() throws -> String {
        let start = index
        try expect(UInt8(ascii: "\""))
        let contentStart = index
        // Fast path: no escapes.
        var nonASCII = false
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let content = UnsafeBufferPointer(rebasing: bytes[contentStart..<index])
                if nonASCII { try checkUTF8(content, from: contentStart) }
                index += 1
                return String(decoding: content, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in string") }
            if byte >= 0x80 { nonASCII = true }
            index += 1
        }
        guard index < end else { throw error("unterminated string", at: start) }
        var utf8 = Array(UnsafeBufferPointer(rebasing: bytes[contentStart..<index]))
        while index < end {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                if nonASCII { try utf8.withUnsafeBufferPointer { try checkUTF8($0, from: contentStart) } }
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < end else { break }
                let escape = bytes[index]
                index += 1
                if let simple = SimpleEscape.byte(for: escape, slash: true) {
                    utf8.append(simple)
                    continue
                }
                switch escape {
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800..<0xDC00).contains(scalar), bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    utf8.append(contentsOf: Array(String(character).utf8))
                default:
                    throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))'", at: index - 2)
                }
            default:
                if byte < 0x20 { throw error("control character in string") }
                if byte >= 0x80 { nonASCII = true }
                utf8.append(byte)
                index += 1
            }
        }
        throw error("unterminated string", at: start)
    }

    /// Strings must be UTF-8 (RFC 8259 §8.1); a Latin-1 file would otherwise read as replacement characters.
    func checkUTF8(_ content: UnsafeBufferPointer<UInt8>, from contentStart: Int) throws {
        guard let bad = TextCheck.firstInvalidUTF8(content) else { return }
        // In the unescaped copy the offset can be a little past the original's; the string's start is exact.
        throw error("a string is " + TextCheck.invalidUTF8Message(content, at: bad), at: contentStart + bad)
    }

    mutating func parseHex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < end else { throw error("unexpected end of file in \\u escape") }
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            value = value * 16 + digit
            index += 1
        }
        return value
    }

    // MARK: Numbers

    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses a JSON number correctly rounded. Also accepts `NaN`, `Infinity` and `-Infinity`, which some
    /// writers emit, so the caller can report them as bad coordinates rather than as a syntax error.
    mutating func parseDouble() throws -> Double {
        skipWhitespace()
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        if bytes[index] == UInt8(ascii: "N") { try literal("NaN"); return .nan }
        if bytes[index] == UInt8(ascii: "I") { try literal("Infinity"); return negative ? -.infinity : .infinity }
        // Clinger's fast path: up to 15 significant digits and a small power of ten are exact in a Double,
        // so one multiplication or division gives the correctly rounded value; otherwise strtod decides.
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var sawDigit = false
        while case let byte = bytes[index], byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            sawDigit = true
            if mantissa != 0 || byte != UInt8(ascii: "0") { digits += 1 }
            if digits <= 19 { mantissa = mantissa &* 10 &+ UInt64(byte - UInt8(ascii: "0")) } else { exponent += 1 }
            index += 1
        }
        guard sawDigit else { index = start; throw error("expected a value, found \(describeNext())") }
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var sawFraction = false
            while case let byte = bytes[index], byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                sawFraction = true
                if mantissa != 0 || byte != UInt8(ascii: "0") { digits += 1 }
                if digits <= 19 {
                    mantissa = mantissa &* 10 &+ UInt64(byte - UInt8(ascii: "0"))
                    exponent -= 1
                }
                index += 1
            }
            guard sawFraction else { throw error("invalid number: no digits after '.'", at: start) }
        }
        if bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var exponentNegative = false
            if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var value = 0
            var sawExponent = false
            while case let byte = bytes[index], byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                sawExponent = true
                if value < 100_000 { value = value * 10 + Int(byte - UInt8(ascii: "0")) }
                index += 1
            }
            guard sawExponent else { throw error("invalid number: no digits in exponent", at: start) }
            exponent += exponentNegative ? -value : value
        }
        if digits <= 15, mantissa < (1 << 53), exponent >= -22, exponent <= 22 {
            var value = Double(mantissa)
            value = exponent >= 0 ? value * JSONScanner.exactPowersOfTen[exponent] : value / JSONScanner.exactPowersOfTen[-exponent]
            return negative ? -value : value
        }
        let pointer = UnsafeRawPointer(bytes.baseAddress! + start).assumingMemoryBound(to: CChar.self)
        return strtod(pointer, nil)
    }

    /// Line (1-based) and column of a byte offset, for messages.
    func lineAndColumn(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for i in 0..<min(offset, end) where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return (line, offset - lineStart + 1)
    }
}
