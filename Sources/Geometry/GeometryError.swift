/// A GEOS call that failed, naming the C function and carrying GEOS's own message.
public enum GeometryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `function` signalled an exception (NULL, 0 or 2 depending on its return convention).
    case geosFailure(function: String, message: String)
    /// The input cannot be expressed as the asked-for geometry (e.g. a ring with fewer than four points).
    case invalidInput(String)
    /// GEOS returned a geometry type this wrapper does not convert.
    case unsupportedType(Int32)

    public var description: String {
        switch self {
        case .geosFailure(let function, let message): "\(function): \(message)"
        case .invalidInput(let message): message
        case .unsupportedType(let type): "unsupported GEOS geometry type id \(type)"
        }
    }
}
