/// A whole CSV file in memory, read row by row without making a `String` per field.
///
/// For big machine-written tables (GTFS `stop_times.txt`, national NaPTAN): a row's fields are byte ranges
/// into the file, so parsing costs a scan and no allocation. Lines without a quote take a fast path; a quoted
/// field (RFC 4180, `""` escapes, separators and newlines inside quotes) is unescaped into a side buffer.
/// LF or CRLF line ends and a UTF-8 byte order mark are accepted; blank lines are skipped.
public struct CSVTable: Sendable {
    public let bytes: [UInt8]
    /// The file as the user named it (or "feed.zip: stop_times.txt"), for messages.
    public let source: String
    /// Header field names, trimmed of spaces, BOM removed.
    public let header: [String]
    let bodyStart: Int
    /// Whether a row may have fewer fields than the header (read as empty), as GTFS readers allow.
    let allowsShortRows: Bool
    /// Lines of the file between the header and these rows (a later piece of a file read in pieces,
    /// `CSVChunks`): rows and messages give their lines in the file.
    let lineOffset: Int

    /// The longest header line read, in bytes: a wide census table's header is some tens of kilobytes, and a
    /// longer one is a file that is not CSV (or has no line ends).
    public static let maxHeaderBytes = 1 << 20
    /// The longest record read, in bytes.
    public static let maxRecordBytes = 16 << 20

    /// Reads the header and checks the whole file is UTF-8 text with one distinct name per column. Throws a
    /// `DataError` for UTF-16 or Latin-1 text, a header past `maxHeaderBytes`, duplicate column names, and a
    /// one-column header holding semicolons or tabs (a file written with another separator).
    /// A row with more fields than the header is always an error; one with fewer only unless `allowsShortRows`.
    public init(bytes: [UInt8], source: String, allowsShortRows: Bool = false, lineOffset: Int = 0) throws {
        self.bytes = bytes
        self.source = source
        self.allowsShortRows = allowsShortRows
        self.lineOffset = lineOffset
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        let cursor = CSVCursor(bytes: bytes, position: start, line: 0)
        var names: [String] = []
        let found = try bytes.withUnsafeBufferPointer { buffer -> Bool in
            if let encoding = TextCheck.wideEncoding(buffer) {
                throw DataError(file: source, TextCheck.wideEncodingMessage(encoding))
            }
            let headerEnd = buffer[start...].prefix(Self.maxHeaderBytes + 1).firstIndex(of: 0x0A) ?? buffer.count
            guard headerEnd - start <= Self.maxHeaderBytes else {
                throw DataError(file: source, location: "line 1",
                                "the header line is longer than \(Self.maxHeaderBytes / 1024 / 1024) MiB (reach's limit): the file has no line ends or is not CSV")
            }
            if let bad = TextCheck.firstInvalidUTF8(UnsafeBufferPointer(rebasing: buffer[start...])) {
                let offset = start + bad
                let (line, column) = TextCheck.lineAndColumn(buffer, of: offset)
                let fileLine = offset > headerEnd ? line + lineOffset : line
                throw DataError(file: source, location: "line \(fileLine), column \(column)", TextCheck.invalidUTF8Message(buffer, at: offset))
            }
            guard let row = try cursor.next(buffer, source: source) else { return false }
            for i in 0..<row.count { names.append(row.string(i).trimmingCharacters(in: " \t")) }
            return true
        }
        guard found else { throw DataError(file: source, "the file is empty, expected a header line") }
        try Self.checkHeader(names, source: source)
        header = names
        bodyStart = cursor.position
    }

    /// Duplicate names make a column lookup ambiguous; a single name holding `;` or a tab is a file with another
    /// separator, whose every lookup would fail with a confusing "no column".
    static func checkHeader(_ names: [String], source: String) throws {
        if names.count == 1 {
            for (separator, name) in [(";", "semicolon"), ("\t", "tab"), ("|", "pipe")] {
                let parts = names[0].components(separatedBy: separator).count
                if parts > 1 {
                    throw DataError(file: source, location: "line 1",
                                    "the header is one column holding \(parts - 1) \(name)s: the file looks \(name)-separated; reach reads comma-separated CSV (RFC 4180): save it with commas")
                }
            }
        }
        var seen: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            let key = name.lowercased()
            if let first = seen[key] {
                throw DataError(file: source, location: "line 1",
                                "columns \(first + 1) and \(index + 1) are both named \(TextCheck.quoted(name)) (names are compared ignoring case): rename one")
            }
            seen[key] = index
        }
    }

    /// The index of the header field `name` (exact match first, then case-insensitive).
    public func column(_ name: String) -> Int? {
        header.firstIndex(of: name) ?? header.firstIndex { $0.lowercased() == name.lowercased() }
    }

    /// The index of a field the reader cannot work without.
    public func requiredColumn(_ name: String) throws -> Int {
        guard let index = column(name) else {
            throw DataError(file: source, location: "line 1", "no '\(name)' column (columns: \(TextCheck.names(header)))")
        }
        return index
    }

    /// Calls `body` with each data row in order. Rows shorter than the header read missing fields as empty.
    public func forEachRow(_ body: (CSVRow) throws -> Void) throws {
        let cursor = CSVCursor(bytes: bytes, position: bodyStart, line: 1 + lineOffset)
        try bytes.withUnsafeBufferPointer { buffer in
            let width = header.count
            while let row = try cursor.next(buffer, source: source) {
                if row.count > width || (row.count < width && !allowsShortRows) {
                    throw DataError(file: source, location: "line \(row.line)",
                                    "expected \(width) fields as in the header, found \(row.count)\(row.count > width ? " (an unquoted comma in a field?)" : "")")
                }
                try body(row)
            }
        }
    }
}

/// One row of a `CSVTable`: fields as byte ranges, valid only inside the `forEachRow` closure.
public struct CSVRow {
    let buffer: UnsafeBufferPointer<UInt8>
    let starts: UnsafeMutablePointer<Int>
    let ends: UnsafeMutablePointer<Int>
    /// Unescaped quoted fields live here (ranges with the high bit set point into it).
    let side: UnsafeBufferPointer<UInt8>
    public let count: Int
    /// The 1-based line the row starts on (the header is line 1).
    public let line: Int
    /// The row's bytes in the table, its line end included: what a filter copies to keep the row as it was.
    public let record: Range<Int>

    static let sideFlag = 1 << 62

    /// The field's bytes (empty beyond the row's end).
    @inline(__always)
    public func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        guard index >= 0, index < count else { return UnsafeBufferPointer(start: nil, count: 0) }
        let start = starts[index], end = ends[index]
        if start & CSVRow.sideFlag != 0 {
            let s = start & ~CSVRow.sideFlag, e = end & ~CSVRow.sideFlag
            return UnsafeBufferPointer(rebasing: side[s..<e])
        }
        return UnsafeBufferPointer(rebasing: buffer[start..<end])
    }

    public func isEmpty(_ index: Int) -> Bool { field(index).isEmpty }

    public func string(_ index: Int) -> String { String(decoding: field(index), as: UTF8.self) }

    /// The field as a trimmed string, nil when empty.
    public func optionalString(_ index: Int?) -> String? {
        guard let index else { return nil }
        let text = string(index).trimmingCharacters(in: " \t")
        return text.isEmpty ? nil : text
    }

    /// A non-negative decimal integer field; nil if empty, throws if malformed.
    public func integer(_ index: Int, source: String, name: String) throws -> Int? {
        let bytes = field(index)
        var value = 0, digits = 0, negative = false
        for (i, byte) in bytes.enumerated() {
            if byte == 0x20 { continue }
            if byte == UInt8(ascii: "-"), i == 0 { negative = true; continue }
            guard byte >= 0x30, byte <= 0x39, digits < 18 else {
                throw DataError(file: source, location: "line \(line)", field: name, "not a whole number (\(TextCheck.quoted(string(index))))")
            }
            value = value * 10 + Int(byte - 0x30)
            digits += 1
        }
        if digits == 0 {
            if negative { throw DataError(file: source, location: "line \(line)", field: name, "not a whole number (\"-\")") }
            return nil
        }
        return negative ? -value : value
    }

    /// A decimal number field (`DecimalBytes`: no hexadecimal, `nan` or `inf`); nil if empty, throws if malformed.
    public func double(_ index: Int, source: String, name: String) throws -> Double? {
        switch DecimalBytes.parse(field(index)) {
        case .empty: return nil
        case .value(let value): return value
        case .invalid:
            throw DataError(file: source, location: "line \(line)", field: name, "not a decimal number (\(TextCheck.quoted(string(index))))")
        }
    }
}

/// Scans rows. Owns the field-range and unescape buffers (manually allocated, so a row can point into them
/// without escaping an array's storage) and reuses them from row to row, so a row costs no allocation.
final class CSVCursor {
    let bytes: [UInt8]
    var position: Int
    var line: Int
    private var capacity = 64
    private var starts: UnsafeMutablePointer<Int>
    private var ends: UnsafeMutablePointer<Int>
    private var sideCapacity = 256
    private var side: UnsafeMutablePointer<UInt8>
    private var sideCount = 0

    init(bytes: [UInt8], position: Int, line: Int) {
        self.bytes = bytes
        self.position = position
        self.line = line
        starts = .allocate(capacity: capacity)
        ends = .allocate(capacity: capacity)
        side = .allocate(capacity: sideCapacity)
    }

    deinit {
        starts.deallocate()
        ends.deallocate()
        side.deallocate()
    }

    func next(_ buffer: UnsafeBufferPointer<UInt8>, source: String) throws -> CSVRow? {
        let count = buffer.count
        // Skip blank lines.
        while position < count, buffer[position] == 0x0A || buffer[position] == 0x0D {
            if buffer[position] == 0x0A { line += 1 }
            position += 1
        }
        guard position < count else { return nil }
        line += 1
        let rowLine = line
        var fields = 0
        sideCount = 0
        var p = position
        while true {
            if p < count, buffer[p] == UInt8(ascii: "\"") {
                // Slow path for this field: unescape into the side buffer.
                let sideStart = sideCount
                p += 1
                while true {
                    guard p < count else {
                        throw DataError(file: source, location: "line \(rowLine)", "a quoted field is not closed before the end of the file")
                    }
                    let byte = buffer[p]
                    if byte == UInt8(ascii: "\"") {
                        if p + 1 < count, buffer[p + 1] == UInt8(ascii: "\"") { appendSide(byte); p += 2; continue }
                        p += 1
                        break
                    }
                    if byte == 0x0A { line += 1 }
                    appendSide(byte)
                    p += 1
                }
                // Anything between the closing quote and the separator is kept (lenient, as most readers are).
                while p < count, buffer[p] != UInt8(ascii: ","), buffer[p] != 0x0A, buffer[p] != 0x0D {
                    appendSide(buffer[p]); p += 1
                }
                store(&fields, sideStart | CSVRow.sideFlag, sideCount | CSVRow.sideFlag)
            } else {
                let fieldStart = p
                while p < count {
                    let byte = buffer[p]
                    if byte == UInt8(ascii: ",") || byte == 0x0A || byte == 0x0D { break }
                    p += 1
                }
                store(&fields, fieldStart, p)
            }
            if p < count, buffer[p] == UInt8(ascii: ",") {
                p += 1
                if p == count || buffer[p] == 0x0A || buffer[p] == 0x0D { store(&fields, p, p) } else { continue }
            }
            // End of line.
            if p < count, buffer[p] == 0x0D { p += 1 }
            if p < count, buffer[p] == 0x0A { p += 1 }
            break
        }
        guard p - position <= CSVTable.maxRecordBytes else {
            throw DataError(file: source, location: "line \(rowLine)",
                            "the record is longer than \(CSVTable.maxRecordBytes / 1024 / 1024) MiB (reach's limit): a quote left open, or no line ends?")
        }
        let record = position..<p
        position = p
        return CSVRow(buffer: buffer, starts: starts, ends: ends, side: UnsafeBufferPointer(start: side, count: sideCount),
                      count: fields, line: rowLine, record: record)
    }

    @inline(__always)
    private func appendSide(_ byte: UInt8) {
        if sideCount == sideCapacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: sideCapacity * 2)
            grown.moveInitialize(from: side, count: sideCount)
            side.deallocate()
            side = grown
            sideCapacity *= 2
        }
        side[sideCount] = byte
        sideCount += 1
    }

    private static func grow(_ pointer: inout UnsafeMutablePointer<Int>, from capacity: Int) {
        let grown = UnsafeMutablePointer<Int>.allocate(capacity: capacity * 2)
        grown.moveInitialize(from: pointer, count: capacity)
        pointer.deallocate()
        pointer = grown
    }

    @inline(__always)
    private func store(_ fields: inout Int, _ start: Int, _ end: Int) {
        if fields == capacity {
            Self.grow(&starts, from: capacity)
            Self.grow(&ends, from: capacity)
            capacity *= 2
        }
        starts[fields] = start
        ends[fields] = end
        fields += 1
    }
}
