/// An axis-aligned bounding box in the units of its coordinates.
public struct Envelope: Hashable, Sendable, CustomStringConvertible {
    public var minX: Double
    public var minY: Double
    public var maxX: Double
    public var maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// The smallest envelope holding every point, or `nil` for an empty sequence.
    public init?<S: Sequence>(covering points: S) where S.Element == XY {
        var iterator = points.makeIterator()
        guard let first = iterator.next() else { return nil }
        var envelope = Envelope(minX: first.x, minY: first.y, maxX: first.x, maxY: first.y)
        while let point = iterator.next() { envelope.expand(toInclude: point) }
        self = envelope
    }

    public var width: Double { maxX - minX }
    public var height: Double { maxY - minY }
    public var center: XY { XY((minX + maxX) / 2, (minY + maxY) / 2) }
    /// The four corners, anticlockwise from the lower left.
    public var corners: [XY] { [XY(minX, minY), XY(maxX, minY), XY(maxX, maxY), XY(minX, maxY)] }

    public mutating func expand(toInclude point: XY) {
        minX = Swift.min(minX, point.x)
        minY = Swift.min(minY, point.y)
        maxX = Swift.max(maxX, point.x)
        maxY = Swift.max(maxY, point.y)
    }

    public mutating func expand(toInclude other: Envelope) {
        minX = Swift.min(minX, other.minX)
        minY = Swift.min(minY, other.minY)
        maxX = Swift.max(maxX, other.maxX)
        maxY = Swift.max(maxY, other.maxY)
    }

    /// The envelope grown by `margin` on every side.
    public func expanded(by margin: Double) -> Envelope {
        Envelope(minX: minX - margin, minY: minY - margin, maxX: maxX + margin, maxY: maxY + margin)
    }

    public func intersects(_ other: Envelope) -> Bool {
        minX <= other.maxX && other.minX <= maxX && minY <= other.maxY && other.minY <= maxY
    }

    public func contains(_ other: Envelope) -> Bool {
        minX <= other.minX && other.maxX <= maxX && minY <= other.minY && other.maxY <= maxY
    }

    public func contains(_ point: XY) -> Bool {
        minX <= point.x && point.x <= maxX && minY <= point.y && point.y <= maxY
    }

    /// The same box with x and y exchanged.
    public var swapped: Envelope { Envelope(minX: minY, minY: minX, maxX: maxY, maxY: maxX) }

    public var description: String { "[\(minX), \(minY), \(maxX), \(maxY)]" }
}
