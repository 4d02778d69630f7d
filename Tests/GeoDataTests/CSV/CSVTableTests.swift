import Foundation
import Testing
@testable import GeoData

/// The byte-level CSV table on hand-written text: every expectation is read off the literal input.
struct CSVTableTests {
    func rows(_ text: String) throws -> (header: [String], rows: [[String]], lines: [Int]) {
        let table = try CSVTable(bytes: Array(text.utf8), source: "t.csv")
        var rows: [[String]] = [], lines: [Int] = []
        try table.forEachRow { row in
            rows.append((0..<row.count).map { row.string($0) })
            lines.append(row.line)
        }
        return (table.header, rows, lines)
    }

    @Test func plainQuotedAndEmptyFields() throws {
        let result = try rows("\u{FEFF}a, b ,c\r\n1,\"x, \"\"y\"\"\",\r\n\r\n2,\"two\nlines\",z\n3,,\n")
        #expect(result.header == ["a", "b", "c"])
        #expect(result.rows == [["1", "x, \"y\"", ""], ["2", "two\nlines", "z"], ["3", "", ""]])
        // Line 1 is the header, line 2 the first row, line 3 blank (skipped); the second row starts on line 4 and
        // its quoted newline carries it onto line 5, so the third row is on line 6.
        #expect(result.lines == [2, 4, 6])
    }

    @Test func lastLineWithoutNewlineAndShortRows() throws {
        let table = try CSVTable(bytes: Array("id,name,x\nA,alpha".utf8), source: "t.csv", allowsShortRows: true)
        var seen: [(Int, String, Bool, Int?)] = []
        try table.forEachRow { row in
            seen.append((row.count, row.string(1), row.field(2).isEmpty, try row.integer(2, source: "t.csv", name: "x")))
        }
        #expect(seen.count == 1)
        #expect(seen[0].0 == 2 && seen[0].1 == "alpha" && seen[0].2 && seen[0].3 == nil)
    }

    @Test func numbersAndTheirErrors() throws {
        let table = try CSVTable(bytes: Array("n,d\n-12,1.5e3\n7x,abc\n".utf8), source: "t.csv")
        var integers: [Result<Int?, DataError>] = [], doubles: [Result<Double?, DataError>] = []
        try table.forEachRow { row in
            integers.append(Result { try row.integer(0, source: "t.csv", name: "n") }.mapError { $0 as! DataError })
            doubles.append(Result { try row.double(1, source: "t.csv", name: "d") }.mapError { $0 as! DataError })
        }
        #expect(integers[0] == .success(-12))
        #expect(doubles[0] == .success(1500))
        #expect(integers[1] == .failure(DataError(file: "t.csv", location: "line 3", field: "n", "not a whole number (\"7x\")")))
        #expect(doubles[1] == .failure(DataError(file: "t.csv", location: "line 3", field: "d", "not a decimal number (\"abc\")")))
    }

    @Test func unclosedQuoteAndEmptyFile() throws {
        #expect(throws: DataError(file: "t.csv", location: "line 2", "a quoted field is not closed before the end of the file")) {
            _ = try rows("a,b\n1,\"open\n")
        }
        #expect(throws: DataError(file: "t.csv", "the file is empty, expected a header line")) { _ = try rows("") }
    }

    @Test("quoted fields with separators, doubled quotes and newlines keep the following line numbers right")
    func quotedFieldsAndLines() throws {
        let text = "name,desc,n\n"
            + "\"Smith, J\",\"said \"\"hi\"\"\",1\n"
            + "plain,\"line1\nline2\nline3\",2\n"
            + "\"\",\"\"\"\",3\n"
            + "last,x,4\n"
        let result = try rows(text)
        #expect(result.rows == [["Smith, J", "said \"hi\"", "1"], ["plain", "line1\nline2\nline3", "2"], ["", "\"", "3"], ["last", "x", "4"]])
        // Lines by hand: header 1, Smith 2, plain 3 (spans 3-5), empty 6, last 7.
        #expect(result.lines == [2, 3, 6, 7])
        // CRLF inside quotes is kept; the row after it is two lines on.
        #expect(try rows("a,b\r\n1,2\r\n\"x\r\ny\",3\r\n4,5\r\n").lines == [2, 3, 5])
        // An empty last field with no newline is still a field.
        #expect(try rows("a,b\n1,").rows == [["1", ""]])
        #expect(try rows("a,b").rows.isEmpty)
    }

    @Test("a row wider than the header is an error; a shorter one too unless short rows are allowed (GTFS)")
    func rowWidths() throws {
        let tooMany = try #require(throws: DataError.self) { try rows("a,b\n1,2\n\"multi\nline\",3,4\n") }
        // Lines by hand: header 1, "1,2" 2, the multi-line row starts on 3.
        #expect(tooMany == DataError(file: "t.csv", location: "line 3", "expected 2 fields as in the header, found 3 (an unquoted comma in a field?)"))
        let tooFew = try #require(throws: DataError.self) { try rows("a,b\n1,2\n4\n") }
        #expect(tooFew == DataError(file: "t.csv", location: "line 3", "expected 2 fields as in the header, found 1"))
    }

    @Test("column lookup: exact name first, then ignoring case")
    func columnLookup() throws {
        let table = try CSVTable(bytes: Array("ATCOCode,Easting,northing\n".utf8), source: "t.csv")
        #expect(table.column("atcocode") == 0)
        #expect(table.column("EASTING") == 1)
        #expect(table.column("Latitude") == nil)
    }

    // MARK: Hostile input

    @Test("UTF-16 text, with or without a byte order mark, is refused with the fix")
    func utf16() throws {
        let text = "id,lon,lat\n1,-2.3,53.4\n"
        var withMark: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { withMark += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let marked = try #require(throws: DataError.self) { try CSVTable(bytes: withMark, source: "u.csv") }
        #expect(marked.message.hasPrefix("the file is UTF-16 (byte order mark FF FE); reach reads UTF-8"))
        let bare = try #require(throws: DataError.self) { try CSVTable(bytes: Array(withMark.dropFirst(2)), source: "u.csv") }
        #expect(bare.message.hasPrefix("the file is UTF-16 (no byte order mark"))
    }

    @Test("a semicolon- or tab-separated file is named as such, not reported as a missing column")
    func otherSeparators() throws {
        let semicolons = try #require(throws: DataError.self) { try rows("id;lon;lat\n1;-2,3;53,4\n") }
        #expect(semicolons.message.hasPrefix("the header is one column holding 2 semicolons: the file looks semicolon-separated"))
        let tabs = try #require(throws: DataError.self) { try rows("id\tlon\tlat\n1\t2\t3\n") }
        #expect(tabs.message.hasPrefix("the header is one column holding 2 tabs"))
    }

    @Test("duplicate column names (ignoring case) are an error naming both columns")
    func duplicateHeaders() throws {
        let error = try #require(throws: DataError.self) { try rows("code,name,Code\nA,x,B\n") }
        #expect(error == DataError(file: "t.csv", location: "line 1",
                                   "columns 1 and 3 are both named \"Code\" (names are compared ignoring case): rename one"))
    }

    @Test("bytes that are not UTF-8 are an error with the line and column; UTF-8 accents are fine")
    func invalidUTF8() throws {
        #expect(try rows("name,n\nCafé,1\n𝄞,2\n").rows == [["Café", "1"], ["𝄞", "2"]])
        // "Caf\xE9" is Latin-1 for Café: 0xE9 starts a 3-byte sequence that ',' cannot continue.
        var latin1 = Array("name,n\nA,1\nCaf".utf8)
        latin1 += [0xE9]
        latin1 += Array(",2\n".utf8)
        let error = try #require(throws: DataError.self) { try CSVTable(bytes: latin1, source: "l.csv") }
        #expect(error.location == "line 3, column 4")
        #expect(error.message == "not valid UTF-8 (bytes 0xE9 0x2C 0x32); the file may be Latin-1 or Windows-1252: save it as UTF-8")
        // Overlong forms and surrogates are not UTF-8 either (RFC 3629).
        for bad: [UInt8] in [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            let offset = bad.withUnsafeBufferPointer { TextCheck.firstInvalidUTF8($0) }
            #expect(offset == 0, "\(bad)")
        }
        let long = Array(String(repeating: "abcdefgh", count: 9).utf8) + [0xFF]
        #expect(long.withUnsafeBufferPointer { TextCheck.firstInvalidUTF8($0) } == 72)
    }

    @Test("hexadecimal, nan and infinite numbers are not decimal numbers")
    func notDecimal() throws {
        for text in ["0x1p3", "0x10", "nan", "inf", "infinity", "1e400", "1_000"] {
            let table = try CSVTable(bytes: Array("d\n\(text)\n".utf8), source: "t.csv")
            try table.forEachRow { row in
                #expect(throws: DataError(file: "t.csv", location: "line 2", field: "d", "not a decimal number (\"\(text)\")")) {
                    _ = try row.double(0, source: "t.csv", name: "d")
                }
            }
        }
    }

    @Test("a header line past 1 MiB, or a record past 16 MiB, is an error naming the limit and quoting nothing")
    func lengthLimits() throws {
        let header = Array(String(repeating: "x", count: CSVTable.maxHeaderBytes + 10).utf8) + [0x0A]
        let long = try #require(throws: DataError.self) { try CSVTable(bytes: header, source: "h.csv") }
        #expect(long == DataError(file: "h.csv", location: "line 1",
                                  "the header line is longer than 1 MiB (reach's limit): the file has no line ends or is not CSV"))
        var record = Array("a,b\n1,2\n".utf8)
        record += Array(("3,\"" + String(repeating: "y", count: CSVTable.maxRecordBytes) + "\"\n").utf8)
        let big = try #require(throws: DataError.self) { try rows(String(decoding: record, as: UTF8.self)) }
        #expect(big.location == "line 3")
        #expect(big.message.hasPrefix("the record is longer than 16 MiB (reach's limit)"))
        #expect(big.description.count < 200)
    }

    @Test("a value quoted in a message is cut to 60 characters with the full length")
    func excerpts() {
        #expect(TextCheck.quoted("abc") == "\"abc\"")
        let long = String(repeating: "z", count: 500)
        #expect(TextCheck.quoted(long) == "\"\(String(repeating: "z", count: 60))…\" (500 characters)")
        #expect(TextCheck.names((1...25).map { "c\($0)" }).hasSuffix("c20 and 5 more"))
    }

    @Test func byteKeyIndexFindsWhatItHolds() {
        var index = ByteKeyIndex(expectedCount: 2)
        let keys = (0..<1000).map { "stop-\($0 * 7919 % 1000)" }
        for (i, key) in keys.enumerated() { #expect(index.insert(key) == (i, true)) }
        #expect(index.insert("stop-7").inserted == false)
        for (i, key) in keys.enumerated() {
            #expect(index.find(key) == i)
            #expect(index.key(i) == key)
        }
        #expect(index.find("stop-1000") == nil)
        #expect(index.find("") == nil)
    }
}
