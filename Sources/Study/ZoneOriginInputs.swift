import GeoData

/// The zones and the origins a per-zone job starts from (distance, coverage, gaps): where to read them and how,
/// and the two loads, in the order every job does them (origins are placed in the zones just read).
public struct ZoneOriginInputs: Sendable {
    /// Zone boundary files or folders.
    public var zones: [String]
    public var zoneOptions: ZoneLoadOptions
    /// Origins (weighted points or polygons); nil stands every zone's point-on-surface in for its people.
    public var origins: String?
    public var originOptions: PointLoadOptions
    public var weightField: String?

    public init(zones: [String], zoneOptions: ZoneLoadOptions = ZoneLoadOptions(), origins: String? = nil,
                originOptions: PointLoadOptions = PointLoadOptions(), weightField: String? = nil) {
        self.zones = zones
        self.zoneOptions = zoneOptions
        self.origins = origins
        self.originOptions = originOptions
        self.weightField = weightField
    }

    public func loadZones(progress: @Sendable (String) -> Void) throws -> ZoneLayer {
        try ZoneLoader.load(paths: zones, options: zoneOptions, progress: progress)
    }

    public func loadOrigins(in layer: ZoneLayer, progress: @Sendable (String) -> Void) throws -> OriginSet {
        try OriginSet.load(path: origins, options: originOptions, weightField: weightField, layer: layer, progress: progress)
    }

    /// Reads the zones and places the origins in them, timing each ("read zones", "read and place origins").
    public func load(progress: @Sendable (String) -> Void, timings: inout [(step: String, seconds: Double)]) throws -> (layer: ZoneLayer, origins: OriginSet) {
        var clock = StepClock()
        let layer = try loadZones(progress: progress)
        clock.lap("read zones", into: &timings)
        let originSet = try loadOrigins(in: layer, progress: progress)
        clock.lap("read and place origins", into: &timings)
        return (layer, originSet)
    }
}
