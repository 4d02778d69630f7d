import Accessibility
import ArgumentParser
import Foundation
import Study

/// `reach network`: what the road network of an OSM extract looks like to each mode.
struct Network: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read an OpenStreetMap extract and summarise the road graph of each mode.",
        discussion: """
        Builds the walk, cycle and car graphs as `reach distance` does (docs/road-network.md) and prints nodes, \
        segments, length and connected components per mode. --out-edges writes every segment as GeoJSON \
        (mode, OSM node ids, length_m, forward_s, backward_s; null where a direction is closed) for QGIS.

        \(HelpText.exitCodes)

        Example:
          reach network --osm ../shared/data/osm/rutland-2022-07-20.osm.pbf --modes walk --out-edges out/walk.geojson
        """
    )

    @Option(help: ArgumentHelp("OpenStreetMap extract (.osm.pbf).", valueName: "FILE"))
    var osm: String

    @Option(help: ArgumentHelp("Comma-separated: walk, cycle, car.", valueName: "LIST"))
    var modes: String = "walk,cycle,car"

    @Option(name: .customLong("out-edges"), help: ArgumentHelp("Write the segments as GeoJSON.", valueName: "FILE"))
    var edgesOutput: String?

    @OptionGroup var common: CommonOptions

    func parsedModes() throws -> [TravelMode] {
        let parsed = try modes.split(separator: ",").map { name -> TravelMode in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let mode = TravelMode(rawValue: trimmed) else { throw ValidationError("--modes: unknown mode '\(trimmed)' (walk, cycle, car)") }
            return mode
        }
        guard !parsed.isEmpty else { throw ValidationError("--modes: give at least one of walk, cycle, car") }
        return Array(Set(parsed)).sorted()
    }

    func validate() throws { _ = try parsedModes() }

    func run() throws {
        let job = NetworkJob(osm: osm, modes: try parsedModes(), workingCRS: common.workingCRSValue, edgesOutput: edgesOutput)
        let common = self.common
        let report = try job.run { common.progress($0) }
        if !common.quiet {
            let summary = report.network
            Terminal.info("reach: \(osm): \(Terminal.count(report.nodesInFile)) nodes, \(Terminal.count(report.waysInFile)) ways, \(Terminal.count(report.highwayWays)) with highway=*; kept \(Terminal.count(summary.waysKept)), ignored \(Terminal.count(summary.waysIgnored)), \(Terminal.count(summary.waysWithoutNodes)) without nodes in the extract, \(Terminal.count(summary.waysSplitAtMissingNodes)) split at missing nodes")
            for mode in report.modes {
                let largest = mode.componentSizes.first ?? 0
                let share = mode.nodes > 0 ? Double(largest) / Double(mode.nodes) * 100 : 0
                Terminal.info("reach:   \(mode.mode.rawValue): \(Terminal.count(mode.nodes)) nodes, \(Terminal.count(mode.segments)) segments (\(Terminal.count(mode.directedEdges)) directed edges), \(String(format: "%.1f", mode.lengthKilometres)) km; \(Terminal.count(mode.componentSizes.count)) components, the largest \(String(format: "%.1f", share))% of nodes")
            }
            if let edgesOutput { Terminal.info("reach: wrote \(edgesOutput)") }
            Terminal.info("reach: timings: " + report.timings.map { "\($0.step) \(Terminal.seconds($0.seconds))" }.joined(separator: ", "))
        }
    }
}
