import Foundation
import GeoData
import Projection

/// The HTML document of a ward map: markup, the SVG, the data for the selector and hover, style and script, all
/// inline. Deterministic: the same wards and options give the same bytes.
struct MapPage {
    var options: WardMap.Options
    var info: CRSInfo
    var columns: MapColumns
    var initial: Int
    var wardPaths: [String]
    var gapPaths: [String]
    var gaps: [Feature]
    /// Scenario routes: path data (empty: not drawn) and their features (`scenario`, `change`, ...).
    var routePaths: [String] = []
    var routes: [Feature] = []
    /// The SVG's size in grid units, and metres per unit.
    var width: Int
    var height: Int
    var resolution: Double
    var tolerance: Double
    var notDrawn: Int
    /// The service profile's departures by day and hour, when the run has one.
    var hourly: MapHourly? = nil

    func html() -> [UInt8] {
        var out = ""
        out.reserveCapacity(wardPaths.reduce(0) { $0 + $1.count + 40 } + 200_000)
        let crsName = info.identifier.map { "\(info.name) (\($0))" } ?? info.name
        out += """
        <!DOCTYPE html>
        <html lang="en-GB">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="reach map">
        <title>\(escape(options.title))</title>
        <style>\(Self.style)</style>
        </head>
        <body>
        <main>
        <svg id="map"\(wardPaths.count > 1000 ? " class=\"dense\"" : "") viewBox="0 0 \(width) \(height)" preserveAspectRatio="xMidYMid meet" role="img" aria-label="\(escape(options.title)): wards coloured by decile">
        <defs><pattern id="hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff" fill-opacity="0.35"/><line x1="0" y1="0" x2="0" y2="8" stroke="#000000" stroke-width="3"/></pattern></defs>
        <g id="wards">

        """
        let classes = columns.numeric[initial].deciles.classes, diverging = columns.numeric[initial].deciles.diverging
        for (i, d) in wardPaths.enumerated() where !d.isEmpty {
            out += "<path data-i=\"\(i)\" fill=\"\(MapPalette.fill(classes[i], diverging: diverging))\" d=\"\(d)\"/>\n"
        }
        out += "</g>\n"
        if !gapPaths.isEmpty {
            out += "<g id=\"gaps\">\n"
            for (i, d) in gapPaths.enumerated() where !d.isEmpty {
                out += "<path data-g=\"\(i)\" d=\"\(d)\"/>\n"
            }
            out += "</g>\n"
        }
        if routePaths.contains(where: { !$0.isEmpty }) {
            out += "<g id=\"routes\">\n"
            for (i, d) in routePaths.enumerated() where !d.isEmpty {
                let change = routes[i].properties["change"]?.stringValue ?? "changed"
                let scenario = routes[i].properties["scenario"]?.stringValue ?? ""
                out += "<path data-r=\"\(i)\" data-scenario=\"\(escape(scenario))\" class=\"\(escape(change))\" d=\"\(d)\"/>\n"
            }
            out += "</g>\n"
        }
        out += scaleBar()
        out += """
        </svg>
        <div id="tip" hidden></div>
        <button id="reset" type="button" title="Show all wards">Reset view</button>
        </main>
        <aside>
        <h1>\(escape(options.title))</h1>
        <p class="meta">\(NumberText.grouped(columns.codes.count)) wards · \(escape(crsName))</p>
        <label for="property">Colour wards by</label>
        <select id="property">\(selectOptions())</select>
        \(hourlyPicker())<p id="description"></p>
        <div id="legend"><noscript><p>The legend, the property selector and the ward details need JavaScript. The colours are deciles of \(escape(columns.numeric[initial].name)), dark (lowest tenth of wards) to yellow (highest).</p></noscript></div>

        """
        if !gapPaths.isEmpty {
            out += "<label class=\"toggle\"><input type=\"checkbox\" id=\"show-gaps\" checked> <span class=\"swatch hatch\"></span> gaps: farther than the radius from every stop (\(gapPaths.count { !$0.isEmpty }))</label>\n"
        }
        if routePaths.contains(where: { !$0.isEmpty }) {
            func swatch(_ kind: String) -> String {
                "<svg class=\"line-swatch\" width=\"28\" height=\"10\" aria-hidden=\"true\"><line class=\"\(kind)\" x1=\"1\" y1=\"5\" x2=\"27\" y2=\"5\"/></svg>"
            }
            let kinds: [String] = ["removed", "changed", "added"].filter { kind in routes.contains { $0.properties["change"]?.stringValue == kind } }
            let swatches: String = kinds.map { kind in "<li>" + swatch(kind) + " " + kind + "</li>" }.joined()
            out += "<label class=\"toggle\"><input type=\"checkbox\" id=\"show-routes\" checked> routes the scenario changes</label>\n<ul class=\"route-key\">\(swatches)</ul>\n"
        }
        var notes = "Colours are deciles: each shade holds a tenth of the wards that have a value, ranked from lowest (dark) to highest (yellow); tied values share a shade. A scenario's change columns (ending _change) are coloured on a diverging scale instead, centred on no change: orange a fall, purple a rise, in five equal steps each way out to the largest change. Boundaries are drawn simplified to \(Self.metres(tolerance)); every figure was computed on the full boundaries."
        if routePaths.contains(where: { !$0.isEmpty }) {
            notes += " Route lines join a route's stops in order (not its streets): those of the scenario whose column is shown (every scenario's, for a baseline column); dashed removed, dotted changed, solid added."
        }
        if notDrawn > 0 { notes += " \(notDrawn) ward(s) have no boundary to draw." }
        let tinyGaps = gapPaths.count { $0.isEmpty }
        if tinyGaps > 0 { notes += " \(tinyGaps) gap(s) too small to draw at this tolerance are in the gaps file but not on the map." }
        out += """
        <p class="notes">\(escape(notes))</p>
        <p class="notes">Made with reach from \(escape(options.source)).\(options.attribution.map { " " + escape($0) } ?? "")</p>
        <p class="notes">Wheel or pinch to zoom, drag to pan, hover a ward for its figures.</p>
        </aside>
        <script type="application/json" id="reach-data">
        """
        var bytes = Array(out.utf8)
        bytes += scriptSafe(dataJSON())
        bytes += Array("</script>\n<script>\(Self.script)</script>\n</body>\n</html>\n".utf8)
        return bytes
    }

    /// The day and hour the "departures by day and hour" choice shows (hidden until it is chosen).
    private func hourlyPicker() -> String {
        guard let hourly else { return "" }
        let days = hourly.days.enumerated().map { "<option value=\"\($0)\">\(escape($1))</option>" }.joined()
        return "<div id=\"hourly\" hidden><label for=\"hourly-day\">Day</label><select id=\"hourly-day\">\(days)</select><label for=\"hourly-hour\">Hour <output id=\"hourly-label\">08:00</output></label><input type=\"range\" id=\"hourly-hour\" min=\"0\" max=\"23\" step=\"1\" value=\"8\"></div>\n"
    }

    private func selectOptions() -> String {
        var html = ""
        for (label, computed) in [("Computed by reach", true), ("From the inputs", false)] {
            let members = columns.numeric.indices.filter { columns.numeric[$0].computed == computed }
            guard !members.isEmpty else { continue }
            html += "<optgroup label=\"\(label)\">"
            for i in members {
                let column = columns.numeric[i]
                html += "<option value=\"\(i)\"\(i == initial ? " selected" : "")>\(escape(column.name))\(column.unit.map { " (\(escape($0)))" } ?? "")</option>"
            }
            html += "</optgroup>"
        }
        if hourly != nil {
            html += "<optgroup label=\"Service profile\"><option value=\"hourly\">departures by day and hour (pick below)</option></optgroup>"
        }
        return html
    }

    /// A bar of a round length about a fifth of the map's width, bottom left, in map units (so it stays true
    /// when zoomed).
    private func scaleBar() -> String {
        let metres = WardMap.niceStep(atMost: Double(width) * resolution / 5)
        let length = metres / resolution
        let x = Double(width) * 0.03, y = Double(height) * 0.96
        let bar = max(Double(height) / 150, 1), font = max(Double(height) / 40, 1)
        func f(_ v: Double) -> String { JSONWriter.format((v * 10).rounded() / 10) }
        return """
        <g id="scale"><rect x="\(f(x))" y="\(f(y))" width="\(f(length))" height="\(f(bar))" fill="#222222"/>\
        <text x="\(f(x))" y="\(f(y - bar))" font-size="\(f(font))">\(Self.metres(metres))</text></g>

        """
    }

    static func metres(_ value: Double) -> String {
        value >= 1000 ? "\(JSONWriter.format(value / 1000)) km" : "\(JSONWriter.format(value)) m"
    }

    /// The data the script needs: ward codes, names and warnings; each property's values, decile classes and
    /// ranges; the gaps' properties.
    private func dataJSON() -> [UInt8] {
        var json = JSONWriter(capacity: columns.numeric.count * columns.codes.count * 8 + 1 << 16)
        func significant(_ v: Double) -> Double { Double(String(format: "%.6g", v)) ?? v }
        var root = JSONObject()
        root["title"] = .string(options.title)
        root["palette"] = .array(MapPalette.deciles.map { .string($0) })
        root["noValue"] = .string(MapPalette.noValue)
        root["initial"] = .number(Double(initial))
        root["key"] = .array(columns.keyFigures.map { .number(Double($0)) })
        root["codes"] = .array(columns.codes.map { .string($0) })
        root["names"] = .array(columns.names.map { .string($0) })
        root["warnings"] = .array(columns.warnings.map { $0.map { .string($0) } ?? .null })
        root["properties"] = .array((columns.numeric + (hourly?.columns ?? [])).map { column in
            var p = JSONObject()
            p["name"] = .string(column.name)
            p["unit"] = column.unit.map { .string($0) } ?? .null
            p["description"] = .string(column.description)
            // One character a ward: "-" no value, "0"..."9" deciles 1...10 (":" the 11th class of a change).
            p["classes"] = .string(String(column.deciles.classes.map { $0 == 0 ? "-" : Character(UnicodeScalar(UInt8(47) + $0)) }))
            if column.deciles.diverging { p["palette"] = .array(MapPalette.change.map { .string($0) }) }
            p["ranges"] = .array(column.deciles.ranges.map { range in
                range.map { .array([.number(significant($0.lowerBound)), .number(significant($0.upperBound))]) } ?? .null
            })
            p["counts"] = .array(column.deciles.counts.map { .number(Double($0)) })
            p["missing"] = .number(Double(column.deciles.missing))
            p["values"] = .array(column.values.map { $0.map { .number(significant($0)) } ?? .null })
            return .object(p)
        })
        if let hourly {
            root["hourly"] = .object(JSONObject([("base", .number(Double(columns.numeric.count))), ("days", .array(hourly.days.map { .string($0) }))]))
        }
        root["gaps"] = .array(gaps.map { .object($0.properties) })
        root["routes"] = .array(routes.map { .object($0.properties) })
        json.value(.object(root))
        return json.bytes
    }

    /// JSON inside a <script> element must not contain "</" (it would end the element): write it as "<\/".
    private func scriptSafe(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for (i, b) in bytes.enumerated() {
            if b == UInt8(ascii: "/"), i > 0, bytes[i - 1] == UInt8(ascii: "<") { out.append(UInt8(ascii: "\\")) }
            out.append(b)
        }
        return out
    }

    private func escape(_ text: String) -> String { HTMLText.escape(text) }

    static let style = #"""
    html, body { margin: 0; height: 100%; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1a1a1a; background: #ffffff; }
    body { display: flex; }
    main { position: relative; flex: 1; min-width: 0; background: #e4e8ec; }
    #map { width: 100%; height: 100%; display: block; cursor: grab; touch-action: none; }
    #map.dragging { cursor: grabbing; }
    #wards path { stroke: #ffffff; stroke-width: 0.6; stroke-linejoin: round; vector-effect: non-scaling-stroke; fill-rule: evenodd; }
    #map.dense #wards path { stroke-width: 0.15; }
    #wards path:hover, #wards path.active, #map.dense #wards path.active { stroke: #000000; stroke-width: 2; }
    #gaps path { fill: url(#hatch); stroke: #000000; stroke-width: 0.8; vector-effect: non-scaling-stroke; fill-rule: evenodd; }
    #gaps.off { display: none; }
    #routes path, .line-swatch line { fill: none; stroke: #000000; stroke-width: 2.5; vector-effect: non-scaling-stroke; stroke-linecap: round; stroke-linejoin: round; }
    #routes path.removed, .line-swatch line.removed { stroke-dasharray: 7 4; }
    #routes path.changed, .line-swatch line.changed { stroke-dasharray: 1 4; stroke-width: 3; }
    #routes path.added, .line-swatch line.added { stroke-width: 3.5; }
    #routes path.hidden, #routes.off { display: none; }
    #routes path:hover, #routes path.active { stroke: #ffffff; }
    .line-swatch { vertical-align: middle; flex: none; }
    ul.route-key { list-style: none; margin: 2px 0 8px 26px; padding: 0; font-size: 13px; }
    #scale text { fill: #222222; font-family: inherit; }
    aside { width: 330px; padding: 16px 18px; overflow-y: auto; border-left: 1px solid #d0d7de; box-sizing: border-box; }
    h1 { font-size: 18px; margin: 0 0 4px; }
    .meta, .notes { color: #555555; font-size: 12px; }
    label { display: block; font-weight: 600; margin-top: 12px; }
    label.toggle { font-weight: normal; display: flex; align-items: center; gap: 6px; }
    select { width: 100%; margin-top: 4px; font: inherit; }
    #description { font-size: 13px; margin: 6px 0 10px; }
    #legend table { border-collapse: collapse; width: 100%; font-size: 13px; }
    #legend td { padding: 2px 4px; }
    #legend td.n { color: #555555; text-align: right; }
    .swatch { display: inline-block; width: 22px; height: 14px; border: 1px solid #999999; vertical-align: middle; }
    .swatch.hatch { background: repeating-linear-gradient(45deg, #000000 0 2px, #ffffff 2px 6px); }
    #tip { position: absolute; pointer-events: none; background: rgba(255, 255, 255, 0.97); border: 1px solid #888888; border-radius: 4px; padding: 6px 8px; font-size: 13px; max-width: 320px; box-shadow: 0 2px 6px rgba(0, 0, 0, 0.2); }
    #tip .code { color: #555555; }
    #tip .warn { color: #8a4b00; }
    #tip table { border-collapse: collapse; margin-top: 4px; }
    #tip td { padding: 0 6px 0 0; vertical-align: top; }
    #reset { position: absolute; top: 10px; left: 10px; font: inherit; }
    """#

    static let script = #"""
    (function () {
      "use strict";
      var data = JSON.parse(document.getElementById("reach-data").textContent);
      var svg = document.getElementById("map");
      var select = document.getElementById("property");
      var legend = document.getElementById("legend");
      var description = document.getElementById("description");
      var tip = document.getElementById("tip");
      var paths = Array.prototype.slice.call(document.querySelectorAll("#wards path"));
      var current = data.initial;

      function esc(s) {
        return String(s).replace(/[&<>"']/g, function (c) {
          return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
        });
      }
      // Four significant figures, whole numbers from 1,000 up, thousands separated.
      function fmt(v) {
        if (v === null || v === undefined) return "no value";
        var a = Math.abs(v);
        if (a >= 1000 || Number.isInteger(v)) return Math.round(v).toLocaleString("en-GB");
        var decimals = a === 0 ? 0 : Math.min(6, Math.max(0, 3 - Math.floor(Math.log10(a))));
        return String(Number(v.toFixed(decimals)));
      }
      function unit(p) { return p.unit ? " " + p.unit : ""; }
      function decileOf(p, i) { var c = p.classes.charAt(i); return c === "-" ? 0 : c.charCodeAt(0) - 47; }

      function show(index) {
        current = index;
        var p = data.properties[index];
        var palette = p.palette || data.palette;
        paths.forEach(function (path) {
          var d = decileOf(p, +path.getAttribute("data-i"));
          path.setAttribute("fill", d === 0 ? data.noValue : palette[d - 1]);
        });
        description.textContent = p.description;
        var rows = "";
        for (var d = palette.length; d >= 1; d--) {
          var r = p.ranges[d - 1];
          if (p.palette && r === null) continue;
          var text = r === null ? "(no ward)" : (r[0] === r[1] ? fmt(r[0]) : fmt(r[0]) + " – " + fmt(r[1])) + unit(p);
          var label = p.palette ? (d === 6 ? "no change" : d < 6 ? "fall" : "rise") : "decile " + d;
          rows += "<tr><td><span class=\"swatch\" style=\"background:" + palette[d - 1] + "\"></span></td><td>" + label +
                  "</td><td>" + esc(text) + "</td><td class=\"n\">" + p.counts[d - 1] + "</td></tr>";
        }
        if (p.missing > 0) {
          rows += "<tr><td><span class=\"swatch\" style=\"background:" + data.noValue + "\"></span></td><td colspan=\"2\">no value</td><td class=\"n\">" + p.missing + "</td></tr>";
        }
        legend.innerHTML = "<table><tr><td></td><td colspan=\"2\"><b>" + esc(p.name) + "</b></td><td class=\"n\">wards</td></tr>" + rows + "</table>";
        var byHour = hourly !== null && index >= hourly.base;
        select.value = byHour ? "hourly" : String(index);
        if (hourlyBox) hourlyBox.hidden = !byHour;
        showRoutes(index);
      }
      // The service profile: one property per day and hour after the table's own (data.hourly.base).
      var hourly = data.hourly || null;
      var hourlyBox = document.getElementById("hourly");
      var hourlyDay = document.getElementById("hourly-day"), hourlyHour = document.getElementById("hourly-hour");
      function showHourly() {
        var h = +hourlyHour.value;
        document.getElementById("hourly-label").textContent = (h < 10 ? "0" : "") + h + ":00";
        show(hourly.base + 24 * (+hourlyDay.value) + h);
      }
      if (hourly) {
        hourlyDay.addEventListener("change", showHourly);
        hourlyHour.addEventListener("input", showHourly);
      }
      select.addEventListener("change", function () { if (select.value === "hourly") showHourly(); else show(+select.value); });

      function wardTip(i) {
        var p = data.properties[current];
        var html = "<b>" + esc(data.names[i] || data.codes[i]) + "</b> <span class=\"code\">" + esc(data.codes[i]) + "</span><table>";
        var d = decileOf(p, i);
        html += "<tr><td>" + esc(p.name) + "</td><td><b>" + esc(fmt(p.values[i]) + (p.values[i] === null ? "" : unit(p))) +
                "</b>" + (d && !p.palette ? " (decile " + d + ")" : "") + "</td></tr>";
        data.key.forEach(function (k) {
          if (k === current) return;
          var q = data.properties[k];
          html += "<tr><td>" + esc(q.name) + "</td><td>" + esc(fmt(q.values[i]) + (q.values[i] === null ? "" : unit(q))) + "</td></tr>";
        });
        html += "</table>";
        if (data.warnings[i]) {
          var w = data.warnings[i];
          html += "<div class=\"warn\">reach_warning: " + esc(w.length > 240 ? w.slice(0, 240) + "…" : w) + "</div>";
        }
        return html;
      }
      function routeTip(r) {
        var p = data.routes[r] || {};
        return "<b>" + esc(p.change + " route " + p.route_name) + "</b><table><tr><td>scenario</td><td>" + esc(p.scenario) +
          "</td></tr><tr><td>route_id</td><td>" + esc(p.route_id) + "</td></tr><tr><td>trips before</td><td>" + esc(fmt(p.trips_before)) +
          "</td></tr><tr><td>trips after</td><td>" + esc(fmt(p.trips_after)) + "</td></tr><tr><td>feed</td><td>" + esc(p.feed) + "</td></tr></table>";
      }
      // The routes of the scenario a column belongs to ({col}__{name}, {col}__{name}_change, {c}_..._gain__{name}); null: a baseline column.
      function scenarioOf(name) {
        var at = name.lastIndexOf("__");
        if (at < 0) return null;
        var rest = name.slice(at + 2);
        return rest.slice(-7) === "_change" ? rest.slice(0, -7) : rest;
      }
      function showRoutes(k) {
        var scenario = scenarioOf(data.properties[k].name);
        document.querySelectorAll("#routes path").forEach(function (p) {
          var s = p.getAttribute("data-scenario");
          p.classList.toggle("hidden", scenario !== null && s !== scenario && s + "_change" !== scenario);
        });
      }
      function gapTip(g) {
        var html = "<b>Gap</b><table>";
        var props = data.gaps[g] || {};
        Object.keys(props).forEach(function (k) {
          var v = props[k];
          html += "<tr><td>" + esc(k) + "</td><td>" + esc(typeof v === "number" ? fmt(v) : v === null ? "" : String(v)) + "</td></tr>";
        });
        return html + "</table>";
      }
      var active = null;
      svg.addEventListener("mousemove", function (e) {
        var t = e.target, html = null;
        if (t.hasAttribute && t.hasAttribute("data-i")) html = wardTip(+t.getAttribute("data-i"));
        else if (t.hasAttribute && t.hasAttribute("data-g")) html = gapTip(+t.getAttribute("data-g"));
        else if (t.hasAttribute && t.hasAttribute("data-r")) html = routeTip(+t.getAttribute("data-r"));
        if (active && active !== t) active.classList.remove("active");
        if (html === null || dragging) { tip.hidden = true; active = null; return; }
        active = t;
        t.classList.add("active");
        tip.innerHTML = html;
        tip.hidden = false;
        var box = svg.getBoundingClientRect();
        var x = e.clientX - box.left + 14, y = e.clientY - box.top + 14;
        if (x + tip.offsetWidth > box.width) x = Math.max(0, x - tip.offsetWidth - 28);
        if (y + tip.offsetHeight > box.height) y = Math.max(0, y - tip.offsetHeight - 28);
        tip.style.left = x + "px";
        tip.style.top = y + "px";
      });
      svg.addEventListener("mouseleave", function () { tip.hidden = true; if (active) active.classList.remove("active"); active = null; });

      // Zoom and pan move the viewBox: the paths are never rebuilt.
      var home = svg.getAttribute("viewBox").split(" ").map(Number), view = home.slice();
      function setView(v) { view = v; svg.setAttribute("viewBox", v.join(" ")); }
      function toMap(clientX, clientY) {
        var pt = svg.createSVGPoint(); pt.x = clientX; pt.y = clientY;
        return pt.matrixTransform(svg.getScreenCTM().inverse());
      }
      svg.addEventListener("wheel", function (e) {
        e.preventDefault();
        var p = toMap(e.clientX, e.clientY), k = e.deltaY < 0 ? 0.8 : 1.25;
        setView([p.x - (p.x - view[0]) * k, p.y - (p.y - view[1]) * k, view[2] * k, view[3] * k]);
      }, { passive: false });
      var dragging = null;
      svg.addEventListener("pointerdown", function (e) { dragging = { p: toMap(e.clientX, e.clientY) }; svg.classList.add("dragging"); });
      svg.addEventListener("pointermove", function (e) {
        if (!dragging) return;
        var p = toMap(e.clientX, e.clientY);
        setView([view[0] - (p.x - dragging.p.x), view[1] - (p.y - dragging.p.y), view[2], view[3]]);
      });
      function endDrag() { dragging = null; svg.classList.remove("dragging"); }
      svg.addEventListener("pointerup", endDrag);
      svg.addEventListener("pointercancel", endDrag);
      document.getElementById("reset").addEventListener("click", function () { setView(home.slice()); });
      var gapToggle = document.getElementById("show-gaps");
      if (gapToggle) gapToggle.addEventListener("change", function () { document.getElementById("gaps").classList.toggle("off", !gapToggle.checked); });
      var routeToggle = document.getElementById("show-routes");
      if (routeToggle) routeToggle.addEventListener("change", function () { document.getElementById("routes").classList.toggle("off", !routeToggle.checked); });

      show(current);
      document.documentElement.setAttribute("data-wards", String(data.codes.length));
      document.documentElement.setAttribute("data-reach-map", "ready");
    })();
    """#
}
