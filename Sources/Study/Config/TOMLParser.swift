import GeoData

/// A TOML 1.0 parser for study files, written for reach so that no input can crash it: toml++ (under TOMLKit 0.6.0)
/// aborts on assertions for malformed headers and arrays (`[[[x]]`, `[}`), which tools/fuzz.sh found, and leaks on
/// every parse. This one reads the whole of TOML 1.0 (<https://toml.io/en/v1.0.0>): bare, quoted and dotted keys;
/// tables and arrays of tables; basic, literal and multi-line strings with every escape; decimal, hexadecimal, octal
/// and binary integers; floats with `inf` and `nan`; booleans; offset and local dates and times; arrays and inline
/// tables. Every error names its line and column. Nesting deeper than `maxDepth` arrays and inline tables is an
/// error, so recursion is bounded.
///
/// It builds the document with a small tree of `TOMLParser.Table` objects (reference types, because TOML defines a
/// table in one place and extends it in another), private to the parse; the result is a `TOMLDocument` of values.
struct TOMLParser {
    struct SyntaxError: Error, Equatable {
        let line: Int
        let column: Int
        let message: String
    }

    /// A parsed value; tables keep their keys in the order the document gives them.
    indirect enum Value: Equatable {
        case string(String)
        case integer(Int)
        case float(Double)
        case bool(Bool)
        /// An offset or local date-time, date or time, as written, with its kind ("date-time", "date", "time").
        case dateTime(String, kind: String)
        case array([Value])
        case table([(key: String, value: Value)])

        static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case let (.string(x), .string(y)): return x == y
            case let (.integer(x), .integer(y)): return x == y
            case let (.float(x), .float(y)): return x == y || (x.isNaN && y.isNaN)
            case let (.bool(x), .bool(y)): return x == y
            case let (.dateTime(x, k), .dateTime(y, l)): return x == y && k == l
            case let (.array(x), .array(y)): return x == y
            case let (.table(x), .table(y)): return x.map(\.key) == y.map(\.key) && x.map(\.value) == y.map(\.value)
            default: return false
            }
        }
    }

    /// The deepest nesting of arrays and inline tables read.
    static let maxDepth = 128

    /// A table while the document is read: how it was made decides what may extend it.
    private final class Table {
        enum Origin { case implicit, header, dotted, inline, arrayElement }
        var origin: Origin
        var keys: [String] = []
        var items: [String: Item] = [:]
        init(_ origin: Origin) { self.origin = origin }

        func set(_ key: String, _ item: Item) {
            if items[key] == nil { keys.append(key) }
            items[key] = item
        }
    }

    private enum Item {
        case value(Draft)
        case table(Table)
        case tables([Table])
    }

    /// A value being read: as `Value`, but inline tables are `Table`s until the document is finished.
    private indirect enum Draft {
        case scalar(Value)
        case array([Draft])
        case table(Table)
    }

    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    private var lineStart = 0

    private init(_ text: String) {
        bytes = Array(text.utf8)
        // A UTF-8 byte order mark is not part of the document.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3; lineStart = 3 }
    }

    /// Parses a whole document into its root table's entries.
    static func parse(_ text: String) throws(SyntaxError) -> [(key: String, value: Value)] {
        var parser = TOMLParser(text)
        let root = try parser.document()
        guard case .table(let entries) = finish(.table(root)) else { return [] }
        return entries
    }

    // MARK: Errors and bytes

    private func fail(_ message: String, at offset: Int? = nil) -> SyntaxError {
        let at = offset ?? i
        // Columns count characters, not bytes.
        let column = String(decoding: bytes[lineStart..<min(max(at, lineStart), bytes.count)], as: UTF8.self).count + 1
        return SyntaxError(line: line, column: column, message: message)
    }

    private var atEnd: Bool { i >= bytes.count }
    private var current: UInt8 { i < bytes.count ? bytes[i] : 0 }
    private func peek(_ offset: Int) -> UInt8 { i + offset < bytes.count ? bytes[i + offset] : 0 }

    private func describe(_ byte: UInt8) -> String {
        if i >= bytes.count { return "the end of the file" }
        if byte == 0x0A { return "the end of the line" }
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private mutating func skipSpaces() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
    }

    /// A newline (LF or CRLF); counts the line.
    private mutating func newline() throws(SyntaxError) -> Bool {
        if current == 0x0A { i += 1; line += 1; lineStart = i; return true }
        if current == 0x0D {
            guard peek(1) == 0x0A else { throw fail("a carriage return must be followed by a line feed") }
            i += 2; line += 1; lineStart = i
            return true
        }
        return false
    }

    /// A comment from '#' to the end of the line; control characters other than tab are not allowed in it.
    private mutating func comment() throws(SyntaxError) {
        guard current == UInt8(ascii: "#") else { return }
        while i < bytes.count, bytes[i] != 0x0A {
            let b = bytes[i]
            if b == 0x0D, peek(1) == 0x0A { break }
            if (b < 0x20 && b != 0x09) || b == 0x7F { throw fail("control character \(describe(b)) in a comment") }
            i += 1
        }
    }

    /// The rest of a line after a header or a key/value pair: spaces, an optional comment, the end of the line.
    private mutating func endOfLine() throws(SyntaxError) {
        skipSpaces()
        try comment()
        if atEnd { return }
        guard try newline() else { throw fail("expected the end of the line, found \(describe(current))") }
    }

    /// Spaces, newlines and comments, as inside an array.
    private mutating func skipBlank() throws(SyntaxError) {
        while true {
            skipSpaces()
            try comment()
            guard try newline() else { return }
        }
    }

    // MARK: Document

    private mutating func document() throws(SyntaxError) -> Table {
        let root = Table(.header)
        var table = root
        // Tables an array-of-tables header made, by path: a later [[a]] appends to them.
        while true {
            try skipBlank()
            if atEnd { return root }
            if current == UInt8(ascii: "[") {
                table = try header(root)
            } else {
                try keyValue(into: table)
            }
            try endOfLine()
        }
    }

    /// `[a.b]` or `[[a.b]]`: the table the following pairs go into.
    private mutating func header(_ root: Table) throws(SyntaxError) -> Table {
        let start = i
        i += 1
        let isArray = current == UInt8(ascii: "[")
        if isArray { i += 1 }
        skipSpaces()
        let path = try key()
        skipSpaces()
        guard current == UInt8(ascii: "]") else { throw fail("expected ']' to close the table header, found \(describe(current))") }
        i += 1
        if isArray {
            guard current == UInt8(ascii: "]") else { throw fail("expected ']]' to close the array-of-tables header, found \(describe(current))") }
            i += 1
        }
        var table = root
        for (index, part) in path.enumerated() {
            let last = index == path.count - 1
            switch table.items[part] {
            case nil:
                if last {
                    if isArray {
                        let element = Table(.arrayElement)
                        table.set(part, .tables([element]))
                        return element
                    }
                    let made = Table(.header)
                    table.set(part, .table(made))
                    return made
                }
                let made = Table(.implicit)
                table.set(part, .table(made))
                table = made
            case .table(let existing)?:
                if existing.origin == .inline { throw fail("'\(part)' is an inline table, which cannot be extended", at: start) }
                if last {
                    if isArray { throw fail("'\(path.joined(separator: "."))' is a table, not an array of tables", at: start) }
                    guard existing.origin == .implicit else {
                        throw fail("table [\(path.joined(separator: "."))] is defined twice", at: start)
                    }
                    existing.origin = .header
                    return existing
                }
                table = existing
            case .tables(let elements)?:
                if last {
                    guard isArray else { throw fail("'\(path.joined(separator: "."))' is an array of tables: write [[\(path.joined(separator: "."))]]", at: start) }
                    let element = Table(.arrayElement)
                    table.set(part, .tables(elements + [element]))
                    return element
                }
                table = elements[elements.count - 1]
            case .value?:
                throw fail("'\(path.prefix(index + 1).joined(separator: "."))' is already a value, not a table", at: start)
            }
        }
        return table
    }

    /// `key = value`, the key possibly dotted, into `table`.
    private mutating func keyValue(into table: Table) throws(SyntaxError) {
        let (path, value, start) = try keyAndValue(depth: 0)
        try assign(path, value, in: table, at: start)
    }

    /// `key = value` at the cursor: the key's path, its value (nested `depth` deep), and where the key began.
    private mutating func keyAndValue(depth: Int) throws(SyntaxError) -> (path: [String], value: Draft, start: Int) {
        let start = i
        let path = try key()
        skipSpaces()
        guard current == UInt8(ascii: "=") else { throw fail("expected '=' after the key, found \(describe(current))") }
        i += 1
        skipSpaces()
        return (path, try value(depth: depth), start)
    }

    private mutating func assign(_ path: [String], _ value: Draft, in table: Table, at start: Int) throws(SyntaxError) {
        var table = table
        for part in path.dropLast() {
            switch table.items[part] {
            case nil:
                let made = Table(.dotted)
                table.set(part, .table(made))
                table = made
            case .table(let existing)? where existing.origin == .dotted:
                // Only tables dotted keys made may be extended by dotted keys (TOML 1.0, "Tables").
                table = existing
            default:
                throw fail("'\(part)' is already defined, so the dotted key '\(path.joined(separator: "."))' cannot extend it", at: start)
            }
        }
        let name = path[path.count - 1]
        guard table.items[name] == nil else { throw fail("key '\(path.joined(separator: "."))' is defined twice", at: start) }
        if case .table(let inline) = value { table.set(name, .table(inline)) } else { table.set(name, .value(value)) }
    }

    // MARK: Keys

    /// A key: bare or quoted parts joined by dots.
    private mutating func key() throws(SyntaxError) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            switch current {
            case UInt8(ascii: "\""):
                if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") { throw fail("a key cannot be a multi-line string") }
                parts.append(try basicString())
            case UInt8(ascii: "'"):
                if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") { throw fail("a key cannot be a multi-line string") }
                parts.append(try literalString())
            default:
                let start = i
                while i < bytes.count, Self.isBareKey(bytes[i]) { i += 1 }
                guard i > start else { throw fail("expected a key (letters, digits, '_', '-', or a quoted string), found \(describe(current))") }
                parts.append(String(decoding: bytes[start..<i], as: UTF8.self))
            }
            skipSpaces()
            guard current == UInt8(ascii: ".") else { return parts }
            i += 1
        }
    }

    private static func isBareKey(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
    }

    // MARK: Values

    private mutating func value(depth: Int) throws(SyntaxError) -> Draft {
        guard depth < Self.maxDepth else { throw fail("arrays and inline tables nested deeper than \(Self.maxDepth) levels (reach's limit)") }
        switch current {
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") { return .scalar(.string(try multilineString(literal: false))) }
            return .scalar(.string(try basicString()))
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") { return .scalar(.string(try multilineString(literal: true))) }
            return .scalar(.string(try literalString()))
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "{"): return try inlineTable(depth: depth)
        case UInt8(ascii: "t"):
            try word("true")
            return .scalar(.bool(true))
        case UInt8(ascii: "f"):
            try word("false")
            return .scalar(.bool(false))
        default:
            return .scalar(try numberOrDate())
        }
    }

    private mutating func word(_ text: String) throws(SyntaxError) {
        let expected = Array(text.utf8)
        guard i + expected.count <= bytes.count, Array(bytes[i..<i + expected.count]) == expected else {
            throw fail("expected a value (a string, number, true, false, date, array or inline table), found \(describe(current))")
        }
        i += expected.count
    }

    private mutating func array(depth: Int) throws(SyntaxError) -> Draft {
        i += 1
        var items: [Draft] = []
        while true {
            try skipBlank()
            if current == UInt8(ascii: "]") { i += 1; return .array(items) }
            if atEnd { throw fail("the array is not closed with ']'") }
            items.append(try value(depth: depth + 1))
            try skipBlank()
            if current == UInt8(ascii: ",") { i += 1; continue }
            guard current == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in the array, found \(describe(current))") }
            i += 1
            return .array(items)
        }
    }

    private mutating func inlineTable(depth: Int) throws(SyntaxError) -> Draft {
        i += 1
        let table = Table(.inline)
        skipSpaces()
        if current == UInt8(ascii: "}") { i += 1; return .table(table) }
        while true {
            skipSpaces()
            let (path, value, start) = try keyAndValue(depth: depth + 1)
            // Keys of an inline table may be dotted; they make tables inside it.
            let inner = Table(.header)
            inner.keys = table.keys
            inner.items = table.items
            try assign(path, value, in: inner, at: start)
            table.keys = inner.keys
            table.items = inner.items
            skipSpaces()
            if current == UInt8(ascii: ",") { i += 1; continue }
            guard current == UInt8(ascii: "}") else {
                throw fail("expected ',' or '}' in the inline table (which must fit on one line), found \(describe(current))")
            }
            i += 1
            return .table(table)
        }
    }

    // MARK: Strings

    private mutating func basicString() throws(SyntaxError) -> String {
        let start = i
        i += 1
        var utf8: [UInt8] = []
        while true {
            guard i < bytes.count, bytes[i] != 0x0A, bytes[i] != 0x0D else { throw fail("the string is not closed on its line", at: start) }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return try text(utf8, from: start) }
            if b == UInt8(ascii: "\\") { try escape(into: &utf8); continue }
            if (b < 0x20 && b != 0x09) || b == 0x7F { throw fail("control character \(describe(b)) in a string") }
            utf8.append(b)
            i += 1
        }
    }

    /// A multi-line string: basic (`"""`, escapes and line-ending backslashes) or literal (`'''`, as written).
    private mutating func multilineString(literal: Bool) throws(SyntaxError) -> String {
        let quote = literal ? UInt8(ascii: "'") : UInt8(ascii: "\"")
        let start = i
        i += 3
        // A newline right after the opening quotes is not part of the string.
        _ = try newline()
        var utf8: [UInt8] = []
        while true {
            guard i < bytes.count else { throw fail("the multi-line string is not closed with \(literal ? "'''" : "\"\"\"")", at: start) }
            let b = bytes[i]
            if closesMultiline(quote, &utf8) { return try text(utf8, from: start) }
            if !literal, b == UInt8(ascii: "\\") {
                // A line-ending backslash trims the newline and the whitespace after it.
                var k = i + 1
                while k < bytes.count, bytes[k] == 0x20 || bytes[k] == 0x09 { k += 1 }
                if k < bytes.count, bytes[k] == 0x0A || (bytes[k] == 0x0D && k + 1 < bytes.count && bytes[k + 1] == 0x0A) {
                    i = k
                    while true {
                        skipSpaces()
                        guard try newline() else { break }
                    }
                    continue
                }
                try escape(into: &utf8)
                continue
            }
            if try newline() { utf8.append(0x0A); continue }
            if (b < 0x20 && b != 0x09) || b == 0x7F { throw fail("control character \(describe(b)) in a string") }
            utf8.append(b)
            i += 1
        }
    }

    private mutating func literalString() throws(SyntaxError) -> String {
        let start = i
        i += 1
        let contentStart = i
        while true {
            guard i < bytes.count, bytes[i] != 0x0A, bytes[i] != 0x0D else { throw fail("the string is not closed on its line", at: start) }
            let b = bytes[i]
            if b == UInt8(ascii: "'") {
                let content = Array(bytes[contentStart..<i])
                i += 1
                return try text(content, from: start)
            }
            if (b < 0x20 && b != 0x09) || b == 0x7F { throw fail("control character \(describe(b)) in a string") }
            i += 1
        }
    }

    /// At three `quote`s: consumes them, with up to two more quotes that belong to the string before them.
    private mutating func closesMultiline(_ quote: UInt8, _ utf8: inout [UInt8]) -> Bool {
        guard current == quote, peek(1) == quote, peek(2) == quote else { return false }
        var run = 3
        while peek(run) == quote, run < 5 { run += 1 }
        utf8 += [UInt8](repeating: quote, count: run - 3)
        i += run
        return true
    }

    private func text(_ utf8: [UInt8], from start: Int) throws(SyntaxError) -> String {
        guard let text = String(validating: utf8, as: UTF8.self) else { throw fail("the string is not valid UTF-8", at: start) }
        return text
    }

    private mutating func escape(into utf8: inout [UInt8]) throws(SyntaxError) {
        let start = i
        i += 1
        let b = current
        i += 1
        if let simple = SimpleEscape.byte(for: b, slash: false) {
            utf8.append(simple)
            return
        }
        switch b {
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = b == UInt8(ascii: "u") ? 4 : 8
            var scalar: UInt32 = 0
            for _ in 0..<count {
                guard let digit = Self.hexDigit(current) else { throw fail("\\\(Character(Unicode.Scalar(b))) needs \(count) hexadecimal digits", at: start) }
                scalar = scalar << 4 | UInt32(digit)
                i += 1
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw fail("\\\(Character(Unicode.Scalar(b))) escape is not a Unicode scalar value", at: start) }
            utf8 += Array(String(Character(unicode)).utf8)
        default:
            i = start
            throw fail("invalid escape \\\(b >= 0x20 && b < 0x7F ? String(Character(Unicode.Scalar(b))) : "?")")
        }
    }

    private static func hexDigit(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }

    // MARK: Numbers and dates

    private mutating func numberOrDate() throws(SyntaxError) -> Value {
        let start = i
        // The token: everything up to a delimiter (dates may hold one space, between date and time).
        func isTokenByte(_ b: UInt8) -> Bool {
            !(b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: ",") || b == UInt8(ascii: "]")
              || b == UInt8(ascii: "}") || b == UInt8(ascii: "#") || b == 0)
        }
        while i < bytes.count, isTokenByte(bytes[i]) { i += 1 }
        var token = String(decoding: bytes[start..<i], as: UTF8.self)
        guard !token.isEmpty else {
            throw fail("expected a value (a string, number, true, false, date, array or inline table), found \(describe(current))")
        }
        if Self.isDate(token), current == 0x20, i + 1 < bytes.count, (0x30...0x39).contains(bytes[i + 1]) {
            let save = i
            i += 1
            while i < bytes.count, isTokenByte(bytes[i]) { i += 1 }
            let extended = String(decoding: bytes[start..<i], as: UTF8.self)
            if Self.dateTimeKind(extended.replacingOccurrences(of: " ", with: "T")) != nil { token = extended } else { i = save }
        }
        if let kind = Self.dateTimeKind(token.replacingOccurrences(of: " ", with: "T")) { return .dateTime(token, kind: kind) }
        if let integer = try integer(token, at: start) { return .integer(integer) }
        if let float = Self.float(token) { return .float(float) }
        throw fail("\"\(token.prefix(40))\" is not a TOML value (a number, a date, true or false, or a quoted string)", at: start)
    }

    private func integer(_ token: String, at start: Int) throws(SyntaxError) -> Int? {
        var digits = Substring(token)
        var negative = false
        var radix = 10
        if digits.hasPrefix("0x") { radix = 16 } else if digits.hasPrefix("0o") { radix = 8 } else if digits.hasPrefix("0b") { radix = 2 }
        if radix != 10 {
            digits = digits.dropFirst(2)
        } else if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard Self.underscoresValid(digits), !digits.isEmpty else { return nil }
        let plain = digits.filter { $0 != "_" }
        guard plain.allSatisfy({ $0.isASCII && $0.isHexDigit && Int(String($0), radix: 16)! < radix }) else { return nil }
        // Decimal integers have no leading zeros (0 itself aside).
        if radix == 10, plain.count > 1, plain.first == "0" { return nil }
        guard let magnitude = UInt64(plain, radix: radix) else { throw fail("integer \(token) is out of range (64 bits)", at: start) }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw fail("integer \(token) is out of range (64 bits)", at: start) }
            return magnitude == UInt64(Int64.max) + 1 ? Int.min : -Int(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw fail("integer \(token) is out of range (64 bits)", at: start) }
        return Int(magnitude)
    }

    /// Underscores only between two digits.
    private static func underscoresValid(_ digits: Substring) -> Bool {
        let chars = Array(digits)
        for (k, c) in chars.enumerated() where c == "_" {
            guard k > 0, k < chars.count - 1, chars[k - 1].isHexDigit, chars[k + 1].isHexDigit else { return false }
        }
        return true
    }

    private static func float(_ token: String) -> Double? {
        var body = Substring(token)
        var sign = 1.0
        if let first = body.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            body = body.dropFirst()
        }
        if body == "inf" { return sign * .infinity }
        if body == "nan" { return .nan }
        // [0-9](_?[0-9])* ( '.' [0-9](_?[0-9])* )? ( [eE] [+-]? [0-9](_?[0-9])* )?, with a fraction or an exponent.
        let parts = body.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
            .flatMap { $0.split(separator: "E", maxSplits: 1, omittingEmptySubsequences: false) }
        guard parts.count <= 2 else { return nil }
        let mantissa = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        func digits(_ s: Substring, leadingZeroAllowed: Bool) -> Bool {
            guard !s.isEmpty, s.allSatisfy({ $0 == "_" || ($0.isASCII && $0.isNumber) }), underscoresValid(s) else { return false }
            return leadingZeroAllowed || s.count == 1 || s.first != "0"
        }
        guard digits(mantissa[0], leadingZeroAllowed: false) else { return nil }
        if mantissa.count == 2, !digits(mantissa[1], leadingZeroAllowed: true) { return nil }
        if parts.count == 2 {
            var exponent = parts[1]
            if let first = exponent.first, first == "+" || first == "-" { exponent = exponent.dropFirst() }
            guard digits(exponent, leadingZeroAllowed: true) else { return nil }
        }
        guard mantissa.count == 2 || parts.count == 2 else { return nil }
        guard let value = Double(body.filter { $0 != "_" }) else { return nil }
        return sign * value
    }

    private static func isDate(_ token: String) -> Bool { dateTimeKind(token) == "date" }

    /// "date-time", "date" or "time" when `token` is an RFC 3339 date-time (with `T`), date or time as TOML
    /// allows them; nil otherwise. Ranges are checked (month 1-12, day 1-31, hour 0-23, minute 0-59, second 0-60).
    private static func dateTimeKind(_ token: String) -> String? {
        let u = Array(token.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= u.count else { return nil }
            var n = 0
            for k in from..<from + count {
                guard u[k] >= 0x30, u[k] <= 0x39 else { return nil }
                n = n * 10 + Int(u[k] - 0x30)
            }
            return n
        }
        func time(_ from: Int) -> Int? {
            guard let h = number(from, 2), h < 24, from + 2 < u.count, u[from + 2] == UInt8(ascii: ":"),
                  let m = number(from + 3, 2), m < 60, from + 5 < u.count, u[from + 5] == UInt8(ascii: ":"),
                  let s = number(from + 6, 2), s <= 60 else { return nil }
            var k = from + 8
            if k < u.count, u[k] == UInt8(ascii: ".") {
                k += 1
                let digitsStart = k
                while k < u.count, u[k] >= 0x30, u[k] <= 0x39 { k += 1 }
                guard k > digitsStart else { return nil }
            }
            return k
        }
        if let y = number(0, 4), y >= 0, u.count >= 10, u[4] == UInt8(ascii: "-"), let mo = number(5, 2), (1...12).contains(mo),
           u[7] == UInt8(ascii: "-"), let d = number(8, 2), (1...31).contains(d) {
            if u.count == 10 { return "date" }
            guard u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: "t"), var k = time(11) else { return nil }
            if k == u.count { return "date-time" }
            if u[k] == UInt8(ascii: "Z") || u[k] == UInt8(ascii: "z") { k += 1 }
            else if u[k] == UInt8(ascii: "+") || u[k] == UInt8(ascii: "-") {
                guard let oh = number(k + 1, 2), oh < 24, k + 3 < u.count, u[k + 3] == UInt8(ascii: ":"), let om = number(k + 4, 2), om < 60 else { return nil }
                k += 6
            }
            return k == u.count ? "date-time" : nil
        }
        if let end = time(0), end == u.count { return "time" }
        return nil
    }

    // MARK: Result

    private static func finish(_ draft: Draft) -> Value {
        switch draft {
        case .scalar(let value): return value
        case .array(let items): return .array(items.map(finish))
        case .table(let table): return finish(table)
        }
    }

    private static func finish(_ table: Table) -> Value {
        .table(table.keys.map { key in
            switch table.items[key]! {
            case .value(let draft): return (key, finish(draft))
            case .table(let inner): return (key, finish(inner))
            case .tables(let elements): return (key, .array(elements.map(finish)))
            }
        })
    }
}
