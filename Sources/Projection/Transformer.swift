import CProj
import GeoPrimitives

/// Transforms coordinates between two CRSs. Built once and reused; x is always easting or longitude
/// (`proj_normalize_for_visualization`), whatever the axis order the authority gives the CRS.
///
/// Owns its own `PJ_CONTEXT`, so separate transformers may run on separate threads at once; one transformer
/// must not be used by two threads at once (it is deliberately not `Sendable`).
public final class Transformer {
    public let source: CRS
    public let target: CRS
    private let context: ProjContext
    private let operation: ProjObject

    public init(from source: CRS, to target: CRS) throws {
        self.source = source
        self.target = target
        let context = ProjContext()
        let sourceCRS = try context.createCRS(source)
        let targetCRS = try context.createCRS(target)
        let raw = try context.create({ proj_create_crs_to_crs_from_pj($0, sourceCRS.handle, targetCRS.handle, nil, nil) }) {
            .noTransformation(source: source.definition, target: target.definition, message: $0)
        }
        let operation = ProjObject(context: context, handle: raw)
        let normalised = try context.create({ proj_normalize_for_visualization($0, operation.handle) }) {
            .callFailed(function: "proj_normalize_for_visualization", message: $0)
        }
        self.context = context
        self.operation = ProjObject(context: context, handle: normalised)
    }

    /// Transforms every point in place with one `proj_trans_generic` call.
    ///
    /// Throws `ProjectionError.nonFiniteResult` naming the first coordinate PROJ could not transform (for
    /// example a latitude beyond ±90°); `points` then holds partial results and should be discarded.
    public func transform(_ points: inout [XY], inverse: Bool = false) throws {
        guard !points.isEmpty else { return }
        let original = points
        let pj = operation.handle
        proj_errno_reset(pj)
        let stride = MemoryLayout<XY>.stride
        let count = points.count
        points.withUnsafeMutableBytes { raw in
            let x = raw.baseAddress!.assumingMemoryBound(to: Double.self)
            let y = x + 1
            // proj_trans_generic returns how many points it visited; failures show as HUGE_VAL in the output
            // and a non-zero proj_errno, checked below.
            _ = proj_trans_generic(pj, inverse ? PJ_INV : PJ_FWD,
                                   x, stride, count, y, stride, count, nil, 0, 0, nil, 0, 0)
        }
        let errno = proj_errno(pj)
        if let bad = points.firstIndex(where: { !$0.isFinite }) {
            let message = errno != 0 ? context.takeMessage(errno: errno) : "PROJ returned an infinite value"
            proj_errno_reset(pj)
            throw ProjectionError.nonFiniteResult(index: bad, input: original[bad], message: message)
        }
        proj_errno_reset(pj)
    }

    /// Transforms a single point.
    public func transform(_ point: XY, inverse: Bool = false) throws -> XY {
        var points = [point]
        try transform(&points, inverse: inverse)
        return points[0]
    }

    /// Transforms every coordinate of a shape with one batch call.
    public func transform(_ shape: Shape, inverse: Bool = false) throws -> Shape {
        var coordinates = shape.allCoordinates
        try transform(&coordinates, inverse: inverse)
        return shape.replacingCoordinates(with: coordinates)
    }
}
