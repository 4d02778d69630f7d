import GeoPrimitives

/// What a stop serves, for the coverage indicators.
public enum StopKind: String, Sendable, CaseIterable, Comparable {
    case bus, rail, metro

    /// The property-name stem: `bus_stop`, `rail_station`, `metro_stop`.
    public var stem: String { self == .rail ? "rail_station" : "\(rawValue)_stop" }

    public static func < (a: StopKind, b: StopKind) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// One active public-transport stop, in the working CRS.
public struct TransitStop: Sendable, Equatable {
    /// Position in the working CRS (metres).
    public var xy: XY
    public var kind: StopKind
    /// ATCO code, OSM node id or the source's own id; may be empty.
    public var id: String
    public var name: String
    /// "file: line N" or "file: feature N".
    public var source: String

    public init(xy: XY, kind: StopKind, id: String, name: String, source: String) {
        self.xy = xy
        self.kind = kind
        self.id = id
        self.name = name
        self.source = source
    }
}

/// What a stop reader kept and left out, for the run summary.
public struct StopReadReport: Sendable, Equatable {
    public var file: String
    public var kept: [StopKind: Int] = [:]
    /// Inactive (or deleted, pending) stops skipped.
    public var inactive = 0
    /// Stops of kinds no indicator uses (taxi ranks, ferry berths...), by type.
    public var otherTypes: [String: Int] = [:]
    /// What the user should know about the file, each a whole sentence naming it: coordinate pairs that disagree,
    /// a NaPTAN file without `Status` (so inactive stops cannot be left out).
    public var warnings: [String] = []

    public init(file: String) { self.file = file }
}
