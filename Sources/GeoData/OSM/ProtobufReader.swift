/// A cursor over protocol-buffer wire format (varints, length-delimited fields), just enough for the OSM PBF
/// messages. Hand-written because the PBF schema is tiny and fixed, and the hot loops (dense node deltas) must
/// decode straight from the inflated buffer without building message objects.
///
/// Valid only while the buffer it reads is alive: use it inside `withUnsafeBytes`.
struct ProtobufReader {
    /// What went wrong and at which byte offset of the message.
    struct Malformed: Error, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "\(reason) at byte \(offset)" }
    }

    private let base: UnsafePointer<UInt8>?
    private(set) var position: Int
    let end: Int

    init(_ buffer: UnsafeRawBufferPointer) {
        base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
        position = 0
        end = buffer.count
    }

    var isAtEnd: Bool { position >= end }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < end {
            let byte = base.unsafelyUnwrapped[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { throw Malformed(offset: position, reason: "varint longer than 10 bytes") }
        }
        throw Malformed(offset: position, reason: "message ends inside a varint")
    }

    /// The next field's number and wire type, or nil at the end of the message.
    mutating func field() throws -> (number: Int, wireType: Int)? {
        guard position < end else { return nil }
        let key = try varint()
        return (Int(key >> 3), Int(key & 7))
    }

    /// A length-delimited field's bytes (wire type 2).
    mutating func bytes() throws -> UnsafeRawBufferPointer {
        let length = try varint()
        guard length <= UInt64(end - position) else {
            throw Malformed(offset: position, reason: "field of \(length) bytes runs past the end of its message (\(end - position) left)")
        }
        let start = position
        position += Int(length)
        return UnsafeRawBufferPointer(start: base.map { UnsafeRawPointer($0 + start) }, count: Int(length))
    }

    mutating func string() throws -> String {
        String(decoding: try bytes(), as: UTF8.self)
    }

    mutating func sint64() throws -> Int64 {
        Self.zigzag(try varint())
    }

    /// Skips a field of the given wire type.
    mutating func skip(wireType: Int) throws {
        switch wireType {
        case 0: _ = try varint()
        case 1: try advance(8)
        case 2: _ = try bytes()
        case 5: try advance(4)
        default: throw Malformed(offset: position, reason: "unsupported wire type \(wireType)")
        }
    }

    private mutating func advance(_ count: Int) throws {
        guard end - position >= count else { throw Malformed(offset: position, reason: "message ends inside a fixed-width field") }
        position += count
    }

    @inline(__always) static func zigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }

    /// Calls `body` with each varint of a packed repeated field.
    static func forEachVarint(in buffer: UnsafeRawBufferPointer, _ body: (UInt64) throws -> Void) throws {
        var reader = ProtobufReader(buffer)
        while !reader.isAtEnd { try body(try reader.varint()) }
    }

    /// The values of a packed `repeated uint32`/`int32`/`uint64` field.
    static func packedVarints(_ buffer: UnsafeRawBufferPointer) throws -> [UInt64] {
        var values: [UInt64] = []
        values.reserveCapacity(buffer.count)
        try forEachVarint(in: buffer) { values.append($0) }
        return values
    }

    /// The running sums of a packed, delta-coded `repeated sint64` field (dense ids, lats, lons, way refs).
    static func packedDeltas(_ buffer: UnsafeRawBufferPointer) throws -> [Int64] {
        var values: [Int64] = []
        values.reserveCapacity(buffer.count / 2)
        var running: Int64 = 0
        try forEachVarint(in: buffer) { raw in
            running &+= zigzag(raw)
            values.append(running)
        }
        return values
    }
}
