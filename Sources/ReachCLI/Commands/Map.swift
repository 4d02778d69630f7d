import ArgumentParser
import Foundation
import Projection
import Study

/// `reach map`: the self-contained HTML map of a ward table.
struct Map: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw the wards as a self-contained HTML map coloured by decile of a property.",
        discussion: """
        Reads a ward table with boundaries (the GeoJSON of reach run, coverage, distance or score) and writes one \
        HTML file with nothing to fetch from the network: it works offline and can be emailed. The wards are SVG \
        paths in British National Grid (--crs), simplified for drawing to about a pixel at full size (--simplify, \
        metres); the figures themselves are not changed. Wards are coloured by decile of the chosen property \
        (viridis: dark = lowest tenth of wards, yellow = highest; readable with colour-blindness and in \
        greyscale). The page has a selector for any numeric property, the legend with each decile's range, the \
        ward's name, the property and its key figures (score, rank, decile, domain scores, reach_warning) on \
        hover, zoom and pan, a scale bar, and the gaps of reach gaps as a hatched layer (--gaps).

        reach run writes the same map as map.html when the study's [outputs] has map = true (the default).

        Exit codes: 0 success; 1 bad input (the message names the file and property); 2 wrong usage.

        Examples:
          reach map --in out/trafford/wards.geojson --out out/trafford/map.html
          reach map --in out/scored.geojson --property bus_stop_pop_pct_400m --gaps out/gaps.geojson --out gaps.html
        """
    )

    @Option(name: .customLong("in"), help: ArgumentHelp("Ward table with boundaries: GeoJSON (RFC 7946, or with a crs member).", valueName: "FILE"))
    var input: String

    @Option(name: .customLong("out"), help: ArgumentHelp("The HTML file to write.", valueName: "FILE.html"))
    var output: String

    @Option(help: ArgumentHelp("Property to colour by first (default: connectivity_score when present, else the first computed figure).", valueName: "NAME"))
    var property: String?

    @Option(help: ArgumentHelp("Gaps to draw over the wards: the GeoJSON of reach gaps.", valueName: "FILE"))
    var gaps: String?

    @Option(help: ArgumentHelp("Page title (default: the input file's name).", valueName: "TEXT"))
    var title: String?

    @Option(name: .customLong("code-field"), help: ArgumentHelp("Property holding ward codes (default: detected, e.g. WD13CD, area_code).", valueName: "NAME"))
    var codeField: String?

    @Option(name: .customLong("name-field"), help: ArgumentHelp("Property holding ward names (default: detected, e.g. WD13NM, area_name, name).", valueName: "NAME"))
    var nameField: String?

    @Option(help: ArgumentHelp("Projected CRS (metres) to draw in.", valueName: "CRS"))
    var crs: String = "EPSG:27700"

    @Option(help: ArgumentHelp("Simplify boundaries for drawing to this tolerance in metres; 0 keeps every vertex (default: the map's larger extent / 3000, about a pixel).", valueName: "METRES"))
    var simplify: Double?

    @Option(help: ArgumentHelp("A study file, so its score domains' {domain}_score columns are described and shown on hover.", valueName: "FILE"))
    var study: String?

    @Option(help: ArgumentHelp("The schema.json that describes the table's columns, for units and which are computed (default: the schema.json beside --in, if any).", valueName: "FILE"))
    var schema: String?

    @Option(help: ArgumentHelp("Data credit printed under the map, e.g. \"Contains OS data © Crown copyright\".", valueName: "TEXT"))
    var attribution: String?

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if let simplify, !(simplify >= 0 && simplify.isFinite) { throw ValidationError("--simplify must be a number of metres ≥ 0") }
        if !output.lowercased().hasSuffix(".html") && !output.lowercased().hasSuffix(".htm") {
            throw ValidationError("--out must name an .html file")
        }
    }

    func run() throws {
        var options = WardMap.Options(title: title ?? ((input as NSString).lastPathComponent as NSString).deletingPathExtension,
                                      source: (input as NSString).lastPathComponent)
        options.property = property
        options.codeField = codeField
        options.nameField = nameField
        options.crs = CRS(crs)
        options.simplifyMetres = simplify
        options.attribution = attribution
        var job = MapJob(input: input, output: output, gaps: gaps, study: study, options: options)
        job.schema = schema
        let report = try job.run()
        if !quiet {
            for line in report.notDrawn.prefix(10) { Terminal.error("warning: not drawn: \(line)") }
            if report.notDrawn.count > 10 { Terminal.error("warning: \(report.notDrawn.count - 10) more wards not drawn") }
            Terminal.info("reach: map of \(Terminal.count(report.drawn)) of \(Terminal.count(report.wards)) wards\(report.gaps > 0 ? " and \(report.gaps) gaps" : ""), \(report.properties) properties, coloured by \(report.property); boundaries simplified to \(Terminal.number(report.simplifyMetres)) m (\(Terminal.count(report.verticesIn)) → \(Terminal.count(report.verticesDrawn)) vertices); wrote \(output) (\(Terminal.megabytes(report.bytes)))")
        }
    }
}
