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
        let table = try CSVTable(bytes: Array("id,name,x\nA,alpha".utf8), source: "t.csv")
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
        #expect(doubles[1] == .failure(DataError(file: "t.csv", location: "line 3", field: "d", "not a number (\"abc\")")))
    }

    @Test func unclosedQuoteAndEmptyFile() throws {
        #expect(throws: DataError(file: "t.csv", location: "line 2", "a quoted field is not closed before the end of the file")) {
            _ = try rows("a,b\n1,\"open\n")
        }
        #expect(throws: DataError(file: "t.csv", "the file is empty, expected a header line")) { _ = try rows("") }
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
