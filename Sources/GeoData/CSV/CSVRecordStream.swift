/// Cuts CSV text that arrives in pieces into records (RFC 4180: a line end inside quotes is part of the field),
/// for a filter that copies records as they were without holding the file: each record is handed over without
/// its line end, blank lines skipped, as `CSVTable` reads them.
public struct CSVRecordStream {
    private var carry: [UInt8] = []
    /// Whether the scan of `carry` ended inside quotes, and where it stopped.
    private var quoted = false
    private var scanned = 0
    /// The line the scan has reached, and the line the record being scanned began on (1-based).
    private var line = 1
    private var recordLine = 1

    public init() {}

    /// Adds the next piece; `record` gets every record it completes.
    public mutating func push(_ piece: [UInt8], _ record: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        try push(piece, numbered: { bytes, _ in try record(bytes) })
    }

    /// Adds the next piece; `record` gets every record it completes, with the line it begins on (1-based; a
    /// record with a quoted line end spans more than one).
    public mutating func push(_ piece: [UInt8], numbered record: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        carry += piece
        var start = 0, quoted = self.quoted, p = scanned, line = self.line, recordLine = self.recordLine
        try carry.withUnsafeBufferPointer { buffer in
            while p < buffer.count {
                let byte = buffer[p]
                if byte == UInt8(ascii: "\"") {
                    quoted.toggle()
                } else if byte == 0x0A {
                    line += 1
                    if !quoted {
                        var end = p
                        if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                        if end > start { try record(UnsafeBufferPointer(rebasing: buffer[start..<end]), recordLine) }
                        start = p + 1
                        recordLine = line
                    }
                }
                p += 1
            }
        }
        carry.removeFirst(start)
        scanned = p - start
        self.quoted = quoted
        self.line = line
        self.recordLine = recordLine
    }

    /// Hands over the last record when the text does not end with a line end.
    public mutating func finish(_ record: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        try finish(numbered: { bytes, _ in try record(bytes) })
    }

    /// `finish`, with the record's line as `push(_:numbered:)` gives it.
    public mutating func finish(numbered record: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        var end = carry.count
        while end > 0, carry[end - 1] == 0x0D { end -= 1 }
        if end > 0 { try carry.withUnsafeBufferPointer { try record(UnsafeBufferPointer(rebasing: $0[0..<end]), recordLine) } }
        carry.removeAll()
        scanned = 0
        quoted = false
        line = 1
        recordLine = 1
    }

    /// The record's fields, unquoted.
    public static func fields(_ record: UnsafeBufferPointer<UInt8>) -> [[UInt8]] {
        var fields: [[UInt8]] = [[]]
        var quoted = false, p = 0
        while p < record.count {
            let byte = record[p]
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if p + 1 < record.count, record[p + 1] == UInt8(ascii: "\"") { fields[fields.count - 1].append(byte); p += 1 } else { quoted = false }
                } else {
                    fields[fields.count - 1].append(byte)
                }
            } else if byte == UInt8(ascii: "\"") {
                quoted = true
            } else if byte == UInt8(ascii: ",") {
                fields.append([])
            } else {
                fields[fields.count - 1].append(byte)
            }
            p += 1
        }
        return fields
    }

    /// Calls `body` with field `index` of the record, unquoted (empty beyond the record's end).
    public static func withField<R>(_ index: Int, of record: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        // The common case, no quote in the record: the bytes between the index-th and the next comma.
        guard !record.contains(UInt8(ascii: "\"")) else {
            let all = fields(record)
            return try (index < all.count ? all[index] : []).withUnsafeBufferPointer(body)
        }
        var column = 0, start = 0
        for p in 0..<record.count where record[p] == UInt8(ascii: ",") {
            if column == index { return try body(UnsafeBufferPointer(rebasing: record[start..<p])) }
            column += 1
            start = p + 1
        }
        return try body(column == index ? UnsafeBufferPointer(rebasing: record[start..<record.count]) : UnsafeBufferPointer(start: nil, count: 0))
    }
}
