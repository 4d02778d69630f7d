/// UK postcodes as directories and Ofcom files write them (`M15 4AB`, `M154AB`, `m15  4ab`), reduced to one
/// key for matching: ASCII letters upper-cased, every space removed.
///
/// A key is a postcode when it has 5 to 7 characters: an outward code of 2 to 4 letters and digits starting with
/// a letter, then an inward code of a digit and two letters.
public enum Postcode {
    /// Writes the key of `field` into `key` (cleared first); false when the field is not a postcode.
    @inline(__always)
    public static func normalise(_ field: UnsafeBufferPointer<UInt8>, into key: inout [UInt8]) -> Bool {
        key.removeAll(keepingCapacity: true)
        for byte in field {
            switch byte {
            case 0x20, 0x09: continue
            case UInt8(ascii: "a")...UInt8(ascii: "z"): key.append(byte - 0x20)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): key.append(byte)
            default: return false
            }
            if key.count > 7 { return false }
        }
        return isPostcode(key)
    }

    /// The key of `text`, or nil when it is not a postcode.
    public static func key(_ text: String) -> String? {
        var key: [UInt8] = []
        var text = text
        let ok = text.withUTF8 { normalise($0, into: &key) }
        return ok ? String(decoding: key, as: UTF8.self) : nil
    }

    static func isLetter(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isPostcode(_ key: [UInt8]) -> Bool {
        let n = key.count
        guard n >= 5, n <= 7, isLetter(key[0]) else { return false }
        return isDigit(key[n - 3]) && isLetter(key[n - 2]) && isLetter(key[n - 1])
    }

    /// The written form of a key: outward code, a space, inward code (`M154AB` → `M15 4AB`).
    public static func display<S: Collection<UInt8>>(_ key: S) -> String {
        let bytes = Array(key)
        guard bytes.count > 3 else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: bytes.dropLast(3), as: UTF8.self) + " " + String(decoding: bytes.suffix(3), as: UTF8.self)
    }

    /// The postcode sector of a key: the outward code, a space and the inward code's digit (`M154AB` → `M15 4`).
    public static func sector<S: Collection<UInt8>>(_ key: S) -> String {
        let bytes = Array(key)
        guard bytes.count > 3 else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: bytes.dropLast(3), as: UTF8.self) + " " + String(decoding: bytes[bytes.count - 3...bytes.count - 3], as: UTF8.self)
    }
}
