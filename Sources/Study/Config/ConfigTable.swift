import GeoData

/// A value of a study file, as `TOMLParser` reads it.
indirect enum ConfigValue: Sendable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    case table(ConfigTable)
    case array([ConfigValue])
    /// Dates and times, which no study key takes.
    case other(String)

    var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a number"
        case .bool: return "true or false"
        case .table: return "a table"
        case .array: return "an array"
        case .other(let name): return "a \(name)"
        }
    }
}

/// One table of a study file with the reading helpers the decoders use: each read marks its key as known, and
/// `finish()` rejects the keys nobody read, naming their line, so a typo never passes silently.
public struct ConfigTable: Sendable {
    public let file: String
    /// Dotted path of this table ("" for the document).
    public let path: String
    let entries: [String: ConfigValue]
    let lines: KeyLines

    private final class Consumed: @unchecked Sendable { var keys = Set<String>() }
    private let consumed = Consumed()

    /// Parses a study file's text; a syntax error names the line and column.
    static func parse(text: String, file: String) throws(StudyConfigError) -> ConfigTable {
        let root: [(key: String, value: TOMLParser.Value)]
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw StudyConfigError(file: file, line: error.line, "TOML syntax: \(error.message) (column \(error.column))")
        }
        return ConfigTable(root, file: file, path: "", lines: KeyLines(text: text))
    }

    private init(_ table: [(key: String, value: TOMLParser.Value)], file: String, path: String, lines: KeyLines) {
        self.file = file
        self.path = path
        self.lines = lines
        var entries: [String: ConfigValue] = [:]
        for (key, value) in table {
            entries[key] = ConfigTable.convert(value, file: file, path: path.isEmpty ? key : "\(path).\(key)", lines: lines)
        }
        self.entries = entries
    }

    private static func convert(_ value: TOMLParser.Value, file: String, path: String, lines: KeyLines) -> ConfigValue {
        switch value {
        case .string(let text): return .string(text)
        case .integer(let n): return .integer(n)
        case .float(let x): return .float(x)
        case .bool(let flag): return .bool(flag)
        case .table(let entries): return .table(ConfigTable(entries, file: file, path: path, lines: lines))
        case .array(let items):
            return .array(items.enumerated().map { convert($1, file: file, path: "\(path)[\($0 + 1)]", lines: lines) })
        case .dateTime(_, let kind): return .other(kind)
        }
    }

    public func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// An error about `key` of this table (or the table itself when nil), at its line.
    public func error(_ key: String?, _ message: String) -> StudyConfigError {
        let full = key.map(keyPath) ?? (path.isEmpty ? nil : path)
        return StudyConfigError(file: file, line: full.flatMap(lines.line(of:)), key: full, message)
    }

    public func has(_ key: String) -> Bool { entries[key] != nil }

    /// The table's keys in the order of their lines (for tables keyed by name: categories, modes).
    public var keys: [String] {
        entries.keys.sorted { (lines.line(of: keyPath($0)) ?? 0, $0) < (lines.line(of: keyPath($1)) ?? 0, $1) }
    }

    /// The numbers of an array (`minutes = [0, 10, 30]`), nil when the key is absent.
    public func numbers(_ key: String) throws(StudyConfigError) -> [Double]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value else { throw error(key, "expected an array of numbers, found \(value.typeName)") }
        var numbers: [Double] = []
        for (index, item) in items.enumerated() {
            switch item {
            case .integer(let n): numbers.append(Double(n))
            case .float(let x) where x.isFinite: numbers.append(x)
            default: throw error("\(key)[\(index + 1)]", "expected a finite number, found \(item.typeName)")
            }
        }
        return numbers
    }

    func value(_ key: String) -> ConfigValue? {
        consumed.keys.insert(key)
        return entries[key]
    }

    public func string(_ key: String) throws(StudyConfigError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw error(key, "expected a string, found \(value.typeName)") }
        return text
    }

    public func requiredString(_ key: String) throws(StudyConfigError) -> String {
        guard let text = try string(key) else { throw error(nil, "missing key '\(key)'") }
        guard !text.isEmpty else { throw error(key, "must not be empty") }
        return text
    }

    public func number(_ key: String) throws(StudyConfigError) -> Double? {
        guard let value = value(key) else { return nil }
        switch value {
        case .integer(let n): return Double(n)
        case .float(let x) where x.isFinite: return x
        case .float(let x): throw error(key, "expected a finite number, found \(x) (nan and inf are not numbers reach can use)")
        default: throw error(key, "expected a number, found \(value.typeName)")
        }
    }

    public func integer(_ key: String) throws(StudyConfigError) -> Int? {
        guard let value = value(key) else { return nil }
        guard case .integer(let n) = value else { throw error(key, "expected an integer, found \(value.typeName)") }
        return n
    }

    public func bool(_ key: String) throws(StudyConfigError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw error(key, "expected true or false, found \(value.typeName)") }
        return flag
    }

    /// A string that must be one of an enum's raw values.
    public func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws(StudyConfigError) -> T? where T.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let value = T(rawValue: text) else {
            throw error(key, "'\(text)' is not one of \(T.allCases.map { $0.rawValue }.joined(separator: ", "))")
        }
        return value
    }

    public func table(_ key: String) throws(StudyConfigError) -> ConfigTable? {
        guard let value = value(key) else { return nil }
        guard case .table(let table) = value else { throw error(key, "expected a table ([\(keyPath(key))]), found \(value.typeName)") }
        return table
    }

    /// A string or an array of strings (`ofcom = "a.csv"` or `ofcom = ["a.csv", "b.csv"]`), empty when absent.
    public func strings(_ key: String) throws(StudyConfigError) -> [String] {
        guard let value = value(key) else { return [] }
        switch value {
        case .string(let text): return [text]
        case .array(let items):
            var texts: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item else { throw error("\(key)[\(index + 1)]", "expected a string, found \(item.typeName)") }
                texts.append(text)
            }
            return texts
        default: throw error(key, "expected a string or an array of strings, found \(value.typeName)")
        }
    }

    /// An array of tables (`[[key]]`), empty when absent.
    public func tables(_ key: String) throws(StudyConfigError) -> [ConfigTable] {
        guard let value = value(key) else { return [] }
        guard case .array(let items) = value else { throw error(key, "expected an array of tables ([[\(keyPath(key))]]), found \(value.typeName)") }
        var tables: [ConfigTable] = []
        for (index, item) in items.enumerated() {
            guard case .table(let table) = item else { throw error("\(key)[\(index + 1)]", "expected a table, found \(item.typeName)") }
            tables.append(table)
        }
        return tables
    }

    /// Rejects any key not read, naming the first in line order and the keys this table takes.
    /// A number > 0, or nil when the key is absent.
    public func positive(_ key: String, atMost limit: Double = .infinity, unit: String = "") throws(StudyConfigError) -> Double? {
        guard let value = try number(key) else { return nil }
        guard value > 0 else { throw error(key, "must be > 0, not \(value)") }
        guard value <= limit else { throw error(key, "must be at most \(JSONWriter.format(limit))\(unit) (reach's limit), not \(JSONWriter.format(value))\(unit)") }
        return value
    }

    /// A non-empty array of numbers > 0, or nil when the key is absent.
    public func positives(_ key: String) throws(StudyConfigError) -> [Double]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value, !items.isEmpty else { throw error(key, "expected a non-empty array of numbers") }
        var numbers: [Double] = []
        for item in items {
            switch item {
            case .integer(let n) where n > 0: numbers.append(Double(n))
            case .float(let x) where x > 0 && x.isFinite: numbers.append(x)
            case .float(let x) where !x.isFinite: throw error(key, "expected finite numbers > 0, found \(x) (nan and inf are not numbers reach can use)")
            default: throw error(key, "expected numbers > 0")
            }
        }
        return numbers
    }

    public func finish(known: [String]) throws(StudyConfigError) {
        let unknown = entries.keys.filter { !consumed.keys.contains($0) }
            .sorted { (lines.line(of: keyPath($0)) ?? 0, $0) < (lines.line(of: keyPath($1)) ?? 0, $1) }
        if let first = unknown.first {
            throw error(first, "unknown key (\(path.isEmpty ? "the study file" : "[\(path)]") takes \(known.joined(separator: ", ")))")
        }
    }
}
