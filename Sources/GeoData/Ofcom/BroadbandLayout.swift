/// A coverage measure Ofcom publishes per postcode or output area (docs/broadband.md, "Matching the header").
public enum BroadbandMeasure: String, CaseIterable, Sendable, Comparable {
    /// Superfast, ≥ 30 Mbit/s.
    case sfbb
    /// Ultrafast, ≥ 300 Mbit/s.
    case ufbb
    case fullFibre = "full_fibre"
    case gigabit
    /// Unable to get the universal service obligation's 10 Mbit/s down, 1 Mbit/s up.
    case belowUSO = "below_uso"

    public static func < (a: BroadbandMeasure, b: BroadbandMeasure) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// What a share of it means, for summaries.
    public var meaning: String {
        switch self {
        case .sfbb: "superfast (≥ 30 Mbit/s)"
        case .ufbb: "ultrafast (≥ 300 Mbit/s)"
        case .fullFibre: "full fibre"
        case .gigabit: "gigabit-capable"
        case .belowUSO: "below the USO (10 Mbit/s down, 1 up)"
        }
    }

    /// Normalised header names of the percentage and the number-of-premises forms, in order of preference.
    var percentPatterns: [String] {
        switch self {
        case .sfbb: ["sfbb availability (% premises)"]
        case .ufbb: ["ufbb availability (% premises)", "ufbb (300mbit/s) availability (% premises)"]
        case .fullFibre: ["full fibre availability (% premises)", "fttp availability (% premises)"]
        case .gigabit: ["gigabit availability (% premises)"]
        case .belowUSO: ["% of premises below the uso", "% of premises unable to receive decent broadband from fixed or fwa",
                         "% of premises unable to receive decent broadband"]
        }
    }

    var countPatterns: [String] {
        switch self {
        case .sfbb: ["number of premises with sfbb availability"]
        case .ufbb: ["number of premises with ufbb availability"]
        case .fullFibre: ["number of premises with full fibre availability"]
        case .gigabit: ["number of premises with gigabit availability"]
        case .belowUSO: ["number of premises below the uso"]
        }
    }

    /// Releases before 2018 have no USO column: the share unable to get 10 Mbit/s (download only) stands in.
    static let usoStandInPercent = ["% of premises unable to receive 10mbit/s"]
    static let usoStandInCount = ["number of premises unable to receive 10mbit/s"]
}

/// What the records of a file are keyed by, which follows from how they are placed.
public enum BroadbandKeyKind: String, Sendable {
    case postcode
    case outputArea = "output_area"

    var patterns: [String] {
        switch self {
        case .postcode: ["postcode space", "structured postcode", "pcds", "postcode", "pcd", "pcd2"]
        case .outputArea: ["oa21cd", "oa11cd", "output area", "output area code", "oa code", "oa"]
        }
    }
}

/// Which column of one Ofcom file plays which role, found from its header by the documented patterns or named
/// by an explicit column map.
public struct BroadbandLayout: Sendable {
    /// A measure's column.
    public struct MeasureColumn: Sendable, Equatable {
        public var index: Int
        public var header: String
        /// A number of premises rather than a percentage.
        public var isCount: Bool
        /// The 10 Mbit/s share standing in for the USO.
        public var isStandIn: Bool
    }

    public var source: String
    public var header: [String]
    /// Matched columns with empty (or N/A) cells, as the reader found them: those records have no value for that
    /// column's measure, and the count is reported rather than the cells read as 0.
    public var emptyCells: [(column: String, count: Int, firstLine: Int)] = []
    public var keyKind: BroadbandKeyKind
    public var key: Int
    public var premises: Int?
    public var measures: [BroadbandMeasure: MeasureColumn]
    /// Median download speed, Mbit/s.
    public var medianDown: Int?

    /// Premises, the percentage and number forms of each measure, and the speed.
    static let premisesPatterns = ["all premises", "total premises", "premises"]
    static let medianDownPatterns = ["median download speed (mbit/s)"]

    /// The roles an explicit column map may name (`--column ROLE=HEADER`, `[broadband.columns]`).
    public static let roles: [String] = ["postcode", "output_area", "premises"]
        + BroadbandMeasure.allCases.flatMap { ["\($0.rawValue)_pct", "\($0.rawValue)_count"] } + ["median_down_mbps"]

    /// Header comparison: lower case, `_` as a space, runs of spaces as one, ends trimmed.
    public static func normalise(_ name: String) -> String {
        var result = ""
        var pendingSpace = false
        for scalar in name.lowercased().unicodeScalars {
            if scalar == " " || scalar == "_" || scalar == "\t" || scalar == "\u{A0}" {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace { result.append(" "); pendingSpace = false }
            result.unicodeScalars.append(scalar)
        }
        return result
    }

    /// Matches `header` (of the file `source`). `columns` maps roles to header names and beats the patterns where
    /// the file has that header.
    public static func match(header: [String], keyKind: BroadbandKeyKind, columns: [String: String] = [:],
                             source: String) throws -> BroadbandLayout {
        let normalised = header.map(normalise)
        func find(_ role: String, _ patterns: [String]) -> Int? {
            if let named = columns[role], let index = normalised.firstIndex(of: normalise(named)) { return index }
            for pattern in patterns { if let index = normalised.firstIndex(of: pattern) { return index } }
            return nil
        }
        guard let key = find(keyKind.rawValue, keyKind.patterns) else {
            throw DataError(file: source, location: "line 1",
                            "no \(keyKind == .postcode ? "postcode" : "output-area code") column (looked for \(quoted(keyKind.patterns))); name it with --column \(keyKind.rawValue)=HEADER. Columns: \(header.joined(separator: ", "))")
        }
        let premises = find("premises", premisesPatterns)
        var measures: [BroadbandMeasure: MeasureColumn] = [:]
        for measure in BroadbandMeasure.allCases {
            var count = find("\(measure.rawValue)_count", measure.countPatterns)
            var percent = find("\(measure.rawValue)_pct", measure.percentPatterns)
            var standIn = false
            if measure == .belowUSO, count == nil, percent == nil {
                count = find("", BroadbandMeasure.usoStandInCount)
                percent = find("", BroadbandMeasure.usoStandInPercent)
                standIn = count != nil || percent != nil
            }
            if let index = count, premises != nil {
                measures[measure] = MeasureColumn(index: index, header: header[index], isCount: true, isStandIn: standIn)
            } else if let index = percent {
                measures[measure] = MeasureColumn(index: index, header: header[index], isCount: false, isStandIn: standIn)
            } else if let index = count {
                throw DataError(file: source, location: "line 1", field: header[index],
                                "a number of premises needs an 'All Premises' column to become a share (looked for \(quoted(premisesPatterns))); name it with --column premises=HEADER")
            }
        }
        let medianDown = find("median_down_mbps", medianDownPatterns)
        guard !measures.isEmpty || medianDown != nil else {
            let looked = BroadbandMeasure.allCases.flatMap { $0.percentPatterns + $0.countPatterns } + medianDownPatterns
            throw DataError(file: source, location: "line 1",
                            "the header matches no known Ofcom layout: no coverage or speed column (looked for \(quoted(looked))); name columns with --column ROLE=HEADER. Columns: \(header.joined(separator: ", "))")
        }
        return BroadbandLayout(source: source, header: header, keyKind: keyKind, key: key, premises: premises,
                               measures: measures, medianDown: medianDown)
    }

    /// One line per role found, for the summary: `sfbb % ← 'SFBB availability (% premises)'`.
    public var description: [String] {
        var lines = ["\(keyKind.rawValue) ← '\(header[key])'"]
        if let premises { lines.append("premises ← '\(header[premises])'") }
        for measure in BroadbandMeasure.allCases {
            guard let column = measures[measure] else { continue }
            let form = column.isCount ? "number" : "%"
            lines.append("\(measure.rawValue) \(form) ← '\(column.header)'\(column.isStandIn ? " (stand-in: download only)" : "")")
        }
        if let medianDown { lines.append("median download ← '\(header[medianDown])'") }
        return lines
    }

    static func quoted(_ patterns: [String]) -> String {
        patterns.map { "'\($0)'" }.joined(separator: ", ")
    }
}
