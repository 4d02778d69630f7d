import Accessibility
import Foundation
import GeoData
import GeoPrimitives
import Projection

/// Everything a study's steps read, loaded once per run: the zones with their index, the origins placed in them
/// with the one reducer over them, and the road networks and timetables the steps ask for (read on first use,
/// then shared). Steps read it and return columns; none of them changes it.
public struct StudyContext: Sendable {
    /// The study's name, for messages and the schema.
    public var name: String
    public var layer: ZoneLayer
    /// Point-in-zone lookups, built once and kept for the run.
    public var zoneIndex: ZoneIndex
    public var origins: OriginSet
    /// The one rule turning per-origin values into zone figures.
    public var reducer: ZoneReducer
    /// Decimal places of output coordinates (for the files steps write, such as `gaps.geojson`).
    public var precision: Int
    /// Road networks and timetables read during the run, shared between the steps.
    public var shared: SharedInputs
    /// The scenario whose timetables the steps read instead of the study's feeds (nil: the baseline).
    public var scenario: ScenarioTimetables?
    /// True in a run with scenarios: a step that can reuse its baseline work under a scenario keeps it in
    /// `shared` (docs/scenarios.md, "What is recomputed").
    public var keepsBaselines = false

    /// The working CRS (projected, metres) of every zone and origin.
    public var workingCRS: CRS { layer.workingCRS }
    public var zoneCount: Int { layer.zones.count }

    public init(name: String, layer: ZoneLayer, zoneIndex: ZoneIndex, origins: OriginSet, precision: Int = 6,
                shared: SharedInputs = SharedInputs()) {
        self.name = name
        self.layer = layer
        self.zoneIndex = zoneIndex
        self.origins = origins
        self.reducer = ZoneReducer(zoneOf: origins.zone, weights: origins.weights, usable: layer.zones.map { $0.geometry != nil })
        self.precision = precision
        self.shared = shared
    }

    /// Reads the zones and places the origins in them, timing each ("read zones", "read and place origins").
    public static func load(_ inputs: ZoneOriginInputs, name: String = "reach", precision: Int = 6,
                            progress: @Sendable (String) -> Void,
                            timings: inout [(step: String, seconds: Double)]) throws -> StudyContext {
        var clock = StepClock()
        let layer = try inputs.loadZones(progress: progress)
        clock.lap("read zones", into: &timings)
        let index = ZoneIndex(layer)
        let origins = try OriginSet.load(path: inputs.origins, options: inputs.originOptions, weightField: inputs.weightField,
                                         layer: layer, index: index, keeping: inputs.keeping, progress: progress)
        clock.lap("read and place origins", into: &timings)
        return StudyContext(name: name, layer: layer, zoneIndex: index, origins: origins, precision: precision)
    }

    /// The context of a subcommand that runs one step, its zone and origin counts and the origins' warnings put
    /// into `report`.
    static func loadForOneStep<R: OneStepReport>(_ inputs: ZoneOriginInputs, precision: Int, progress: @Sendable (String) -> Void,
                                                 report: inout R) throws -> StudyContext {
        let context = try load(inputs, precision: precision, progress: progress, timings: &report.timings)
        report.zoneCount = context.zoneCount
        report.originCount = context.origins.points.count
        report.originsOutsideZones = context.origins.outside
        report.contextWarnings += context.origins.warnings
        return context
    }

    /// A step's output for this study's zones, with the warning every origin-based step gives a zone that
    /// no origin falls in.
    public func output(originWarnings: Bool = true) -> StepOutput {
        var output = StepOutput(zoneCount: zoneCount)
        if originWarnings {
            for z in origins.fallbackZones.sorted() where layer.zones[z].geometry != nil {
                output.warn(z, Self.fallbackWarning)
            }
            for z in origins.zeroWeightZones.sorted() {
                output.warn(z, Self.zeroWeightWarning)
            }
        }
        return output
    }

    /// The warning of a zone whose origins all weigh 0.
    public static let zeroWeightWarning = "every origin in this zone has weight 0, so its figures count each origin equally"

    /// The warning of a zone represented by its point-on-surface.
    public static let fallbackWarning = "no origin lies in this zone; its point-on-surface stands for it"

    /// The road network of `path` for `modes` under `profile`, read once per run: a later step asking for
    /// the same extract, profile and modes (or fewer) gets the same graphs.
    public func roadNetwork(path: String, profile: RoadProfile, modes: [TravelMode]) throws -> RoadNetwork {
        try shared.roadNetwork(path: path, profile: profile, modes: modes, workingCRS: workingCRS)
    }

    /// The GTFS feeds of `paths` with their departures on `date` in `window`, read once per run; under a
    /// scenario, its edited feeds (and its date, when it sets one).
    public func transitFeeds(paths: [String], date: ServiceDate?, window: ServiceWindow,
                             progress: @Sendable (String) -> Void) throws -> (feeds: [TransitFeed], date: ServiceDate, warnings: [String]) {
        guard let scenario else {
            return try shared.transitFeeds(paths: paths, date: date, window: window, workingCRS: workingCRS, progress: progress)
        }
        return try shared.transitFeeds(scenario: scenario, paths: paths, date: scenario.date ?? date, window: window, workingCRS: workingCRS,
                                       progress: progress)
    }
}

/// The inputs steps share within one run: road networks and GTFS feeds, each read on first use. Owned by one
/// run (never global); a lock makes it safe to ask from any step.
public final class SharedInputs: @unchecked Sendable {
    // Sendable by the lock: both lists are only read and written under it.
    private let lock = NSLock()
    private var networks: [(path: String, profile: RoadProfile, network: RoadNetwork)] = []
    private var feeds: [(key: String, value: (feeds: [TransitFeed], date: ServiceDate, warnings: [String]))] = []
    private var baselines: [String: any Sendable] = [:]

    public init() {}

    /// Keeps a step's work for its scenario runs or for a later step (the score's result, which `[left_behind]`
    /// explains), under a key naming the step and its settings.
    func keepBaseline(_ state: any Sendable, for key: String) {
        lock.lock()
        defer { lock.unlock() }
        baselines[key] = state
    }

    /// The baseline work kept under `key`, if any.
    func baseline<T: Sendable>(_ key: String, as type: T.Type) -> T? {
        lock.lock()
        defer { lock.unlock() }
        return baselines[key] as? T
    }

    func roadNetwork(path: String, profile: RoadProfile, modes: [TravelMode], workingCRS: CRS) throws -> RoadNetwork {
        lock.lock()
        defer { lock.unlock() }
        if let cached = networks.first(where: { $0.path == path && $0.profile == profile && modes.allSatisfy($0.network.graphs.keys.contains) }) {
            return cached.network
        }
        let network = try RoadNetwork.read(path: path, profile: profile, modes: modes, workingCRS: workingCRS)
        networks.append((path, profile, network))
        return network
    }

    func transitFeeds(paths: [String], date: ServiceDate?, window: ServiceWindow, workingCRS: CRS,
                      progress: @Sendable (String) -> Void) throws -> (feeds: [TransitFeed], date: ServiceDate, warnings: [String]) {
        let key = "\(paths)|\(date.map { "\($0)" } ?? "default")|\(window)"
        lock.lock()
        defer { lock.unlock() }
        if let cached = feeds.first(where: { $0.key == key }) { return cached.value }
        // The same feeds read for another date or window: counted again, not read again (a national feed is
        // gigabytes in memory and many seconds to read).
        let loaded: (feeds: [TransitFeed], date: ServiceDate, warnings: [String])
        if let read = feeds.first(where: { $0.key.hasPrefix("\(paths)|") }) {
            var counted = try TransitFeed.load(feeds: read.value.feeds.map(\.feed), date: date, window: window, workingCRS: workingCRS, progress: progress)
            counted.warnings.removeAll { read.value.warnings.contains($0) }   // the reader's, said when it read them
            loaded = counted
        } else {
            loaded = try TransitFeed.load(paths: paths, date: date, window: window, workingCRS: workingCRS, progress: progress)
        }
        feeds.append((key, loaded))
        return loaded
    }

    func transitFeeds(scenario: ScenarioTimetables, paths: [String], date: ServiceDate?, window: ServiceWindow, workingCRS: CRS,
                      progress: @Sendable (String) -> Void) throws -> (feeds: [TransitFeed], date: ServiceDate, warnings: [String]) {
        let key = "scenario \(scenario.name)|\(paths)|\(date.map { "\($0)" } ?? "default")|\(window)"
        lock.lock()
        defer { lock.unlock() }
        if let cached = feeds.first(where: { $0.key == key }) { return cached.value }
        // A feed the run has read already gives the calls the scenario left alone.
        let read = feeds.flatMap(\.value.feeds).map(\.feed)
        let edited = try scenario.feeds(for: paths) { path in try read.first { $0.path == path } ?? GTFSFeed.read(path: path) }
        let loaded = try TransitFeed.load(feeds: edited, date: date, window: window, workingCRS: workingCRS, progress: progress)
        feeds.append((key, loaded))
        return loaded
    }

    /// Lets go of a scenario's feeds once its steps have run.
    func forget(scenario name: String) {
        lock.lock()
        defer { lock.unlock() }
        feeds.removeAll { $0.key.hasPrefix("scenario \(name)|") }
    }
}

/// The report of a subcommand that runs one step: what it says of the zones and origins it read.
protocol OneStepReport {
    var zoneCount: Int { get set }
    var originCount: Int { get set }
    var originsOutsideZones: [String] { get set }
    var timings: [(step: String, seconds: Double)] { get set }
    /// Where the origins' warnings are listed.
    var contextWarnings: [String] { get set }
}
