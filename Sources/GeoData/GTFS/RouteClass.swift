/// The kind of vehicle a GTFS route runs, from `route_type` (basic types 0–12 and the extended
/// Google/HVT types 100–1700).
public enum RouteClass: String, Sendable, CaseIterable, Comparable {
    case bus, rail, metro, ferry, other

    /// Bus: 3, 11 (trolleybus), 200–299 (coach: coaches call at bus stops), 700–799, 800. Rail: 2, 100–199.
    /// Metro, tram and light rail: 0, 1, 5, 7, 12, 400–499, 900–999. Ferry: 4, 1000–1299.
    public init(routeType: Int) {
        switch routeType {
        case 3, 11, 200...299, 700...799, 800: self = .bus
        case 2, 100...199: self = .rail
        case 0, 1, 5, 7, 12, 400...499, 900...999: self = .metro
        case 4, 1000...1299: self = .ferry
        default: self = .other
        }
    }

    public static func < (a: RouteClass, b: RouteClass) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
