import Foundation
import GeoData
import GeoPrimitives

/// Services by category, read from CSV or GeoJSON point files.
public struct ServiceCatalogue: Sendable {
    /// One service: where it is (working CRS) and where it was read from.
    public struct Service: Sendable {
        public var xy: XY
        public var source: String
        /// What the service offers (`supply_field`: list size, jobs, beds, floor space); 1 when counted.
        public var supply: Double = 1
    }

    /// Category name (sanitised for property keys) to its services, in read order.
    public var categories: [String: [Service]]
    /// Category names, sorted.
    public var names: [String] { categories.keys.sorted() }
    /// Services outside the working CRS's area of use (`PointPlacement`), one line per file.
    public var warnings: [String] = []

    /// `gp practices` → `gp_practices`: lower case, runs of anything but letters and digits become `_`.
    public static func sanitise(_ name: String) -> String {
        var result = ""
        var pendingUnderscore = false
        for character in name.lowercased() {
            if character.isLetter && character.isASCII || character.isNumber && character.isASCII {
                if pendingUnderscore && !result.isEmpty { result.append("_") }
                pendingUnderscore = false
                result.append(character)
            } else {
                pendingUnderscore = true
            }
        }
        return result
    }

    /// Reads every file. With `categoryField` each service's category is that property (an unknown field or an
    /// empty value is an error naming the file and record); without it each file is one category named after
    /// its file name (`gp_practices.geojson` → `gp_practices`). `only` keeps just the named categories, and
    /// each of them must have at least one service.
    /// Each file's points are checked by `PointPlacement` against the working CRS and `extent` (the zones').
    /// With `supplyField` every service must carry a number ≥ 0 there (its supply); a missing field, an empty
    /// value, text or a negative number is an error naming the record.
    public static func load(paths: [String], categoryField: String?, only: [String] = [], supplyField: String? = nil,
                            options: PointLoadOptions, extent: PointPlacement.Extent? = nil) throws -> ServiceCatalogue {
        var categories: [String: [Service]] = [:]
        var warnings: [String] = []
        for path in paths {
            var options = options
            options.fields = Set([categoryField, supplyField].compactMap { $0 })
            let points = try PointLoader.load(path: path, options: options)
            guard !points.isEmpty else { throw DataError(file: path, "holds no services") }
            warnings += try PointPlacement.check(points, file: path, role: "services", working: options.workingCRS, extent: extent)
            for point in points {
                let category: String
                if let categoryField {
                    guard let value = point.properties[categoryField] else {
                        let fields = point.properties.keys.joined(separator: ", ")
                        throw DataError(file: path, field: categoryField, "no such field (fields: \(fields)); name the category field with --category-field")
                    }
                    guard let text = value.stringValue, !sanitise(text).isEmpty else {
                        throw DataError(file: point.source, field: categoryField, "the service has no category (\(value.stringValue.map { "\"\($0)\"" } ?? "null"))")
                    }
                    category = sanitise(text)
                } else {
                    var stem = URL(fileURLWithPath: path).lastPathComponent
                    for suffix in [".gz", ".geojson", ".json", ".csv", ".txt"] where stem.lowercased().hasSuffix(suffix) {
                        stem = String(stem.dropLast(suffix.count))
                    }
                    category = sanitise(stem)
                    guard !category.isEmpty else { throw DataError(file: path, "cannot name a category after this file; give --category-field") }
                }
                var supply = 1.0
                if let supplyField {
                    guard let value = point.properties[supplyField] else {
                        let fields = point.properties.keys.sorted().joined(separator: ", ")
                        throw DataError(file: point.source, field: supplyField, "the service has no supply field (fields: \(fields)); every service needs one with --supply-field")
                    }
                    guard let number = value.doubleValue, number.isFinite, number >= 0 else {
                        throw DataError(file: point.source, field: supplyField, "the supply is not a number ≥ 0 (\(value.stringValue.map { "\"\($0)\"" } ?? "null"))")
                    }
                    supply = number
                }
                categories[category, default: []].append(Service(xy: point.xy, source: point.source, supply: supply))
            }
        }
        if !only.isEmpty {
            let wanted = Set(only.map(sanitise))
            for name in wanted.sorted() where categories[name] == nil {
                throw DataError(file: paths.joined(separator: ", "), field: categoryField,
                                "category \"\(name)\" has no services (categories found: \(categories.keys.sorted().joined(separator: ", ")))")
            }
            categories = categories.filter { wanted.contains($0.key) }
        }
        return ServiceCatalogue(categories: categories, warnings: warnings)
    }
}

extension ServiceCatalogue {
    /// A step's services ("reading services"): their warnings, each category's count and the time taken (a lap of
    /// `clock`) go into `report`; an error when no service is read.
    static func loadForStep<R: ServiceStepReport>(paths: [String], categoryField: String?, only: [String], supplyField: String? = nil, options: PointLoadOptions,
                                                  context: StudyContext, progress: (String) -> Void, clock: inout StepClock,
                                                  report: inout R) throws -> ServiceCatalogue {
        progress("reading services")
        let catalogue = try load(paths: paths, categoryField: categoryField, only: only, supplyField: supplyField, options: options, extent: context.layer.nearExtent)
        report.contextWarnings += catalogue.warnings
        guard !catalogue.names.isEmpty else { throw DataError(file: paths.joined(separator: ", "), "no services read") }
        report.categories = catalogue.names.map { ($0, catalogue.categories[$0]!.count) }
        clock.lap("read services", into: &report.timings)
        return catalogue
    }
}

/// The report of a step that reads services: their counts per category too.
protocol ServiceStepReport: OneStepReport {
    var categories: [(name: String, services: Int)] { get set }
}
