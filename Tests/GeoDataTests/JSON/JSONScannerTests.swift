import Testing
@testable import GeoData

/// SplitMix64: a small deterministic generator, so the number sample is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs `body` on a scanner over `text` plus the NUL terminator the scanner needs.
private func scan<R>(_ text: String, _ body: (inout JSONScanner) throws -> R) throws -> R {
    let bytes = TestSupport.terminated(text)
    return try bytes.withUnsafeBufferPointer { buffer in
        var scanner = JSONScanner(bytes: buffer)
        return try body(&scanner)
    }
}

/// The value `parseDouble` reads from `text`, and how many bytes it consumed.
private func parseNumber(_ text: String) throws -> (value: Double, consumed: Int) {
    try scan(text) { scanner in
        let value = try scanner.parseDouble()
        return (value, scanner.index)
    }
}

private func parseString(_ json: String) throws -> String {
    try scan(json) { try $0.parseString() }
}

@Suite("JSONScanner")
struct JSONScannerTests {
    // MARK: Numbers against Swift's own correctly rounded Double(String)

    /// Hand-picked literals for both paths: the fast path (≤ 15 digits, |exponent| ≤ 22) and strtod
    /// (more digits, large exponents, subnormals, the largest finite double). Expected: `Double(text)`.
    static let handPicked = [
        "0", "-0", "1", "-1", "0.1", "0.2", "0.3", "-0.5", "3.0", "53.5", "-2.3545599", "53.39067078",
        "376517.432122", "388262.349325", "9007199254740993", "9007199254740992", "123456789012345",
        "1234567890123456", "12345678901234567", "0.1234567890123456789", "12345678901234567890",
        "123456789012345678901234567890", "1e22", "1e23", "1e-22", "1e-23", "4.35e-22", "5e-324", "-5e-324",
        "2.2250738585072011e-308", "2.2250738585072014e-308", "1.7976931348623157e308", "-1.7976931348623157e308",
        "0.000000000000000000000000000001234", "0.0000001", "1.2300000000000000000000000", "1E5", "1e+5",
        "1.5E-3", "100000000000000000000000", "4503599627370497.5", "0.30000000000000004", "2e-1",
        "8.98846567431158e307", "1e308", "1e-320", "123.456e-5",
    ]

    @Test("hand-picked literals equal Double(text), bit for bit", arguments: handPicked)
    func handPickedLiteral(_ text: String) throws {
        let expected = try #require(Double(text), "Swift cannot read \(text)")
        let (value, consumed) = try parseNumber(text)
        #expect(value.bitPattern == expected.bitPattern, "\(text): got \(value), Double(text) gives \(expected)")
        #expect(consumed == text.utf8.count)
    }

    /// A JSON number literal with 1–17 significant digits, an optional fraction, leading zeros after the point,
    /// an optional exponent and sign.
    static func randomLiteral(_ rng: inout SplitMix64) -> String {
        let digitCount = Int.random(in: 1...17, using: &rng)
        var digits = String(Int.random(in: 1...9, using: &rng))
        for _ in 1..<digitCount { digits.append(String(Int.random(in: 0...9, using: &rng))) }
        var text = Bool.random(using: &rng) ? "-" : ""
        switch Int.random(in: 0..<4, using: &rng) {
        case 0:  // integer
            text += digits
        case 1:  // point inside the digits
            let split = Int.random(in: 0...digits.count, using: &rng)
            let integer = digits.prefix(split)
            let fraction = digits.dropFirst(split)
            text += (integer.isEmpty ? "0" : String(integer)) + (fraction.isEmpty ? "" : "." + fraction)
        case 2:  // 0.000ddd: leading zeros after the point
            text += "0." + String(repeating: "0", count: Int.random(in: 0...25, using: &rng)) + digits
        default:  // d.ddd plus trailing zeros
            let rest = digits.dropFirst()
            text += String(digits.prefix(1)) + "." + (rest.isEmpty ? "0" : String(rest)) + String(repeating: "0", count: Int.random(in: 0...6, using: &rng))
        }
        if Int.random(in: 0..<3, using: &rng) > 0 {
            let exponent = Int.random(in: -330...310, using: &rng)
            let letter = Bool.random(using: &rng) ? "e" : "E"
            let sign = exponent < 0 ? "-" : (Bool.random(using: &rng) ? "+" : "")
            text += letter + sign + String(abs(exponent))
        }
        return text
    }

    @Test("20,000 seeded random literals equal Double(text), bit for bit")
    func seededSample() throws {
        var rng = SplitMix64(seed: 0x5EED_2024)
        var fastPathLike = 0
        var failures: [String] = []
        for _ in 0..<20_000 {
            let text = JSONScannerTests.randomLiteral(&rng)
            let expected = try #require(Double(text), "Swift cannot read \(text)")
            let (value, consumed) = try parseNumber(text)
            if value.bitPattern != expected.bitPattern || consumed != text.utf8.count {
                failures.append("\(text): got \(value), Double(text) gives \(expected)")
            }
            if !text.contains("e") && !text.contains("E") && text.filter(\.isNumber).count <= 15 { fastPathLike += 1 }
        }
        #expect(failures.isEmpty, "\(failures.count) mismatches, first: \(failures.prefix(5))")
        // The sample must exercise both paths, or the test proves little.
        #expect(fastPathLike > 1000)
    }

    @Test("-0 keeps its sign")
    func negativeZero() throws {
        let (value, _) = try parseNumber("-0")
        #expect(value == 0 && value.sign == .minus)
        let (fraction, _) = try parseNumber("-0.0")
        #expect(fraction == 0 && fraction.sign == .minus)
    }

    @Test("a number stops at the first byte that cannot continue it")
    func stopsAtDelimiter() throws {
        // Hand count: "12.5" is 4 bytes, then ',' follows.
        let (value, consumed) = try parseNumber("12.5,7")
        #expect(value == 12.5)
        #expect(consumed == 4)
        let (long, longConsumed) = try parseNumber("0.12345678901234567890]")
        #expect(long == Double("0.12345678901234567890"))
        #expect(longConsumed == 22)
    }

    @Test("leading whitespace is skipped")
    func leadingWhitespace() throws {
        let (value, consumed) = try parseNumber(" \n\t\r-7.25")
        #expect(value == -7.25)
        #expect(consumed == 9)
    }

    // MARK: Non-finite literals some writers emit

    @Test("NaN, Infinity and -Infinity are read as non-finite values")
    func nonFiniteLiterals() throws {
        #expect(try parseNumber("NaN").value.isNaN)
        #expect(try parseNumber("Infinity").value == .infinity)
        #expect(try parseNumber("-Infinity").value == -.infinity)
        #expect(try parseNumber("NaN").consumed == 3)
        #expect(try parseNumber("-Infinity").consumed == 9)
    }

    @Test("misspelt non-finite literals are syntax errors", arguments: ["Nan", "NAN", "Infinit", "Inf", "-Inf", "-N"])
    func misspeltNonFinite(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try parseNumber(text) }
    }

    // MARK: Syntax errors

    @Test("malformed numbers throw", arguments: ["1.", "1e", "1e+", "1E-", "-", "", "+1", ".5", "-.5", "e5", "1.e5", "x"])
    func malformedNumbers(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try parseNumber(text) }
    }

    @Test("a number error points at the start of the number")
    func numberErrorOffset() throws {
        let error = try #require(throws: JSONSyntaxError.self) {
            try scan("[  1.]") { scanner in
                scanner.index = 1
                return try scanner.parseDouble()
            }
        }
        // Hand count: '[' is byte 0, two spaces, '1' at byte 3.
        #expect(error.offset == 3)
        #expect(error.message.contains("no digits after '.'"))
    }

    // MARK: Strings

    @Test("plain strings, and every simple escape")
    func simpleEscapes() throws {
        #expect(try parseString(#""hello""#) == "hello")
        #expect(try parseString(#""""#) == "")
        #expect(try parseString(#""a\"b\\c\/d\be\ff\ng\rh\ti""#) == "a\"b\\c/d\u{08}e\u{0C}f\ng\rh\ti")
    }

    @Test("\\u escapes, including a surrogate pair, and raw UTF-8")
    func unicodeEscapes() throws {
        #expect(try parseString(#""caf\u00e9""#) == "café")
        #expect(try parseString(#""caf\u00E9""#) == "café")
        // U+1F600 GRINNING FACE is the surrogate pair D83D DE00 (UTF-16 encoding by hand:
        // 0x1F600 - 0x10000 = 0x0F600 → high 0x3D + 0xD800, low 0x200 + 0xDC00).
        #expect(try parseString(#""\ud83d\ude00""#) == "😀")
        #expect(try parseString(#""x\ud83d\ude00y""#) == "x😀y")
        // Raw (unescaped) multi-byte UTF-8 passes through, before and after an escape.
        #expect(try parseString(#""Tolleshunt D’Arcy é 😀""#) == "Tolleshunt D’Arcy é 😀")
        #expect(try parseString(#""\n é 😀""#) == "\n é 😀")
    }

    @Test("a lone high surrogate becomes U+FFFD")
    func loneSurrogate() throws {
        #expect(try parseString(#""a\ud83db""#) == "a\u{FFFD}b")
    }

    @Test("a raw control character in a string is an error, with or without earlier escapes")
    func controlCharacter() {
        #expect(throws: JSONSyntaxError.self) { try parseString("\"a\u{01}b\"") }
        #expect(throws: JSONSyntaxError.self) { try parseString("\"a\nb\"") }
        #expect(throws: JSONSyntaxError.self) { try parseString("\"\\n a\u{1F}b\"") }
    }

    @Test("unterminated strings throw and point at the opening quote")
    func unterminated() throws {
        for text in [#""abc"#, #""abc\"#, #""abc\n"#, #""a\u00e9"#, "\""] {
            let error = try #require(throws: JSONSyntaxError.self) { try parseString(text) }
            #expect(error.message.contains("unterminated") || error.message.contains("end of file"), "\(text): \(error.message)")
        }
        let error = try #require(throws: JSONSyntaxError.self) { try parseString(#""abc"#) }
        #expect(error.offset == 0)
    }

    @Test("bad escapes throw", arguments: [#""\x""#, #""\u12G4""#, #""\u12""#, #""\'""#])
    func badEscapes(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try parseString(text) }
    }

    // MARK: Values

    @Test("objects keep member order; numbers keep their literal text")
    func valuesKeepOrder() throws {
        let value = try scan(#"{"b":1.50,"a":[true,false,null],"c":{"z":"x","y":-0}}"#) { try $0.parseValue() }
        guard case .object(let object) = value else { Issue.record("not an object: \(value)"); return }
        #expect(object.keys == ["b", "a", "c"])
        guard case .number(let number)? = object["b"] else { Issue.record("b is not a number"); return }
        #expect(number.value == 1.5)
        #expect(number.literal == "1.50")
        #expect(object["a"] == .array([.bool(true), .bool(false), .null]))
        guard case .object(let inner)? = object["c"] else { Issue.record("c is not an object"); return }
        #expect(inner.keys == ["z", "y"])
        #expect(inner["z"] == .string("x"))
    }

    @Test("skipValue passes over nested values and strings holding brackets and escaped quotes")
    func skipValue() throws {
        let next = try scan(#"{"a":["]",{"b":"}\"}"}],"c":2} ,9"#) { scanner -> UInt8 in
            try scanner.skipValue()
            return scanner.peek()
        }
        #expect(next == UInt8(ascii: ","))
    }

    @Test("syntax errors in values throw", arguments: [#"{"a" 1}"#, #"{"a":1,}"#, "[1 2]", "[1,]", "{a:1}", "tru", "nul", "[", "{"])
    func valueSyntaxErrors(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try scan(text) { try $0.parseValue() } }
    }

    @Test("line and column of a byte offset")
    func lineAndColumn() throws {
        // "ab\ncd\n\nef": offsets 0 a, 1 b, 2 \n, 3 c, 4 d, 5 \n, 6 \n, 7 e, 8 f.
        let positions = try scan("ab\ncd\n\nef") { scanner in
            [0, 1, 3, 4, 7, 8].map { scanner.lineAndColumn(of: $0) }
        }
        #expect(positions.map(\.line) == [1, 1, 2, 2, 4, 4])
        #expect(positions.map(\.column) == [1, 2, 1, 2, 1, 2])
    }
}
