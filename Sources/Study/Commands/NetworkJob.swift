import Accessibility
import Foundation
import GeoData
import GeoPrimitives
import Projection

/// `reach network`: read an OSM extract, build each mode's graph, report on it, and optionally write its
/// segments as GeoJSON to inspect in QGIS.
public struct NetworkJob: Sendable {
    public var osm: String
    public var modes: [TravelMode]
    public var profile: RoadProfile
    public var workingCRS: CRS
    public var edgesOutput: String?
    public var precision: Int

    public init(osm: String, modes: [TravelMode] = TravelMode.allCases, profile: RoadProfile = RoadProfile(),
                workingCRS: CRS = .britishNationalGrid, edgesOutput: String? = nil, precision: Int = 6) {
        self.osm = osm
        self.modes = modes
        self.profile = profile
        self.workingCRS = workingCRS
        self.edgesOutput = edgesOutput
        self.precision = precision
    }

    public struct ModeSummary: Sendable {
        public var mode: TravelMode
        public var nodes: Int
        public var segments: Int
        public var directedEdges: Int
        public var lengthKilometres: Double
        /// Node counts of the connected components, largest first.
        public var componentSizes: [Int]
    }

    public struct Report: Sendable {
        public var nodesInFile = 0
        public var waysInFile = 0
        public var highwayWays = 0
        public var network = RoadNetwork.Summary()
        public var modes: [ModeSummary] = []
        public var timings: [(step: String, seconds: Double)] = []
    }

    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> Report {
        if let edgesOutput { try AtomicFile.checkWritable(edgesOutput) }
        var report = Report()
        var clock = StepClock()
        progress("reading \(osm)")
        let extract = try PBFReader.read(path: osm, filter: OSMFilter(wayKeys: ["highway"]))
        report.nodesInFile = extract.nodeCount
        report.waysInFile = extract.wayCount
        report.highwayWays = extract.ways.count
        clock.lap("read pbf", into: &report.timings)
        let network = try RoadNetwork.build(from: extract, profile: profile, modes: modes, workingCRS: workingCRS)
        report.network = network.summary
        clock.lap("build graphs", into: &report.timings)
        for mode in modes {
            let graph = network.graphs[mode]!
            let components = NetworkComponents(graph)
            report.modes.append(ModeSummary(mode: mode, nodes: components.sizes.reduce(0, +), segments: graph.segmentCount,
                                            directedEdges: graph.edgeCount,
                                            lengthKilometres: graph.segmentLengthMetres.reduce(0, +) / 1000,
                                            componentSizes: components.sizes))
        }
        clock.lap("components", into: &report.timings)
        if let edgesOutput {
            try AtomicFile.write(try edgesGeoJSON(network), to: edgesOutput)
            clock.lap("write", into: &report.timings)
        }
        return report
    }

    /// One LineString feature per segment and mode, in WGS84: mode, OSM node ids, length, times each way.
    func edgesGeoJSON(_ network: RoadNetwork) throws -> [UInt8] {
        let toWGS84 = try Transformer(from: network.workingCRS, to: .wgs84)
        var lonLat = network.nodes
        try toWGS84.transform(&lonLat)
        var features: [Feature] = []
        for mode in modes {
            let graph = network.graphs[mode]!
            for s in 0..<graph.segmentCount {
                let a = Int(graph.segmentFrom[s]), b = Int(graph.segmentTo[s])
                func seconds(_ value: Double) -> JSONValue { value.isFinite ? .number((value * 100).rounded() / 100) : .null }
                let properties = JSONObject([
                    ("mode", .string(mode.rawValue)),
                    ("from_osm_node", .number(Double(network.osmNodeIDs[a]))),
                    ("to_osm_node", .number(Double(network.osmNodeIDs[b]))),
                    ("length_m", .number((graph.segmentLengthMetres[s] * 100).rounded() / 100)),
                    ("forward_s", seconds(graph.forwardSeconds[s])),
                    ("backward_s", seconds(graph.backwardSeconds[s])),
                ])
                features.append(Feature(properties: properties, geometry: .lineString([lonLat[a], lonLat[b]])))
            }
        }
        return try GeoJSONWriter(precision: precision).encode(features)
    }
}
