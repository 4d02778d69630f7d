import GeoData

/// One more departure window of `[public_transport]` (`windows = { evening = "19:00-22:00" }`): the step run again
/// over it, its columns named after the window: `{category}_pt_{name}_mean`, `{category}_pt_{name}_p50` per origin,
/// `pt_{name}_origins_unserved` (docs/raptor.md, "Windows").
struct PublicTransportWindow: StudyStep {
    var job: PublicTransportJob
    var name: String

    var title: String { "public transport, window \(name)" }
    var readsTimetables: Bool { true }

    func run(_ context: StudyContext, table: ZoneTable, progress: @escaping @Sendable (String) -> Void) throws -> StepOutput {
        var output = try job.run(context, table: table, progress: progress)
        let categories = Set(output.originColumns.compactMap { column -> String? in
            column.name.hasSuffix("_pt_p50") ? String(column.name.dropLast("_pt_p50".count)) : nil
        })
        let label = "\(job.arriveBy ? "arriving by " : "")\(job.window)\(job.date.map { " on \($0)" } ?? "")"
        func renamed(_ indicator: Indicator) -> Indicator? {
            var result = indicator
            if indicator.name == "pt_origins_unserved" {
                result.schema.name = "pt_\(name)_origins_unserved"
            } else if let category = categories.first(where: { indicator.name.hasPrefix("\($0)_pt_") }) {
                result.schema.name = "\(category)_pt_\(name)_" + indicator.name.dropFirst(category.count + 4)
            } else if ["origins_count", "origins_weight"].contains(indicator.name) {
                return nil   // the zone facts every origin step repeats: kept once, from the first step
            } else {
                result.schema.name = "\(indicator.name)_\(name)"
            }
            result.schema.description = "window \(name) (\(label)): " + indicator.schema.description
            return result
        }
        output.indicators = output.indicators.compactMap(renamed)
        output.originColumns = output.originColumns.compactMap(renamed)
        output.layers = []
        return output
    }
}
