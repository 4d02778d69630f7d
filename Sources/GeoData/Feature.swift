import GeoPrimitives
import Projection

/// One feature as read or to be written: ordered properties and a geometry as plain coordinates.
public struct Feature: Sendable, Equatable {
    public var properties: JSONObject
    /// The geometry, or nil when the feature has none (`"geometry": null`) or it could not be read.
    public var geometry: Shape?
    /// The feature's `id` member, if any.
    public var id: JSONValue?
    /// Why the geometry could not be read (bad nesting, too few numbers in a position), if it could not.
    public var geometryProblem: String?

    public init(properties: JSONObject = JSONObject(), geometry: Shape?, id: JSONValue? = nil, geometryProblem: String? = nil) {
        self.properties = properties
        self.geometry = geometry
        self.id = id
        self.geometryProblem = geometryProblem
    }
}

/// The features of one file and the CRS its coordinates are in.
public struct FeatureCollection: Sendable {
    public var features: [Feature]
    /// The CRS a legacy top-level `crs` member declares, or nil when there is none (RFC 7946: WGS84 lon/lat).
    public var declaredCRS: CRS?
    /// Where it was read from, as the user named it.
    public var source: String

    public init(features: [Feature], declaredCRS: CRS? = nil, source: String) {
        self.features = features
        self.declaredCRS = declaredCRS
        self.source = source
    }

    /// The CRS of the coordinates: an explicit override, else the declared one, else WGS84 lon/lat.
    public func crs(override: CRS? = nil) -> CRS {
        override ?? declaredCRS ?? .wgs84
    }
}
