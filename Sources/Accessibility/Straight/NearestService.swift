import GeoData
import GeoPrimitives

/// How travel is measured: straight line in the working CRS, or over the road network by one mode.
public enum DistanceMode: Sendable, Hashable, Comparable, CustomStringConvertible {
    case straight
    case network(TravelMode)

    /// Parses `straight`, `walk`, `cycle`, `car`.
    public init?(_ name: String) {
        if name == "straight" { self = .straight; return }
        guard let mode = TravelMode(rawValue: name) else { return nil }
        self = .network(mode)
    }

    public static let all: [DistanceMode] = [.straight] + TravelMode.allCases.map { .network($0) }

    public var description: String {
        switch self {
        case .straight: "straight"
        case .network(let mode): mode.rawValue
        }
    }

    public var travelMode: TravelMode? {
        if case .network(let mode) = self { return mode }
        return nil
    }

    public static func < (a: DistanceMode, b: DistanceMode) -> Bool {
        all.firstIndex(of: a)! < all.firstIndex(of: b)!
    }
}

/// Straight-line nearest service in the working CRS, through a k-d tree, on all cores.
public enum NearestService {
    /// For each origin, the index of the nearest service and the distance in metres (nil when there are no
    /// services).
    public static func nearest(from origins: [XY], in index: PointIndex) throws -> [(index: Int, distanceMetres: Double)?] {
        try ParallelMap.map(origins, chunksPerWorker: 8) { slice in
            slice.map { index.nearest(to: $0) }
        }
    }
}
