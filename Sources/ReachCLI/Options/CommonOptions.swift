import ArgumentParser
import Projection

/// Flags every subcommand shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("working-crs"),
            help: ArgumentHelp("Projected CRS in metres for all metric work.", valueName: "CRS"))
    var workingCRS: String = "EPSG:27700"

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Exit with status 1 when any zone gets a reach_warning (after writing the output).")
    var strict = false

    var workingCRSValue: CRS { CRS(workingCRS) }

    /// A progress line on stderr, unless --quiet.
    func progress(_ message: String) {
        if !quiet { Terminal.info("reach: \(message)") }
    }
}

/// Flags for reading a zone layer (wards by default).
struct ZoneOptions: ParsableArguments {
    @Option(name: .customLong("wards"), parsing: .singleValue,
            help: ArgumentHelp("Zone boundaries: a GeoJSON file, or a folder of them (repeatable).", valueName: "PATH"))
    var zones: [String] = []

    @Option(name: .customLong("crs"),
            help: ArgumentHelp("CRS of the input coordinates, overriding the file's crs member (default: RFC 7946 WGS84 lon/lat).", valueName: "CRS"))
    var crs: String?

    @Option(name: .customLong("code-field"),
            help: ArgumentHelp("Property holding zone codes (default: detected, e.g. WD13CD, area_code).", valueName: "NAME"))
    var codeField: String?

    func validate() throws {
        if zones.isEmpty { throw ValidationError("give the zone boundaries with --wards FILE_OR_FOLDER") }
    }
}

/// Flags for reading services (points with a category).
struct ServiceOptions: ParsableArguments {
    @Option(name: .customLong("services"), parsing: .singleValue,
            help: ArgumentHelp("Services: CSV (easting/northing or lon/lat columns) or GeoJSON points (repeatable).", valueName: "FILE"))
    var services: [String] = []

    @Option(name: .customLong("category-field"),
            help: ArgumentHelp("Field naming each service's category (default: each file is one category named after it).", valueName: "NAME"))
    var categoryField: String?

    @Option(name: .customLong("services-crs"), help: ArgumentHelp("CRS of the service coordinates (default: from the columns or file).", valueName: "CRS"))
    var servicesCRS: String?

    func validate() throws {
        if services.isEmpty { throw ValidationError("give the services with --services FILE") }
    }
}

/// `--category NAME` (repeatable): keep only some service categories (`reach distance`, `reach pt`).
struct CategoryOptions: ParsableArguments {
    @Option(name: .customLong("category"), parsing: .singleValue,
            help: ArgumentHelp("Keep only this category (repeatable; it must have services).", valueName: "NAME"))
    var categories: [String] = []
}

/// `--walk-kmh`: walking speed on the road network (`reach distance`, `reach pt`, `reach isochrone`).
struct WalkSpeedOptions: ParsableArguments {
    @Option(name: .customLong("walk-kmh"), help: ArgumentHelp("Walking speed, km/h.", valueName: "KMH"))
    var walkKmh: Double = 4.8
}
