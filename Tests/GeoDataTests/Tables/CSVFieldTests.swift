import Testing
@testable import GeoData

/// RFC 4180 quoting, as worked by hand: a field is quoted when it holds a comma, a double quote, LF or CR, with
/// its quotes doubled; otherwise written as it is.
@Suite("CSVField")
struct CSVFieldTests {
    static let cases: [(String, String)] = [
        ("Market Street", "Market Street"),
        ("", ""),
        ("Market, Street", "\"Market, Street\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        // CR LF is one Character in Swift: the check is on bytes, so it is still found.
        ("two\r\nlines", "\"two\r\nlines\""),
        ("Caffè, Bridge", "\"Caffè, Bridge\""),
    ]

    @Test("escape and append quote the same fields the same way")
    func quoting() {
        for (field, written) in Self.cases {
            #expect(CSVField.escape(field) == written, "\(field.debugDescription)")
            var bytes: [UInt8] = [0x41]
            CSVField.append(field, to: &bytes)
            #expect(bytes == [0x41] + Array(written.utf8), "\(field.debugDescription)")
        }
    }

    @Test("a table's rows are its fields escaped, comma-separated, one line each")
    func rows() {
        let table = GTFSTextTable(name: "stops.txt", header: ["stop_id", "stop_name"], rows: [["S1", "Market, Street"], ["S2", "say \"hi\""]])
        #expect(String(decoding: table.bytes, as: UTF8.self) == "stop_id,stop_name\nS1,\"Market, Street\"\nS2,\"say \"\"hi\"\"\"\n")
        #expect(String(decoding: table.rowBytes, as: UTF8.self) == "S1,\"Market, Street\"\nS2,\"say \"\"hi\"\"\"\n")
    }
}
