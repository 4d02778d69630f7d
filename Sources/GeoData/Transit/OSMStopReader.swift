import GeoPrimitives
import Projection

/// Reads public-transport stops from an OpenStreetMap PBF extract (nodes only; see docs/transit.md).
///
/// `highway=bus_stop`, or `public_transport=platform` + `bus=yes` → bus; `railway=station|halt` → rail, unless
/// `station=subway|light_rail` → metro; `railway=tram_stop` → metro. Disused or abandoned stops
/// (`disused:*`, `abandoned:*` keys carry them, not these tags) are not matched.
public enum OSMStopReader {
    /// The kind a node's tags make it, or nil.
    public static func kind(of tags: OSMTags) -> StopKind? {
        if tags["highway"] == "bus_stop" { return .bus }
        if tags["public_transport"] == "platform", tags["bus"] == "yes" { return .bus }
        switch tags["railway"] {
        case "station", "halt":
            if let station = tags["station"], station == "subway" || station == "light_rail" { return .metro }
            return .rail
        case "tram_stop": return .metro
        default: return nil
        }
    }

    /// The stops, what was kept, how many platform ways were left out, and the extract's bounding box (WGS84
    /// lon/lat, from its header, else the extent of its nodes) so that zones beyond it can be warned about.
    public static func read(path: String, workingCRS: CRS = .britishNationalGrid) throws -> (stops: [TransitStop], report: StopReadReport, platformWays: Int, bounds: Envelope?) {
        let extract = try PBFReader.read(path: path, filter: OSMFilter(wayKeys: ["public_transport", "railway"],
                                                                       nodeKeys: ["highway", "railway", "public_transport"]))
        var report = StopReadReport(file: path)
        var stops: [TransitStop] = []
        for node in extract.taggedNodes {
            guard let kind = kind(of: node.tags) else { continue }
            stops.append(TransitStop(xy: node.lonLat, kind: kind, id: "node/\(node.id)", name: node.tags["name"] ?? "",
                                     source: "\(path): node \(node.id)"))
            report.kept[kind, default: 0] += 1
        }
        // Platforms drawn as areas or lines are not used (nodes carry the stop in nearly every English extract).
        let platformWays = extract.ways.count { $0.tags["public_transport"] == "platform" || $0.tags["railway"] == "platform" }
        try NaPTANReader.reproject(&stops, indices: Array(stops.indices), from: .wgs84, to: workingCRS)
        // Without a header box, the nodes' own extent says where the extract has data.
        return (stops, report, platformWays, extract.bounds ?? Envelope(covering: extract.nodeLonLat))
    }
}
