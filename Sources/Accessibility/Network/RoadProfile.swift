import GeoData

/// A way of travelling over the road network.
public enum TravelMode: String, Sendable, CaseIterable, Hashable, Comparable {
    case walk, cycle, car

    /// Whether `oneway` tags bind this mode (walkers may go either way).
    public var honoursOneway: Bool { self != .walk }

    public static func < (a: TravelMode, b: TravelMode) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What a way allows one mode: which directions, and at what speed.
public struct WayPermission: Sendable, Equatable {
    /// Travel from the way's first node towards its last.
    public var forward: Bool
    /// Travel from the way's last node towards its first.
    public var backward: Bool
    /// Speed on this way for this mode, km/h.
    public var speedKmh: Double
}

/// The rules of docs/road-network.md: which `highway` classes each mode may use, how access and oneway tags
/// change that, and the speeds. Speeds are overridable; the rules are not.
public struct RoadProfile: Sendable, Equatable {
    /// Walking speed, km/h (4.8 by default, as the DfT Journey Time Statistics use).
    public var walkKmh: Double
    /// Cycling speed, km/h (16 by default, as the DfT Journey Time Statistics use).
    public var cycleKmh: Double
    /// Car speed per `highway` class when `maxspeed` is absent or does not parse, km/h.
    public var carKmhByClass: [String: Double]

    public static let defaultCarKmh: [String: Double] = [
        "motorway": 112, "motorway_link": 64, "trunk": 96, "trunk_link": 56, "primary": 80, "primary_link": 48,
        "secondary": 64, "secondary_link": 48, "tertiary": 48, "tertiary_link": 40, "unclassified": 40,
        "residential": 32, "living_street": 16, "service": 16, "road": 32,
    ]

    /// Car speed on a class that has no car default but that a tag opens (a byway open to all traffic), when it
    /// has no `maxspeed`: as slow as the slowest car classes (service, living_street).
    public static let openedClassCarKmh = 16.0

    /// Highway classes open to walkers by default.
    static let walkClasses: Set<String> = [
        "trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link",
        "unclassified", "residential", "living_street", "service", "road", "track", "pedestrian", "footway", "steps",
        "path", "cycleway", "bridleway",
    ]
    /// Highway classes open to cyclists by default.
    static let cycleClasses: Set<String> = [
        "trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link",
        "unclassified", "residential", "living_street", "service", "road", "track", "path", "cycleway", "bridleway",
    ]
    /// Every class the network keeps; a way of any other class is ignored.
    public static let highwayClasses: Set<String> = walkClasses.union(["motorway", "motorway_link"])

    static let closing: Set<String> = ["no", "private", "agricultural", "forestry", "delivery", "military"]
    static let opening: Set<String> = ["yes", "designated", "permissive", "destination", "customers"]

    public init(walkKmh: Double = 4.8, cycleKmh: Double = 16, carKmhByClass: [String: Double] = RoadProfile.defaultCarKmh) {
        self.walkKmh = walkKmh
        self.cycleKmh = cycleKmh
        self.carKmhByClass = carKmhByClass
    }

    /// What the way allows `mode`, or nil when it is closed to it (or not a road the network keeps).
    public func permission(_ tags: OSMTags, mode: TravelMode) -> WayPermission? {
        guard let highway = tags["highway"], Self.highwayClasses.contains(highway) else { return nil }
        if tags["area"] == "yes" { return nil }
        let isMotorway = highway == "motorway" || highway == "motorway_link"
        let open: Bool
        switch mode {
        case .walk:
            if isMotorway { return nil }
            open = access(tags, keys: ["foot", "access"], default: Self.walkClasses.contains(highway), extraClosing: [])
        case .cycle:
            if isMotorway { return nil }
            open = access(tags, keys: ["bicycle", "vehicle", "access"], default: Self.cycleClasses.contains(highway), extraClosing: ["dismount"])
        case .car:
            // Classes without a car speed (track, path, footway...) are closed unless a vehicle tag opens them,
            // as for a byway open to all traffic (`vehicle=designated`); plain `access=permissive` on a footway
            // means walkers, not cars.
            let hasCarSpeed = carKmhByClass[highway] != nil
            open = access(tags, keys: hasCarSpeed ? ["motorcar", "motor_vehicle", "vehicle", "access"] : ["motorcar", "motor_vehicle", "vehicle"],
                          default: hasCarSpeed, extraClosing: [])
        }
        guard open else { return nil }
        let speed: Double
        switch mode {
        case .walk: speed = walkKmh
        case .cycle: speed = cycleKmh
        case .car: speed = Self.parseMaxspeed(tags["maxspeed"]) ?? carKmhByClass[highway] ?? Self.openedClassCarKmh
        }
        guard mode.honoursOneway else { return WayPermission(forward: true, backward: true, speedKmh: speed) }
        var forward = true, backward = true
        switch tags["oneway"] {
        case "yes", "true", "1": backward = false
        case "-1", "reverse": forward = false
        case "reversible", "alternating": return nil
        case "no", "false", "0": break
        default:
            if isMotorway || tags["junction"] == "roundabout" || tags["junction"] == "circular" { backward = false }
        }
        if mode == .cycle, !(forward && backward) {
            let contraflow = tags["oneway:bicycle"] == "no"
                || ["opposite", "opposite_lane", "opposite_track"].contains(tags["cycleway"] ?? "")
            if contraflow { forward = true; backward = true }
        }
        return WayPermission(forward: forward, backward: backward, speedKmh: speed)
    }

    /// The first access tag present decides: a closing value shuts, an opening value opens, anything else
    /// leaves the class default.
    private func access(_ tags: OSMTags, keys: [String], default open: Bool, extraClosing: Set<String>) -> Bool {
        for key in keys {
            guard let value = tags[key] else { continue }
            if Self.closing.contains(value) || extraClosing.contains(value) { return false }
            if Self.opening.contains(value) { return true }
            return open
        }
        return open
    }

    /// `maxspeed` in km/h: a number (km/h), `N mph`, `N km/h`, the UK national limits (`GB:nsl_single` 60 mph,
    /// `GB:nsl_dual` and `GB:motorway` 70 mph), `GB:zone20`, `walk`; nil for anything else (`none`, `signals`).
    public static func parseMaxspeed(_ value: String?) -> Double? {
        guard var text = value?.split(separator: ";").first.map(String.init) else { return nil }
        text = text.trimmingCharacters(in: " ")
        let mph = 1.609344
        switch text.uppercased().replacingOccurrences(of: "UK:", with: "GB:") {
        case "GB:NSL_SINGLE": return 60 * mph
        case "GB:NSL_DUAL", "GB:MOTORWAY": return 70 * mph
        case "GB:ZONE20": return 20 * mph
        case "WALK": return 5
        default: break
        }
        let lower = text.lowercased()
        for (suffix, factor) in [("mph", mph), ("km/h", 1.0), ("kmh", 1.0), ("kph", 1.0)] where lower.hasSuffix(suffix) {
            let number = lower.dropLast(suffix.count).trimmingCharacters(in: " ")
            return Double(number).flatMap { $0 > 0 && $0.isFinite ? $0 * factor : nil }
        }
        return Double(lower).flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
    }
}

private extension String {
    func trimmingCharacters(in set: Character) -> String {
        var slice = Substring(self)
        while slice.first == set { slice.removeFirst() }
        while slice.last == set { slice.removeLast() }
        return String(slice)
    }
}

private extension Substring {
    func trimmingCharacters(in set: Character) -> String { String(self).trimmingCharacters(in: set) }
}
