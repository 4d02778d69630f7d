/// A delimited file handed over in pieces (a zip entry as it inflates), cut into tables of whole records so that
/// a big file (a national `stop_times.txt`) is parsed without ever holding it whole: each table is the header
/// followed by the next `chunkBytes` or so of complete records, never splitting a record (newlines inside quotes
/// are kept), and numbers its rows by their lines in the file.
///
/// Measured on the national synthetic feed (29 M stop_times rows, tools/bench/service_profile.sh): the whole-file
/// table held 1.2 GB of text while the rows were parsed; the chunks hold 32 MiB.
public struct CSVChunks {
    public let source: String
    public let allowsShortRows: Bool
    public let chunkBytes: Int
    /// The header line (with its line end) once found; then every pending table starts with it.
    private var headerCount = 0
    private var pending: [UInt8] = []
    /// Where the scan for record ends has got to, whether it is inside quotes there, and the last record end seen.
    private var scanned = 0
    private var inQuotes = false
    private var lastBreak = -1
    /// Lines of the file after the header and before the pending records.
    private var linesBefore = 0

    public init(source: String, allowsShortRows: Bool = false, chunkBytes: Int = 32 << 20) {
        self.source = source
        self.allowsShortRows = allowsShortRows
        self.chunkBytes = chunkBytes
    }

    /// Takes the next piece of the file; calls `body` with each table of whole records that is now complete.
    public mutating func feed(_ piece: [UInt8], _ body: (CSVTable) throws -> Void) throws {
        pending.append(contentsOf: piece)
        if headerCount == 0 {
            // The header ends at the first line end outside quotes.
            var quoted = false, end = -1
            for (i, byte) in pending.enumerated() {
                if byte == UInt8(ascii: "\"") { quoted.toggle() } else if byte == 0x0A, !quoted { end = i; break }
            }
            guard end >= 0 else {
                // No line end yet: CSVTable says what is wrong once the header is over its limit.
                if pending.count > CSVTable.maxHeaderBytes + 3 { _ = try CSVTable(bytes: pending, source: source, allowsShortRows: allowsShortRows) }
                return
            }
            headerCount = end + 1
            scanned = headerCount
        }
        scan()
        if pending.count - headerCount >= chunkBytes, lastBreak >= headerCount { try emit(through: lastBreak, body) }
    }

    /// The rest of the file (the header alone, for a file of no records); call once, after the last piece.
    public mutating func finish(_ body: (CSVTable) throws -> Void) throws {
        if headerCount == 0 || pending.count > headerCount {
            let table = try CSVTable(bytes: pending, source: source, allowsShortRows: allowsShortRows, lineOffset: linesBefore)
            try body(table)
        }
        pending = []
    }

    /// Finds record ends (line ends outside quotes) in the bytes not yet scanned.
    private mutating func scan() {
        var quoted = inQuotes
        var last = lastBreak
        pending.withUnsafeBufferPointer { buffer in
            for i in scanned..<buffer.count {
                let byte = buffer[i]
                if byte == UInt8(ascii: "\"") { quoted.toggle() } else if byte == 0x0A, !quoted { last = i }
            }
        }
        scanned = pending.count
        inQuotes = quoted
        lastBreak = last
    }

    /// Hands over the header and the records through `end` (a line end) as one table; keeps the rest pending.
    private mutating func emit(through end: Int, _ body: (CSVTable) throws -> Void) throws {
        let table = try CSVTable(bytes: Array(pending[...end]), source: source, allowsShortRows: allowsShortRows, lineOffset: linesBefore)
        linesBefore += pending[headerCount...end].count { $0 == 0x0A }
        var rest = Array(pending[..<headerCount])
        rest.append(contentsOf: pending[(end + 1)...])
        pending = rest
        // The rest starts after a record end, outside quotes: scan it again from there.
        scanned = headerCount
        inQuotes = false
        lastBreak = -1
        scan()
        try body(table)
    }
}
