import GeoData
import GeoPrimitives
import Projection

/// The road network of an OSM extract: node positions in the working CRS, and one graph per mode over them.
public struct RoadNetwork: Sendable {
    /// Position of each dense node id in the working CRS (metres); node ids are ordered by OSM id.
    public let nodes: [XY]
    /// The OSM id of each dense node.
    public let osmNodeIDs: [Int64]
    public let graphs: [TravelMode: RoadGraph]
    public let workingCRS: CRS
    public let summary: Summary

    /// What the builder kept and why it left things out, for the run's report.
    public struct Summary: Sendable, Equatable {
        /// Ways with a `highway` class the network keeps (open to at least one requested mode).
        public var waysKept = 0
        /// `highway` ways of a class the network ignores, or closed to every requested mode.
        public var waysIgnored = 0
        /// Kept ways with fewer than two of their nodes in the extract (clipped at its edge): left out.
        public var waysWithoutNodes = 0
        /// Kept ways split at nodes missing from the extract (the present runs are kept).
        public var waysSplitAtMissingNodes = 0
        /// Node references of kept ways that the extract does not hold.
        public var missingNodeRefs = 0

        public init() {}
    }

    public func graph(_ mode: TravelMode) -> RoadGraph? { graphs[mode] }

    /// Builds the graphs of `modes` from the extract's `highway` ways under `profile`, projecting every node
    /// once into `workingCRS` (on all cores, one PROJ transformer per core).
    public static func build(from extract: OSMExtract, profile: RoadProfile = RoadProfile(), modes: [TravelMode],
                             workingCRS: CRS = .britishNationalGrid) throws -> RoadNetwork {
        var summary = Summary()
        // For each kept way: its permission per mode and its runs of present nodes (extract indices).
        struct KeptWay {
            var permissions: [WayPermission?]
            var runs: [[Int]]
        }
        var kept: [KeptWay] = []
        var used = [Bool](repeating: false, count: extract.nodeCount)
        for way in extract.ways {
            let permissions = modes.map { profile.permission(way.tags, mode: $0) }
            guard permissions.contains(where: { $0 != nil }) else {
                if way.tags["highway"] != nil { summary.waysIgnored += 1 }
                continue
            }
            var runs: [[Int]] = []
            var run: [Int] = []
            var missing = 0
            for ref in way.refs {
                if let index = extract.nodeIndex(of: ref) {
                    run.append(index)
                } else {
                    missing += 1
                    if run.count >= 2 { runs.append(run) }
                    run = []
                }
            }
            if run.count >= 2 { runs.append(run) }
            summary.missingNodeRefs += missing
            guard !runs.isEmpty else { summary.waysWithoutNodes += 1; continue }
            if missing > 0 { summary.waysSplitAtMissingNodes += 1 }
            summary.waysKept += 1
            for run in runs { for index in run { used[index] = true } }
            kept.append(KeptWay(permissions: permissions, runs: runs))
        }
        // Dense ids in OSM id order (the extract's node order), so the numbering does not depend on way order.
        var dense = [UInt32](repeating: .max, count: extract.nodeCount)
        var lonLat: [XY] = []
        var osmIDs: [Int64] = []
        for index in used.indices where used[index] {
            dense[index] = UInt32(lonLat.count)
            lonLat.append(extract.nodeLonLat[index])
            osmIDs.append(extract.nodeIDs[index])
        }
        let positions = try ParallelMap.map(lonLat, chunksPerWorker: 2, worker: { try Transformer(from: .wgs84, to: workingCRS) }) { transformer, slice in
            var points = Array(slice)
            try transformer.transform(&points)
            return points
        }
        let keptWays = kept
        let denseIDs = dense
        let graphs = try ParallelMap.map(Array(modes.indices), chunksPerWorker: 1) { slice in
            slice.map { m -> RoadGraph in
                var from: [UInt32] = [], to: [UInt32] = [], length: [Double] = [], forward: [Double] = [], backward: [Double] = []
                for way in keptWays {
                    guard let permission = way.permissions[m] else { continue }
                    let metresPerSecond = permission.speedKmh / 3.6
                    for run in way.runs {
                        for i in 1..<run.count {
                            let a = denseIDs[run[i - 1]], b = denseIDs[run[i]]
                            guard a != b else { continue } // a node repeated in a row: no segment
                            let metres = positions[Int(a)].distance(to: positions[Int(b)])
                            from.append(a)
                            to.append(b)
                            length.append(metres)
                            forward.append(permission.forward ? metres / metresPerSecond : .infinity)
                            backward.append(permission.backward ? metres / metresPerSecond : .infinity)
                        }
                    }
                }
                return RoadGraph(mode: modes[m], nodeCount: positions.count, segmentFrom: from, segmentTo: to,
                                 segmentLengthMetres: length, forwardSeconds: forward, backwardSeconds: backward)
            }
        }
        var byMode: [TravelMode: RoadGraph] = [:]
        for graph in graphs { byMode[graph.mode] = graph }
        return RoadNetwork(nodes: positions, osmNodeIDs: osmIDs, graphs: byMode, workingCRS: workingCRS, summary: summary)
    }

    /// Reads the `highway` ways of an `.osm.pbf` file and builds the graphs of `modes`.
    public static func read(path: String, profile: RoadProfile = RoadProfile(), modes: [TravelMode],
                            workingCRS: CRS = .britishNationalGrid) throws -> RoadNetwork {
        let extract = try PBFReader.read(path: path, filter: OSMFilter(wayKeys: ["highway"]))
        return try build(from: extract, profile: profile, modes: modes, workingCRS: workingCRS)
    }
}
