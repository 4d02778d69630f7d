/// Where each key of a TOML document is: dotted path → 1-based line.
///
/// `TOMLParser` reads the values; a validation error must name the line of a key, which this scan finds. It follows table headers and `key =` lines only; the document has already parsed, so it
/// can assume well-formed TOML. It skips multi-line strings and arrays, and records the keys of one-line inline
/// tables. Arrays of tables are numbered from 1: `score.indicator[2].name`.
struct KeyLines {
    private(set) var lines: [String: Int] = [:]
    /// Position of each key of a one-line inline table within it, so `{ b = 1, a = 2 }` keeps its order.
    private(set) var inlineOrder: [String: Int] = [:]

    init(text: String) {
        var current = ""
        // Per array of tables as written (`scenario.frequency`), the path of its latest element
        // (`scenario[2].frequency[1]`); per array path (`scenario[2].frequency`), its elements so far.
        var latest: [String: String] = [:]
        var arrayCounts: [String: Int] = [:]
        /// A dotted name as a path: within the latest element of the longest enclosing array of tables.
        func path(_ name: String, strict: Bool) -> String {
            let enclosing = latest.keys.filter { name.hasPrefix($0 + ".") || (!strict && name == $0) }.max { $0.count < $1.count }
            return enclosing.map { latest[$0]! + name.dropFirst($0.count) } ?? name
        }
        var openString: String?
        var bracketDepth = 0
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            var line = Substring(raw)
            if let delimiter = openString {
                guard let end = line.range(of: delimiter) else { continue }
                openString = nil
                line = line[end.upperBound...]
                continue
            }
            let code = KeyLines.stripComment(line).trimmingWhitespace()
            if bracketDepth > 0 {
                bracketDepth += KeyLines.bracketBalance(code)
                continue
            }
            if code.hasPrefix("[[") {
                let name = KeyLines.normalise(code.dropFirst(2).prefix { $0 != "]" })
                let array = path(name, strict: true)
                let count = arrayCounts[array, default: 0] + 1
                arrayCounts[array] = count
                current = "\(array)[\(count)]"
                latest[name] = current
                lines[current] = number
            } else if code.hasPrefix("[") {
                let name = KeyLines.normalise(code.dropFirst().prefix { $0 != "]" })
                // A sub-table of the latest element of an array of tables keeps that element's number.
                current = path(name, strict: true)
                lines[current] = number
            } else if let equals = KeyLines.assignment(code) {
                let key = KeyLines.normalise(code[..<equals])
                let path = current.isEmpty ? key : "\(current).\(key)"
                lines[path] = number
                let value = code[code.index(after: equals)...].trimmingWhitespace()
                if value.hasPrefix("{") {
                    for (position, inner) in value.dropFirst().split(separator: ",").enumerated() {
                        if let innerEquals = KeyLines.assignment(Substring(inner)) {
                            let innerPath = "\(path).\(KeyLines.normalise(inner[..<innerEquals]))"
                            lines[innerPath] = number
                            inlineOrder[innerPath] = position
                        }
                    }
                }
                for delimiter in ["\"\"\"", "'''"] where value.hasPrefix(delimiter) {
                    if value.dropFirst(3).range(of: delimiter) == nil { openString = delimiter }
                }
                if openString == nil { bracketDepth = max(0, KeyLines.bracketBalance(value)) }
            }
        }
    }

    /// The line of a key, or of the nearest enclosing table that has one.
    func line(of path: String) -> Int? {
        var path = Substring(path)
        while true {
            if let line = lines[String(path)] { return line }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            path = path[..<cut]
        }
    }

    /// A sort key giving keys their order in the file: line, then place within an inline table.
    func order(of path: String) -> (Int, Int) { (line(of: path) ?? 0, inlineOrder[path] ?? 0) }

    /// The position of a key's `=` outside quotes, if the line is an assignment.
    private static func assignment(_ code: Substring) -> Substring.Index? {
        var quote: Character?
        for index in code.indices {
            let c = code[index]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "=" {
                return index
            } else if c == "[" || c == "{" {
                return nil
            }
        }
        return nil
    }

    /// A dotted key with whitespace and quotes removed: `"a b" . c` → `a b.c`.
    private static func normalise(_ key: Substring) -> String {
        key.split(separator: ".").map { part in
            var part = part.trimmingWhitespace()
            if part.count >= 2, let first = part.first, first == "\"" || first == "'", part.last == first {
                part = part.dropFirst().dropLast()
            }
            return String(part)
        }.joined(separator: ".")
    }

    private static func stripComment(_ line: Substring) -> Substring {
        var quote: Character?
        for index in line.indices {
            let c = line[index]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "#" {
                return line[..<index]
            }
        }
        return line
    }

    /// Opening minus closing brackets outside strings.
    private static func bracketBalance(_ text: Substring) -> Int {
        var quote: Character?
        var balance = 0
        for c in text {
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "[" {
                balance += 1
            } else if c == "]" {
                balance -= 1
            }
        }
        return balance
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return text
    }
}
