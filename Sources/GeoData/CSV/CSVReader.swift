import Foundation

/// One CSV record and the line it starts on (1-based; the header is line 1).
public struct CSVRecord: Sendable, Equatable {
    public var fields: [String]
    public var line: Int
}

/// A streaming RFC 4180 CSV reader: quoted fields with `""` escapes, separators and newlines inside quotes,
/// LF or CRLF line ends, an optional UTF-8 byte order mark. Reads the file in 256 KiB blocks, so memory
/// stays flat however long the file.
public final class CSVReader {
    /// The header's field names, BOM and surrounding spaces removed.
    public private(set) var header: [String]
    public let source: String
    private let separator: UInt8
    private let handle: FileHandle?
    private var buffer: [UInt8] = []
    private var position = 0
    private var exhausted = false
    private var line = 1

    /// Opens `path` and reads its header line.
    public init(path: String, separator: Character = ",") throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw DataError(file: path, isDirectory.boolValue ? "is a folder, expected a CSV file" : "no such file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DataError(file: path, "cannot be read") }
        self.handle = handle
        self.source = path
        self.separator = separator.asciiValue ?? UInt8(ascii: ",")
        header = []
        header = try readHeader()
    }

    /// Reads CSV text already in memory (tests, small inline tables).
    public init(text: String, source: String = "<text>", separator: Character = ",") throws {
        handle = nil
        self.source = source
        self.separator = separator.asciiValue ?? UInt8(ascii: ",")
        buffer = Array(text.utf8)
        exhausted = true
        header = []
        header = try readHeader()
    }

    deinit {
        try? handle?.close()
    }

    private func readHeader() throws -> [String] {
        try fill()
        if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { position = 3 }
        guard let record = try next(checkWidth: false) else { throw DataError(file: source, "the file is empty, expected a header line") }
        return record.fields.map { $0.trimmingCharacters(in: " \t") }
    }

    /// The index of the header field named `name`, compared case-insensitively.
    public func column(_ name: String) -> Int? {
        header.firstIndex { $0.caseInsensitiveCompare(name) == .orderedSame }
            ?? header.firstIndex { $0.lowercased() == name.lowercased() }
    }

    /// The next record, or nil at the end of the file. Throws when a record has a different number of
    /// fields from the header, or a quoted field is not closed.
    public func next() throws -> CSVRecord? {
        try next(checkWidth: true)
    }

    /// Calls `body` for every remaining record.
    public func forEach(_ body: (CSVRecord) throws -> Void) throws {
        while let record = try next() { try body(record) }
    }

    private func fill() throws {
        guard !exhausted, let handle else { return }
        if position > 0 {
            buffer.removeSubrange(0..<position)
            position = 0
        }
        let data = try handle.read(upToCount: 1 << 18) ?? Data()
        if data.isEmpty { exhausted = true } else { buffer.append(contentsOf: data) }
    }

    /// The byte at `position + offset`, reading more of the file when needed; nil at the end.
    @inline(__always) private func byte(at offset: Int = 0) throws -> UInt8? {
        while position + offset >= buffer.count {
            if exhausted { return nil }
            try fill()
        }
        return buffer[position + offset]
    }

    private func next(checkWidth: Bool) throws -> CSVRecord? {
        guard try byte() != nil else { return nil }
        let startLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var fieldStarted = false
        while true {
            guard let current = try byte() else {
                if quoted { throw DataError(file: source, location: "line \(startLine)", "a quoted field is not closed before the end of the file") }
                fields.append(String(decoding: field, as: UTF8.self))
                break
            }
            position += 1
            if quoted {
                if current == UInt8(ascii: "\"") {
                    if try byte() == UInt8(ascii: "\"") {
                        field.append(current)
                        position += 1
                    } else {
                        quoted = false
                        if let after = try byte(), after != separator, after != 0x0A, after != 0x0D {
                            throw DataError(file: source, location: "line \(line)",
                                            "unexpected character after a closing quote in field \(fields.count + 1)")
                        }
                    }
                } else {
                    if current == 0x0A { line += 1 }
                    field.append(current)
                }
                continue
            }
            if current == separator {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                fieldStarted = false
            } else if current == 0x0A || current == 0x0D {
                if current == 0x0D, try byte() == 0x0A { position += 1 }
                line += 1
                fields.append(String(decoding: field, as: UTF8.self))
                break
            } else if current == UInt8(ascii: "\"") && !fieldStarted {
                quoted = true
                fieldStarted = true
            } else {
                field.append(current)
                fieldStarted = true
            }
        }
        if checkWidth {
            // A blank line (e.g. at the end of the file) is not a record.
            if fields.count == 1, fields[0].isEmpty { return try next(checkWidth: true) }
            if fields.count != header.count {
                throw DataError(file: source, location: "line \(startLine)",
                                "expected \(header.count) fields as in the header, found \(fields.count)")
            }
        }
        return CSVRecord(fields: fields, line: startLine)
    }
}
