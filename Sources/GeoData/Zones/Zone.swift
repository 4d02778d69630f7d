import GeoPrimitives
import Projection

/// Where a zone came from: the file as named and the feature's 0-based index in it.
public struct FeatureSource: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var index: Int

    public init(file: String, index: Int) {
        self.file = file
        self.index = index
    }

    public var description: String { "\(file): feature \(index)" }
}

/// One zone (a ward, an LSOA, a hex cell...): its code, its properties as read, and its boundary in the
/// working CRS, valid and polygonal. A zone whose boundary could not be used keeps `geometry == nil` and says
/// why in `warnings`; it is never dropped.
public struct Zone: Sendable {
    /// The value of the layer's code field (e.g. `E05000819`), or "feature N" when there is none.
    public var code: String
    public var properties: JSONObject
    /// The boundary in the working CRS (metres), valid by GEOS, Polygon or MultiPolygon.
    public var geometry: Shape?
    /// Planar area in the working CRS, square metres; nil when there is no usable geometry.
    public var areaSquareMetres: Double?
    public var source: FeatureSource
    /// GEOS's reason the input boundary was invalid, when it was repaired.
    public var repairedReason: String?
    /// Why this zone's results may be missing or doubtful, for its `reach_warning`.
    public var warnings: [String]
    /// Set when the boundary lies wholly outside the working CRS's area of use; read by the whole-file check
    /// and by `reach validate`.
    public internal(set) var areaOfUseMiss: AreaOfUseMiss?

    public init(code: String, properties: JSONObject, geometry: Shape?, areaSquareMetres: Double?,
                source: FeatureSource, repairedReason: String? = nil, warnings: [String] = []) {
        self.code = code
        self.properties = properties
        self.geometry = geometry
        self.areaSquareMetres = areaSquareMetres
        self.source = source
        self.repairedReason = repairedReason
        self.warnings = warnings
    }
}

/// All zones of a study, in input order (files sorted by name, features in file order).
public struct ZoneLayer: Sendable {
    public var zones: [Zone]
    /// The CRS of every zone geometry (projected, metres).
    public var workingCRS: CRS
    /// The property that holds zone codes, if one was found or named.
    public var codeField: String?
    /// The files read, in order.
    public var files: [String]

    /// The envelope of every usable zone boundary (working CRS), nil when none has one.
    public var extent: Envelope? {
        var envelope: Envelope?
        for case let zoneEnvelope? in zones.lazy.map({ $0.geometry?.envelope }) {
            if envelope == nil { envelope = zoneEnvelope } else { envelope!.expand(toInclude: zoneEnvelope) }
        }
        return envelope
    }

    /// The zones' extent for checking a layer of services or stops (`PointPlacement`).
    public var nearExtent: PointPlacement.Extent? { extent.map { .near($0) } }

    public init(zones: [Zone], workingCRS: CRS, codeField: String?, files: [String]) {
        self.zones = zones
        self.workingCRS = workingCRS
        self.codeField = codeField
        self.files = files
    }

    public var repairedCount: Int { zones.count { $0.repairedReason != nil } }
    public var unusableCount: Int { zones.count { $0.geometry == nil } }
}

/// How a boundary missed the working CRS's area of use.
public enum AreaOfUseMiss: Sendable {
    /// Outside, and still outside with x and y exchanged.
    case outside
    /// Outside, but inside once x and y are exchanged: latitude/longitude swapped.
    case swapped
}
