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
