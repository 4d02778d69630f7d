/// Checks a study file for the TOML that TOMLKit 0.6.0's parser (toml++ 3) cannot be given: a table header whose
/// key starts with a character no key can start with (`[[[x]]`, `[=]`, `[.a]`) makes toml++ fail an assertion
/// and abort the process (found by tools/fuzz.sh, FuzzTOML) instead of reporting a syntax error. Such a header is
/// reported here, with its line and column, before the text reaches TOMLKit.
///
/// A small lexer: it follows basic, literal and multi-line strings, comments and the brackets of array and inline
/// table values, so only a `[` that starts a line outside any value is taken for a table header.
enum TOMLGuard {
    struct Problem: Error, Equatable {
        let line: Int
        let column: Int
        let message: String
    }

    static func check(_ text: String) throws(Problem) {
        let bytes = Array(text.utf8)
        var i = 0, line = 1, lineStart = 0
        var depth = 0           // open [ and { of values
        var atLineStart = true  // only whitespace so far on this line
        func isKeyStart(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
                || b == 0x22 || b == 0x27
        }
        func starts(_ s: String, at k: Int) -> Bool {
            let u = Array(s.utf8)
            return k + u.count <= bytes.count && Array(bytes[k..<k + u.count]) == u
        }
        /// Skips a string starting at `i` (its opening quote), counting the lines a multi-line string spans.
        func skipString() {
            let quote = bytes[i]
            let triple = quote == 0x22 ? "\"\"\"" : "'''"
            if starts(triple, at: i) {
                i += 3
                while i < bytes.count && !starts(triple, at: i) {
                    if bytes[i] == 0x5C && quote == 0x22 { i += 1 }
                    else if bytes[i] == 0x0A { line += 1; lineStart = i + 1 }
                    i += 1
                }
                i += 3
                // Up to two more quotes may close it ("""a""""" is legal).
                while i < bytes.count && bytes[i] == quote { i += 1 }
                return
            }
            i += 1
            while i < bytes.count && bytes[i] != quote && bytes[i] != 0x0A {
                if bytes[i] == 0x5C && quote == 0x22 { i += 1 }
                i += 1
            }
            if i < bytes.count && bytes[i] == quote { i += 1 }
        }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x0A:
                line += 1; lineStart = i + 1; atLineStart = true; i += 1
            case 0x20, 0x09, 0x0D:
                i += 1
            case 0x23: // '#': a comment to the end of the line
                while i < bytes.count && bytes[i] != 0x0A { i += 1 }
            case 0x22, 0x27:
                atLineStart = false
                skipString()
            case 0x5B where atLineStart && depth == 0:
                // A table header: '[' or '[[', optional spaces, then a key.
                var k = i + 1
                if k < bytes.count && bytes[k] == 0x5B { k += 1 }
                while k < bytes.count && (bytes[k] == 0x20 || bytes[k] == 0x09) { k += 1 }
                if k < bytes.count, bytes[k] != 0x5D, !isKeyStart(bytes[k]) {
                    let shown = bytes[k] >= 0x20 && bytes[k] < 0x7F ? "'\(Character(Unicode.Scalar(bytes[k])))'" : "byte 0x\(String(bytes[k], radix: 16))"
                    throw Problem(line: line, column: k - lineStart + 1,
                                  message: "a table header's name must start with a letter, digit, '_', '-' or a quote, not \(shown)")
                }
                atLineStart = false
                // Skip the header to its end of line (its brackets are not value brackets).
                while i < bytes.count && bytes[i] != 0x0A && bytes[i] != 0x23 {
                    if bytes[i] == 0x22 || bytes[i] == 0x27 { skipString() } else { i += 1 }
                }
            case 0x5B, 0x7B:
                atLineStart = false; depth += 1; i += 1
            case 0x5D, 0x7D:
                atLineStart = false; depth = max(0, depth - 1); i += 1
            default:
                atLineStart = false; i += 1
            }
        }
    }
}
