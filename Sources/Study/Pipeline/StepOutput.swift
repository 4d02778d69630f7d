import GeoData

/// What one step of a study returns: its columns, its per-zone warnings, notes for the run's summary, and any
/// file it writes beside the zone table in the study's folder.
public struct StepOutput: Sendable {
    public var indicators: [Indicator] = []
    /// Per zone, in layer order: why this step's figures for the zone are missing or doubtful.
    public var warnings: [[String]]
    /// Things the user should know that belong to no zone (a feed with no service, unplaced records...).
    public var notes: [String] = []
    public var timings: [(step: String, seconds: Double)] = []
    /// Extra files for the study's output folder (`gaps.geojson`, `broadband_unmatched.csv`).
    public var files: [StudyFile] = []
    /// Gaps to draw on the map as a hatched layer (WGS84 features of `reach gaps`), when the step made them.
    public var gaps: [Feature]?
    /// Per-origin figures (one value per origin, in origin order) for the origins layer of a GeoPackage or PostGIS
    /// load: what each origin's zone figures were reduced from.
    public var originColumns: [Indicator] = []
    /// Further layers in the working CRS for a GeoPackage or PostGIS load (the stops a coverage step used).
    public var layers: [OutputLayer] = []
    /// Figures for the run's summary (`reach run --progress json`), by key (`equity`, `left_behind`).
    public var summary = JSONObject()

    public init(zoneCount: Int) {
        warnings = Array(repeating: [], count: zoneCount)
    }

    /// Adds a column; its values must be one per zone.
    public mutating func add(_ indicator: Indicator) {
        precondition(indicator.count == warnings.count, "\(indicator.name): \(indicator.count) values for \(warnings.count) zones")
        indicators.append(indicator)
    }

    /// Adds a warning to zone z, once.
    public mutating func warn(_ zone: Int, _ message: String) {
        if !warnings[zone].contains(message) { warnings[zone].append(message) }
    }

    /// This output with a job's timings and notes added (what its report says that `reach run` shows).
    func with(_ report: some StepReport) -> StepOutput {
        var output = self
        output.timings += report.timings
        output.notes += report.notes
        return output
    }

    /// The step's properties of zone z, in column order, as the writers put them.
    public func properties(of zone: Int) -> [(key: String, value: JSONValue)] {
        indicators.map { ($0.name, $0.json(zone)) }
    }
}

/// A file a step writes into the study's output folder, by name.
public struct StudyFile: Sendable {
    public var name: String
    public var bytes: [UInt8]
    /// Writes the file at a temporary path instead of `bytes`, for a file too large to build in memory (a
    /// scenario's national feed); the run renames it into place with the others.
    public var writer: (@Sendable (String) throws -> Void)?

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    public init(name: String, writer: @escaping @Sendable (String) throws -> Void) {
        self.name = name
        self.bytes = []
        self.writer = writer
    }
}

/// What a job's report hands a study run: the step's timings and the notes its subcommand would print.
protocol StepReport {
    init()
    var timings: [(step: String, seconds: Double)] { get }
    var notes: [String] { get }
}

extension StudyStep {
    /// Runs a job's computation with a fresh report, and hands the report's timings and notes to its output.
    func reporting<Report: StepReport>(_ compute: (inout Report) throws -> StepOutput) rethrows -> StepOutput {
        var report = Report()
        return try compute(&report).with(report)
    }
}
