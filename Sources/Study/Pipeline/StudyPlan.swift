import GeoData
import Projection

/// Which steps a study file asks for, in the order they run: the measures (`[distance]`, `[coverage]`,
/// `[public_transport]`, `[broadband]`), then the steps of `kinds` whose tables the study has, then the
/// `[[join]]`s, then `[score]`, so that joins and the score see every computed column, then `[left_behind]` and
/// `[equity]`, which read the score and the joined columns. `ZoneFactsStep` (area, origins) comes first.
public enum StudyPlan {
    /// Steps with a study table of their own, beyond the built-in ones. A new step is a `StudyStepKind` in
    /// its own file, listed here; `StudyRun`, the schema and the writers need no change.
    public static let kinds: [any StudyStepKind.Type] = []

    /// The steps of a checked study, in run order.
    public static func steps(_ config: StudyConfig, spec: RunSpec) -> [any StudyStep] {
        let working = CRS(spec.workingCRS)
        let points = PointLoadOptions(workingCRS: working)
        var steps: [any StudyStep] = [ZoneFactsStep()]
        if let distance = spec.distance {
            var job = DistanceJob(zones: spec.zones, services: distance.services, categoryField: distance.categoryField,
                                  serviceOptions: points, osm: distance.osm, modes: distance.modes, minutes: distance.minutes,
                                  metres: distance.metres, opportunities: distance.opportunities,
                                  gravityBeta: distance.gravityBeta)
            job.supplyField = distance.supplyField
            job.fca = distance.fca
            job.fcaDecay = distance.fcaDecay
            job.roadDistance = distance.roadDistance
            job.nthNearest = distance.nthNearest
            job.connectivity = distance.connectivity
            job.demandFields = distance.demandFields
            steps.append(job)
        }
        if let coverage = spec.coverage {
            let stops = StopSources(naptan: coverage.naptan, busStops: coverage.busStops, railStations: coverage.railStations,
                                    metroStops: coverage.metroStops, osm: coverage.osmStops, pointOptions: points)
            var job = CoverageJob(zones: spec.zones, stops: stops, gtfs: coverage.gtfs, date: coverage.date, window: coverage.window,
                                  busRadiusMetres: coverage.busRadiusMetres, railRadiusMetres: coverage.railRadiusMetres,
                                  stationBandsMetres: coverage.stationBandsMetres, frequentPerHour: coverage.frequentPerHour)
            if coverage.gaps { job.gapsRadiusMetres = coverage.gapsRadiusMetres ?? coverage.busRadiusMetres }
            steps.append(job)
        }
        if let pt = spec.publicTransport {
            var job = PublicTransportJob(zones: spec.zones, services: pt.services, categoryField: pt.categoryField, serviceOptions: points,
                                         osm: pt.osm, gtfs: pt.gtfs, date: pt.date, window: pt.window, maxWalkMinutes: pt.maxWalkMinutes,
                                         maxTransferWalkMinutes: pt.maxTransferWalkMinutes, maxTripMinutes: pt.maxTripMinutes,
                                         minutes: pt.minutes)
            job.breakdown = pt.breakdown
            steps.append(job)
            for named in pt.windows {
                var job = PublicTransportJob(zones: spec.zones, services: pt.services, categoryField: pt.categoryField, serviceOptions: points,
                                             osm: pt.osm, gtfs: pt.gtfs, date: named.date ?? pt.date, window: named.window, maxWalkMinutes: pt.maxWalkMinutes,
                                             maxTransferWalkMinutes: pt.maxTransferWalkMinutes, maxTripMinutes: pt.maxTripMinutes,
                                             minutes: pt.minutes)
                job.arriveBy = named.arriveBy
                job.breakdown = pt.breakdown
                steps.append(PublicTransportWindow(job: job, name: named.name))
            }
        }
        if let broadband = config.broadband {
            let placement: BroadbandJob.Placement
            if let directory = broadband.postcodes {
                placement = .postcodes(path: directory, postcodeField: broadband.postcodeField, xField: broadband.xField,
                                       yField: broadband.yField, crs: broadband.postcodesCRS.map { CRS($0) })
            } else {
                placement = .outputAreas(path: broadband.outputAreas!, codeField: broadband.outputAreaField, crs: broadband.postcodesCRS.map { CRS($0) })
            }
            steps.append(BroadbandJob(zones: spec.zones, ofcom: broadband.ofcom, placement: placement, columns: broadband.columns))
        }
        if let profile = config.serviceProfile {
            steps.append(ServiceProfileStep(spec: profile, busRadiusMetres: spec.coverage?.busRadiusMetres ?? CoverageJob.defaultBusRadius,
                                            railRadiusMetres: spec.coverage?.railRadiusMetres ?? CoverageJob.defaultRailRadius))
        }
        steps += config.extraSteps
        steps += config.joins.map { JoinStep(join: $0) }
        if config.scoring != nil { steps.append(ScoreStep(config: config)) }
        if let leftBehind = config.leftBehind { steps.append(LeftBehindStep(spec: leftBehind)) }
        if let equity = config.equity { steps.append(EquityStep(spec: equity, defaultNeed: config.leftBehind?.need)) }
        return steps
    }
}
