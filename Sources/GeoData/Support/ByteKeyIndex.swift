/// Dense ids for byte-string keys (GTFS stop and trip ids), looked up straight from a file's bytes.
///
/// Open addressing with linear probing over an arena of key bytes. Written by hand because `[String: Int]`
/// would make a `String` for each of millions of `stop_times` rows just to look it up, which alone costs more
/// than the 1 µs a row the reader may spend.
public struct ByteKeyIndex: Sendable {
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    private var slots: [Int32]
    private var mask: Int

    public init(expectedCount: Int = 16) {
        var size = 16
        while size < expectedCount * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    /// Number of keys.
    public var count: Int { offsets.count - 1 }

    /// The key with dense id `id`.
    public func key(_ id: Int) -> String {
        String(decoding: arena[offsets[id]..<offsets[id + 1]], as: UTF8.self)
    }

    /// Calls `body` with the bytes of key `id`, without making a `String`.
    public func withKey<R>(_ id: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try arena.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[offsets[id]..<offsets[id + 1]])) }
    }

    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        // FNV-1a, 64-bit.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    @inline(__always)
    private func equals(_ id: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = offsets[id], end = offsets[id + 1]
        guard end - start == key.count else { return false }
        return arena.withUnsafeBufferPointer { stored in
            var i = 0
            while i < key.count {
                if stored[start + i] != key[i] { return false }
                i += 1
            }
            return true
        }
    }

    /// The id of `key`, or nil.
    @inline(__always)
    public func find(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        var slot = ByteKeyIndex.hash(key) & mask
        while true {
            let id = slots[slot]
            if id < 0 { return nil }
            if equals(Int(id), key) { return Int(id) }
            slot = (slot + 1) & mask
        }
    }

    public func find(_ key: String) -> Int? {
        var key = key
        return key.withUTF8 { find($0) }
    }

    /// Adds `key` if new; returns its id and whether it was new.
    @discardableResult
    public mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (id: Int, inserted: Bool) {
        if count * 2 >= slots.count { grow() }
        var slot = ByteKeyIndex.hash(key) & mask
        while true {
            let id = slots[slot]
            if id < 0 { break }
            if equals(Int(id), key) { return (Int(id), false) }
            slot = (slot + 1) & mask
        }
        let id = count
        arena.append(contentsOf: key)
        offsets.append(arena.count)
        slots[slot] = Int32(id)
        return (id, true)
    }

    @discardableResult
    public mutating func insert(_ key: String) -> (id: Int, inserted: Bool) {
        var key = key
        return key.withUTF8 { insert($0) }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        arena.withUnsafeBufferPointer { stored in
            for id in 0..<count {
                let key = UnsafeBufferPointer(rebasing: stored[offsets[id]..<offsets[id + 1]])
                var slot = ByteKeyIndex.hash(key) & mask
                while slots[slot] >= 0 { slot = (slot + 1) & mask }
                slots[slot] = Int32(id)
            }
        }
    }
}
