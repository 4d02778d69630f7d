import GeoPrimitives

/// Failures of PROJ, each naming what was asked and carrying PROJ's own message.
public enum ProjectionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// PROJ could not make a CRS of `definition` (`proj_create` returned NULL).
    case unknownCRS(definition: String, message: String)
    /// `definition` names something PROJ knows that is not a coordinate reference system.
    case notACRS(definition: String, kind: String)
    /// No coordinate operation links the two CRSs (`proj_create_crs_to_crs_from_pj` returned NULL).
    case noTransformation(source: String, target: String, message: String)
    /// The coordinate at `index` (0-based in the batch) could not be transformed: PROJ returned an infinite value.
    case nonFiniteResult(index: Int, input: XY, message: String)
    /// Another PROJ call failed; `function` is the C function.
    case callFailed(function: String, message: String)

    public var description: String {
        switch self {
        case .unknownCRS(let definition, let message):
            "unknown CRS '\(definition)': \(message)"
        case .notACRS(let definition, let kind):
            "'\(definition)' is a \(kind), not a coordinate reference system"
        case .noTransformation(let source, let target, let message):
            "no transformation from \(source) to \(target): \(message)"
        case .nonFiniteResult(let index, let input, let message):
            "coordinate \(index) (\(input.x), \(input.y)) cannot be transformed: \(message)"
        case .callFailed(let function, let message):
            "\(function) failed: \(message)"
        }
    }
}
