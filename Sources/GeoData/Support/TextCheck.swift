/// Checks on text input that every reader shares: the encoding (UTF-8, not UTF-16 or Latin-1) and excerpts of
/// bad values short enough to quote in a one-line message.
public enum TextCheck {
    /// The longest excerpt of a value quoted in a message, in characters.
    public static let excerptLength = 60

    /// `text` in double quotes, cut to `excerptLength` characters with a count of the rest, so a 200 MB field
    /// is never echoed whole.
    public static func quoted(_ text: some StringProtocol) -> String {
        guard text.count > excerptLength else { return "\"\(text)\"" }
        return "\"\(text.prefix(excerptLength))…\" (\(text.count) characters)"
    }

    /// Column names for a message: at most the first 20, then how many more.
    public static func names(_ names: [String]) -> String {
        let shown = names.prefix(20).map { $0.count > excerptLength ? String($0.prefix(excerptLength)) + "…" : $0 }
        let rest = names.count - shown.count
        return shown.joined(separator: ", ") + (rest > 0 ? " and \(rest) more" : "")
    }

    /// Why `bytes` cannot be UTF-8 text at all, judged from its start: a UTF-16 or UTF-32 byte order mark, or the
    /// NUL bytes between ASCII letters that UTF-16 without a mark has. Nil when the start looks like UTF-8.
    public static func wideEncoding(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xFE, bytes[2] == 0, bytes[3] == 0 { return "UTF-32 (byte order mark FF FE 00 00)" }
        if bytes.count >= 4, bytes[0] == 0, bytes[1] == 0, bytes[2] == 0xFE, bytes[3] == 0xFF { return "UTF-32 (byte order mark 00 00 FE FF)" }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { return "UTF-16 (byte order mark FF FE)" }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF { return "UTF-16 (byte order mark FE FF)" }
        let sample = min(bytes.count, 512)
        guard sample >= 4 else { return nil }
        var nuls = 0
        for i in 0..<sample where bytes[i] == 0 { nuls += 1 }
        // ASCII text in UTF-16 has a NUL in every other byte; real UTF-8 text has none.
        return nuls * 4 >= sample ? "UTF-16 (no byte order mark, but every other byte is 0)" : nil
    }

    /// The message for a file in a wide encoding, with the fix.
    public static func wideEncodingMessage(_ encoding: String) -> String {
        "the file is \(encoding); reach reads UTF-8: save it as \"CSV UTF-8\" or convert it with `iconv -f UTF-16 -t UTF-8`"
    }

    /// The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong forms, no
    /// surrogates, nothing above U+10FFFF), or nil when all of `bytes` is UTF-8. ASCII is skipped 8 bytes at a time.
    public static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return nil }
        var i = 0
        while i < count {
            if i + 8 <= count {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 { i += 8; continue }
            }
            let lead = bytes[i]
            if lead < 0x80 { i += 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            guard i + length <= count else { return i }
            guard bytes[i + 1] >= low, bytes[i + 1] <= high else { return i }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }

    /// The message for bytes that are not UTF-8: the offending bytes in hex and the likely cause.
    public static func invalidUTF8Message(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> String {
        let shown = bytes[offset..<min(bytes.count, offset + 3)].map { "0x" + String($0, radix: 16, uppercase: true) }
        return "not valid UTF-8 (bytes \(shown.joined(separator: " "))); the file may be Latin-1 or Windows-1252: save it as UTF-8"
    }

    /// The 1-based line and column of a byte offset.
    public static func lineAndColumn(_ bytes: UnsafeBufferPointer<UInt8>, of offset: Int) -> (line: Int, column: Int) {
        var line = 1, lineStart = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return (line, offset - lineStart + 1)
    }
}
