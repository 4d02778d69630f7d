import GeoData

/// The figures planners expect beside every other: each zone's area and the origins and people its figures
/// stand on (`area_km2`, `origins_count`, `origins_weight`). The first step of every `reach run`.
struct ZoneFactsStep: StudyStep {
    var title: String { "zone facts" }

    func run(_ context: StudyContext, table: ZoneTable, progress: @escaping @Sendable (String) -> Void) throws -> StepOutput {
        var output = StepOutput(zoneCount: context.zoneCount)
        output.add(Indicator("area_km2", unit: "km²", "the zone's area in the working CRS (\(context.workingCRS.definition)), km² (null: no usable boundary)",
                             source: "reach run", decimals: 4, numbers: context.layer.zones.map { $0.areaSquareMetres.map { $0 / 1e6 } }))
        for indicator in CoverageJob.originColumns(context, source: "reach run") { output.add(indicator) }
        return output
    }
}
