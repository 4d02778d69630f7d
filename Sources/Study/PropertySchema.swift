import GeoData

/// What each output property means: unit, meaning and the step that made it, for the `schema.json` written beside
/// a study's outputs. Names follow fixed patterns (docs/road-network.md, docs/transit.md, docs/broadband.md,
/// docs/scoring.md), so the description is read back from the name.
public enum PropertySchema {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var unit: String?
        public var description: String
        public var source: String
    }

    static let modes = ["straight", "walk", "cycle", "car"]

    /// The entry of a property the steps of `reach` write; nil for one they do not (an input or joined column).
    /// `domains` are the study's score domains (`{domain}_score`...).
    public static func describe(_ name: String, domains: [String] = []) -> Entry? {
        func entry(_ unit: String?, _ description: String, _ source: String) -> Entry {
            Entry(name: name, unit: unit, description: description, source: source)
        }
        if let known = fixed[name] { return entry(known.0, known.1, known.2) }
        if name.hasPrefix("broadband_"), name.hasSuffix("_pct") {
            let measure = String(name.dropFirst("broadband_".count).dropLast("_pct".count))
            if let m = BroadbandMeasure(rawValue: measure) {
                return entry("%", "premises-weighted share of premises that are \(m == .belowUSO ? "" : "able to get ")\(m.meaning)", "reach broadband (Ofcom Connected Nations)")
            }
        }
        // Public transport: {category}_pt_...
        if let range = name.range(of: "_pt_") {
            let category = String(name[..<range.lowerBound]), rest = String(name[range.upperBound...])
            let source = "reach pt"
            let what = "door-to-door time to the nearest \(category) by public transport and walking"
            switch rest {
            case "mean": return entry("min", "population-weighted mean over the ward's origins of the median over the departure window of the \(what)", source)
            case "p25_mean": return entry("min", "population-weighted mean of each origin's 25th percentile over the window of the \(what)", source)
            case "p75_mean": return entry("min", "population-weighted mean of each origin's 75th percentile over the window of the \(what)", source)
            case "unreachable": return entry("origins", "origins whose median \(what) is over the maximum trip", source)
            default:
                if rest.hasPrefix("within_"), rest.hasSuffix("_pct") {
                    let t = rest.dropFirst("within_".count).dropLast("_pct".count)
                    return entry("%", "share of the ward's origin weight whose median \(what) is within \(t) min", source)
                }
                if rest.hasPrefix("count_within_") {
                    return entry("services", "\(category) services within \(rest.dropFirst("count_within_".count)) min (median over the window) by public transport and walking of the ward's typical origin (up to 10)", source)
                }
            }
        }
        // Distance and travel time: {category}_{mode}_...
        for mode in modes {
            guard let range = name.range(of: "_\(mode)_") else { continue }
            let category = String(name[..<range.lowerBound])
            let rest = String(name[range.upperBound...])
            let unit = mode == "straight" ? "m" : "min"
            let what = mode == "straight" ? "straight-line distance" : "\(mode) time over the road network"
            let source = "reach distance"
            if rest == "mean" { return entry(unit, "population-weighted mean over the ward's origins of the \(what) to the nearest \(category)", source) }
            if rest == "max" { return entry(unit, "largest \(what) to the nearest \(category) from any of the ward's origins", source) }
            if rest == "unreachable" { return entry("origins", "origins that cannot reach a \(category) by \(mode)", source) }
            if rest.hasPrefix("within_"), rest.hasSuffix("_pct") {
                let t = rest.dropFirst("within_".count).dropLast("_pct".count)
                return entry("%", "share of the ward's origin weight within \(t) \(unit) of a \(category)", source)
            }
            if rest.hasPrefix("count_within_") {
                return entry("services", "\(category) services within \(rest.dropFirst("count_within_".count)) \(unit) of the ward's typical origin (up to 10)", source)
            }
            if rest.hasPrefix("opportunities_within_") {
                return entry("services", "population-weighted mean number of \(category) services within \(rest.dropFirst("opportunities_within_".count).dropLast("_mean".count)) \(unit)", source)
            }
            if rest.hasPrefix("gravity_beta_") {
                return entry(nil, "population-weighted mean gravity access to \(category), Σ exp(−β × \(unit))", source)
            }
        }
        // Stops and departures.
        for kind in ["bus_stop", "rail_station", "metro_stop"] where name.hasPrefix(kind + "_") {
            let rest = name.dropFirst(kind.count + 1)
            let label = kind.replacingOccurrences(of: "_", with: " ")
            if rest == "count" { return entry("stops", "active \(label)s inside the ward", "reach coverage") }
            if rest.hasPrefix("area_pct") { return entry("%", "share of the ward's area within the catchment of a \(label) (straight line)", "reach coverage") }
            if rest.hasPrefix("pop_pct") {
                // bus_stop_pop_pct is within the study's catchment radius; rail_station_pop_pct_800m within a band.
                let band = rest.dropFirst("pop_pct".count).replacingOccurrences(of: "_", with: "")
                let within = band.isEmpty ? "the catchment radius (bus_radius / rail_radius)" : band
                return entry("%", "share of the ward's origin weight within \(within) of a \(label)", "reach coverage")
            }
            if rest == "distance_mean_m" { return entry("m", "population-weighted mean straight-line distance to the nearest \(label)", "reach coverage") }
        }
        for routeClass in ["bus", "rail", "metro"] where name.hasPrefix(routeClass + "_") {
            let rest = name.dropFirst(routeClass.count + 1)
            if rest.hasPrefix("departures_per_hour") { return entry("departures/hour", "population-weighted mean of distinct \(routeClass) trips an hour leaving stops near each origin (GTFS, service date and window)", "reach coverage") }
            if rest.hasPrefix("frequent_pop_pct") { return entry("%", "share of the ward's origin weight near a stop with frequent \(routeClass) departures", "reach coverage") }
            if rest.hasPrefix("departures_change_pct") { return entry("%", "change in \(routeClass) departures an hour since the earlier feed", "reach coverage") }
        }
        // Scores of the study's domains.
        for domain in domains {
            if name == "\(domain)_score_exp" { return entry(nil, "\(domain) domain score after the exponential transform (0–100)", "reach score") }
            if name == "\(domain)_score" { return entry(nil, "\(domain) domain score (weighted sum of normalised indicators; higher = less connected)", "reach score") }
            if name == "\(domain)_rank" { return entry("rank", "rank of the \(domain) domain score (1 = least connected)", "reach score") }
        }
        return nil
    }

    static let fixed: [String: (String?, String, String)] = [
        "area_km2": ("km²", "planar area of the ward in the working CRS", "reach wards"),
        "reach_warning": (nil, "what reach could not do for this ward, and why (null when all is well)", "reach"),
        "origins_count": ("origins", "origins (weighted points) placed in the ward", "reach distance / coverage"),
        "origins_weight": (nil, "total weight (population) of the ward's origins", "reach distance / coverage"),
        "origins_unreachable": ("origins", "origins that reach no service by some network mode", "reach distance"),
        "pt_origins_unserved": ("origins", "origins with no stop that has a departure in the window within the maximum walk (their public-transport times are walking only)", "reach pt"),
        "broadband_records": ("records", "Ofcom records (postcodes or output areas) placed in the ward", "reach broadband"),
        "broadband_premises": ("premises", "premises of those records (null when the files have no premises counts)", "reach broadband"),
        "broadband_median_down_mbps": ("Mbit/s", "premises-weighted median of the records' median download speeds", "reach broadband"),
        "broadband_speed_records": ("records", "records with a median download speed", "reach broadband"),
        "broadband_unmatched_records": ("records", "records that could not be placed whose postcode sector lies wholly in the ward", "reach broadband"),
        "connectivity_score": (nil, "composite score (higher = less connected)", "reach score"),
        "connectivity_rank": ("rank", "rank of the score, 1 = least connected", "reach score"),
        "connectivity_decile": ("decile", "decile of the rank, 1 = least connected tenth", "reach score"),
        "connectivity_rank_p05": ("rank", "5th percentile of the rank over Monte Carlo weight draws", "reach score"),
        "connectivity_rank_p95": ("rank", "95th percentile of the rank over Monte Carlo weight draws", "reach score"),
        "connectivity_rank_loo_min": ("rank", "best rank with one indicator left out", "reach score"),
        "connectivity_rank_loo_max": ("rank", "worst rank with one indicator left out", "reach score"),
        "score_missing": (nil, "indicators missing for this ward and how the score dealt with them", "reach score"),
    ]

    /// The schema document: every column of `rows` in order, described; `origins` names where a column that no
    /// step writes came from (the ward file, a joined CSV).
    public static func document(study: String, columns: [String], origins: [String: String], domains: [String] = []) -> JSONValue {
        var properties: [JSONValue] = []
        for column in columns {
            var object = JSONObject()
            object["name"] = .string(column)
            if let entry = describe(column, domains: domains) {
                object["unit"] = entry.unit.map { .string($0) } ?? .null
                object["description"] = .string(entry.description)
                object["source"] = .string(entry.source)
            } else {
                object["unit"] = .null
                object["description"] = .string("passed through unchanged")
                object["source"] = .string(origins[column] ?? "input")
            }
            properties.append(.object(object))
        }
        var root = JSONObject()
        root["study"] = .string(study)
        root["crs"] = .string("OGC:CRS84 (RFC 7946 longitude/latitude); measures computed in the study's working CRS")
        root["properties"] = .array(properties)
        return .object(root)
    }
}
