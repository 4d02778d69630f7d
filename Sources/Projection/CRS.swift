import CProj
import GeoPrimitives

/// A coordinate reference system named the way PROJ understands it: `EPSG:27700`, `OGC:CRS84`,
/// `urn:ogc:def:crs:EPSG::27700`, WKT or PROJJSON. A plain value; PROJ objects are made from it when needed.
public struct CRS: Hashable, Sendable, CustomStringConvertible {
    public let definition: String

    public init(_ definition: String) {
        self.definition = definition.trimmingWhitespace()
    }

    /// British National Grid (OSGB36 / Transverse Mercator), metres: the default working CRS.
    public static let britishNationalGrid = CRS("EPSG:27700")
    /// WGS84 longitude/latitude in degrees, longitude first: RFC 7946 GeoJSON's only CRS.
    public static let wgs84 = CRS("OGC:CRS84")

    public var description: String {
        definition.count > 60 ? String(definition.prefix(57)) + "..." : definition
    }

    /// Asks PROJ what this CRS is; throws `ProjectionError.unknownCRS` when PROJ does not know it.
    public func resolve() throws -> CRSInfo {
        let context = ProjContext()
        let object = try context.createCRS(self)
        return CRSInfo(object: object, crs: self)
    }
}

/// Facts PROJ knows about a CRS: its name, whether it is geographic, its unit and area of use.
public struct CRSInfo: Sendable, Equatable {
    public let crs: CRS
    /// PROJ's name for it, e.g. "OSGB36 / British National Grid".
    public let name: String
    /// `AUTHORITY:CODE` when the CRS has one, e.g. "EPSG:27700".
    public let identifier: String?
    /// Degrees of longitude/latitude rather than a projected plane.
    public let isGeographic: Bool
    /// Metres per unit of the first axis (1 for metres), or nil when PROJ does not say.
    public let metresPerUnit: Double?
    /// Where the CRS is meant to be used, in WGS84 degrees, or nil when PROJ has no area of use.
    public let areaOfUse: AreaOfUse?
    /// The CRS as OGC WKT 1 in GDAL's dialect (what a GeoPackage's `gpkg_spatial_ref_sys.definition` holds), or
    /// nil when PROJ cannot write it so.
    public let wkt1: String?

    init(object: ProjObject, crs: CRS) {
        let context = object.context.handle
        let pj = object.handle
        self.crs = crs
        name = proj_get_name(pj).map { String(cString: $0) } ?? crs.definition
        if let authority = proj_get_id_auth_name(pj, 0), let code = proj_get_id_code(pj, 0) {
            identifier = "\(String(cString: authority)):\(String(cString: code))"
        } else {
            identifier = nil
        }
        let type = proj_get_type(pj)
        isGeographic = type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS || type == PJ_TYPE_GEOGRAPHIC_CRS
        var unit: Double?
        if let cs = proj_crs_get_coordinate_system(context, pj) {
            var factor = 0.0
            // proj_cs_get_axis_info returns 1 on success.
            if proj_cs_get_axis_info(context, cs, 0, nil, nil, nil, &factor, nil, nil, nil) == 1, !isGeographic {
                unit = factor
            }
            proj_destroy(cs)
        }
        metresPerUnit = unit
        // proj_as_wkt returns nil when the object cannot be written in that dialect.
        wkt1 = proj_as_wkt(context, pj, PJ_WKT1_GDAL, nil).map { String(cString: $0) }
        var west = 0.0, south = 0.0, east = 0.0, north = 0.0
        // proj_get_area_of_use returns 1 when an area is known; -1000 marks an unknown bound.
        if proj_get_area_of_use(context, pj, &west, &south, &east, &north, nil) == 1, west > -1000 {
            areaOfUse = AreaOfUse(west: west, south: south, east: east, north: north)
        } else {
            areaOfUse = nil
        }
    }
}

/// A CRS's area of use in WGS84 degrees. `west > east` when it crosses the antimeridian.
public struct AreaOfUse: Sendable, Equatable, CustomStringConvertible {
    public let west: Double
    public let south: Double
    public let east: Double
    public let north: Double

    public init(west: Double, south: Double, east: Double, north: Double) {
        self.west = west
        self.south = south
        self.east = east
        self.north = north
    }

    /// The area as an envelope of lon/lat (for areas not crossing the antimeridian).
    public var envelope: Envelope {
        west <= east
            ? Envelope(minX: west, minY: south, maxX: east, maxY: north)
            : Envelope(minX: -180, minY: south, maxX: 180, maxY: north)
    }

    /// Whether a lon/lat envelope touches this area, allowing `marginDegrees` of slack on every side.
    public func intersects(_ lonLat: Envelope, marginDegrees: Double = 0) -> Bool {
        envelope.expanded(by: marginDegrees).intersects(lonLat)
    }

    public var description: String {
        "lon \(west)…\(east), lat \(south)…\(north)"
    }
}

extension ProjContext {
    /// `proj_create` for a CRS, rejecting definitions that are not CRSs.
    func createCRS(_ crs: CRS) throws -> ProjObject {
        let handle = try create({ proj_create($0, crs.definition) }) {
            .unknownCRS(definition: crs.definition, message: $0)
        }
        let object = ProjObject(context: self, handle: handle)
        guard proj_is_crs(handle) != 0 else {
            let kind = proj_get_type(handle)
            throw ProjectionError.notACRS(definition: crs.definition, kind: kind == PJ_TYPE_UNKNOWN ? "non-CRS object" : "coordinate operation or datum")
        }
        return object
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
