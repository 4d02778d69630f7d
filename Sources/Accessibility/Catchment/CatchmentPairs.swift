import GeoData
import GeoPrimitives

/// The origins within reach of each service of one category, as compressed sparse rows by service: service j's
/// pairs are `first[j] ..< first[j + 1]`, each an origin index and the cost from that origin to the service
/// (metres in a straight line, or minutes over a mode's roads). Built once up to the largest catchment; every
/// floating-catchment measure, and supply-weighted opportunities, read the same pairs.
public struct CatchmentPairs: Sendable {
    public let originCount: Int
    public let first: [Int]
    public let origin: [UInt32]
    public let cost: [Double]

    public var serviceCount: Int { first.count - 1 }
    public var pairCount: Int { origin.count }

    /// From each service's list of (origin, cost), in service order; each list is sorted by origin.
    public init(originCount: Int, perService: [[(origin: UInt32, cost: Double)]]) {
        self.originCount = originCount
        var first = [0], origin: [UInt32] = [], cost: [Double] = []
        let total = perService.reduce(0) { $0 + $1.count }
        origin.reserveCapacity(total)
        cost.reserveCapacity(total)
        for pairs in perService {
            for pair in pairs.sorted(by: { $0.origin < $1.origin }) {
                origin.append(pair.origin)
                cost.append(pair.cost)
            }
            first.append(origin.count)
        }
        self.first = first
        self.origin = origin
        self.cost = cost
    }

    /// Straight-line pairs: every origin within `radiusMetres` (distance ≤ radius) of each service, by one
    /// k-d tree query per service over the origins, spread over the cores.
    public static func straight(services: [XY], origins: PointIndex, radiusMetres: Double) throws -> CatchmentPairs {
        let lists = try ParallelMap.map(services, chunksPerWorker: 8) { slice in
            slice.map { service -> [(origin: UInt32, cost: Double)] in
                var pairs: [(origin: UInt32, cost: Double)] = []
                origins.forEach(within: radiusMetres, of: service) { o, metres in pairs.append((UInt32(o), metres)) }
                return pairs
            }
        }
        return CatchmentPairs(originCount: origins.count, perService: lists)
    }
}
