import Foundation
import Testing
@testable import GeoData

private func records(_ reader: CSVReader) throws -> [CSVRecord] {
    var result: [CSVRecord] = []
    try reader.forEach { result.append($0) }
    return result
}

private func records(_ text: String) throws -> [CSVRecord] {
    try records(try CSVReader(text: text))
}

@Suite("CSVReader")
struct CSVReaderTests {
    @Test("quoted fields: embedded separators, doubled quotes, newlines; following line numbers stay right")
    func quotedFields() throws {
        let text = "name,desc,n\n"
            + "\"Smith, J\",\"said \"\"hi\"\"\",1\n"
            + "plain,\"line1\nline2\nline3\",2\n"
            + "\"\",\"\"\"\",3\n"
            + "last,x,4\n"
        let reader = try CSVReader(text: text)
        #expect(reader.header == ["name", "desc", "n"])
        let all = try records(reader)
        #expect(all.map(\.fields) == [
            ["Smith, J", "said \"hi\"", "1"],
            ["plain", "line1\nline2\nline3", "2"],
            ["", "\"", "3"],
            ["last", "x", "4"],
        ])
        // Lines by hand: header 1, Smith 2, plain 3 (spans 3–5), empty 6, last 7.
        #expect(all.map(\.line) == [2, 3, 6, 7])
    }

    @Test("CRLF line ends, also inside quoted fields")
    func crlf() throws {
        let all = try records("a,b\r\n1,2\r\n\"x\r\ny\",3\r\n4,5\r\n")
        #expect(all.map(\.fields) == [["1", "2"], ["x\r\ny", "3"], ["4", "5"]])
        #expect(all.map(\.line) == [2, 3, 5])
    }

    @Test("a UTF-8 byte order mark and spaces around header names are removed")
    func bomAndHeaderSpaces() throws {
        let reader = try CSVReader(text: "\u{FEFF} id , Name\t,x\n1,é,2\n")
        #expect(reader.header == ["id", "Name", "x"])
        #expect(try records(reader).map(\.fields) == [["1", "é", "2"]])
    }

    @Test("a blank trailing line, or no final newline, ends the file cleanly")
    func endings() throws {
        #expect(try records("a,b\n1,2\n\n").map(\.fields) == [["1", "2"]])
        #expect(try records("a,b\n1,2").map(\.fields) == [["1", "2"]])
        #expect(try records("a,b\n1,2\n").map(\.fields) == [["1", "2"]])
        #expect(try records("a,b\n").isEmpty)
        #expect(try records("a,b").isEmpty)
        // An empty last field with no newline is still a field.
        #expect(try records("a,b\n1,").map(\.fields) == [["1", ""]])
    }

    @Test("a record with the wrong number of fields is a DataError naming its line")
    func fieldCountMismatch() throws {
        let reader = try CSVReader(text: "a,b\n1,2\n\"multi\nline\",3\n4\n5,6\n", source: "stops.csv")
        #expect(try reader.next()?.fields == ["1", "2"])
        #expect(try reader.next()?.fields == ["multi\nline", "3"])
        let error = try #require(throws: DataError.self) { try reader.next() }
        // Lines by hand: header 1, "1,2" 2, "multi/line" 3–4, "4" 5.
        #expect(error.location == "line 5")
        #expect(error.file == "stops.csv")
        #expect(error.message.contains("expected 2 fields"))
        #expect(error.message.contains("found 1"))
        let tooMany = try #require(throws: DataError.self) { try records("a,b\n1,2,3\n") }
        #expect(tooMany.location == "line 2")
    }

    @Test("an unterminated quoted field is a DataError naming the line it starts on")
    func unterminatedQuote() throws {
        let error = try #require(throws: DataError.self) { try records("a,b\n1,2\n3,\"open\nstill open\n") }
        #expect(error.location == "line 3")
        #expect(error.message.contains("not closed"))
    }

    @Test("a character after a closing quote is a DataError")
    func characterAfterQuote() throws {
        let error = try #require(throws: DataError.self) { try records("a,b\n1,2\n\"x\"y,3\n") }
        #expect(error.location == "line 3")
        #expect(error.message.contains("closing quote"))
    }

    @Test("another separator can be given")
    func semicolon() throws {
        let reader = try CSVReader(text: "a;b\n\"1;5\";2\n", separator: ";")
        #expect(reader.header == ["a", "b"])
        #expect(try records(reader).map(\.fields) == [["1;5", "2"]])
    }

    @Test("column lookup ignores case")
    func columnLookup() throws {
        let reader = try CSVReader(text: "ATCOCode,Easting,northing\n")
        #expect(reader.column("atcocode") == 0)
        #expect(reader.column("EASTING") == 1)
        #expect(reader.column("Northing") == 2)
        #expect(reader.column("Latitude") == nil)
    }

    @Test("empty text has no header: DataError")
    func emptyText() {
        #expect(throws: DataError.self) { try CSVReader(text: "") }
    }

    // MARK: Files

    @Test("file errors: missing, a folder, empty")
    func fileErrors() throws {
        let missing = try #require(throws: DataError.self) { try CSVReader(path: "/nonexistent/stops.csv") }
        #expect(missing.message.contains("no such file"))
        try TestSupport.withTemporaryFolder { folder in
            let isFolder = try #require(throws: DataError.self) { try CSVReader(path: folder.path) }
            #expect(isFolder.message.contains("folder"))
            let empty = try TestSupport.write("", to: "empty.csv", in: folder)
            let emptyError = try #require(throws: DataError.self) { try CSVReader(path: empty) }
            #expect(emptyError.message.contains("empty"))
            #expect(emptyError.file == empty)
        }
    }

    static let blockSize = 1 << 18  // CSVReader's read size, 256 KiB

    /// A CSV of 20,000+ rows (over 1 MB) whose awkward bytes sit exactly on 256 KiB read boundaries:
    /// a doubled quote split across boundary 1, a CRLF split across boundary 2, a closing quote and the
    /// separator after it split across boundary 3, a two-byte UTF-8 character split across boundary 4,
    /// each quoted field also holding commas and newlines. Returns the bytes and the records expected.
    static func boundaryFile() -> (bytes: [UInt8], expected: [CSVRecord], marks: [Int]) {
        var bytes = Array("id,name,note\n".utf8)
        var expected: [CSVRecord] = []
        var line = 2
        var id = 0
        func append(_ raw: String, _ fields: [String]) {
            bytes += Array(raw.utf8)
            expected.append(CSVRecord(fields: fields, line: line))
            line += 1 + raw.utf8.dropLast().filter { $0 == 0x0A }.count
            id += 1
        }
        func plain() {
            let name = "Stop \(id) on Some Longer Road Name"
            let note = "\(id * 37 % 1000).\(id % 10)"
            append("\(id),\(name),\(note)\n", ["\(id)", name, note])
        }
        func fillTo(_ target: Int) {
            while bytes.count + 200 < target { plain() }
        }
        var marks: [Int] = []

        // 1: the doubled quote `""` with its first '"' at offset blockSize − 1.
        var target = blockSize - 1
        fillTo(target)
        var prefix = "\(id),\"a,b\n"
        var pad = String(repeating: "x", count: target - bytes.count - prefix.utf8.count)
        append(prefix + pad + "\"\"tail\",plain\n", ["\(id)", "a,b\n" + pad + "\"tail", "plain"])
        marks.append(target)

        // 2: CRLF with '\r' at offset 2·blockSize − 1.
        target = 2 * blockSize - 1
        fillTo(target)
        prefix = "\(id),name,"
        pad = String(repeating: "y", count: target - bytes.count - prefix.utf8.count)
        append(prefix + pad + "\r\n", ["\(id)", "name", pad])
        marks.append(target)

        // 3: a closing quote at offset 3·blockSize − 1, the separator after it on the next block.
        target = 3 * blockSize - 1
        fillTo(target)
        prefix = "\(id),\"q\"\"1\nq2,"
        pad = String(repeating: "z", count: target - bytes.count - prefix.utf8.count)
        append(prefix + pad + "\",last\n", ["\(id)", "q\"1\nq2," + pad, "last"])
        marks.append(target)

        // 4: 'é' (C3 A9) with C3 at offset 4·blockSize − 1, in an unquoted field.
        target = 4 * blockSize - 1
        fillTo(target)
        prefix = "\(id),"
        pad = String(repeating: "w", count: target - bytes.count - prefix.utf8.count)
        append(prefix + pad + "é,end\n", ["\(id)", pad + "é", "end"])
        marks.append(target)

        while expected.count < 20_000 || bytes.count < 4 * blockSize + 10_000 { plain() }
        return (bytes, expected, marks)
    }

    @Test("a file larger than the read block: every record and line number right across block boundaries")
    func blockBoundaries() throws {
        let (bytes, expected, marks) = Self.boundaryFile()
        // The file really has its awkward bytes where the test means them to be.
        #expect(bytes[marks[0]] == UInt8(ascii: "\"") && bytes[marks[0] + 1] == UInt8(ascii: "\""))
        #expect(bytes[marks[1]] == 0x0D && bytes[marks[1] + 1] == 0x0A)
        #expect(bytes[marks[2]] == UInt8(ascii: "\"") && bytes[marks[2] + 1] == UInt8(ascii: ","))
        #expect(bytes[marks[3]] == 0xC3 && bytes[marks[3] + 1] == 0xA9)
        #expect(expected.count >= 20_000)

        try TestSupport.withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("big.csv")
            try Data(bytes).write(to: url)
            let reader = try CSVReader(path: url.path)
            #expect(reader.header == ["id", "name", "note"])
            let all = try records(reader)
            #expect(all.count == expected.count)
            let mismatches = zip(all, expected).filter { $0.0 != $0.1 }
            #expect(mismatches.isEmpty, "first mismatch: \(String(describing: mismatches.first))")
            #expect(all.last == expected.last)
        }
        // The in-memory reader agrees with the expectation too.
        let fromText = try records(try CSVReader(text: String(decoding: bytes, as: UTF8.self)))
        #expect(fromText == expected)
    }

    @Test("a record that is too short after a block boundary is reported at its own line")
    func errorAfterBoundary() throws {
        let (original, expected, _) = Self.boundaryFile()
        var bytes = original
        bytes += Array("only-one-field\n".utf8)
        let badLine = expected.last!.line + 1
        try TestSupport.withTemporaryFolder { folder in
            let url = folder.appendingPathComponent("bad.csv")
            try Data(bytes).write(to: url)
            let error = try #require(throws: DataError.self) { try records(try CSVReader(path: url.path)) }
            #expect(error.location == "line \(badLine)")
            #expect(error.file == url.path)
        }
    }
}
