import Accessibility
import ArgumentParser
import Foundation
import GeoData
import Projection
import Study

/// `reach distance`: travel from where people live to the nearest service of each kind, per ward.
struct Distance: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Distance and travel time from where people live to the nearest service of each kind, per ward.",
        discussion: """
        Straight line (metres, in the working CRS) and, with --osm, over the road network on foot, by bicycle \
        and by car (minutes), following docs/road-network.md. Each origin (where people live) belongs to the ward \
        containing it; ward figures are weighted over its origins, as the DfT Journey Time Statistics do.
        Per category c and mode m the output adds:
          {c}_{m}_mean, {c}_{m}_max           weighted mean and maximum (metres or minutes)
          {c}_{m}_within_{t}_pct             weighted % of origins within t (metres or minutes)
          {c}_{m}_count_within_{t}           services within t of the ward's typical origin (up to 10)
          {c}_{m}_unreachable                origins that reach no {c} by m (network modes)
          {c}_{m}_km_mean                    with --road-distance: weighted mean shortest road distance, km
          {c}_{m}_2nd_mean, _2nd_within_{t}_pct   with --nth-nearest 2,3: to the 2nd (3rd, ...) nearest {c}
        With --opportunities and --gravity-beta B (cumulative opportunities and gravity; with --supply-field F they sum F):
          {c}_{m}_opportunities_within_{t}_mean   weighted mean number of {c} within t of each origin
          {c}_{m}_gravity_beta_{B}_mean           weighted mean of Σ e^(−B t) over the {c} reachable (t in minutes,
                                                  or km for straight line; terms below 0.001 left out)
        With --fca 2sfca,e2sfca,bfca (competition for services, docs/access.md), per threshold t:
          {c}_{m}_2sfca_{t}, {c}_{m}_e2sfca_{t}, {c}_{m}_bfca_{t}   weighted mean of the origins' floating-catchment
                                                  access (services, or --supply-field, per person); --fca-out
                                                  writes each service's ratio
          origins_count, origins_weight, origins_unreachable, reach_warning

        \(HelpText.exitCodes)

        Examples:
          reach distance --wards fixtures/trafford/wards_2017.geojson \\
              --services ../shared/data/trafford/gp_practices.geojson \\
              --origins fixtures/trafford/output_areas_2021.geojson --weight-field population --out out/gp.geojson
          reach distance --wards wards.geojson --services services.csv --category-field category \\
              --osm rutland.osm.pbf --modes walk,car --minutes 10,20 --out out/access.geojson
        """
    )

    @OptionGroup var zone: ZoneOptions

    @OptionGroup var service: ServiceOptions

    @OptionGroup var category: CategoryOptions

    @OptionGroup var origin: OriginOptions

    @OptionGroup var fields: PointFieldOptions

    @Option(help: ArgumentHelp("OpenStreetMap extract (.osm.pbf) for network travel times.", valueName: "FILE"))
    var osm: String?

    @Option(help: ArgumentHelp("Comma-separated: straight, walk, cycle, car (default: straight; all four with --osm).", valueName: "LIST"))
    var modes: String?

    @Option(help: ArgumentHelp("Thresholds for walk/cycle/car, minutes, comma-separated.", valueName: "LIST"))
    var minutes: String = "15,30"

    @Option(help: ArgumentHelp("Thresholds for straight line, metres, comma-separated.", valueName: "LIST"))
    var metres: String = "800,2000"

    @Flag(help: "Add cumulative opportunities: the mean number of services within each threshold of an origin.")
    var opportunities = false

    @Option(name: .customLong("gravity-beta"),
            help: ArgumentHelp("Add gravity accessibility Σ e^(−β t), β per minute (per km for straight line), e.g. 0.1.", valueName: "BETA"))
    var gravityBeta: Double?

    @Option(name: .customLong("supply-field"),
            help: ArgumentHelp("Services' field of what each offers (list size, jobs, beds): opportunities, gravity and catchments sum it.", valueName: "FIELD"))
    var supplyField: String?

    @Option(help: ArgumentHelp("Comma-separated floating catchments: 2sfca, e2sfca, bfca (catchments: the thresholds).", valueName: "LIST"))
    var fca: String?

    @Flag(name: .customLong("road-distance"), help: "Add the shortest road distance (km) to the nearest service for walk, cycle and car.")
    var roadDistance = false

    @Option(name: .customLong("fca-decay"), help: ArgumentHelp("Decay of the enhanced 2SFCA: steps (1, 0.68, 0.22 by thirds) or gaussian.", valueName: "DECAY"))
    var fcaDecay: String = "steps"

    @Option(name: .customLong("fca-out"), help: ArgumentHelp("Also write each service's floating-catchment ratio as CSV.", valueName: "FILE"))
    var fcaOutput: String?

    @Option(name: .customLong("nth-nearest"), help: ArgumentHelp("Comma-separated ranks beyond the nearest, e.g. 2,3: distance or time to the 2nd and 3rd nearest.", valueName: "LIST"))
    var nthNearest: String?

    @Flag(help: "Add the connectivity metric in the DfT manner (docs/access.md): worth per type and mode, 0-100 scores.")
    var connectivity = false

    @Option(name: .customLong("connectivity-decay"), parsing: .singleValue,
            help: ArgumentHelp("A mode's curve, [CATEGORY:]MODE=logistic:MEDIAN:SD, exponential:BETA or table:MIN/W:MIN/W... (repeatable).", valueName: "SPEC"))
    var connectivityDecay: [String] = []

    @Option(name: .customLong("connectivity-weight"), parsing: .singleValue,
            help: ArgumentHelp("A destination type's weight, CATEGORY=W (repeatable; default 1).", valueName: "CATEGORY=W"))
    var connectivityWeight: [String] = []

    @Option(name: .customLong("connectivity-returns"), parsing: .singleValue,
            help: ArgumentHelp("What each further destination keeps, in (0, 1]: R for all, or CATEGORY=R (repeatable; default 0.5).", valueName: "R"))
    var connectivityReturns: [String] = []

    @Option(name: .customLong("connectivity-horizon"), help: ArgumentHelp("Destinations further than this are worth nothing, minutes.", valueName: "MIN"))
    var connectivityHorizon: Double = ConnectivityMetric.defaultHorizon

    @Option(name: .customLong("connectivity-reference"), parsing: .singleValue,
            help: ArgumentHelp("The value that scores 100 by a mode, MODE=VALUE (repeatable; default: the best zone).", valueName: "MODE=VALUE"))
    var connectivityReference: [String] = []

    @Option(name: .customLong("demand-field"), parsing: .singleValue,
            help: ArgumentHelp("The origins' field of the people who use a category, CATEGORY=FIELD: its floating catchments' demand (repeatable).", valueName: "CATEGORY=FIELD"))
    var demandField: [String] = []

    @OptionGroup var walk: WalkSpeedOptions

    @Option(name: .customLong("cycle-kmh"), help: ArgumentHelp("Cycling speed, km/h.", valueName: "KMH"))
    var cycleKmh: Double = 16

    @Option(name: .customLong("car-kmh"), parsing: .singleValue,
            help: ArgumentHelp("Car speed of a highway class where maxspeed is absent, e.g. residential=24 (repeatable).", valueName: "CLASS=KMH"))
    var carKmh: [String] = []

    @OptionGroup var snap: SnapOptions

    @Option(name: .customLong("out"), help: ArgumentHelp("Output GeoJSON of wards with the figures.", valueName: "FILE"))
    var output: String

    @Option(name: .customLong("origins-out"), help: ArgumentHelp("Also write every origin's distances and times as CSV.", valueName: "FILE"))
    var originsOutput: String?

    @Option(help: ArgumentHelp("Decimal places of output coordinates.", valueName: "N"))
    var precision: Int = 6

    @OptionGroup var common: CommonOptions

    func validate() throws {
        _ = try parsedModes()
        _ = try Self.numbers(minutes, flag: "--minutes")
        _ = try Self.numbers(metres, flag: "--metres")
        _ = try parsedProfile()
        if let gravityBeta, !(gravityBeta > 0 && gravityBeta.isFinite) { throw ValidationError("--gravity-beta must be a positive number") }
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be between 0 and 15") }
        _ = try parsedFCA()
        _ = try parsedNth()
        guard CatchmentDecay(rawValue: fcaDecay) != nil else { throw ValidationError("--fca-decay: '\(fcaDecay)' is not steps or gaussian") }
        if fcaOutput != nil, fca == nil { throw ValidationError("--fca-out needs --fca") }
        _ = try parsedConnectivity()
        _ = try parsedDemand()
    }

    /// `KEY=VALUE` pairs of a repeatable option.
    static func pairs(_ items: [String], flag: String) throws -> [(key: String, value: String)] {
        try items.map { item in
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw ValidationError("\(flag): '\(item)' is not KEY=VALUE") }
            return (parts[0], parts[1])
        }
    }

    func parsedDemand() throws -> [String: String] {
        var fields: [String: String] = [:]
        for (category, field) in try Self.pairs(demandField, flag: "--demand-field") { fields[category] = field }
        return fields
    }

    /// `logistic:15:5`, `exponential:0.1`, `table:0/1:10/0.6:30/0`.
    static func decay(_ text: String, flag: String) throws -> TravelDecay {
        let parts = text.split(separator: ":").map(String.init)
        func number(_ s: String) throws -> Double {
            guard let x = Double(s), x.isFinite else { throw ValidationError("\(flag): '\(s)' in '\(text)' is not a number") }
            return x
        }
        let decay: TravelDecay
        switch parts.first {
        case "logistic" where parts.count == 3: decay = .logistic(median: try number(parts[1]), sd: try number(parts[2]))
        case "exponential" where parts.count == 2: decay = .exponential(beta: try number(parts[1]))
        case "table" where parts.count >= 2:
            decay = .table(try parts.dropFirst().map { point in
                let mw = point.split(separator: "/").map(String.init)
                guard mw.count == 2 else { throw ValidationError("\(flag): '\(point)' in '\(text)' is not MINUTES/WEIGHT") }
                return (minutes: try number(mw[0]), weight: try number(mw[1]))
            })
        default:
            throw ValidationError("\(flag): '\(text)' is not logistic:MEDIAN:SD, exponential:BETA or table:MIN/W:MIN/W...")
        }
        if let problem = decay.problem { throw ValidationError("\(flag): \(problem)") }
        return decay
    }

    func parsedConnectivity() throws -> ConnectivityMetric? {
        let given = !connectivityDecay.isEmpty || !connectivityWeight.isEmpty || !connectivityReturns.isEmpty || !connectivityReference.isEmpty
        guard connectivity else {
            if given { throw ValidationError("--connectivity-decay, -weight, -returns and -reference need --connectivity") }
            return nil
        }
        var metric = ConnectivityMetric(horizonMinutes: connectivityHorizon)
        func mode(_ name: String, _ flag: String) throws -> TravelMode {
            guard let mode = TravelMode(rawValue: name) else { throw ValidationError("\(flag): '\(name)' is not walk, cycle or car") }
            return mode
        }
        for (key, value) in try Self.pairs(connectivityDecay, flag: "--connectivity-decay") {
            let decay = try Self.decay(value, flag: "--connectivity-decay")
            let scope = key.split(separator: ":", maxSplits: 1).map(String.init)
            if scope.count == 2 {
                metric.types[scope[0], default: .init()].decay[try mode(scope[1], "--connectivity-decay")] = decay
            } else {
                metric.decay[try mode(key, "--connectivity-decay")] = decay
            }
        }
        for (category, value) in try Self.pairs(connectivityWeight, flag: "--connectivity-weight") {
            guard let weight = Double(value), weight >= 0, weight.isFinite else { throw ValidationError("--connectivity-weight: '\(value)' is not a number ≥ 0") }
            metric.types[category, default: .init()].weight = weight
        }
        for item in connectivityReturns {
            let (category, text): (String?, String) = item.contains("=") ? try Self.pairs([item], flag: "--connectivity-returns").map { ($0.key, $0.value) }[0] : (nil, item)
            guard let r = Double(text), r > 0, r <= 1 else { throw ValidationError("--connectivity-returns: '\(text)' is not in (0, 1]") }
            if let category { metric.types[category, default: .init()].returns = r } else { metric.returns = r }
        }
        for (name, value) in try Self.pairs(connectivityReference, flag: "--connectivity-reference") {
            guard let x = Double(value), x > 0, x.isFinite else { throw ValidationError("--connectivity-reference: '\(value)' is not a number > 0") }
            metric.reference[try mode(name, "--connectivity-reference")] = x
        }
        if let problem = metric.problem { throw ValidationError("--connectivity: \(problem.key): \(problem.message)") }
        return metric
    }

    func parsedNth() throws -> [Int] {
        guard let nthNearest else { return [] }
        let ranks = try nthNearest.split(separator: ",").map { part -> Int in
            guard let rank = Int(part.trimmingCharacters(in: .whitespaces)), (2...100).contains(rank) else {
                throw ValidationError("--nth-nearest: '\(part)' is not a rank from 2 to 100 (1 is the nearest, always given)")
            }
            return rank
        }
        guard !ranks.isEmpty else { throw ValidationError("--nth-nearest: give at least one rank, e.g. 2,3") }
        return Array(Set(ranks)).sorted()
    }

    func parsedFCA() throws -> [FloatingCatchmentMethod] {
        guard let fca else { return [] }
        let methods = try fca.split(separator: ",").map { part -> FloatingCatchmentMethod in
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let method = FloatingCatchmentMethod(rawValue: name) else {
                throw ValidationError("--fca: '\(name)' is not 2sfca, e2sfca or bfca")
            }
            return method
        }
        guard !methods.isEmpty else { throw ValidationError("--fca: give at least one of 2sfca, e2sfca, bfca") }
        return Array(Set(methods)).sorted()
    }

    func parsedModes() throws -> [DistanceMode]? {
        guard let modes else { return nil }
        let names = modes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let parsed = try names.map { name -> DistanceMode in
            guard let mode = DistanceMode(name) else { throw ValidationError("--modes: unknown mode '\(name)' (straight, walk, cycle, car)") }
            return mode
        }
        guard !parsed.isEmpty else { throw ValidationError("--modes: give at least one mode") }
        if parsed.contains(where: { $0 != .straight }), osm == nil {
            throw ValidationError("--modes \(modes): walk, cycle and car need a road network; give --osm FILE.osm.pbf")
        }
        return Array(Set(parsed)).sorted()
    }

    static func numbers(_ text: String, flag: String) throws -> [Double] {
        let values = try text.split(separator: ",").map { part -> Double in
            guard let value = Double(part.trimmingCharacters(in: .whitespaces)), value > 0, value.isFinite else {
                throw ValidationError("\(flag): '\(part)' is not a positive number")
            }
            return value
        }
        guard !values.isEmpty else { throw ValidationError("\(flag): give at least one threshold") }
        return Array(Set(values)).sorted()
    }

    func parsedProfile() throws -> RoadProfile {
        guard walk.walkKmh > 0, cycleKmh > 0 else { throw ValidationError("--walk-kmh and --cycle-kmh must be positive") }
        var profile = RoadProfile(walkKmh: walk.walkKmh, cycleKmh: cycleKmh)
        for entry in carKmh {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let speed = Double(parts[1]), speed > 0 else {
                throw ValidationError("--car-kmh \(entry): expected CLASS=KMH, e.g. residential=24")
            }
            guard RoadProfile.defaultCarKmh[parts[0]] != nil else {
                throw ValidationError("--car-kmh \(entry): '\(parts[0])' is not a class cars use (\(RoadProfile.defaultCarKmh.keys.sorted().joined(separator: ", ")))")
            }
            profile.carKmhByClass[parts[0]] = speed
        }
        return profile
    }

    func run() throws {
        let working = common.workingCRSValue
        var job = DistanceJob(
            zones: zone.zones,
            zoneOptions: ZoneLoadOptions(sourceCRS: zone.crs.map { CRS($0) }, workingCRS: working, codeField: zone.codeField),
            services: service.services, categoryField: service.categoryField, categories: category.categories,
            serviceOptions: PointLoadOptions(sourceCRS: service.servicesCRS.map { CRS($0) }, workingCRS: working, xField: fields.xField, yField: fields.yField),
            origins: origin.origins,
            originOptions: origin.loadOptions(working: working, xField: fields.xField, yField: fields.yField),
            weightField: origin.weightField, osm: osm, modes: try parsedModes(),
            minutes: try Self.numbers(minutes, flag: "--minutes"), metres: try Self.numbers(metres, flag: "--metres"),
            profile: try parsedProfile(), maxSnapMetres: snap.maxSnapMetres, minIslandNodes: snap.minIslandNodes, output: output, originsOutput: originsOutput,
            precision: precision, opportunities: opportunities, gravityBeta: gravityBeta)
        job.supplyField = supplyField
        job.fca = try parsedFCA()
        job.fcaDecay = CatchmentDecay(rawValue: fcaDecay)!
        job.fcaOutput = fcaOutput
        job.roadDistance = roadDistance
        job.nthNearest = try parsedNth()
        job.connectivity = try parsedConnectivity()
        job.demandFields = try parsedDemand()
        let common = self.common
        let report = try job.run { common.progress($0) }
        Terminal.warnOriginsOutside(report.originsOutsideZones)
        for warning in report.inputWarnings { Terminal.error("warning: \(warning)") }
        for miss in report.unsnappedServices {
            Terminal.error("warning: \(miss.count) \(miss.category) service(s) are further than \(Terminal.number(snap.maxSnapMetres)) m from any \(miss.mode.rawValue) road and are left out of \(miss.mode.rawValue) times (first: \(miss.firstSource))")
        }
        if !common.quiet {
            let servicesRead = report.categories.map { "\($0.name) \(Terminal.count($0.services))" }.joined(separator: ", ")
            Terminal.info("reach: \(Terminal.count(report.zoneCount)) wards, \(Terminal.count(report.originCount)) origins; services: \(servicesRead)")
            if let network = report.network {
                let graphs = report.networkEdges.map { "\($0.mode.rawValue) \(Terminal.count($0.segments)) segments (\(Terminal.count($0.islandSegments)) on islands under \(snap.minIslandNodes) nodes, not snapped to)" }.joined(separator: ", ")
                Terminal.info("reach: road network: \(Terminal.count(network.waysKept)) ways kept (\(Terminal.count(network.waysWithoutNodes)) without nodes in the extract, \(Terminal.count(network.waysSplitAtMissingNodes)) split at missing nodes); \(graphs)")
            }
            Terminal.closing(zonesWithWarnings: report.zonesWithWarnings, wrote: [output] + [originsOutput].compactMap { $0 }, timings: report.timings)
        }
        try Terminal.strict(common.strict, zonesWithWarnings: report.zonesWithWarnings, originsOutside: report.originsOutsideZones.count)
    }
}
