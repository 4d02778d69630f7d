import GeoData

/// The zones and the origins a per-zone job starts from (distance, coverage, gaps): where to read them and how,
/// and the two loads (origins are placed in the zones just read); `StudyContext.load` does both.
public struct ZoneOriginInputs: Sendable {
    /// Zone boundary files or folders.
    public var zones: [String]
    public var zoneOptions: ZoneLoadOptions
    /// Origins (weighted points or polygons); nil stands every zone's point-on-surface in for its people.
    public var origins: String?
    public var originOptions: PointLoadOptions
    public var weightField: String?
    /// Further numeric fields of the origins to keep (`OriginSet.fields`): demand weights per category.
    public var keeping: [String] = []

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
}
