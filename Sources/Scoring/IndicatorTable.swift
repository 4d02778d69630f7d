/// The input of a score: one row per ward, one column per indicator of the spec, in spec order.
public struct IndicatorTable: Sendable {
    /// Ward codes, in output order.
    public var codes: [String]
    /// The `group_by` value of each ward, when ranks run within groups.
    public var groups: [String]?
    /// `values[k][i]`: ward i's raw value of indicator k (spec order), nil when missing.
    public var values: [[Double?]]

    public init(codes: [String], groups: [String]? = nil, values: [[Double?]]) {
        self.codes = codes
        self.groups = groups
        self.values = values
    }
}
