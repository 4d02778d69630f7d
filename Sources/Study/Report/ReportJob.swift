import Foundation
import GeoData

/// `reach report FOLDER`: `report.html` again from a study's output folder (its zone table, `schema.json` and
/// `equity.csv`), as `reach run` wrote it, without running anything.
public struct ReportJob: Sendable {
    /// The study's output folder.
    public var folder: String
    /// Where to write the page; nil writes `report.html` in the folder.
    public var output: String?

    public static let fileName = "report.html"

    public init(folder: String, output: String? = nil) {
        self.folder = folder
        self.output = output
    }

    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    /// The zone table of the folder: the GeoJSON that is neither `gaps.geojson` nor `scenario_routes.geojson`
    /// (`wards.geojson` first).
    func zoneTable() throws -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw DataError(file: folder, "is not a folder: give the output folder of reach run (the study's output = ...)")
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        let tables = names.filter { $0.hasSuffix(".geojson") && ![StudyOutputs.gapsName, ScenarioRoutes.fileName].contains($0) }
        guard let name = tables.first(where: { $0 == StudyRun.geojsonName }) ?? tables.first else {
            throw DataError(file: folder, "holds no zone table (wards.geojson): the report is drawn from a reach run whose [outputs] formats include geojson")
        }
        return path(name)
    }

    /// The page, built from the folder's files.
    public func page() throws -> ReportPage {
        let table = try zoneTable()
        let schemaPath = path(StudyOutputs.schemaName)
        guard FileManager.default.fileExists(atPath: schemaPath) else {
            throw DataError(file: folder, "has no schema.json: give the output folder of reach run")
        }
        let schema = try PropertySchema.read(path: schemaPath)
        let title = (try? JSONSerialization.jsonObject(with: Data(FileBytes.read(path: schemaPath))) as? [String: Any])?["study"] as? String ?? folder
        let zones = try PropertyTable.read(path: table).features
        let equityPath = path(EquityStep.fileName)
        let equity = FileManager.default.fileExists(atPath: equityPath) ? try ReportPage.equityRows(try FileBytes.read(path: equityPath), file: equityPath) : []
        // The footer names the study file, as the run's own page does.
        let source = PropertySchema.studyFile(besides: table).map { ($0 as NSString).lastPathComponent } ?? folder
        return ReportPage(title: title, source: source, zones: zones, schema: schema, equity: equity)
    }

    /// Writes the page (atomically) and returns its path.
    @discardableResult
    public func run() throws -> String {
        let target = output ?? path(Self.fileName)
        let page = try page()
        try AtomicFile.checkWritable(target)
        try AtomicFile.write(try page.html(), to: target)
        return target
    }
}
