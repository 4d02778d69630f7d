/// One row of an Ofcom file, its values checked (docs/broadband.md, "Reading records").
public struct BroadbandRow: Sendable {
    /// Bits of `present`: one per `BroadbandMeasure` (in `allCases` order), then premises, then speed.
    public static let premisesBit: UInt16 = 1 << 5
    public static let speedBit: UInt16 = 1 << 6

    public static func bit(_ measure: BroadbandMeasure) -> UInt16 { 1 << UInt16(BroadbandMeasure.allCases.firstIndex(of: measure)!) }

    /// Which values the row has.
    public var present: UInt16 = 0
    /// Which measures are numbers of premises rather than percentages (same bits as `present`).
    public var counts: UInt16 = 0
    /// The measures' values, by `BroadbandMeasure.allCases` index: a percentage (0–100) or a number of premises.
    public var values = SIMD8<Double>(repeating: 0)
    /// All premises (a whole number ≥ 0), when `present` has `premisesBit`.
    public var premises = 0.0
    /// Median download speed, Mbit/s, when `present` has `speedBit`.
    public var speedMbps = 0.0
    /// The 1-based line (the header is line 1).
    public var line = 0

    public init() {}

    public func has(_ measure: BroadbandMeasure) -> Bool { present & Self.bit(measure) != 0 }
    public func value(_ measure: BroadbandMeasure) -> Double { values[BroadbandMeasure.allCases.firstIndex(of: measure)!] }
    public func isCount(_ measure: BroadbandMeasure) -> Bool { counts & Self.bit(measure) != 0 }
}

/// Reads Ofcom Connected Nations fixed-broadband CSVs (coverage, performance, or the 2016 combined layout), at
/// postcode or output-area level, whatever the release's column names.
public enum OfcomReader {
    /// Reads `path` (plain or gzip), matching its header with `BroadbandLayout.match`, and calls `visit` for each
    /// row with its key (the postcode key, or the trimmed upper-case output-area code; the field as written when
    /// `keyIsValid` is false) and its checked values. A value out of range or not a number throws, naming the
    /// file, line and column.
    public static func read(path: String, keyKind: BroadbandKeyKind, columns: [String: String] = [:],
                            visit: (_ key: UnsafeBufferPointer<UInt8>, _ keyIsValid: Bool, _ row: BroadbandRow) throws -> Void) throws -> BroadbandLayout {
        let table = try CSVTable(bytes: try FileBytes.read(path: path), source: path)
        var layout = try BroadbandLayout.match(header: table.header, keyKind: keyKind, columns: columns, source: path)
        let measures = BroadbandMeasure.allCases.enumerated().compactMap { i, m in layout.measures[m].map { (i, $0) } }
        var key: [UInt8] = []
        key.reserveCapacity(16)
        var empty: [Int: (count: Int, firstLine: Int)] = [:]
        try table.forEachRow { row in
            var record = BroadbandRow()
            record.line = row.line
            func number(_ column: Int) throws -> Double? {
                switch row.decimal(column) {
                case .empty:
                    empty[column, default: (0, row.line)].count += 1
                    return nil
                case .value(let value): return value
                case .invalid:
                    let text = row.string(column).trimmingCharacters(in: " \t")
                    let upper = text.uppercased()
                    if upper == "N/A" || upper == "NA" {
                        empty[column, default: (0, row.line)].count += 1
                        return nil
                    }
                    throw DataError(file: path, location: "line \(row.line)", field: layout.header[column], "not a decimal number (\(TextCheck.quoted(text)))")
                }
            }
            func fail(_ column: Int, _ message: String) -> DataError {
                DataError(file: path, location: "line \(row.line)", field: layout.header[column], message)
            }
            if let column = layout.premises, let premises = try number(column) {
                guard premises >= 0, premises == premises.rounded() else {
                    throw fail(column, "\(row.string(column)) is not a number of premises (a whole number ≥ 0)")
                }
                record.premises = premises
                record.present |= BroadbandRow.premisesBit
            }
            for (i, column) in measures {
                guard let value = try number(column.index) else { continue }
                if column.isCount {
                    guard value >= 0, value == value.rounded() else {
                        throw fail(column.index, "\(row.string(column.index)) is not a number of premises (a whole number ≥ 0)")
                    }
                    guard record.present & BroadbandRow.premisesBit != 0 else {
                        throw fail(column.index, "a number of premises (\(row.string(column.index))) but no '\(layout.header[layout.premises!])' on this line")
                    }
                    guard value <= record.premises else {
                        throw fail(column.index, "\(row.string(column.index)) premises is more than the line's \(JSONWriter.format(record.premises)) '\(layout.header[layout.premises!])'")
                    }
                    record.counts |= 1 << UInt16(i)
                } else {
                    guard value >= 0, value <= 100 else { throw fail(column.index, "\(row.string(column.index)) is not a percentage (0–100)") }
                }
                record.values[i] = value
                record.present |= 1 << UInt16(i)
            }
            if let column = layout.medianDown, let speed = try number(column) {
                guard speed >= 0 else { throw fail(column, "\(row.string(column)) is not a speed (Mbit/s ≥ 0)") }
                record.speedMbps = speed
                record.present |= BroadbandRow.speedBit
            }
            let field = row.field(layout.key)
            switch keyKind {
            case .postcode:
                if Postcode.normalise(field, into: &key) {
                    try key.withUnsafeBufferPointer { try visit($0, true, record) }
                } else {
                    try visit(field, false, record)
                }
            case .outputArea:
                let valid = outputAreaKey(field, into: &key)
                if valid { try key.withUnsafeBufferPointer { try visit($0, true, record) } } else { try visit(field, false, record) }
            }
        }
        layout.emptyCells = empty.sorted { $0.key < $1.key }.map { (layout.header[$0.key], $0.value.count, $0.value.firstLine) }
        return layout
    }

    /// An output-area code trimmed and upper-cased; false when empty or not letters and digits.
    public static func outputAreaKey(_ field: UnsafeBufferPointer<UInt8>, into key: inout [UInt8]) -> Bool {
        key.removeAll(keepingCapacity: true)
        var start = 0, end = field.count
        while start < end, field[start] == 0x20 || field[start] == 0x09 { start += 1 }
        while end > start, field[end - 1] == 0x20 || field[end - 1] == 0x09 { end -= 1 }
        guard start < end else { return false }
        for byte in field[start..<end] {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): key.append(byte - 0x20)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): key.append(byte)
            default: return false
            }
        }
        return true
    }
}
