import ArgumentParser

/// Flags naming the coordinate columns of CSV services and origins.
struct PointFieldOptions: ParsableArguments {
    @Option(name: .customLong("x-field"), help: ArgumentHelp("CSV column of x (easting or longitude) for services and origins.", valueName: "NAME"))
    var xField: String?

    @Option(name: .customLong("y-field"), help: ArgumentHelp("CSV column of y (northing or latitude) for services and origins.", valueName: "NAME"))
    var yField: String?

    func validate() throws {
        if (xField == nil) != (yField == nil) { throw ValidationError("give both --x-field and --y-field, or neither") }
    }
}

/// Flags for snapping points onto a road network.
struct SnapOptions: ParsableArguments {
    @Option(name: .customLong("max-snap-metres"), help: ArgumentHelp("Points further than this from a usable road are unsnapped.", valueName: "METRES"))
    var maxSnapMetres: Double = 500

    @Option(name: .customLong("min-island-nodes"), help: ArgumentHelp("Do not snap onto road islands (pieces of a mode's network not joined to the rest) of fewer nodes than this; 0 snaps to any road.", valueName: "N"))
    var minIslandNodes: Int = 40

    func validate() throws {
        guard minIslandNodes >= 0 else { throw ValidationError("--min-island-nodes must be 0 or more") }
        guard maxSnapMetres > 0, maxSnapMetres.isFinite else { throw ValidationError("--max-snap-metres must be a positive number") }
    }
}
