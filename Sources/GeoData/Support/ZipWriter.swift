import CSystemZlib
import Foundation

/// Writes a zip archive straight to a file, entry by entry, deflating on every core (`ParallelDeflater`: pieces
/// deflated in parallel and joined as pigz does). Nothing of an entry is held beyond a few pieces, so a
/// 29-million-row stop_times.txt is written without its text in memory, and a stretch deflated once
/// (`DeflatedRun`) is copied into each zip that carries it.
///
/// ZIP64 records are written where a size or an offset needs them (APPNOTE 6.3.10, 4.5.3 and 4.3.14). Entries are
/// dated 1980-01-01, so the same input writes the same bytes. Compression is zlib's fastest level: a scenario's
/// feed is a working file, and its time counts against the scenario's (docs/scenarios.md).
public struct ZipWriter {
    /// The pieces one entry's bytes are cut into before deflating (the last may be shorter).
    public static let pieceBytes = ParallelDeflater.pieceBytes

    private let path: String
    private let file: UnsafeMutablePointer<FILE>
    private var offset: UInt64 = 0
    private var central: [UInt8] = []
    private var entryCount = 0
    private var finished = false

    /// Sizes and offsets from this on are written as ZIP64 (the format's limit; lower only to test the records).
    let zip64From: UInt64

    /// Creates (or truncates) `path`.
    public init(path: String, zip64From: UInt64 = 0xFFFF_FFFF) throws {
        self.zip64From = zip64From
        guard let file = fopen(path, "wb") else { throw DataError(file: path, "cannot be created (\(String(cString: strerror(errno))))") }
        self.path = path
        self.file = file
    }

    /// Adds `name` with these bytes.
    public mutating func add(_ name: String, bytes: [UInt8]) throws {
        try add(name) { emit in
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + Self.pieceBytes)
                try emit(Array(bytes[start..<end]))
                start = end
            }
        }
    }

    /// Adds `name`, whose bytes `produce` hands to its argument in order, in pieces of any size.
    public mutating func add(_ name: String, produce: (_ emit: ([UInt8]) throws -> Void) throws -> Void) throws {
        try add(name, after: nil, produce: produce)
    }

    /// Adds `name`: the bytes of `run` (copied as they were deflated), then those `produce` hands over.
    public mutating func add(_ name: String, after run: DeflatedRun?, produce: (_ emit: ([UInt8]) throws -> Void) throws -> Void) throws {
        precondition(!finished)
        let nameBytes = Array(name.utf8)
        let headerOffset = offset
        // The local header, with room for a ZIP64 extra field; sizes and CRC are written once known.
        try write(localHeader(name: nameBytes, crc: 0, compressed: 0, uncompressed: 0))
        if let run { try copy(run) }
        let path = self.path, file = self.file
        var written: UInt64 = 0
        var deflater = ParallelDeflater(source: "\(path): \(name)", after: run.map { ($0.crc, $0.uncompressed, $0.compressed) }) { bytes in
            guard bytes.isEmpty || fwrite(bytes, 1, bytes.count, file) == bytes.count else {
                throw DataError(file: path, "cannot be written (\(String(cString: strerror(errno))))")
            }
            written += UInt64(bytes.count)
        }
        try produce { try deflater.push($0) }
        let (crc, uncompressed, compressed) = try deflater.finish(final: true)
        offset += written
        // Back to the local header for the CRC and sizes.
        let end = offset
        guard fseeko(file, off_t(headerOffset), SEEK_SET) == 0 else { throw DataError(file: path, "cannot seek (\(String(cString: strerror(errno))))") }
        let header = localHeader(name: nameBytes, crc: UInt32(crc), compressed: compressed, uncompressed: uncompressed)
        guard fwrite(header, 1, header.count, file) == header.count, fseeko(file, off_t(end), SEEK_SET) == 0 else {
            throw DataError(file: path, "cannot be written (\(String(cString: strerror(errno))))")
        }
        central += centralHeader(name: nameBytes, crc: UInt32(crc), compressed: compressed, uncompressed: uncompressed, offset: headerOffset)
        entryCount += 1
    }

    /// Copies a run's deflated bytes into the entry being written.
    private mutating func copy(_ run: DeflatedRun) throws {
        guard let input = fopen(run.path, "rb") else { throw DataError(file: run.path, "cannot be opened (\(String(cString: strerror(errno))))") }
        defer { fclose(input) }
        var buffer = [UInt8](repeating: 0, count: 1 << 22)
        var copied: UInt64 = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, input) }
            if count == 0 { break }
            try write(Array(buffer[0..<count]))
            copied += UInt64(count)
        }
        guard ferror(input) == 0, copied == run.compressed else {
            throw DataError(file: run.path, "was cut short (\(copied) of \(run.compressed) bytes)")
        }
    }

    /// Writes the central directory and closes the file.
    public mutating func finish() throws {
        precondition(!finished)
        finished = true
        let directoryOffset = offset, directorySize = UInt64(central.count)
        try write(central)
        let needs64 = entryCount >= 0xFFFF || directoryOffset >= zip64From || directorySize >= zip64From
        var tail: [UInt8] = []
        if needs64 {
            let record = offset
            tail.le32(0x0606_4b50); tail.le64(44); tail.le16(45); tail.le16(45); tail.le32(0); tail.le32(0)
            tail.le64(UInt64(entryCount)); tail.le64(UInt64(entryCount)); tail.le64(directorySize); tail.le64(directoryOffset)
            tail.le32(0x0706_4b50); tail.le32(0); tail.le64(record); tail.le32(1)
        }
        tail.le32(0x0605_4b50); tail.le16(0); tail.le16(0)
        tail.le16(needs64 ? 0xFFFF : UInt16(entryCount)); tail.le16(needs64 ? 0xFFFF : UInt16(entryCount))
        tail.le32(needs64 ? 0xFFFF_FFFF : UInt32(directorySize)); tail.le32(needs64 ? 0xFFFF_FFFF : UInt32(directoryOffset)); tail.le16(0)
        try write(tail)
        guard fclose(file) == 0 else { throw DataError(file: path, "cannot be closed (\(String(cString: strerror(errno))))") }
    }

    /// Closes the file without finishing it (after an error).
    public mutating func abandon() {
        guard !finished else { return }
        finished = true
        fclose(file)
    }

    private mutating func write(_ bytes: [UInt8]) throws {
        guard bytes.isEmpty || fwrite(bytes, 1, bytes.count, file) == bytes.count else {
            throw DataError(file: path, "cannot be written (\(String(cString: strerror(errno))))")
        }
        offset += UInt64(bytes.count)
    }

    /// DOS time 00:00, date 1980-01-01.
    static let dosTime: UInt16 = 0, dosDate: UInt16 = (0 << 9) | (1 << 5) | 1

    /// A local header with a 20-byte extra field: ZIP64 sizes when they need it, else a padding block readers skip,
    /// so the header is the same length before and after its sizes are known.
    private func localHeader(name: [UInt8], crc: UInt32, compressed: UInt64, uncompressed: UInt64) -> [UInt8] {
        let large = compressed >= zip64From || uncompressed >= zip64From
        var h: [UInt8] = []
        h.le32(0x0403_4b50); h.le16(large ? 45 : 20); h.le16(0x0800); h.le16(8); h.le16(Self.dosTime); h.le16(Self.dosDate)
        h.le32(crc); h.le32(large ? 0xFFFF_FFFF : UInt32(compressed)); h.le32(large ? 0xFFFF_FFFF : UInt32(uncompressed))
        h.le16(UInt16(name.count)); h.le16(20)
        h += name
        if large {
            h.le16(0x0001); h.le16(16); h.le64(uncompressed); h.le64(compressed)
        } else {
            // Padding as the Open Packaging "growth hint" (0xA220: signature 0xA028, then zeros), which readers skip.
            h.le16(0xA220); h.le16(16); h.le16(0xA028); h.le16(0); h.le32(0); h.le64(0)
        }
        return h
    }

    private func centralHeader(name: [UInt8], crc: UInt32, compressed: UInt64, uncompressed: UInt64, offset: UInt64) -> [UInt8] {
        var extra: [UInt8] = []
        if uncompressed >= zip64From { extra.le64(uncompressed) }
        if compressed >= zip64From { extra.le64(compressed) }
        if offset >= zip64From { extra.le64(offset) }
        let large = !extra.isEmpty
        // The local header's padding, repeated, so that the two headers agree on the entry's layout.
        if !large { extra = [0x28, 0xA0]; extra.le16(0); extra.le32(0); extra.le64(0) }
        var h: [UInt8] = []
        h.le32(0x0201_4b50); h.le16(large ? 45 : 20); h.le16(large ? 45 : 20); h.le16(0x0800); h.le16(8)
        h.le16(Self.dosTime); h.le16(Self.dosDate); h.le32(crc)
        h.le32(compressed >= zip64From ? 0xFFFF_FFFF : UInt32(compressed)); h.le32(uncompressed >= zip64From ? 0xFFFF_FFFF : UInt32(uncompressed))
        h.le16(UInt16(name.count)); h.le16(UInt16(extra.count + 4)); h.le16(0); h.le16(0); h.le16(0)
        h.le32(0o100644 << 16); h.le32(offset >= zip64From ? 0xFFFF_FFFF : UInt32(offset))
        h += name
        h.le16(large ? 0x0001 : 0xA220); h.le16(UInt16(extra.count)); h += extra
        return h
    }
}

extension [UInt8] {
    mutating func le16(_ v: UInt16) { append(UInt8(v & 0xFF)); append(UInt8(v >> 8)) }
    mutating func le32(_ v: UInt32) { for i in 0..<4 { append(UInt8((v >> (8 * UInt32(i))) & 0xFF)) } }
    mutating func le64(_ v: UInt64) { for i in 0..<8 { append(UInt8((v >> (8 * UInt64(i))) & 0xFF)) } }
}
