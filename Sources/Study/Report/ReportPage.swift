import Foundation
import GeoData
import GeoPrimitives
import Projection

/// `report.html`: one self-contained page to share a study's findings (no scripts, fonts or requests; prints to
/// A4): the headline figures, a map of the zones by connectivity decile with the 'left behind' zones outlined, a
/// chart of each equity indicator by class, the inequality measures each with a plain-English reading, and the
/// table of zones left behind with the indicators that put them there. Built from the run's outputs alone (the
/// zone table, `schema.json`, `equity.csv`), so `reach report FOLDER` makes the same page again.
public struct ReportPage: Sendable {
    /// The study's name (the page title).
    public var title: String
    /// The study file or folder the figures came from, for the footer.
    public var source: String
    /// The zones as the run wrote them (WGS84 features with every column).
    public var zones: [Feature]
    public var schema: [String: ColumnSchema]
    /// The rows of `equity.csv`; empty when the study has no `[equity]`.
    public var equity: [EquityRow]
    public var codeField: String?
    public var nameField: String?
    /// The CRS the map is drawn in (projected, metres).
    public var crs: CRS = .britishNationalGrid
    /// Decimal places of the zone files' coordinates: a run draws its zones rounded as it wrote them, so its page
    /// and `reach report`'s, read back from the file, are the same.
    public var precision: Int?

    /// One row of `equity.csv`; nil value: undefined (an empty group, a zero mean).
    public struct EquityRow: Sendable, Equatable {
        public var indicator: String
        public var group: String
        public var measure: String
        public var value: Double?

        public init(indicator: String, group: String, measure: String, value: Double?) {
            self.indicator = indicator
            self.group = group
            self.measure = measure
            self.value = value
        }
    }

    public init(title: String, source: String, zones: [Feature], schema: [String: ColumnSchema], equity: [EquityRow]) {
        self.title = title
        self.source = source
        self.zones = zones
        self.schema = schema
        self.equity = equity
    }

    /// Parses `equity.csv` (`indicator,class,measure,value`); a malformed line is an error naming it.
    public static func equityRows(_ bytes: [UInt8], file: String) throws -> [EquityRow] {
        let table = try CSVTable(bytes: bytes, source: file)
        guard table.header == ["indicator", "class", "measure", "value"] else {
            throw DataError(file: file, location: "line 1", "expected the columns indicator,class,measure,value (found \(table.header.joined(separator: ",")))")
        }
        var rows: [EquityRow] = []
        try table.forEachRow { row in
            guard row.count == 4 else { throw DataError(file: file, location: "line \(row.line)", "expected 4 fields, found \(row.count)") }
            let text = row.string(3)
            let value = text.isEmpty ? nil : Double(text)
            guard text.isEmpty || value != nil else { throw DataError(file: file, location: "line \(row.line)", field: "value", "'\(text)' is not a number") }
            rows.append(EquityRow(indicator: row.string(0), group: row.string(1), measure: row.string(2), value: value))
        }
        return rows
    }

    // MARK: the zones' figures

    func column(_ name: String) -> [JSONValue] { zones.map { $0.properties[name] ?? .null } }
    func numbers(_ name: String) -> [Double?] { column(name).map { $0.doubleValue.flatMap { $0.isFinite ? $0 : nil } } }
    var codes: [String] {
        let field = codeField ?? ZoneLoader.detectCodeField(zones.first.map { Array($0.properties.keys) } ?? [])
        return zones.enumerated().map { i, zone in field.flatMap { zone.properties[$0]?.stringValue } ?? "zone \(i + 1)" }
    }
    var names: [String] {
        let field = nameField ?? MapColumns.detectNameField(zones.first.map { Array($0.properties.keys) } ?? [])
        return zones.map { zone in field.flatMap { zone.properties[$0]?.stringValue } ?? "" }
    }
    var leftBehind: [Int] { zones.indices.filter { zones[$0].properties["left_behind"] == .bool(true) } }

    /// The indicators of `equity.csv`, in file order.
    var indicators: [String] {
        var seen: [String] = []
        for row in equity where !seen.contains(row.indicator) { seen.append(row.indicator) }
        return seen
    }

    func value(_ indicator: String, _ group: String, _ measure: String) -> Double? {
        equity.first { $0.indicator == indicator && $0.group == group && $0.measure == measure }?.value
    }

    /// The indicator's unit: that of its zone mean in the schema (`{stem}_mean`, `{kind}_distance_mean_m`).
    func unit(_ stem: String) -> String {
        let candidates = ["\(stem)_mean", stem.hasSuffix("_distance_m") ? "\(stem.dropLast(2))_mean_m" : ""]
        for name in candidates { if let unit = schema[name]?.unit { return unit } }
        return stem.hasSuffix("_m") || stem.hasSuffix("_straight") ? "m" : stem.hasSuffix("_pt") ? "min" : ""
    }

    func lowerIsBetter(_ stem: String) -> Bool { ["m", "min"].contains(unit(stem)) }

    /// How one is worse than a standard: "more than" (a time), "farther than" (a distance), "below" (a count).
    func worse(_ stem: String) -> String {
        switch unit(stem) {
        case "min": "more than"
        case "m": "farther than"
        default: "below"
        }
    }

    /// The column the map is coloured by: the score when there is one, else the zone mean of the first equity
    /// indicator (`{stem}_mean`, `{kind}_distance_mean_m`), else none (grey).
    var mapProperty: String? {
        let keys = Set(zones.first.map { Array($0.properties.keys) } ?? [])
        let candidates = ["connectivity_score"] + indicators.flatMap { stem in
            ["\(stem)_mean", stem.hasSuffix("_distance_m") ? "\(stem.dropLast(2))_mean_m" : ""]
        }
        return candidates.first { keys.contains($0) && numbers($0).contains { $0 != nil } }
    }

    // MARK: the page

    public func html() throws -> [UInt8] {
        var out = "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(e(title)): connectivity and who is left behind</title>\n<style>\(Self.style)</style>\n</head>\n<body>\n"
        let hasFlags = zones.contains { $0.properties["left_behind"] != nil }
        out += "<header><h1>\(e(title))</h1><p class=\"sub\">Connectivity of \(zones.count) zones and who lacks access\(hasFlags ? ", and the zones left behind" : "")</p></header>\n"
        out += headline()
        out += try map()
        out += leftBehindTable()
        out += inequalityTable()
        out += charts()
        out += "<footer><p>Made by reach from \(e(source)). Measures are over the people at each origin (population-weighted), not over zones; "
        out += "definitions in docs/equity.md. Figures and their sources: schema.json and equity.csv beside this page.</p></footer>\n"
        out += "</body>\n</html>\n"
        return Array(out.utf8)
    }

    func e(_ text: String) -> String { HTMLText.escape(text) }

    static func figure(_ value: Double?, _ digits: Int = 1) -> String {
        guard let value, value.isFinite else { return "—" }
        if abs(value) >= 1000, digits <= 1 { return NumberText.grouped(Int(value.rounded())) }
        return String(format: "%.\(digits)f", value)
    }

    func headline() -> String {
        let population = numbers("origins_weight").compactMap { $0 }.reduce(0, +)
        let origins = numbers("origins_count").compactMap { $0 }.reduce(0, +)
        let behind = leftBehind
        let behindPopulation = behind.compactMap { numbers("origins_weight")[$0] }.reduce(0, +)
        let uncertain = zones.count { $0.properties["left_behind_uncertain"] == .bool(true) }
        var items: [(String, String)] = [("zones", NumberText.grouped(zones.count)), ("origins", NumberText.grouped(Int(origins))),
                                         ("population", NumberText.grouped(Int(population.rounded())))]
        if zones.contains(where: { $0.properties["left_behind"] != nil }) {
            items.append(("zones left behind", "\(behind.count)"))
            items.append(("people in them", NumberText.grouped(Int(behindPopulation.rounded()))))
            if uncertain > 0 { items.append(("uncertain", "\(uncertain)")) }
        }
        var out = "<section class=\"headline\">"
        for (label, value) in items { out += "<div><b>\(e(value))</b><span>\(e(label))</span></div>" }
        out += "</section>\n"
        if let first = indicators.first, let fgt0 = value(first, "all", "fgt0"), let standard = standardText(first) {
            out += "<p class=\"lead\">\(e(Self.figure(100 * fgt0)))% of people are \(worse(first)) \(e(standard)) (\(e(label(first)))).</p>\n"
        }
        return out
    }

    /// The indicator's access standard with its unit ("1,000 m"), when the study set one.
    func standardText(_ stem: String) -> String? {
        value(stem, "all", "standard").map { "\($0 == $0.rounded() ? NumberText.grouped(Int($0)) : Self.figure($0, 2)) \(unit(stem))" }
    }

    func label(_ stem: String) -> String {
        let readable = stem.replacingOccurrences(of: "_straight", with: ", straight line").replacingOccurrences(of: "_pt", with: ", public transport")
            .replacingOccurrences(of: "_distance_m", with: ", distance").replacingOccurrences(of: "_", with: " ")
        return readable
    }

    func map() throws -> String {
        var problems: [String] = []
        // One ring orientation whatever the source, so the page drawn by a run and by `reach report` is the same.
        var zones = self.zones
        if let precision {
            let scale = pow(10, Double(precision))
            for z in zones.indices {
                zones[z].geometry = zones[z].geometry?.mapCoordinates { XY(x: ($0.x * scale).rounded() / scale, y: ($0.y * scale).rounded() / scale) }
            }
        }
        let shapes = try WardMap.project(zones, to: crs, report: &problems, label: { "zone \($0 + 1)" }).map { $0.map(RingOrientation.rightHandRule) }
        var envelope: Envelope?
        for shape in shapes.compactMap({ $0 }) {
            guard let box = shape.envelope else { continue }
            if envelope == nil { envelope = box } else { envelope!.expand(toInclude: box) }
        }
        guard let extent = envelope else { return "<section><h2>Map</h2><p>No zone has a boundary to draw.</p></section>\n" }
        let larger = max(extent.maxX - extent.minX, extent.maxY - extent.minY)
        let tolerance = WardMap.niceStep(atMost: larger / 1500)
        let resolution = WardMap.niceStep(atMost: tolerance / 2)
        let encoder = SVGPathEncoder(originX: extent.minX, originY: extent.maxY, resolution: resolution)
        let paths = try WardMap.simplifiedPaths(shapes, tolerance: tolerance, encoder: encoder)
        let width = Int(((extent.maxX - extent.minX) / resolution).rounded(.up)) + 1
        let height = Int(((extent.maxY - extent.minY) / resolution).rounded(.up)) + 1
        let property = mapProperty
        let classes = property.map { DecileClasses(values: numbers($0)).classes } ?? Array(repeating: 0, count: zones.count)
        let behind = Set(leftBehind)
        let uncertain = Set(zones.indices.filter { zones[$0].properties["left_behind_uncertain"] == .bool(true) })
        let codes = self.codes, names = self.names
        let scored = property == "connectivity_score"
        var out = "<section class=\"map\"><h2>Map: \(property.map { scored ? "connectivity" : e($0) } ?? "the zones")\(property == nil ? "" : " by decile")</h2>\n"
        out += "<svg viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"zones coloured by connectivity decile\">\n"
        for (i, path) in paths.enumerated() where !path.d.isEmpty {
            let fill = MapPalette.fill(classes[i])
            out += "<path d=\"\(path.d)\" fill=\"\(fill)\"><title>\(e(names[i].isEmpty ? codes[i] : "\(names[i]) (\(codes[i]))"))</title></path>\n"
        }
        for i in paths.indices where behind.contains(i) && !paths[i].d.isEmpty {
            out += "<path class=\"behind\(uncertain.contains(i) ? " uncertain" : "")\" d=\"\(paths[i].d)\"/>\n"
        }
        out += "</svg>\n<div class=\"legend\">"
        if let property {
            out += "<span>\(scored ? "most connected" : "lowest")</span>"
            for colour in MapPalette.deciles { out += "<i style=\"background:\(colour)\"></i>" }
            out += "<span>\(scored ? "least connected" : "highest") (\(e(property)) deciles of the zones\(schema[property]?.unit.map { ", \(e($0))" } ?? ""))</span>"
        }
        if !behind.isEmpty { out += "<span class=\"key-behind\">outlined: left behind\(uncertain.isEmpty ? "" : " (dashed: uncertain)")</span>" }
        out += "</div>\n"
        if !problems.isEmpty { out += "<p class=\"note\">Not drawn: \(e(problems.prefix(5).joined(separator: "; ")))</p>\n" }
        out += "</section>\n"
        return out
    }

    func leftBehindTable() -> String {
        guard zones.contains(where: { $0.properties["left_behind"] != nil }) else { return "" }
        let behind = leftBehind
        var out = "<section class=\"behind-table\"><h2>Zones left behind</h2>\n"
        out += "<p>A zone is left behind when it is among the least connected and among the most in need (docs/equity.md). "
        if behind.isEmpty {
            out += "No zone meets both.</p></section>\n"
            return out
        }
        out += "\(behind.count) zone\(behind.count == 1 ? " is" : "s are").</p>\n"
        out += "<table><thead><tr><th>zone</th><th>people</th><th>connectivity rank (5th–95th pct.)</th><th>need rank</th><th>why</th><th>what puts it there</th></tr></thead><tbody>\n"
        let codes = self.codes, names = self.names
        let population = numbers("origins_weight"), rank = numbers("connectivity_rank"), p05 = numbers("connectivity_rank_p05"),
            p95 = numbers("connectivity_rank_p95"), needRank = numbers("left_behind_need_rank")
        for z in behind {
            let interval = p05[z].flatMap { low in p95[z].map { " (\(Int(low))–\(Int($0)))" } } ?? ""
            let uncertain = zones[z].properties["left_behind_uncertain"] == .bool(true) ? " <em>uncertain</em>" : ""
            out += "<tr><td>\(e(names[z].isEmpty ? codes[z] : names[z]))<br><small>\(e(codes[z]))</small></td>"
            out += "<td class=\"n\">\(Self.figure(population[z], 0))</td><td class=\"n\">\(Self.figure(rank[z], 0))\(interval)\(uncertain)</td>"
            out += "<td class=\"n\">\(Self.figure(needRank[z], 0))</td>"
            out += "<td>\(e(zones[z].properties["left_behind_reason"]?.stringValue ?? ""))</td>"
            out += "<td>\(e(zones[z].properties["left_behind_drivers"]?.stringValue ?? ""))</td></tr>\n"
        }
        out += "</tbody></table></section>\n"
        return out
    }

    /// One plain-English line per measure.
    func readings(_ stem: String) -> [(measure: String, value: Double?, reading: String)] {
        let lower = lowerIsBetter(stem), unit = self.unit(stem)
        let noun = lower ? (unit == "min" ? "travel time" : "distance") : "number reached"
        var lines: [(String, Double?, String)] = []
        if let g = value(stem, "all", "gini") {
            lines.append(("gini", g, g == 0 ? "everyone has the same \(noun)"
                : "two people picked at random differ by \(Self.figure(200 * g, 0))% of the average \(noun) (0 = all the same)"))
        }
        if let ci = value(stem, "all", "concentration_index") {
            let worse = lower ? ci > 0 : ci < 0
            lines.append(("concentration_index", ci, abs(ci) < 0.01 ? "no gradient with need"
                : "the \(noun) is \(lower ? (ci > 0 ? "longer" : "shorter") : (ci > 0 ? "larger" : "smaller")) for the people in more need: access is \(worse ? "worse" : "better") where need is higher"))
        }
        if let palma = value(stem, "all", "palma") {
            lines.append(("palma", palma, lower
                ? "the least deprived 10% have \(Self.figure(palma, 2))× the \(noun) of the most deprived 40%"
                : "the least deprived 10% reach \(Self.figure(palma, 2))× as many as the most deprived 40%"))
        }
        if let f0 = value(stem, "all", "fgt0") {
            let standard = standardText(stem) ?? "the study's standard"
            lines.append(("fgt0", f0, "\(Self.figure(100 * f0))% of people are \(worse(stem)) \(standard)"))
            if let f1 = value(stem, "all", "fgt1") {
                lines.append(("fgt1", f1, "the average shortfall beyond \(standard), counting those within it as 0, is \(Self.figure(100 * f1))% of it"))
            }
            if let f2 = value(stem, "all", "fgt2") { lines.append(("fgt2", f2, "the squared shortfall (weighs the worst off more): \(Self.figure(f2, 3))")) }
        }
        return lines
    }

    func inequalityTable() -> String {
        guard !indicators.isEmpty else { return "" }
        var out = "<section class=\"measures\"><h2>How unequal is access?</h2>\n"
        out += "<table><thead><tr><th>indicator</th><th>measure</th><th>value</th><th>reading</th></tr></thead><tbody>\n"
        for stem in indicators {
            let lines = readings(stem)
            for (k, line) in lines.enumerated() {
                out += "<tr\(k == 0 ? " class=\"first\"" : "")>"
                if k == 0 { out += "<td rowspan=\"\(lines.count)\">\(e(label(stem)))<br><small>\(e(stem)) (\(e(unit(stem))))</small></td>" }
                out += "<td>\(line.measure)</td><td class=\"n\">\(Self.figure(line.value, 3))</td><td>\(e(line.reading))</td></tr>\n"
            }
        }
        out += "</tbody></table></section>\n"
        return out
    }

    /// A bar per class of the population-weighted mean, the median as a tick, and the whole study's mean as a
    /// dashed line. Okabe–Ito blue and black: safe for the common colour-vision deficiencies and in greyscale.
    func charts() -> String {
        guard !indicators.isEmpty else { return "" }
        let classLabel = schema[EquityStep.classColumn]?.description ?? "class"
        var out = "<section class=\"charts\"><h2>Access by class</h2>\n<p>Bars: population-weighted mean; tick: median; dashed line: the whole study's mean. Classes: \(e(classLabel)).</p>\n"
        for stem in indicators {
            var groups: [String] = []
            for row in equity where row.indicator == stem && row.group != EquityStep.allClass && !groups.contains(row.group) { groups.append(row.group) }
            guard !groups.isEmpty else { continue }
            let means = groups.map { value(stem, $0, "mean") }, medians = groups.map { value(stem, $0, "median") }
            let all = value(stem, "all", "mean")
            let top = ((means + medians + [all]).compactMap { $0 }.max() ?? 1) * 1.08
            let rowHeight = 16, left = 54, plot = 520, height = groups.count * rowHeight + 24
            func x(_ v: Double) -> Double { Double(left) + Double(plot) * v / (top > 0 ? top : 1) }
            out += "<figure class=\"chart\"><figcaption>\(e(label(stem))) (\(e(unit(stem)))), by class</figcaption>\n"
            out += "<svg viewBox=\"0 0 640 \(height)\" role=\"img\" aria-label=\"\(e(stem)) by class\">\n"
            for (k, group) in groups.enumerated() {
                let y = k * rowHeight + 4
                out += "<text x=\"\(left - 6)\" y=\"\(y + 11)\" text-anchor=\"end\">\(e(group))</text>"
                if let mean = means[k] {
                    out += "<rect x=\"\(left)\" y=\"\(y + 2)\" width=\"\(String(format: "%.1f", x(mean) - Double(left)))\" height=\"\(rowHeight - 5)\" fill=\"#0072B2\"/>"
                    out += "<text x=\"\(String(format: "%.1f", x(mean) + 4))\" y=\"\(y + 11)\">\(e(Self.figure(mean)))</text>"
                }
                if let median = medians[k] {
                    out += "<line x1=\"\(String(format: "%.1f", x(median)))\" x2=\"\(String(format: "%.1f", x(median)))\" y1=\"\(y)\" y2=\"\(y + rowHeight - 1)\" stroke=\"#000\" stroke-width=\"2\"/>"
                }
                out += "\n"
            }
            if let all {
                let ax = String(format: "%.1f", x(all))
                out += "<line x1=\"\(ax)\" x2=\"\(ax)\" y1=\"0\" y2=\"\(groups.count * rowHeight + 6)\" stroke=\"#000\" stroke-dasharray=\"4 3\"/>"
                out += "<text x=\"\(ax)\" y=\"\(groups.count * rowHeight + 20)\" text-anchor=\"middle\">all \(e(Self.figure(all)))</text>\n"
            }
            out += "</svg></figure>\n"
        }
        out += "</section>\n"
        return out
    }

    static let style = #"""
    @page { size: A4; margin: 14mm 12mm; }
    html { font: 10.5pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1a1a1a; background: #fff; }
    body { max-width: 190mm; margin: 0 auto; padding: 8mm 4mm; }
    h1 { font-size: 20pt; margin: 0; }
    h2 { font-size: 13pt; margin: 14pt 0 4pt; border-bottom: 1px solid #999; }
    .sub { margin: 2pt 0 8pt; color: #444; }
    .headline { display: flex; flex-wrap: wrap; gap: 6pt; }
    .headline div { border: 1px solid #bbb; padding: 4pt 8pt; min-width: 24mm; }
    .headline b { display: block; font-size: 15pt; }
    .headline span { color: #444; font-size: 9pt; }
    .lead { font-size: 11.5pt; }
    .map svg { width: 100%; max-height: 118mm; display: block; background: #f4f6f8; }
    .map path { stroke: #fff; stroke-width: 1; vector-effect: non-scaling-stroke; }
    .map path.behind { fill: none; stroke: #000; stroke-width: 3; }
    .map path.behind.uncertain { stroke-dasharray: 6 3; }
    .legend { display: flex; align-items: center; flex-wrap: wrap; gap: 2pt; font-size: 9pt; margin-top: 3pt; }
    .legend i { display: inline-block; width: 14pt; height: 9pt; }
    .legend span { margin: 0 4pt; }
    .key-behind { border: 2px solid #000; padding: 0 4pt; }
    table { border-collapse: collapse; width: 100%; font-size: 9pt; }
    th, td { text-align: left; vertical-align: top; padding: 2pt 4pt; border-bottom: 1px solid #ddd; }
    thead { display: table-header-group; }
    tr { break-inside: avoid; }
    tr.first td { border-top: 1px solid #999; }
    td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
    small { color: #555; }
    .chart { margin: 6pt 0; break-inside: avoid; }
    .chart figcaption { font-weight: 600; }
    .chart svg { width: 100%; font-size: 10px; }
    section { break-inside: auto; }
    .map, .headline, .behind-table { break-inside: avoid; }
    footer { margin-top: 14pt; font-size: 8.5pt; color: #444; border-top: 1px solid #999; }
    .note { font-size: 9pt; color: #444; }
    """#
}
