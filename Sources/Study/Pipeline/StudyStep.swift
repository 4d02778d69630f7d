import GeoData

/// One step of a study: reads the study context (and the columns earlier steps made) and returns columns.
/// `reach run` is the list of steps its study file names (`StudyPlan`); each subcommand runs one step.
public protocol StudyStep: Sendable {
    /// What progress and the timings call the step ("distance", "coverage").
    var title: String { get }
    /// Whether the step's figures describe the zones' areas or people, so that a zone without a usable
    /// boundary gets null for them (true), or belong to the zone's code whatever its boundary (a join, a score).
    var needsBoundaries: Bool { get }
    /// Computes the step's columns for every zone of `context`. `table` holds what earlier steps made.
    func run(_ context: StudyContext, table: ZoneTable, progress: @escaping @Sendable (String) -> Void) throws -> StepOutput
    /// Whether the step's figures come from the study's timetables, so that each scenario runs it again.
    var readsTimetables: Bool { get }
    /// Columns comparing a scenario's output of this step with the baseline's, beyond each column's change: the
    /// people who gain and who lose access within each threshold. `name` is the scenario's.
    func scenarioComparisons(baseline: StepOutput, scenario: StepOutput, context: StudyContext, name: String) -> [Indicator]
}

extension StudyStep {
    public var needsBoundaries: Bool { true }
    public var readsTimetables: Bool { false }
    public func scenarioComparisons(baseline: StepOutput, scenario: StepOutput, context: StudyContext, name: String) -> [Indicator] { [] }
}

/// A step a study file turns on with a table of its own (`[libraries]`): it reads that table's keys, and
/// `StudyConfig` rejects the keys it did not read. Listed in `StudyPlan.kinds`, it runs after the built-in
/// measures and before joins and the score, so its columns can be joined against and scored.
public protocol StudyStepKind {
    /// The study-file table that asks for the step.
    static var table: String { get }
    /// The step as the table describes it; paths are resolved with `paths` (which also lists them for the
    /// checks made before any work).
    static func decode(_ table: ConfigTable, paths: inout StudyPaths) throws(StudyConfigError) -> any StudyStep
}

/// Resolves the paths a study file names against its folder, and lists each with its key for the check that
/// every input exists before any work starts.
public struct StudyPaths: Sendable {
    public let folder: String
    public private(set) var inputs: [(key: String, path: String)] = []

    public init(folder: String) {
        self.folder = folder
    }

    /// The path of `key` in `table`, resolved; nil when absent. An empty string is an error.
    public mutating func path(_ table: ConfigTable, _ key: String) throws(StudyConfigError) -> String? {
        guard let text = try table.string(key) else { return nil }
        guard !text.isEmpty else { throw table.error(key, "must not be empty") }
        let resolved = StudyConfig.resolve(text, folder: folder)
        inputs.append((table.keyPath(key), resolved))
        return resolved
    }

    /// The paths of `key` (a string or an array of strings), resolved.
    public mutating func paths(_ table: ConfigTable, _ key: String) throws(StudyConfigError) -> [String] {
        let list = try table.strings(key).map { StudyConfig.resolve($0, folder: folder) }
        for (i, item) in list.enumerated() { inputs.append((list.count == 1 ? table.keyPath(key) : "\(table.keyPath(key))[\(i + 1)]", item)) }
        return list
    }
}
