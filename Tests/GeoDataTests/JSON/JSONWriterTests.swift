import Foundation
import Testing
@testable import GeoData

private func fixed(_ value: Double, _ decimals: Int) -> String {
    var writer = JSONWriter()
    writer.fixed(value, decimals: decimals)
    return String(decoding: writer.bytes, as: UTF8.self)
}

private func written(_ body: (inout JSONWriter) -> Void) -> String {
    var writer = JSONWriter()
    body(&writer)
    return String(decoding: writer.bytes, as: UTF8.self)
}

@Suite("JSONWriter")
struct JSONWriterTests {
    // MARK: fixed: expectations rounded by hand

    @Test("fixed rounds half away from zero at the last place and drops trailing zeros", arguments: [
        // -2.3545599 → -2.354560 (the 7th decimal 9 rounds the 6th up) → trailing zero dropped.
        (-2.3545599, 6, "-2.35456"),
        // 53.39067078 → 53.390671 (7th decimal 7 ≥ 5).
        (53.39067078, 6, "53.390671"),
        (3.0, 6, "3"),
        (53.5, 6, "53.5"),
        (0.5, 6, "0.5"),
        (-0.5, 6, "-0.5"),
        // 0.0000004 is 0.4 millionths: rounds to 0, and a negative zero is written "0", never "-0".
        (0.0000004, 6, "0"),
        (-0.0000004, 6, "0"),
        (-0.0, 6, "0"),
        (0.0, 0, "0"),
        // The smallest nonzero value at 6 places needs five leading zeros in the fraction.
        (0.000001, 6, "0.000001"),
        (-0.000001, 6, "-0.000001"),
        (1.00025, 6, "1.00025"),
        (179.9999999, 6, "180"),
        (530050.134534, 6, "530050.134534"),
        (376517.432122, 3, "376517.432"),
        (1234.5678, 0, "1235"),
        (-1234.5678, 2, "-1234.57"),
        (10.0, 2, "10"),
        (-7.0, 15, "-7"),
    ])
    func fixedRounding(_ value: Double, _ decimals: Int, _ expected: String) {
        #expect(fixed(value, decimals) == expected, "\(value) at \(decimals) dp")
    }

    @Test("fixed output reads back as the value rounded to N places (Double(String) as the judge)")
    func fixedReadsBack() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<5_000 {
            let value = Double.random(in: -1_000_000...1_000_000, using: &rng)
            let decimals = Int.random(in: 0...9, using: &rng)
            let text = fixed(value, decimals)
            let back = try #require(Double(text), "\(text) is not a number")
            // Rounding to N places moves the value by at most half a unit in the last place (plus float slack).
            let halfUnit = 0.5 * pow(10, -Double(decimals))
            #expect(abs(back - value) <= halfUnit * (1 + 1e-9) + 1e-9, "\(value) at \(decimals) → \(text)")
            // No trailing zeros after a point, no "-0", no exponent.
            #expect(!(text.contains(".") && text.hasSuffix("0")), "\(text)")
            #expect(!text.hasSuffix("."), "\(text)")
            #expect(text != "-0")
            #expect(!text.contains("e"))
            if let dot = text.firstIndex(of: ".") {
                #expect(text.distance(from: dot, to: text.endIndex) - 1 <= decimals, "\(text)")
            }
        }
    }

    @Test("fixed writes null for non-finite values, as JSON has no NaN")
    func fixedNonFinite() {
        #expect(fixed(.nan, 6) == "null")
        #expect(fixed(.infinity, 6) == "null")
        #expect(fixed(-.infinity, 2) == "null")
    }

    @Test("fixed falls back to a round-trip form for values too large to scale")
    func fixedHuge() throws {
        // 1e20 × 10^6 is beyond 2^53, so no fixed-point digits; the text must still read back exactly.
        let text = fixed(1e20, 6)
        #expect(Double(text) == 1e20)
        #expect(fixed(-1e20, 6).hasPrefix("-"))
    }

    // MARK: number / format

    @Test("format writes integral doubles without .0 and others in shortest round-trip form")
    func format() {
        #expect(JSONWriter.format(342.0) == "342")
        #expect(JSONWriter.format(-342.0) == "-342")
        #expect(JSONWriter.format(0.0) == "0")
        #expect(JSONWriter.format(-0.0) == "0")
        #expect(JSONWriter.format(0.1) == "0.1")
        #expect(JSONWriter.format(2.5) == "2.5")
        #expect(JSONWriter.format(-2.3545599) == "-2.3545599")
        #expect(JSONWriter.format(4_503_599_627_370_496) == "4503599627370496")
        // 0.1 + 0.2 is not 0.3; the shortest text that reads back to it has 17 digits.
        #expect(Double(JSONWriter.format(0.1 + 0.2)) == 0.1 + 0.2)
        #expect(Double(JSONWriter.format(1e300)) == 1e300)
    }

    @Test("format of random doubles reads back exactly with Double(String)")
    func formatRoundTrip() throws {
        var rng = SplitMix64(seed: 1234)
        for _ in 0..<20_000 {
            // Any finite bit pattern: every magnitude, subnormals included.
            let value = Double(bitPattern: rng.next())
            guard value.isFinite else { continue }
            let text = JSONWriter.format(value)
            #expect(Double(text) == value, "\(value) → \(text)")
            #expect(!text.hasSuffix(".0"), "\(text)")
        }
        for _ in 0..<5_000 {
            let value = Double.random(in: 0...1000, using: &rng)
            #expect(Double(JSONWriter.format(value)) == value)
        }
    }

    @Test("number writes null for NaN and infinities")
    func numberNonFinite() {
        #expect(written { $0.number(.nan) } == "null")
        #expect(written { $0.number(-.infinity) } == "null")
        #expect(written { $0.number(7) } == "7")
        #expect(written { $0.value(.number(.nan)) } == "null")
    }

    // MARK: strings

    @Test("string escapes quote, backslash, newline, tab, CR and other control characters")
    func stringEscapes() {
        #expect(written { $0.string("plain") } == #""plain""#)
        #expect(written { $0.string("say \"hi\"") } == #""say \"hi\"""#)
        #expect(written { $0.string(#"C:\data"#) } == #""C:\\data""#)
        #expect(written { $0.string("a\nb\tc\rd") } == #""a\nb\tc\rd""#)
        #expect(written { $0.string("\u{01}") } == #""\u0001""#)
        #expect(written { $0.string("\u{1F}\u{08}") } == #""\u001f\u0008""#)
        // Non-ASCII passes through as UTF-8, and "/" need not be escaped.
        #expect(written { $0.string("Tolleshunt D'Arcy é 😀 a/b") } == #""Tolleshunt D'Arcy é 😀 a/b""#)
    }

    @Test("escaped strings read back with Foundation's JSONSerialization")
    func stringsReadBack() throws {
        let samples = ["", "\"", "\\", "\n\r\t", "\u{00}\u{01}\u{1F}\u{7F}", "é😀", "a\"b\\c\u{0B}d"]
        let json = written { writer in
            writer.byte(UInt8(ascii: "["))
            for (i, sample) in samples.enumerated() {
                if i > 0 { writer.byte(UInt8(ascii: ",")) }
                writer.string(sample)
            }
            writer.byte(UInt8(ascii: "]"))
        }
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
        #expect(parsed == samples)
    }

    // MARK: values

    @Test("numbers read from input are written back exactly as they came")
    func literalPassThrough() throws {
        // 12345678901234567890 is not a Double (the nearest is 12345678901234567168); the literal must survive.
        let input = #"{"id":12345678901234567890,"x":1.50,"e":1E+2,"neg":-0,"s":"t","n":null,"b":[true,false]}"#
        let bytes = TestSupport.terminated(input)
        let value = try bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(bytes: buffer)
            return try scanner.parseValue()
        }
        #expect(written { $0.value(value) } == input)
    }

    @Test("a NaN literal read from input is written as null")
    func nanLiteralBecomesNull() throws {
        let bytes = TestSupport.terminated("[NaN,-Infinity,1]")
        let value = try bytes.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(bytes: buffer)
            return try scanner.parseValue()
        }
        #expect(written { $0.value(value) } == "[null,null,1]")
    }

    @Test("objects are written in member order with computed numbers formatted")
    func objectOrder() throws {
        var object = JSONObject()
        object["zeta"] = .number(342.0)
        object["alpha"] = .null
        object["mid"] = .array([.number(0.25), .string("x"), .bool(false)])
        object["nested"] = .object(JSONObject([("b", .number(1)), ("a", .number(2))]))
        let text = written { $0.object(object) }
        #expect(text == #"{"zeta":342,"alpha":null,"mid":[0.25,"x",false],"nested":{"b":1,"a":2}}"#)
        // And Foundation's independent parser agrees it is JSON with these values.
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(parsed["zeta"] as? Double == 342)
        #expect(parsed["alpha"] is NSNull)
    }

    @Test("setting a member to nil removes it; setting an existing one keeps its place")
    func objectSubscript() {
        var object = JSONObject([("a", .number(1)), ("b", .number(2)), ("c", .number(3))])
        object["b"] = nil
        object["a"] = .string("first")
        #expect(written { $0.object(object) } == #"{"a":"first","c":3}"#)
    }
}
