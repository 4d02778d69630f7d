import Foundation
import GeoData

/// `reach compare BEFORE AFTER`: the change columns of a scenario (docs/scenarios.md) between two zone tables of
/// earlier runs (two years' feeds run separately), matched by zone code. Every numeric column both tables have
/// (but the code) is written as BEFORE's `{column}`, AFTER's `{column}__{name}` and `{column}__{name}_change`
/// (AFTER − BEFORE, in the column's unit; null where either is null), on BEFORE's rows and geometries.
public struct CompareJob: Sendable {
    public var before: String
    public var after: String
    /// Files to write, each in the format its extension names (`.geojson`, `.geojsonseq`, `.csv`).
    public var outputs: [String] = []
    /// The suffix of AFTER's columns (`{column}__{name}`).
    public var name = "after"
    /// The column of zone codes; nil finds it as `reach wards` does (`WD23CD`, `area_code`, `code`...).
    public var codeField: String?
    /// Decimal places of written coordinates.
    public var precision = 6

    /// The two tables; set `outputs` (and the rest) before `run()`.
    public init(before: String, after: String) {
        (self.before, self.after) = (before, after)
    }

    public struct Report: Sendable {
        public var zones = 0
        /// The columns compared, in BEFORE's order.
        public var columns: [String] = []
        /// Numeric columns only one table has.
        public var onlyBefore: [String] = []
        public var onlyAfter: [String] = []
        public var written: [String] = []
    }

    public func run() throws -> Report {
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), name.first?.isLetter == true else {
            throw DataError(file: "--name", "'\(name)' must be letters, digits and _ starting with a letter, as it becomes part of column names")
        }
        guard !outputs.isEmpty else { throw DataError(file: "reach compare", "no output file: name it with --out FILE") }
        for path in outputs { try AtomicFile.checkWritable(path) }
        var first = try PropertyTable.read(path: before)
        let second = try PropertyTable.read(path: after)
        let code = try field(first, before)
        let otherCode = try codeField ?? ZoneLoader.detectCodeField(second.columns) ?? code
        guard second.columns.contains(otherCode) else {
            throw DataError(file: after, field: otherCode, "no such column (the zone codes of \(before) are in '\(code)'; name it with --code-field)")
        }
        let firstCodes = try codes(first, code, before), secondCodes = try codes(second, otherCode, after)
        let index = Dictionary(uniqueKeysWithValues: secondCodes.enumerated().map { ($1, $0) })
        let missing = firstCodes.filter { index[$0] == nil }, extra = Set(secondCodes).subtracting(firstCodes).sorted()
        if !missing.isEmpty || !extra.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("\(missing.count) zone(s) of \(before) are not in \(after) (\(missing.prefix(5).joined(separator: ", ")))") }
            if !extra.isEmpty { parts.append("\(extra.count) zone(s) of \(after) are not in \(before) (\(extra.prefix(5).joined(separator: ", ")))") }
            throw DataError(file: after, "the two tables must hold the same zones: " + parts.joined(separator: "; ") + "; compare runs over the same zone boundaries")
        }
        func numeric(_ table: PropertyTable, _ key: String) -> Bool {
            var any = false
            for row in table.rows {
                switch row[key] {
                case .number?: any = true
                case .null?, nil: continue
                default: return false
                }
            }
            return any
        }
        let skip: Set<String> = [code, otherCode, ZoneExport.warningProperty]
        let left = first.columns.filter { !skip.contains($0) && numeric(first, $0) }
        let right = Set(second.columns.filter { !skip.contains($0) && numeric(second, $0) })
        var report = Report()
        report.zones = first.rows.count
        report.columns = left.filter(right.contains)
        report.onlyBefore = left.filter { !right.contains($0) }
        report.onlyAfter = second.columns.filter { right.contains($0) && !left.contains($0) }
        guard !report.columns.isEmpty else {
            throw DataError(file: after, "no numeric column is in both tables (\(before): \(left.prefix(8).joined(separator: ", ")))")
        }
        for (r, zone) in firstCodes.enumerated() {
            let other = second.rows[index[zone]!]
            for column in report.columns {
                let a = first.rows[r][column], b = other[column] ?? .null
                first.rows[r]["\(column)__\(name)"] = b
                if case .number(let x)? = a, case .number(let y) = b, x.value.isFinite, y.value.isFinite {
                    first.rows[r]["\(column)__\(name)_change"] = .number(Self.rounded(y.value - x.value))
                } else {
                    first.rows[r]["\(column)__\(name)_change"] = .null
                }
            }
        }
        var columns = first.columns.filter { $0 != ZoneExport.warningProperty }
        for column in report.columns { columns += ["\(column)__\(name)", "\(column)__\(name)_change"] }
        if first.columns.contains(ZoneExport.warningProperty) { columns.append(ZoneExport.warningProperty) }
        first.columns = columns
        first.rows = first.rows.map { row in JSONObject(columns.map { ($0, row[$0] ?? .null) }) }
        for path in outputs {
            try AtomicFile.write(try first.encoded(for: path, precision: precision), to: path)
            report.written.append(path)
        }
        return report
    }

    /// A difference of two decimals as written (0.3 − 0.1 is 0.2, not 0.19999999999999998): rounded to 12
    /// significant digits, below any figure reach writes.
    static func rounded(_ value: Double) -> Double {
        guard value != 0 else { return 0 }
        return Double(String(format: "%.12g", value)) ?? value
    }

    private func field(_ table: PropertyTable, _ path: String) throws -> String {
        if let codeField {
            guard table.columns.contains(codeField) else {
                throw DataError(file: path, field: codeField, "no such column; the table has: \(table.columns.prefix(12).joined(separator: ", "))")
            }
            return codeField
        }
        guard let found = ZoneLoader.detectCodeField(table.columns) else {
            throw DataError(file: path, "no zone code column found (WD23CD, area_code, code...); name it with --code-field")
        }
        return found
    }

    private func codes(_ table: PropertyTable, _ field: String, _ path: String) throws -> [String] {
        var seen: [String: Int] = [:], codes: [String] = []
        for (r, row) in table.rows.enumerated() {
            guard let code = row[field]?.stringValue?.trimmingCharacters(in: .whitespaces), !code.isEmpty else {
                throw DataError(file: path, location: table.locations[r], field: field, "the zone code is empty")
            }
            if let earlier = seen[code] {
                throw DataError(file: path, location: table.locations[r], field: field, "zone code '\(code)' is given twice (first at \(table.locations[earlier]))")
            }
            seen[code] = r
            codes.append(code)
        }
        return codes
    }
}
