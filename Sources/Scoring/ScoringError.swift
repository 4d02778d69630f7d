/// Why a score cannot be built. Messages name the indicator, domain or ward concerned.
public enum ScoringError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The spec contradicts itself (an undeclared domain, a duplicate name, a negative weight...).
    case invalidSpec(String)
    /// The table does not fit the spec (wrong number of columns or rows).
    case shape(String)
    /// No ward has a value of this indicator: most likely its source property is misspelt.
    case noValues(indicator: String, source: String)

    public var description: String {
        switch self {
        case .invalidSpec(let message): return "scoring: \(message)"
        case .shape(let message): return "scoring: \(message)"
        case .noValues(let indicator, let source):
            return "scoring: indicator '\(indicator)': no ward has a value for '\(source)' (is the property name right?)"
        }
    }
}
