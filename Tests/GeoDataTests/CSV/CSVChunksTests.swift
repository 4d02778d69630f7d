import Testing
@testable import GeoData

/// `CSVChunks` against the whole-file `CSVTable`: the same rows, fields and file lines for every chunk size and
/// every way of cutting the input into pieces, with quoted newlines, CRLF, blank lines and a byte order mark.
struct CSVChunksTests {
    static let text = "\u{FEFF}trip_id,stop_id,note\r\nT1,S1,plain\r\nT1,S2,\"two\nlines\"\r\n\r\nT2,S1,\"a \"\"quoted\"\" word\"\nT2,S3,\nT3,S4,last"

    /// (line, fields) of every row of a table.
    static func rows(_ table: CSVTable) throws -> [(Int, [String])] {
        var out: [(Int, [String])] = []
        try table.forEachRow { row in out.append((row.line, (0..<row.count).map { row.string($0) })) }
        return out
    }

    static func chunked(_ bytes: [UInt8], chunkBytes: Int, piece: Int) throws -> (rows: [(Int, [String])], tables: Int) {
        var chunks = CSVChunks(source: "t.csv", allowsShortRows: true, chunkBytes: chunkBytes)
        var rows: [(Int, [String])] = [], tables = 0
        var at = 0
        while at < bytes.count {
            try chunks.feed(Array(bytes[at..<min(at + piece, bytes.count)])) { rows += try Self.rows($0); tables += 1 }
            at += piece
        }
        try chunks.finish { rows += try Self.rows($0); tables += 1 }
        return (rows, tables)
    }

    @Test func everyCutGivesTheWholeFilesRows() throws {
        let bytes = Array(Self.text.utf8)
        let whole = try Self.rows(try CSVTable(bytes: bytes, source: "t.csv", allowsShortRows: true))
        // By hand: the header is line 1; "two\nlines" spans lines 3-4; line 5 is blank.
        #expect(whole.map(\.0) == [2, 3, 6, 7, 8])
        #expect(whole[1].1 == ["T1", "S2", "two\nlines"] && whole[2].1 == ["T2", "S1", "a \"quoted\" word"])
        var split = 0
        for chunkBytes in [1, 2, 5, 13, 1 << 20] {
            for piece in [1, 3, 7, bytes.count] {
                let got = try Self.chunked(bytes, chunkBytes: chunkBytes, piece: piece)
                #expect(got.rows.map(\.0) == whole.map(\.0), "chunk \(chunkBytes) piece \(piece)")
                #expect(got.rows.map(\.1) == whole.map(\.1), "chunk \(chunkBytes) piece \(piece)")
                if got.tables > 1 { split += 1 }
            }
        }
        #expect(split > 0)   // some cuts really made several tables
    }

    @Test func headerOnlyEmptyAndErrorsInLaterChunks() throws {
        #expect(try Self.chunked(Array("a,b\n".utf8), chunkBytes: 1, piece: 1).rows.isEmpty)
        #expect(try Self.chunked(Array("a,b".utf8), chunkBytes: 1, piece: 1).rows.isEmpty)
        #expect(throws: DataError.self) { try Self.chunked([], chunkBytes: 1, piece: 1) }
        // A row with too many fields on line 5, in the third table of one-row chunks: named by its file line.
        let error = try #require(throws: DataError.self) {
            try Self.chunked(Array("a,b\n1,2\n3,4\n\n5,6,7\n".utf8), chunkBytes: 1, piece: 2)
        }
        #expect("\(error)".contains("line 5"))
        // Invalid UTF-8 on line 4 of the file, in a later table.
        let bad = Array("a,b\n1,2\n3,4\n".utf8) + [0x35, 0x2C, 0xFF, 0x0A]
        let utf8 = try #require(throws: DataError.self) { try Self.chunked(bad, chunkBytes: 1, piece: 100) }
        #expect("\(utf8)".contains("line 4"))
    }
}
