import GeoData

/// `[equity]` (docs/equity.md): which per-origin indicators to break down, by which zone class, ranked by which
/// need, against which access standards, weighted by whom.
public struct EquitySpec: Sendable, Equatable {
    /// Per-origin column stems (`gp_practices_straight`, `gp_pt`): the origin values behind `{stem}_mean`.
    public var indicators: [String]
    /// A zone column whose values are the classes (an IMD decile, a local authority), if any.
    public var classColumn: String?
    /// When set, the numeric `classColumn` is cut into this many groups of zones of equal count, numbered from
    /// the highest value (1 = highest, as IMD deciles number from the most deprived).
    public var classGroups: Int?
    /// A numeric zone column ranking origins for the concentration index and the Palma ratio (higher = more need).
    public var need: String?
    /// Access standard per indicator, in the indicator's unit (metres, minutes): the FGT measures' z.
    public var standards: [String: Double] = [:]
    /// Thresholds per indicator for the shares within; nil takes those of the study's `{stem}_within_{t}` columns.
    public var thresholds: [String: [Double]] = [:]
    /// Weights other than the origins' own: a zone column spread over the zone's origins, or a field of the origins
    /// file.
    public var weight: Weight?

    /// A zone column, or a field of the origins file, turned into origin weights.
    public struct Weight: Sendable, Equatable {
        public enum Kind: String, Sendable, CaseIterable {
            /// The column is a percentage of the origin's weight (households without a car, %): w = weight × value / 100.
            case percent
            /// A fraction of it: w = weight × value.
            case fraction
            /// A count for the whole zone, shared over its origins by their weight: w = value × weight / zone weight.
            case count
        }

        /// The zone column (with `kind`), or nil for an origin `field`.
        public var column: String?
        public var kind: Kind = .count
        /// A numeric field of the origins file: each origin's own weight (households without a car at the origin).
        public var field: String?
    }

    static func decode(_ table: ConfigTable) throws(StudyConfigError) -> EquitySpec {
        let indicators = try table.strings("indicators")
        guard !indicators.isEmpty else {
            throw table.error(table.has("indicators") ? "indicators" : nil, "name at least one indicator by its column stem (indicators = [\"gp_practices_straight\"])")
        }
        for (i, stem) in indicators.enumerated() where indicators[..<i].contains(stem) {
            throw table.error("indicators", "'\(stem)' is named twice")
        }
        var spec = EquitySpec(indicators: indicators)
        spec.classColumn = try table.string("class")
        if let groups = try table.integer("class_groups") {
            guard spec.classColumn != nil else { throw table.error("class_groups", "needs a class column to cut into groups (class = \"imd2019_score\")") }
            guard (2...100).contains(groups) else { throw table.error("class_groups", "must be between 2 and 100, not \(groups)") }
            spec.classGroups = groups
        }
        spec.need = try table.string("need")
        if let standards = try table.table("standard") {
            for stem in standards.entries.keys.sorted() {
                guard indicators.contains(stem) else {
                    throw standards.error(stem, "'\(stem)' is not one of the indicators (\(indicators.joined(separator: ", ")))")
                }
                spec.standards[stem] = try standards.positive(stem)
            }
        }
        if let thresholds = try table.table("thresholds") {
            for stem in thresholds.entries.keys.sorted() {
                guard indicators.contains(stem) else {
                    throw thresholds.error(stem, "'\(stem)' is not one of the indicators (\(indicators.joined(separator: ", ")))")
                }
                spec.thresholds[stem] = try thresholds.positives(stem)
            }
        }
        if let weight = try table.table("weight") {
            if let field = try weight.string("field") {
                guard !weight.has("column"), !weight.has("as") else {
                    throw weight.error("field", "give either field (of the origins file) or column and as (a zone column), not both")
                }
                spec.weight = Weight(column: nil, field: field)
            } else {
                let column = try weight.string("column")
                guard let column else { throw weight.error(nil, "missing key 'column' (a zone column) or 'field' (a field of the origins file)") }
                guard let kind = try weight.choice("as", Weight.Kind.self) else {
                    throw weight.error(nil, "missing key 'as' (percent, fraction or count: how the column's value becomes origin weights)")
                }
                spec.weight = Weight(column: column, kind: kind)
            }
            try weight.finish(known: ["column", "as", "field"])
        }
        try table.finish(known: ["indicators", "class", "class_groups", "need", "standard", "thresholds", "weight"])
        return spec
    }
}

/// `[left_behind]` (docs/equity.md): zones both among the least connected and among the most in need.
public struct LeftBehindSpec: Sendable, Equatable {
    /// A numeric zone column, higher = more need (an IMD score, any joined index).
    public var need: String
    /// The share of zones taken from each end (default 0.1): rank ≤ ⌈share × n⌉.
    public var share: Double = 0.1
    /// A fixed cut-off instead of the share: need at least this.
    public var needCutoff: Double?
    /// A fixed cut-off instead of the share: `connectivity_score` at least this (higher = less connected).
    public var connectivityCutoff: Double?

    static func decode(_ table: ConfigTable) throws(StudyConfigError) -> LeftBehindSpec {
        var spec = LeftBehindSpec(need: try table.requiredString("need"))
        if let share = try table.number("share") {
            guard share > 0, share < 1 else { throw table.error("share", "must be above 0 and below 1, not \(JSONWriter.format(share))") }
            spec.share = share
        }
        spec.needCutoff = try table.number("need_cutoff")
        spec.connectivityCutoff = try table.number("connectivity_cutoff")
        if table.has("share"), spec.needCutoff != nil, spec.connectivityCutoff != nil {
            throw table.error("share", "both cut-offs are given, so the share is not used: remove one of them")
        }
        try table.finish(known: ["need", "share", "need_cutoff", "connectivity_cutoff"])
        return spec
    }
}
