import Accessibility
import Foundation
import GeoData
import GeoPrimitives
import Geometry
import Projection

/// `reach distance`: from where people live in each zone to the nearest service of each category, by straight
/// line and over the road network, averaged over the zone's origins as the DfT Journey Time Statistics do.
public struct DistanceJob: Sendable {
    /// Where the zones and origins come from, and how they are read.
    public var inputs: ZoneOriginInputs
    public var services: [String]
    public var categoryField: String?
    /// Keep only these categories (all when empty).
    public var categories: [String]
    public var serviceOptions: PointLoadOptions
    /// Where people live: points or polygons; nil uses each zone's point-on-surface.
    public var osm: String?
    public var modes: [DistanceMode]
    /// Thresholds for network modes, minutes; for straight line, metres.
    public var minutes: [Double]
    public var metres: [Double]
    public var profile: RoadProfile
    public var maxSnapMetres: Double
    /// Road islands (connected pieces of a mode's graph) with fewer nodes than this are not snapped to.
    public var minIslandNodes: Int
    /// The zone table a one-step run writes (`--out`); a study step leaves it nil and `reach run` writes.
    public var output: String?
    public var originsOutput: String?
    public var precision: Int
    /// Whether to add cumulative-opportunity measures (services within each threshold, averaged over origins).
    public var opportunities: Bool
    /// Gravity decay β per minute (network modes) and per kilometre (straight line); nil for no gravity measure.
    public var gravityBeta: Double?
    /// The services' field holding what each offers (list size, jobs, beds); opportunities, gravity and the
    /// floating catchments sum it. Nil counts each service as 1.
    public var supplyField: String?
    /// Floating-catchment measures, each for every threshold of each mode (docs/access.md).
    public var fca: [FloatingCatchmentMethod] = []
    /// The decay of the enhanced 2SFCA.
    public var fcaDecay: CatchmentDecay = .steps
    /// Where a one-step run writes each service's ratio (`fca_ratios.csv` in a study).
    public var fcaOutput: String?
    /// Whether to add the shortest road distance to the nearest service (km) for each network mode.
    public var roadDistance = false
    /// Ranks beyond the nearest (2 for the 2nd nearest, 3 for the 3rd) whose distance or time to add.
    public var nthNearest: [Int] = []
    /// The connectivity metric in the DfT manner (docs/access.md), scored by the network modes; nil for none.
    public var connectivity: ConnectivityMetric?
    /// Per category, the origins' field holding the people who use it (children 5-10 for primary schools): the
    /// demand of its floating catchments and the weight of their zone means. A category not named uses the
    /// origins' own weights.
    public var demandFields: [String: String] = [:]

    /// `2nd`, `3rd`, `4th`, ..., `11th`, `12th`, `13th`, `21st`.
    static func ordinal(_ n: Int) -> String {
        let suffix = (11...13).contains(n % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][n % 10] ?? "th"
        return "\(n)\(suffix)"
    }

    /// Services counted within a threshold of a zone's typical origin stop at this many (the JTS origin indicator).
    public static let countCap = 10

    public init(zones: [String], zoneOptions: ZoneLoadOptions = ZoneLoadOptions(), services: [String],
                categoryField: String? = nil, categories: [String] = [], serviceOptions: PointLoadOptions = PointLoadOptions(),
                origins: String? = nil, originOptions: PointLoadOptions = PointLoadOptions(), weightField: String? = nil,
                osm: String? = nil, modes: [DistanceMode]? = nil, minutes: [Double] = [15, 30], metres: [Double] = [800, 2000],
                profile: RoadProfile = RoadProfile(), maxSnapMetres: Double = 500, minIslandNodes: Int = 40, output: String? = nil,
                originsOutput: String? = nil, precision: Int = 6, opportunities: Bool = false, gravityBeta: Double? = nil) {
        self.inputs = ZoneOriginInputs(zones: zones, zoneOptions: zoneOptions, origins: origins, originOptions: originOptions, weightField: weightField)
        self.services = services
        self.categoryField = categoryField
        self.categories = categories
        self.serviceOptions = serviceOptions
        self.osm = osm
        self.modes = (modes ?? (osm == nil ? [.straight] : DistanceMode.all)).sorted()
        self.minutes = minutes
        self.metres = metres
        self.profile = profile
        self.maxSnapMetres = maxSnapMetres
        self.minIslandNodes = minIslandNodes
        self.output = output
        self.originsOutput = originsOutput
        self.precision = precision
        self.opportunities = opportunities
        self.gravityBeta = gravityBeta
    }

    /// The accessibility measures of a mode: thresholds in its unit, β per that unit (metres for straight line).
    func access(_ mode: DistanceMode) -> OpportunityAccess {
        OpportunityAccess(thresholds: opportunities ? thresholds(mode) : [],
                          beta: gravityBeta.map { mode == .straight ? $0 / 1000 : $0 })
    }

    var wantsAccess: Bool { opportunities || gravityBeta != nil }

    /// The file of each service's floating-catchment ratio a study writes.
    public static let fcaFileName = "fca_ratios.csv"

    public struct Report: Sendable {
        /// Misplaced records of the input files (`PointPlacement`), one line per file.
        public var inputWarnings: [String] = []
        public var zoneCount = 0
        public var originCount = 0
        /// Origins that fall in no zone: listed in the summary, not attributed to any zone.
        public var originsOutsideZones: [String] = []
        public var categories: [(name: String, services: Int)] = []
        /// Per network mode: services further than the maximum snap distance from a road the mode may use.
        public var unsnappedServices: [(mode: TravelMode, category: String, count: Int, firstSource: String)] = []
        public var network: RoadNetwork.Summary?
        public var networkEdges: [(mode: TravelMode, segments: Int, nodes: Int, islandSegments: Int)] = []
        public var zonesWithWarnings = 0
        public var timings: [(step: String, seconds: Double)] = []
    }

    /// Every origin's values, for `--origins-out` and the aggregation: `values[c][m][o]` is the distance (metres,
    /// straight) or time (minutes, network) from origin `o` to the nearest service of category `c` by mode `m`.
    public struct OriginValues: Sendable {
        var values: [[[Double?]]]
        var snapMetres: [TravelMode: [Double?]]
        /// `roadMetres[travel][c][o]`: the shortest road distance (metres) from origin o to the nearest service of
        /// category c by that mode; empty unless `roadDistance`.
        var roadMetres: [TravelMode: [[Double?]]] = [:]
        /// `nth[c][m][r][o]`: distance or time from origin o to the `nthNearest[r]`-th nearest service of category c
        /// by mode m (nil: fewer reachable, or off the mode's roads); empty unless `nthNearest`.
        var nth: [[[[Double?]]]] = []
        /// `access[c][m][o]`: origin o's cumulative counts and gravity for category c by mode m; nil when the
        /// origin is not on the network. Empty unless --opportunities or --gravity-beta.
        var access: [[[OriginAccess?]]] = []
        /// `catchments[c][m]`: origin values of each floating-catchment measure (method × threshold) for
        /// category c by mode m; empty unless `fca`.
        var catchments: [[[CatchmentColumn]]] = []
        /// `connectivity[c][k][o]`: origin o's worth of category c by the k-th of `connectivityModes` (unweighted
        /// by the type's weight); nil when off the mode's roads. Empty unless `connectivity`.
        var connectivity: [[[Double?]]] = []
        /// The modes `connectivity`'s middle index runs over (`connectivityModes()`).
        var connectivityModes: [TravelMode] = []
    }

    struct OriginAccess: Sendable {
        /// Services (or their supply) within each threshold.
        var counts: [Double]
        var gravity: Double?
    }

    /// One floating-catchment measure of one category by one mode: every origin's value (nil when the origin
    /// is off the mode's roads) and every service's ratio.
    struct CatchmentColumn: Sendable {
        var method: FloatingCatchmentMethod
        var threshold: Double
        var origins: [Double?]
        var services: FloatingCatchment.Result
        /// The category's service index of each of `services`' entries (the snapped ones for a network mode).
        var serviceIndex: [Int]
    }

    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> Report {
        guard let output else { throw DataError(file: "reach distance", "no output file: name it with --out FILE") }
        try AtomicFile.checkWritable(output)
        if let originsOutput { try AtomicFile.checkWritable(originsOutput) }
        if let fcaOutput { try AtomicFile.checkWritable(fcaOutput) }
        var report = Report()
        var inputs = self.inputs
        inputs.keeping = Array(Set(demandFields.values)).sorted()
        let context = try StudyContext.loadForOneStep(inputs, precision: precision, progress: progress, report: &report)

        let computed = try compute(context, report: &report, progress: progress)
        report.zonesWithWarnings = try ZoneTable.writeOneStep(computed.output, context: context, to: output, progress: progress, timings: &report.timings)
        if let originsOutput {
            try AtomicFile.write(originsTable(origins: context.origins, layer: context.layer, values: computed.originValues, names: computed.names), to: originsOutput)
        }
        if let fcaOutput, let file = computed.output.files.first(where: { $0.name == Self.fcaFileName }) {
            try AtomicFile.write(file.bytes, to: fcaOutput)
        }
        return report
    }

    static let source = "reach distance"

    /// The figures of every zone of the study: services read, nearest and network times, accessibility
    /// measures, zone figures. Timings go into `report`.
    public func compute(_ context: StudyContext, report: inout Report,
                        progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> (output: StepOutput, originValues: OriginValues, names: [String]) {
        let originSet = context.origins
        var clock = StepClock()
        let catalogue = try ServiceCatalogue.loadForStep(paths: services, categoryField: categoryField, only: categories, supplyField: supplyField, options: serviceOptions,
                                                         context: context, progress: progress, clock: &clock, report: &report)
        let names = catalogue.names
        for category in demandFields.keys.sorted() where !names.contains(category) {
            throw DataError(file: "demand_fields", field: category, "no service category \(category) (categories: \(names.joined(separator: ", ")))")
        }
        for category in (connectivity?.types.keys.sorted() ?? []) where !names.contains(category) {
            throw DataError(file: "connectivity", field: "types.\(category)", "no service category \(category) (categories: \(names.joined(separator: ", ")))")
        }
        // Checked before any search, so a bad metric stops the run at once.
        let scoredModes = connectivity == nil ? [] : try connectivityModes()

        // Straight line: one k-d tree per category.
        var values = [[[Double?]]](repeating: [[Double?]](repeating: [], count: modes.count), count: names.count)
        var straightIndexes: [PointIndex] = []
        if let m = modes.firstIndex(of: .straight) {
            progress("straight-line nearest service for \(names.count) categor\(names.count == 1 ? "y" : "ies")")
            for (c, name) in names.enumerated() {
                let index = PointIndex(catalogue.categories[name]!.map(\.xy))
                straightIndexes.append(index)
                values[c][m] = try NearestService.nearest(from: originSet.points, in: index).map { $0?.distanceMetres }
            }
            clock.lap("straight nearest", into: &report.timings)
        }

        // Network: one graph per mode, one multi-source search per category and mode.
        var snapMetres: [TravelMode: [Double?]] = [:]
        var networkContext: NetworkContext?
        let travelModes = modes.compactMap(\.travelMode)
        if !travelModes.isEmpty {
            guard let osm else { throw DataError(file: "--modes", "network modes (\(travelModes.map(\.rawValue).joined(separator: ", "))) need a road network: give --osm FILE.osm.pbf") }
            progress("reading the road network \(osm)")
            let network = try context.roadNetwork(path: osm, profile: profile, modes: travelModes)
            report.network = network.summary
            clock.lap("read network", into: &report.timings)
            let context = try NetworkContext(network: network, modes: travelModes, catalogue: catalogue, names: names,
                                             origins: originSet.points, maxSnapMetres: maxSnapMetres, minIslandNodes: minIslandNodes)
            for mode in travelModes {
                let graph = network.graphs[mode]!
                report.networkEdges.append((mode, graph.segmentCount, graph.nodeCount, context.islandSegments[mode] ?? 0))
                snapMetres[mode] = context.originSnaps[mode]!.map { $0?.distanceMetres }
                for (c, name) in names.enumerated() {
                    let unsnapped = context.unsnappedServices[mode]![c]
                    if !unsnapped.isEmpty {
                        report.unsnappedServices.append((mode, name, unsnapped.count, catalogue.categories[name]![unsnapped[0]].source))
                    }
                }
            }
            clock.lap("snap", into: &report.timings)
            progress("network travel times: \(names.count) categor\(names.count == 1 ? "y" : "ies") × \(travelModes.count) mode\(travelModes.count == 1 ? "" : "s")")
            let times = try context.timesToNearest()
            for (m, mode) in modes.enumerated() {
                guard let travel = mode.travelMode else { continue }
                for c in names.indices { values[c][m] = times[travel]![c] }
            }
            networkContext = context
            clock.lap("network search", into: &report.timings)
        }

        var originValues = OriginValues(values: values, snapMetres: snapMetres)
        if !nthNearest.isEmpty {
            progress("\(nthNearest.map(Self.ordinal).joined(separator: ", ")) nearest services")
            originValues.nth = try nthNearestValues(origins: originSet.points, names: names, straightIndexes: straightIndexes, network: networkContext)
            clock.lap("nth nearest", into: &report.timings)
        }
        if roadDistance, let networkContext {
            progress("shortest road distances: \(names.count) categor\(names.count == 1 ? "y" : "ies") × \(travelModes.count) mode\(travelModes.count == 1 ? "" : "s")")
            originValues.roadMetres = try networkContext.metresToNearest()
            clock.lap("road distance", into: &report.timings)
        }
        if wantsAccess {
            progress("cumulative opportunities and gravity from \(originSet.points.count) origins")
            originValues.access = try accessMeasures(origins: originSet.points, names: names, catalogue: catalogue,
                                                     straightIndexes: straightIndexes, network: networkContext)
            clock.lap("opportunities", into: &report.timings)
        }
        if !fca.isEmpty {
            progress("floating catchments (\(fca.map(\.rawValue).joined(separator: ", "))) for \(names.count) categor\(names.count == 1 ? "y" : "ies")")
            originValues.catchments = try catchmentMeasures(origins: originSet, names: names, catalogue: catalogue, network: networkContext)
            clock.lap("floating catchments", into: &report.timings)
        }

        if let connectivity {
            let scored = scoredModes
            progress("connectivity metric: \(names.count) destination type\(names.count == 1 ? "" : "s") × \(scored.map(\.rawValue).joined(separator: ", ")) within \(Self.label(connectivity.horizonMinutes)) min")
            originValues.connectivity = try connectivityValues(connectivity, modes: scored, names: names, catalogue: catalogue, network: networkContext!)
            originValues.connectivityModes = scored
            clock.lap("connectivity", into: &report.timings)
        }

        // Per zone: figures by the one reducer, and counts from the typical origin.
        let output = try zoneFigures(context, values: originValues, names: names, catalogue: catalogue, straightIndexes: straightIndexes, network: networkContext)
        clock.lap("aggregate", into: &report.timings)
        return (output, originValues, names)
    }

    // MARK: Cumulative opportunities and gravity

    /// Every origin's measures: straight line from the k-d tree of each category (one query per origin);
    /// network modes from one bounded search per service on the mode's reversed graph, folded into the origins
    /// it reaches (`NetworkReach.accumulate`), so the cost grows with services, not origins.
    func accessMeasures(origins: [XY], names: [String], catalogue: ServiceCatalogue, straightIndexes: [PointIndex],
                        network: NetworkContext?) throws -> [[[OriginAccess?]]] {
        let supplies: [[Double]]? = supplyField == nil ? nil : names.map { catalogue.categories[$0]!.map(\.supply) }
        var result = names.map { _ in modes.map { _ in [OriginAccess?]() } }
        for (m, mode) in modes.enumerated() {
            let access = self.access(mode)
            switch mode {
            case .straight:
                let perOrigin: [[OriginAccess]] = try ParallelMap.map(origins, chunksPerWorker: 8) { slice in
                    slice.map { origin in
                        names.indices.map { c in
                            var costs: [Double?] = [], found: [Double] = []
                            straightIndexes[c].forEach(within: access.searchLimit, of: origin) { j, metres in
                                costs.append(metres)
                                if let supplies { found.append(supplies[c][j]) }
                            }
                            let (counts, gravity) = access.measure(costs: costs, supplies: supplies == nil ? nil : found)
                            return OriginAccess(counts: counts, gravity: gravity)
                        }
                    }
                }
                for c in names.indices { result[c][m] = perOrigin.map { $0[c] } }
            case .network(let travel):
                let network = network!, snaps = network.originSnaps[travel]!
                for c in names.indices {
                    let supply = supplies.map { all in network.snappedServices[travel]![c].map { all[c][$0] } }
                    let reach = NetworkReach(network.categoryTimes[travel]![c], origins: snaps)
                    let width = access.width
                    let sums = try reach.accumulate(limitMinutes: access.searchLimit, width: width) { k, minutes, sums in
                        access.add(cost: minutes, supply: supply?[k] ?? 1, into: sums)
                    }
                    result[c][m] = snaps.indices.map { o in
                        guard snaps[o] != nil else { return nil }
                        let (counts, gravity) = access.measures(sums[(o * width)..<(o * width + width)])
                        return OriginAccess(counts: counts, gravity: gravity)
                    }
                }
            }
        }
        return result
    }

    // MARK: Nth nearest

    /// Straight line from each category's k-d tree (the k nearest distances), network modes by one k-label search
    /// per category and mode (`NearestServices`), k the largest rank asked for.
    func nthNearestValues(origins: [XY], names: [String], straightIndexes: [PointIndex], network: NetworkContext?) throws -> [[[[Double?]]]] {
        let k = nthNearest.max() ?? 0
        let ranks = nthNearest
        return try names.indices.map { c in
            try modes.map { mode -> [[Double?]] in
                let nearest: [[Double]?]
                switch mode {
                case .straight:
                    let index = straightIndexes[c]
                    nearest = try ParallelMap.map(origins, chunksPerWorker: 8) { slice in slice.map { index.nearestDistances(to: $0, k: k) } }
                case .network(let travel):
                    let network = network!
                    let services = NearestServices(graph: network.network.graphs[travel]!, services: network.categoryTimes[travel]![c].services)
                    nearest = services.nearest(k, from: network.originSnaps[travel]!).map { $0?.map { $0 / 60 } }
                }
                return ranks.map { r in nearest.map { list in list.flatMap { $0.count >= r ? $0[r - 1] : nil } } }
            }
        }
    }

    // MARK: Floating catchments

    /// `{prefix}_2sfca_{t}` (`_e2sfca_`, `_bfca_`).
    static func catchmentColumn(_ prefix: String, _ column: CatchmentColumn) -> String {
        "\(prefix)_\(column.method.rawValue)_\(label(column.threshold))"
    }

    func catchmentWhat(_ column: CatchmentColumn, unit: String, what: String) -> String {
        let decay = column.method == .enhanced ? ", \(fcaDecay == .steps ? "weights 1, 0.68, 0.22 by thirds of the catchment" : "Gaussian decay to 0 at its edge")" : ""
        return "\(supplyField ?? "services") per person within \(Self.label(column.threshold)) \(unit) by \(what)\(decay)"
    }

    /// Every floating-catchment measure: per category and mode, the pairs of services and origins up to the
    /// mode's largest threshold (k-d tree queries per service, or one bounded search per service on the mode's
    /// reversed graph), then each method and threshold from them. Demand is the category's demand field
    /// (`demandWeights`) or the origins' own weights.
    func catchmentMeasures(origins: OriginSet, names: [String], catalogue: ServiceCatalogue,
                           network: NetworkContext?) throws -> [[[CatchmentColumn]]] {
        let originIndex = modes.contains(.straight) ? PointIndex(origins.points) : nil
        return try names.map { name in
            let services = catalogue.categories[name]!
            let demand = try demandWeights(name, origins: origins).weights
            return try modes.map { mode -> [CatchmentColumn] in
                let limit = thresholds(mode).max() ?? 0
                let pairs: CatchmentPairs, serviceIndex: [Int], snapped: [Bool]
                switch mode {
                case .straight:
                    pairs = try CatchmentPairs.straight(services: services.map(\.xy), origins: originIndex!, radiusMetres: limit)
                    serviceIndex = Array(services.indices)
                    snapped = origins.points.map { _ in true }
                case .network(let travel):
                    let network = network!
                    let c = names.firstIndex(of: name)!
                    pairs = try CatchmentPairs.network(network.categoryTimes[travel]![c], origins: network.originSnaps[travel]!, limitMinutes: limit)
                    serviceIndex = network.snappedServices[travel]![c]
                    snapped = network.originSnaps[travel]!.map { $0 != nil }
                }
                let supply = serviceIndex.map { services[$0].supply }
                return fca.sorted().flatMap { method in
                    thresholds(mode).map { t in
                        let result = FloatingCatchment(method: method, catchment: t, decay: fcaDecay).compute(pairs, demand: demand, supply: supply)
                        return CatchmentColumn(method: method, threshold: t,
                                               origins: result.access.indices.map { snapped[$0] ? result.access[$0] : nil },
                                               services: result, serviceIndex: serviceIndex)
                    }
                }
            }
        }
    }

    /// The weight of each origin in category `name`'s demand: its `demandFields` field, an origin without a
    /// value (or a zone's point-on-surface) weighing 0 and counted in `lacking`; the origins' weights otherwise.
    func demandWeights(_ name: String, origins: OriginSet) throws -> (weights: [Double], lacking: Int) {
        guard let field = demandFields[name] else { return (origins.weights, 0) }
        guard let values = origins.fields[field], values.count == origins.points.count else {
            throw DataError(file: "demand_fields", field: name, "the origins' field \(field) was not read: a demand field needs an origins file")
        }
        return (values.map { $0 ?? 0 }, values.count { $0 == nil })
    }

    /// `fca_ratios.csv`: one row per service, category, mode, method and catchment: where the service is read
    /// from, its supply, the demand weight within its catchment and its ratio (empty when no one reaches it).
    func catchmentRatios(_ catchments: [[[CatchmentColumn]]], names: [String], catalogue: ServiceCatalogue) -> [UInt8] {
        var writer = JSONWriter(capacity: 1 << 16)
        writer.text("category,mode,method,catchment,unit,service,source,supply,demand,ratio\n")
        for (c, name) in names.enumerated() {
            let services = catalogue.categories[name]!
            for (m, mode) in modes.enumerated() {
                for column in catchments[c][m] {
                    let head = "\(name),\(mode),\(column.method.rawValue),\(Self.label(column.threshold)),\(mode == .straight ? "m" : "min"),"
                    for (k, j) in column.serviceIndex.enumerated() {
                        writer.text(head)
                        writer.text("\(j),")
                        writer.text(CSVField.escape(services[j].source))
                        writer.text(",\(JSONWriter.format(services[j].supply)),\(JSONWriter.format(column.services.demand[k])),")
                        if let ratio = column.services.ratio[k] { writer.text(JSONWriter.format(ratio)) }
                        writer.byte(0x0A)
                    }
                }
            }
        }
        return writer.bytes
    }

    // MARK: Connectivity in the DfT manner

    /// The modes the metric scores: its own list (each must be a network mode of the run) or every network mode.
    func connectivityModes() throws -> [TravelMode] {
        let run = modes.compactMap(\.travelMode)
        guard let connectivity else { return [] }
        if let problem = connectivity.problem { throw DataError(file: "connectivity", field: problem.key, problem.message) }
        guard let chosen = connectivity.modes else {
            guard !run.isEmpty else { throw DataError(file: "connectivity", field: "modes", "the connectivity metric is scored by travel time: add a network mode (walk, cycle, car) to the run's modes") }
            return run
        }
        for mode in chosen where !run.contains(mode) {
            throw DataError(file: "connectivity", field: "modes", "'\(mode.rawValue)' is not one of the run's network modes (\(run.map(\.rawValue).joined(separator: ", ")))")
        }
        guard !chosen.isEmpty else { throw DataError(file: "connectivity", field: "modes", "no mode to score") }
        return chosen.sorted()
    }

    /// Every origin's worth of each type by each scored mode: with ρ = 1 a sum folded from one search per
    /// service (`NetworkReach.accumulate`); with ρ < 1 the pairs within the horizon (one search per service),
    /// regrouped by origin and sorted, so each origin's k-th most valuable destination counts ρ^(k−1).
    func connectivityValues(_ metric: ConnectivityMetric, modes scored: [TravelMode], names: [String], catalogue: ServiceCatalogue,
                            network: NetworkContext) throws -> [[[Double?]]] {
        try names.enumerated().map { c, name in
            let services = catalogue.categories[name]!
            return try scored.map { mode -> [Double?] in
                let value = metric.destination(name, mode)
                let supply = network.snappedServices[mode]![c].map { services[$0].supply }
                let snaps = network.originSnaps[mode]!
                let times = network.categoryTimes[mode]![c]
                var totals: [Double]
                if value.returns == 1 {
                    totals = try NetworkReach(times, origins: snaps).accumulate(limitMinutes: value.horizonMinutes, width: 1) { k, minutes, sums in
                        sums[0] += value.worth(minutes: minutes, supply: supply[k])
                    }
                } else {
                    let pairs = try CatchmentPairs.network(times, origins: snaps, limitMinutes: value.horizonMinutes)
                    var first = [Int](repeating: 0, count: snaps.count + 1)
                    for o in pairs.origin { first[Int(o) + 1] += 1 }
                    for o in snaps.indices { first[o + 1] += first[o] }
                    var next = first, worths = [Double](repeating: 0, count: pairs.pairCount)
                    for j in 0..<pairs.serviceCount {
                        for p in pairs.first[j]..<pairs.first[j + 1] {
                            let o = Int(pairs.origin[p])
                            worths[next[o]] = value.worth(minutes: pairs.cost[p], supply: supply[j])
                            next[o] += 1
                        }
                    }
                    let grouped = worths, bounds = first
                    totals = try ParallelMap.map(Array(snaps.indices), chunksPerWorker: 8) { slice in
                        slice.map { o in
                            var list = Array(grouped[bounds[o]..<bounds[o + 1]])
                            return value.value(&list)
                        }
                    }
                }
                return snaps.indices.map { snaps[$0] == nil ? nil : totals[$0] }
            }
        }
    }

    /// Per origin: `{c}_{m}_connectivity` (the type's worth) and `connectivity_metric_{m}_value` (Σ weight × worth).
    func connectivityOriginColumns(_ values: OriginValues, names: [String], originCount: Int) -> [(name: String, values: [Double?])] {
        guard let metric = connectivity, !values.connectivity.isEmpty else { return [] }
        let scored = values.connectivityModes
        var columns: [(name: String, values: [Double?])] = []
        for (k, mode) in scored.enumerated() {
            for (c, name) in names.enumerated() { columns.append(("\(name)_\(mode.rawValue)_connectivity", values.connectivity[c][k])) }
            columns.append(("connectivity_metric_\(mode.rawValue)_value", (0..<originCount).map { o in
                var total = 0.0
                for (c, name) in names.enumerated() {
                    guard let worth = values.connectivity[c][k][o] else { return nil }
                    total += metric.weight(name) * worth
                }
                return total
            }))
        }
        return columns
    }

    /// Zone columns of the metric: each type's mean worth by mode, each mode's value (Σ weight × worth) and
    /// 0-100 score, and the overall score.
    func connectivityIndicators(_ values: OriginValues, names: [String], context: StudyContext, output: inout StepOutput) {
        guard let metric = connectivity, !values.connectivity.isEmpty else { return }
        let scored = values.connectivityModes, reducer = context.reducer
        let originColumns = connectivityOriginColumns(values, names: names, originCount: context.origins.points.count)
        var zoneValues: [TravelMode: [Double?]] = [:]
        for (k, mode) in scored.enumerated() {
            for (c, name) in names.enumerated() {
                let value = metric.destination(name, mode)
                output.add(Indicator("\(name)_\(mode.rawValue)_connectivity_mean", unit: supplyField ?? "destinations",
                                     "population-weighted mean over the zone's origins of the worth of the \(name) destinations within \(Self.label(value.horizonMinutes)) min by \(mode.rawValue) (\(value.decay); each further one keeps \(Self.label(value.returns)) of the one before)",
                                     source: Self.source, decimals: 4, numbers: reducer.mean(values.connectivity[c][k])))
            }
            let perOrigin = originColumns[k * (names.count + 1) + names.count].values
            zoneValues[mode] = reducer.mean(perOrigin)
        }
        for column in originColumns {
            output.originColumns.append(Indicator(column.name, unit: nil, column.name.hasPrefix("connectivity_metric_")
                                                    ? "Σ over destination types of weight × worth from this origin (null: off the mode's roads)"
                                                    : "worth of this type's destinations from this origin (null: off the mode's roads)",
                                                  source: Self.source, numbers: column.values))
        }
        let scores = metric.scores(zoneValues, modes: scored, zoneCount: context.zoneCount)
        for mode in scored {
            output.add(Indicator("connectivity_metric_\(mode.rawValue)_value", unit: nil,
                                 "population-weighted mean over the zone's origins of Σ weight × worth of every destination type by \(mode.rawValue)",
                                 source: Self.source, decimals: 4, numbers: zoneValues[mode]!))
            let against = metric.reference[mode].map { "the reference value \(Self.label($0))" } ?? "the best zone of the study (\(scores.references[mode].map(Self.label) ?? "none"))"
            output.add(Indicator("connectivity_metric_\(mode.rawValue)", unit: "score",
                                 "connectivity by \(mode.rawValue) in the DfT manner, 0-100: 100 × the zone's value / \(against)",
                                 source: Self.source, decimals: 2, numbers: scores.perMode[mode]!))
        }
        output.add(Indicator("connectivity_metric", unit: "score",
                             "connectivity in the DfT manner over \(scored.map(\.rawValue).joined(separator: ", ")): the mode-weighted mean of the mode scores\(scored.allSatisfy { metric.reference[$0] != nil } ? "" : ", scaled so the best zone scores 100")",
                             source: Self.source, decimals: 2, numbers: scores.overall))
        for mode in scores.unscored {
            for z in 0..<context.zoneCount where reducer.members[z].count > 0 {
                output.warn(z, "no zone reaches any destination by \(mode.rawValue) within \(Self.label(metric.horizonMinutes)) min, so connectivity_metric_\(mode.rawValue) has no scale and is null")
            }
        }
    }

    // MARK: Zone figures

    func thresholds(_ mode: DistanceMode) -> [Double] { mode == .straight ? metres : minutes }

    static func label(_ value: Double) -> String { JSONWriter.format(value) }

    /// Per zone and category and mode: services within each threshold of the zone's typical origin (up to
    /// `countCap`); nil when the zone has no origin, or its typical origin is off the mode's roads.
    func typicalCounts(_ context: StudyContext, names: [String], straightIndexes: [PointIndex],
                       network: NetworkContext?) throws -> [[[[Int]?]]] {
        let typicalOrigins = ZoneTypicalOrigin.points(layer: context.layer, origins: context.origins)
        let modes = self.modes
        let job = self
        return try ParallelMap.map(Array(context.layer.zones.indices), worker: { network?.makeSearches() }) { searches, slice in
            slice.map { z in
                guard let typical = typicalOrigins[z] else { return names.map { _ in modes.map { _ in nil } } }
                var typicalTimes: [TravelMode: [[Double?]]] = [:]
                if let network, var searches {
                    typicalTimes = network.timesFrom(typical, limitMinutes: job.minutes.max() ?? 0, searches: &searches)
                }
                return names.indices.map { c in
                    modes.map { mode -> [Int]? in
                        switch mode {
                        case .straight:
                            return job.thresholds(mode).map { straightIndexes[c].count(within: $0, of: typical, limit: DistanceJob.countCap) }
                        case .network(let travel):
                            guard let times = typicalTimes[travel] else { return nil }
                            return job.thresholds(mode).map { t in min(times[c].count { ($0 ?? .infinity) <= t }, DistanceJob.countCap) }
                        }
                    }
                }
            }
        }
    }

    func zoneFigures(_ context: StudyContext, values: OriginValues, names: [String], catalogue: ServiceCatalogue, straightIndexes: [PointIndex],
                     network: NetworkContext?) throws -> StepOutput {
        let layer = context.layer, reducer = context.reducer
        let counts = try typicalCounts(context, names: names, straightIndexes: straightIndexes, network: network)
        var output = context.output()
        var unreachableMax = [Int](repeating: 0, count: layer.zones.count)
        // Each category with a demand field weighs its floating-catchment means by that field.
        var demandReducers: [Int: ZoneReducer] = [:]
        if !values.catchments.isEmpty {
            for (c, name) in names.enumerated() {
                guard let field = demandFields[name] else { continue }
                let (weights, lacking) = try demandWeights(name, origins: context.origins)
                demandReducers[c] = ZoneReducer(zoneOf: context.origins.zone, weights: weights, usable: reducer.usable)
                if lacking > 0 {
                    output.notes.append("[distance] demand of \(name), \(field): \(lacking) origin(s) have no value (or are a zone's point-on-surface) and weigh 0 in its floating catchments")
                }
            }
        }
        for (c, name) in names.enumerated() {
            for (m, mode) in modes.enumerated() {
                let prefix = "\(name)_\(mode)"
                let perOrigin = values.values[c][m]
                let unit = mode == .straight ? "m" : "min"
                let what = mode == .straight ? "straight-line distance" : "\(mode) time over the road network"
                let decimals = mode == .straight ? 1 : 2 // metres to 0.1, minutes to 0.01
                output.add(Indicator("\(prefix)_mean", unit: unit, "population-weighted mean over the zone's origins of the \(what) to the nearest \(name)",
                                     source: Self.source, decimals: decimals, numbers: reducer.mean(perOrigin)))
                output.add(Indicator("\(prefix)_max", unit: unit, "largest \(what) to the nearest \(name) from any of the zone's origins",
                                     source: Self.source, decimals: decimals, numbers: reducer.maximum(perOrigin)))
                // Origins off the mode's roads are unknown, not far: left out of the shares (docs/architecture.md).
                let known = mode.travelMode.map { travel in values.snapMetres[travel]!.map { $0 != nil } }
                for t in thresholds(mode) {
                    output.add(Indicator("\(prefix)_within_\(Self.label(t))_pct", unit: "%", "share of the zone's origin weight within \(Self.label(t)) \(unit) of a \(name) (\(what)), over the origins on the \(mode) roads",
                                         source: Self.source, decimals: 2, numbers: reducer.share(perOrigin, atMost: t, known: known)))
                }
                for (i, t) in thresholds(mode).enumerated() {
                    output.add(Indicator("\(prefix)_count_within_\(Self.label(t))", unit: "services",
                                         "\(name) services within \(Self.label(t)) \(unit) (\(what)) of the zone's typical origin (up to \(Self.countCap))",
                                         source: Self.source, numbers: counts.map { $0[c][m].map { Double($0[i]) } }))
                }
                if !values.access.isEmpty {
                    for indicator in accessIndicators(prefix: prefix, category: name, mode: mode, measures: values.access[c][m], reducer: reducer) {
                        output.add(indicator)
                    }
                }
                for (r, rank) in nthNearest.enumerated() where !values.nth.isEmpty {
                    let ordinal = Self.ordinal(rank), numbers = values.nth[c][m][r]
                    output.add(Indicator("\(prefix)_\(ordinal)_mean", unit: unit, "population-weighted mean over the zone's origins of the \(what) to the \(ordinal) nearest \(name) (origins with fewer in reach left out)",
                                         source: Self.source, decimals: decimals, numbers: reducer.mean(numbers)))
                    for t in thresholds(mode) {
                        output.add(Indicator("\(prefix)_\(ordinal)_within_\(Self.label(t))_pct", unit: "%", "share of the zone's origin weight with a \(ordinal) \(name) within \(Self.label(t)) \(unit) (\(what)), over the origins on the \(mode) roads",
                                             source: Self.source, decimals: 2, numbers: reducer.share(numbers, atMost: t, known: known)))
                    }
                }
                if !values.catchments.isEmpty {
                    let users = demandFields[name].map { "\($0)-weighted" } ?? "population-weighted"
                    let reducer = demandReducers[c] ?? reducer
                    for column in values.catchments[c][m] {
                        output.add(Indicator(Self.catchmentColumn(prefix, column), unit: "\(supplyField ?? "services") per person",
                                             "\(users) mean over the zone's origins of the \(column.method.rawValue.uppercased()) access to \(name) (\(catchmentWhat(column, unit: unit, what: what)))",
                                             source: Self.source, numbers: reducer.mean(column.origins)))
                    }
                }
                guard mode != .straight else { continue }
                if let metres = values.roadMetres[mode.travelMode!]?[c] {
                    output.add(Indicator("\(prefix)_km_mean", unit: "km", "population-weighted mean over the zone's origins of the shortest distance by \(mode) roads to the nearest \(name)",
                                         source: Self.source, decimals: 3, numbers: reducer.mean(metres.map { $0.map { $0 / 1000 } })))
                }
                let unreachable = reducer.missing(perOrigin)
                output.add(Indicator("\(prefix)_unreachable", unit: "origins", "origins that reach no \(name) by \(mode) (off the \(mode) roads, or on roads that lead to none)",
                                     source: Self.source, counts: unreachable))
                for z in layer.zones.indices where unreachable[z] > 0 {
                    unreachableMax[z] = max(unreachableMax[z], unreachable[z])
                    let own = reducer.members[z]
                    let unsnapped = own.count { values.snapMetres[mode.travelMode!]![$0] == nil }
                    let reason = unsnapped == unreachable[z]
                        ? "no \(mode) road within \(Self.label(maxSnapMetres)) m"
                        : unsnapped > 0 ? "\(unsnapped) with no \(mode) road within \(Self.label(maxSnapMetres)) m, the rest on roads that reach no \(name)"
                        : "on roads from which no \(name) can be reached by \(mode)"
                    output.warn(z, "\(unreachable[z]) of \(own.count) origins cannot reach a \(name) by \(mode) (\(reason)); left out of \(prefix) means and maxima\(unsnapped < unreachable[z] ? "; those on the roads count as not within" : "")")
                }
            }
        }
        if modes.contains(where: { $0 != .straight }), let network {
            let typicalOrigins = ZoneTypicalOrigin.points(layer: layer, origins: context.origins)
            for z in layer.zones.indices {
                guard let typical = typicalOrigins[z], network.snapTypical(typical).isEmpty else { continue }
                output.warn(z, "the zone's typical origin is not within \(Self.label(maxSnapMetres)) m of any road; network counts are null")
            }
        }
        for (c, name) in names.enumerated() {
            for (m, mode) in modes.enumerated() {
                let what = mode == .straight ? "straight-line distance" : "\(mode) time over the road network"
                output.originColumns.append(Indicator("\(name)_\(mode)", unit: mode == .straight ? "m" : "min",
                                                      "\(what) from this origin to the nearest \(name) (null: none reached)",
                                                      source: Self.source, decimals: mode == .straight ? 3 : 4, numbers: values.values[c][m]))
                for (r, rank) in nthNearest.enumerated() where !values.nth.isEmpty {
                    output.originColumns.append(Indicator("\(name)_\(mode)_\(Self.ordinal(rank))", unit: mode == .straight ? "m" : "min",
                                                          "\(what) from this origin to the \(Self.ordinal(rank)) nearest \(name) (null: fewer reached)",
                                                          source: Self.source, decimals: mode == .straight ? 3 : 4, numbers: values.nth[c][m][r]))
                }
                if let travel = mode.travelMode, let metres = values.roadMetres[travel]?[c] {
                    output.originColumns.append(Indicator("\(name)_\(mode)_km", unit: "km", "shortest distance by \(mode) roads from this origin to the nearest \(name) (null: none reached)",
                                                          source: Self.source, decimals: 4, numbers: metres.map { $0.map { $0 / 1000 } }))
                }
            }
        }
        for (c, name) in names.enumerated() where !values.catchments.isEmpty {
            for (m, mode) in modes.enumerated() {
                for column in values.catchments[c][m] {
                    output.originColumns.append(Indicator(Self.catchmentColumn("\(name)_\(mode)", column), unit: "\(supplyField ?? "services") per person",
                                                          "\(column.method.rawValue.uppercased()) access of this origin to \(name) (null: off the \(mode) roads)",
                                                          source: Self.source, numbers: column.origins))
                }
            }
        }
        connectivityIndicators(values, names: names, context: context, output: &output)
        if !values.catchments.isEmpty { output.files.append(StudyFile(name: Self.fcaFileName, bytes: catchmentRatios(values.catchments, names: names, catalogue: catalogue))) }
        for indicator in CoverageJob.originColumns(context, source: Self.source) { output.add(indicator) }
        output.add(Indicator("origins_unreachable", unit: "origins", "the most origins that reach no service of one category by one network mode",
                             source: Self.source, counts: unreachableMax))
        return output
    }

    /// Weighted means over the zone's origins that have measures: `{prefix}_opportunities_within_{t}_mean` and
    /// `{prefix}_gravity_beta_{β}_mean` (β per minute, or per km for straight line).
    func accessIndicators(prefix: String, category: String, mode: DistanceMode, measures: [OriginAccess?], reducer: ZoneReducer) -> [Indicator] {
        let access = access(mode)
        let unit = mode == .straight ? "m" : "min"
        var indicators: [Indicator] = []
        for (t, threshold) in access.thresholds.enumerated() {
            let what = supplyField.map { "total \($0) of the \(category) services" } ?? "number of \(category) services"
            indicators.append(Indicator("\(prefix)_opportunities_within_\(Self.label(threshold))_mean", unit: supplyField ?? "services",
                                        "population-weighted mean \(what) within \(Self.label(threshold)) \(unit) of each origin",
                                        source: Self.source, decimals: 3, numbers: reducer.mean(measures.map { $0.map { $0.counts[t] } })))
        }
        if let beta = gravityBeta {
            indicators.append(Indicator("\(prefix)_gravity_beta_\(Self.label(beta))_mean", unit: nil,
                                        "population-weighted mean gravity access to \(category), Σ \(supplyField.map { "\($0) × " } ?? "")exp(−\(Self.label(beta)) × \(mode == .straight ? "km" : "min"))",
                                        source: Self.source, decimals: 3, numbers: reducer.mean(measures.map { $0.map { $0.gravity ?? 0 } })))
        }
        return indicators
    }

    // MARK: Origins table

    func originsTable(origins: OriginSet, layer: ZoneLayer, values: OriginValues, names: [String]) -> [UInt8] {
        var writer = JSONWriter(capacity: origins.points.count * (40 + 12 * names.count * modes.count))
        writer.text(OriginSet.rowHeader)
        for name in names { for mode in modes { writer.text(",\(name)_\(mode)") } }
        let travelModes = modes.compactMap(\.travelMode)
        for mode in travelModes { writer.text(",snap_\(mode.rawValue)_metres") }
        let nth = values.nth.isEmpty ? [] : names.indices.flatMap { c in
            modes.indices.flatMap { m in nthNearest.indices.map { r in
                (name: "\(names[c])_\(modes[m])_\(Self.ordinal(nthNearest[r]))", values: values.nth[c][m][r], decimals: modes[m] == .straight ? 3 : 4) } }
        }
        for column in nth { writer.text(",\(column.name)") }
        let road = names.indices.flatMap { c in travelModes.compactMap { mode in values.roadMetres[mode].map { (name: "\(names[c])_\(mode.rawValue)_km", values: $0[c]) } } }
        for column in road { writer.text(",\(column.name)") }
        let catchments = values.catchments.enumerated().flatMap { c, byMode in
            byMode.enumerated().flatMap { m, columns in columns.map { (name: Self.catchmentColumn("\(names[c])_\(modes[m])", $0), values: $0.origins) } }
        }
        for column in catchments { writer.text(",\(column.name)") }
        let connectivityColumns = connectivityOriginColumns(values, names: names, originCount: origins.points.count)
        for column in connectivityColumns { writer.text(",\(column.name)") }
        writer.byte(0x0A)
        // Metres to 3 decimals (1 mm), minutes to 4 (6 ms), trailing zeros dropped.
        func fixed(_ value: Double, _ decimals: Int) { writer.fixed(value, decimals: decimals) }
        for o in origins.points.indices {
            origins.writeRowStart(o, layer: layer, into: &writer)
            for c in names.indices {
                for (m, mode) in modes.enumerated() {
                    writer.byte(UInt8(ascii: ","))
                    if let value = values.values[c][m][o] { fixed(value, mode == .straight ? 3 : 4) }
                }
            }
            for mode in travelModes {
                writer.byte(UInt8(ascii: ","))
                if let snap = values.snapMetres[mode]?[o] { fixed(snap, 3) }
            }
            for column in nth {
                writer.byte(UInt8(ascii: ","))
                if let value = column.values[o] { fixed(value, column.decimals) }
            }
            for column in road {
                writer.byte(UInt8(ascii: ","))
                if let metres = column.values[o] { fixed(metres / 1000, 4) }
            }
            for column in catchments + connectivityColumns {
                writer.byte(UInt8(ascii: ","))
                if let value = column.values[o] { writer.text(JSONWriter.format(value)) }
            }
            writer.byte(0x0A)
        }
        return writer.bytes
    }
}

extension DistanceJob: StudyStep {
    public var title: String { "distance" }

    public func run(_ context: StudyContext, table: ZoneTable, progress: @escaping @Sendable (String) -> Void) throws -> StepOutput {
        try reporting { (report: inout Report) in try compute(context, report: &report, progress: progress).output }
    }
}

extension DistanceJob.Report: StepReport {
    var notes: [String] {
        inputWarnings + unsnappedServices.map { "\($0.count) \($0.category) service(s) are too far from any \($0.mode) road to be reached (e.g. \($0.firstSource))" }
    }
}

extension DistanceJob.Report: ServiceStepReport {
    var contextWarnings: [String] {
        get { inputWarnings }
        set { inputWarnings = newValue }
    }
}
