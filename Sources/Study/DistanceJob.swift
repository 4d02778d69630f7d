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
    public var output: String
    public var originsOutput: String?
    public var precision: Int
    /// Whether to add cumulative-opportunity measures (services within each threshold, averaged over origins).
    public var opportunities: Bool
    /// Gravity decay β per minute (network modes) and per kilometre (straight line); nil for no gravity measure.
    public var gravityBeta: Double?

    /// Services counted within a threshold of a zone's typical origin stop at this many (the JTS origin indicator).
    public static let countCap = 10

    public init(zones: [String], zoneOptions: ZoneLoadOptions = ZoneLoadOptions(), services: [String],
                categoryField: String? = nil, categories: [String] = [], serviceOptions: PointLoadOptions = PointLoadOptions(),
                origins: String? = nil, originOptions: PointLoadOptions = PointLoadOptions(), weightField: String? = nil,
                osm: String? = nil, modes: [DistanceMode]? = nil, minutes: [Double] = [15, 30], metres: [Double] = [800, 2000],
                profile: RoadProfile = RoadProfile(), maxSnapMetres: Double = 500, minIslandNodes: Int = 40, output: String,
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

    public struct Report: Sendable {
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
        /// `access[c][m][o]`: origin o's cumulative counts and gravity for category c by mode m; nil when the
        /// origin is not on the network. Empty unless --opportunities or --gravity-beta.
        var access: [[[OriginAccess?]]] = []
    }

    struct OriginAccess: Sendable {
        var counts: [Int]
        var gravity: Double?
    }

    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> Report {
        try AtomicFile.checkWritable(output)
        if let originsOutput { try AtomicFile.checkWritable(originsOutput) }
        var report = Report()
        var clock = StepClock()

        let (layer, originSet) = try inputs.load(progress: progress, timings: &report.timings)
        report.zoneCount = layer.zones.count
        report.originCount = originSet.points.count
        report.originsOutsideZones = originSet.outside

        let computed = try compute(layer: layer, origins: originSet, report: &report, progress: progress)
        clock.last = .now

        progress("writing \(layer.zones.count) zones to \(output)")
        let figures = computed.figures
        try ZoneExport.write(figures, layer: layer, precision: precision, to: output)
        if let originsOutput {
            try AtomicFile.write(originsTable(origins: originSet, layer: layer, values: computed.originValues, names: computed.names), to: originsOutput)
        }
        clock.lap("write", into: &report.timings)
        return report
    }

    /// The figures of every zone of `layer` from `originSet` (already placed in it): services read, nearest and
    /// network times, accessibility measures, aggregates. Timings go into `report`.
    public func compute(layer: ZoneLayer, origins originSet: OriginSet, report: inout Report,
                        progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> (figures: ZoneFigures, originValues: OriginValues, names: [String]) {
        var clock = StepClock()
        progress("reading services")
        let catalogue = try ServiceCatalogue.load(paths: services, categoryField: categoryField, only: categories, options: serviceOptions)
        let names = catalogue.names
        guard !names.isEmpty else { throw DataError(file: services.joined(separator: ", "), "no services read") }
        report.categories = names.map { ($0, catalogue.categories[$0]!.count) }
        clock.lap("read services", into: &report.timings)

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
            let network = try RoadNetwork.read(path: osm, profile: profile, modes: travelModes, workingCRS: inputs.zoneOptions.workingCRS)
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
        if wantsAccess {
            progress("cumulative opportunities and gravity from \(originSet.points.count) origins")
            originValues.access = try accessMeasures(origins: originSet.points, names: names,
                                                     straightIndexes: straightIndexes, network: networkContext)
            clock.lap("opportunities", into: &report.timings)
        }

        // Per zone: aggregates, and counts from the typical origin.
        let zoneResults = try aggregate(layer: layer, origins: originSet, values: originValues, names: names,
                                        straightIndexes: straightIndexes, network: networkContext)
        report.zonesWithWarnings = zoneResults.filter { !$0.warnings.isEmpty }.count + layer.zones.filter { !$0.warnings.isEmpty }.count
        clock.lap("aggregate", into: &report.timings)
        var figures = ZoneFigures(zoneCount: layer.zones.count)
        for (z, result) in zoneResults.enumerated() {
            figures.properties[z] = result.properties
            figures.warnings[z] = result.warnings
        }
        return (figures, originValues, names)
    }

    // MARK: Cumulative opportunities and gravity

    /// Every origin's measures: straight line from the k-d tree of each category, network modes from one bounded
    /// forward search per origin and mode (to `OpportunityAccess.searchLimit`), on all cores.
    func accessMeasures(origins: [XY], names: [String], straightIndexes: [PointIndex],
                        network: NetworkContext?) throws -> [[[OriginAccess?]]] {
        let modes = self.modes
        let job = self
        let perOrigin: [[[OriginAccess?]]] = try ParallelMap.map(Array(origins.indices), worker: { network?.makeSearches() }) { searches, slice in
            var searches = searches
            return slice.map { o in
                var timesByMode: [TravelMode: [[Double?]]] = [:]
                let networkLimit = modes.filter { $0 != .straight }.map { job.access($0).searchLimit }.max() ?? 0
                if let network, searches != nil, networkLimit > 0 {
                    timesByMode = network.timesFrom(origins[o], limitMinutes: networkLimit, searches: &searches!)
                }
                return names.indices.map { c in
                    modes.map { mode -> OriginAccess? in
                        let access = job.access(mode)
                        if mode == .straight {
                            var costs: [Double?] = []
                            straightIndexes[c].forEach(within: access.searchLimit, of: origins[o]) { _, metres in costs.append(metres) }
                            let (counts, gravity) = access.measure(costs: costs)
                            return OriginAccess(counts: counts, gravity: gravity)
                        }
                        guard let times = timesByMode[mode.travelMode!] else { return nil }
                        let (counts, gravity) = access.measure(costs: times[c])
                        return OriginAccess(counts: counts, gravity: gravity)
                    }
                }
            }
        }
        // Reorder to [category][mode][origin].
        return names.indices.map { c in modes.indices.map { m in perOrigin.map { $0[c][m] } } }
    }

    // MARK: Aggregation

    struct ZoneResult: Sendable {
        var properties: [(key: String, value: JSONValue)] = []
        var warnings: [String] = []
    }

    func thresholds(_ mode: DistanceMode) -> [Double] { mode == .straight ? metres : minutes }

    static func label(_ value: Double) -> String { JSONWriter.format(value) }

    func aggregate(layer: ZoneLayer, origins: OriginSet, values: OriginValues, names: [String],
                   straightIndexes: [PointIndex], network: NetworkContext?) throws -> [ZoneResult] {
        var members = [[Int]](repeating: [], count: layer.zones.count)
        for (o, z) in origins.zone.enumerated() { members[z].append(o) }
        let zoneOrigins = members
        let typicalOrigins = ZoneTypicalOrigin.points(layer: layer, origins: origins)
        let modes = self.modes
        let job = self
        return try ParallelMap.map(Array(layer.zones.indices), worker: { network?.makeSearches() }) { searches, slice in
            slice.map { z in
                var result = ZoneResult()
                let zone = layer.zones[z]
                let own = zoneOrigins[z]
                let totalWeight = own.reduce(0) { $0 + origins.weights[$1] }
                if zone.geometry == nil {
                    // Already warned by the loader; every figure is null.
                } else if origins.fallbackZones.contains(z) {
                    result.warnings.append("no origin lies in this zone; its point-on-surface stands for it")
                }
                let typical = typicalOrigins[z]
                var unreachableMax = 0
                var typicalTimes: [TravelMode: [[Double?]]] = [:]
                if let typical, let network, var searches {
                    typicalTimes = network.timesFrom(typical, limitMinutes: job.minutes.max() ?? 0, searches: &searches)
                }
                for (c, name) in names.enumerated() {
                    for (m, mode) in modes.enumerated() {
                        let prefix = "\(name)_\(mode)"
                        let decimals = mode == .straight ? 10.0 : 100.0 // metres to 0.1, minutes to 0.01
                        var sum = 0.0, weight = 0.0, maximum = -Double.infinity
                        var unreachable = 0
                        for o in own {
                            guard let value = values.values[c][m][o] else { unreachable += 1; continue }
                            sum += origins.weights[o] * value
                            weight += origins.weights[o]
                            maximum = max(maximum, value)
                        }
                        let reached = own.count - unreachable
                        func rounded(_ value: Double) -> JSONValue { .number((value * decimals).rounded() / decimals) }
                        let mean: JSONValue = reached == 0 ? .null : weight > 0 ? rounded(sum / weight) : rounded(own.compactMap { values.values[c][m][$0] }.reduce(0, +) / Double(reached))
                        result.properties.append(("\(prefix)_mean", zone.geometry == nil ? .null : mean))
                        result.properties.append(("\(prefix)_max", reached == 0 || zone.geometry == nil ? .null : rounded(maximum)))
                        for t in job.thresholds(mode) {
                            // Over the origins that reach a service (unreachable ones are counted separately).
                            var within = 0.0, count = 0
                            for o in own { if let value = values.values[c][m][o], value <= t { within += origins.weights[o]; count += 1 } }
                            let pct: JSONValue = reached == 0 || zone.geometry == nil ? .null
                                : weight > 0 ? .number((within / weight * 10000).rounded() / 100)
                                : .number((Double(count) / Double(reached) * 10000).rounded() / 100)
                            result.properties.append(("\(prefix)_within_\(DistanceJob.label(t))_pct", pct))
                        }
                        for t in job.thresholds(mode) {
                            var count: JSONValue = .null
                            if let typical {
                                switch mode {
                                case .straight:
                                    count = .number(Double(straightIndexes[c].count(within: t, of: typical, limit: DistanceJob.countCap)))
                                case .network(let travel):
                                    if let times = typicalTimes[travel] {
                                        count = .number(Double(min(times[c].count { ($0 ?? .infinity) <= t }, DistanceJob.countCap)))
                                    }
                                }
                            }
                            result.properties.append(("\(prefix)_count_within_\(DistanceJob.label(t))", zone.geometry == nil ? .null : count))
                        }
                        if !values.access.isEmpty {
                            result.properties += job.accessProperties(prefix: prefix, mode: mode, measures: values.access[c][m],
                                                                      own: own, weights: origins.weights, hasGeometry: zone.geometry != nil)
                        }
                        if mode != .straight {
                            result.properties.append(("\(prefix)_unreachable", zone.geometry == nil ? .null : .number(Double(unreachable))))
                            unreachableMax = max(unreachableMax, unreachable)
                            if unreachable > 0 {
                                let unsnapped = own.count { values.snapMetres[mode.travelMode!]![$0] == nil }
                                let reason = unsnapped == unreachable
                                    ? "no \(mode) road within \(DistanceJob.label(job.maxSnapMetres)) m"
                                    : unsnapped > 0 ? "\(unsnapped) with no \(mode) road within \(DistanceJob.label(job.maxSnapMetres)) m, the rest on roads that reach no \(name)"
                                    : "on roads from which no \(name) can be reached by \(mode)"
                                result.warnings.append("\(unreachable) of \(own.count) origins cannot reach a \(name) by \(mode) (\(reason)); left out of \(prefix) figures")
                            }
                        }
                    }
                }
                if modes.contains(where: { $0 != .straight }), let typical, network?.snapTypical(typical).isEmpty ?? false {
                    result.warnings.append("the zone's typical origin is not within \(DistanceJob.label(job.maxSnapMetres)) m of any road; network counts are null")
                }
                result.properties.append(("origins_count", .number(Double(own.count))))
                result.properties.append(("origins_weight", .number(totalWeight)))
                result.properties.append(("origins_unreachable", .number(Double(unreachableMax))))
                return result
            }
        }
    }

    /// Weighted means over the zone's origins that have measures: `{prefix}_opportunities_within_{t}_mean` and
    /// `{prefix}_gravity_beta_{β}_mean` (β per minute, or per km for straight line).
    func accessProperties(prefix: String, mode: DistanceMode, measures: [OriginAccess?], own: [Int], weights: [Double],
                          hasGeometry: Bool) -> [(key: String, value: JSONValue)] {
        let access = access(mode)
        var sums = [Double](repeating: 0, count: access.thresholds.count)
        var gravity = 0.0, weight = 0.0, count = 0
        let useWeights = own.contains { weights[$0] > 0 }
        for o in own {
            guard let measure = measures[o] else { continue }
            let w = useWeights ? weights[o] : 1
            for t in sums.indices { sums[t] += w * Double(measure.counts[t]) }
            gravity += w * (measure.gravity ?? 0)
            weight += w
            count += 1
        }
        func mean(_ sum: Double) -> JSONValue { !hasGeometry || count == 0 || weight == 0 ? .null : .number((sum / weight * 1000).rounded() / 1000) }
        var properties: [(key: String, value: JSONValue)] = []
        for (t, threshold) in access.thresholds.enumerated() {
            properties.append(("\(prefix)_opportunities_within_\(DistanceJob.label(threshold))_mean", mean(sums[t])))
        }
        if let beta = gravityBeta {
            properties.append(("\(prefix)_gravity_beta_\(DistanceJob.label(beta))_mean", mean(gravity)))
        }
        return properties
    }

    // MARK: Origins table

    func originsTable(origins: OriginSet, layer: ZoneLayer, values: OriginValues, names: [String]) -> [UInt8] {
        var writer = JSONWriter(capacity: origins.points.count * (40 + 12 * names.count * modes.count))
        writer.text("origin,zone,x,y,weight")
        for name in names { for mode in modes { writer.text(",\(name)_\(mode)") } }
        let travelModes = modes.compactMap(\.travelMode)
        for mode in travelModes { writer.text(",snap_\(mode.rawValue)_metres") }
        writer.byte(0x0A)
        func csv(_ field: String) -> String { CSVField.escape(field) }
        // Metres to 3 decimals (1 mm), minutes to 4 (6 ms), trailing zeros dropped.
        func fixed(_ value: Double, _ decimals: Int) { writer.fixed(value, decimals: decimals) }
        for o in origins.points.indices {
            writer.text(csv(origins.labels[o]))
            writer.byte(UInt8(ascii: ","))
            writer.text(csv(layer.zones[origins.zone[o]].code))
            writer.byte(UInt8(ascii: ","))
            fixed(origins.points[o].x, 3)
            writer.byte(UInt8(ascii: ","))
            fixed(origins.points[o].y, 3)
            writer.byte(UInt8(ascii: ","))
            writer.number(origins.weights[o])
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
            writer.byte(0x0A)
        }
        return writer.bytes
    }
}
