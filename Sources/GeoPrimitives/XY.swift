/// A planar or geographic coordinate pair: `x` is easting or longitude, `y` northing or latitude.
///
/// The layout is two contiguous `Double`s, so an `[XY]` can be handed to PROJ and GEOS as an interleaved
/// x, y buffer without copying.
public struct XY: Hashable, Sendable, CustomStringConvertible {
    public var x: Double
    public var y: Double

    @inlinable public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }

    @inlinable public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }

    /// Both coordinates are finite (neither NaN nor infinite).
    @inlinable public var isFinite: Bool { x.isFinite && y.isFinite }

    /// Euclidean distance to `other`, in the units of the coordinates (metres in the working CRS).
    @inlinable public func distance(to other: XY) -> Double {
        let dx = x - other.x, dy = y - other.y
        return (dx * dx + dy * dy).squareRoot()
    }

    /// The pair with x and y exchanged, as when a file holds latitude/longitude in the wrong order.
    @inlinable public var swapped: XY { XY(y, x) }

    public var description: String { "(\(x), \(y))" }
}
