import Testing
@testable import GeoData

/// The byte parser against Swift's own correctly rounded `Double(String)`.
struct DecimalBytesTests {
    func parse(_ text: String) -> DecimalBytes.Parsed {
        var text = text
        return text.withUTF8 { DecimalBytes.parse($0) }
    }

    @Test func agreesWithSwiftsParser() {
        var cases = ["0", "100", "19.5", "0.05", "-3", "+7", "1e3", "2.5E-3", "000123.4500", "0.1", "0.3", "123456789012345",
                     "1234567890123456789", "3.141592653589793238", "1e22", "1e23", "9007199254740993", "  42  ", ".5", "5."]
        var seed: UInt64 = 12345
        for _ in 0..<2000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let whole = Int(seed >> 40) % 100_000
            let fraction = Int(seed >> 20) % 10_000
            cases.append("\(whole).\(String(fraction).count < 4 ? String(repeating: "0", count: 4 - String(fraction).count) : "")\(fraction)")
        }
        for text in cases {
            let expected = Double(text.trimmingCharacters(in: .whitespaces))!
            #expect(parse(text) == .value(expected), "\(text)")
        }
    }

    @Test func emptyAndInvalid() {
        #expect(parse("") == .empty)
        #expect(parse("   ") == .empty)
        for text in ["N/A", "abc", "1.2.3", "-", ".", "1e", "12a", "0x10", "nan", "inf", "1 2"] {
            #expect(parse(text) == .invalid, "\(text)")
        }
    }
}
