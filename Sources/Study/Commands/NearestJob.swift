import Accessibility
import Foundation
import GeoData
import GeoPrimitives

/// `reach nearest`: for each point, the straight-line distance to the nearest service of each category.
public struct NearestJob: Sendable {
    public var points: String
    public var pointOptions: PointLoadOptions
    public var services: [String]
    public var categoryField: String?
    public var serviceOptions: PointLoadOptions
    public var output: String

    public init(points: String, pointOptions: PointLoadOptions = PointLoadOptions(), services: [String],
                categoryField: String? = nil, serviceOptions: PointLoadOptions = PointLoadOptions(), output: String) {
        self.points = points
        self.pointOptions = pointOptions
        self.services = services
        self.categoryField = categoryField
        self.serviceOptions = serviceOptions
        self.output = output
    }

    public struct Report: Sendable {
        public var pointCount = 0
        /// Points or services outside the working CRS's area of use (`PointPlacement`).
        public var warnings: [String] = []
        public var categories: [(name: String, services: Int)] = []
        public var timings: [(step: String, seconds: Double)] = []
    }

    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> Report {
        try AtomicFile.checkWritable(output)
        var report = Report()
        var clock = StepClock()
        var options = pointOptions
        options.fields = []
        let located = try PointLoader.load(path: points, options: options)
        report.warnings += try PointPlacement.check(located, file: points, role: "points", working: options.workingCRS)
        let origins = located.map(\.xy)
        report.pointCount = origins.count
        clock.lap("read points", into: &report.timings)
        let catalogue = try ServiceCatalogue.load(paths: services, categoryField: categoryField, options: serviceOptions)
        report.warnings += catalogue.warnings
        let names = catalogue.names
        report.categories = names.map { ($0, catalogue.categories[$0]!.count) }
        clock.lap("read services", into: &report.timings)
        let indexes = names.map { PointIndex(catalogue.categories[$0]!.map(\.xy)) }
        clock.lap("build index", into: &report.timings)
        progress("nearest of \(names.count) categor\(names.count == 1 ? "y" : "ies") for \(origins.count) points")
        let nearest = try indexes.map { try NearestService.nearest(from: origins, in: $0) }
        clock.lap("nearest search", into: &report.timings)
        var writer = JSONWriter(capacity: origins.count * (8 + 24 * names.count))
        writer.raw("point")
        for name in names {
            writer.text(",\(name)_metres,\(name)_nearest")
        }
        writer.byte(UInt8(ascii: "\n"))
        for o in origins.indices {
            writer.number(Double(o))
            for c in names.indices {
                writer.byte(UInt8(ascii: ","))
                if let hit = nearest[c][o] {
                    writer.fixed(hit.distanceMetres, decimals: 3)
                    writer.byte(UInt8(ascii: ","))
                    writer.number(Double(hit.index))
                } else {
                    writer.byte(UInt8(ascii: ","))
                }
            }
            writer.byte(UInt8(ascii: "\n"))
        }
        try AtomicFile.write(writer.bytes, to: output)
        clock.lap("write", into: &report.timings)
        return report
    }
}
