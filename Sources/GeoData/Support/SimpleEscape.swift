/// The one-letter string escapes JSON (RFC 8259 §7) and TOML 1.0 share: `\b \t \n \f \r \" \\`, and JSON's `\/`.
public enum SimpleEscape {
    /// The byte the escape `\letter` stands for; nil for any other letter (`u`, `U`, or an invalid escape).
    /// `slash` accepts JSON's `\/`, which TOML does not have.
    @inlinable
    public static func byte(for letter: UInt8, slash: Bool) -> UInt8? {
        switch letter {
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "t"): 0x09
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "\""): 0x22
        case UInt8(ascii: "\\"): 0x5C
        case UInt8(ascii: "/") where slash: 0x2F
        default: nil
        }
    }
}
