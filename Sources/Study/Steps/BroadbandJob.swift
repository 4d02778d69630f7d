import Accessibility
import Foundation
import GeoData
import GeoPrimitives
import Projection

/// `reach broadband`: Ofcom Connected Nations coverage and speed records placed in zones by postcode or output
/// area, and premises-weighted figures per zone (docs/broadband.md).
public struct BroadbandJob: Sendable {
    /// How records find their place.
    public enum Placement: Sendable {
        /// A postcode directory (ONSPD style). Fields and CRS are detected when nil.
        case postcodes(path: String, postcodeField: String? = nil, xField: String? = nil, yField: String? = nil, crs: CRS? = nil)
        /// Output areas as polygons or points (GeoJSON or CSV), their code in `codeField` (detected when nil).
        case outputAreas(path: String, codeField: String? = nil, crs: CRS? = nil)

        var keyKind: BroadbandKeyKind {
            if case .postcodes = self { return .postcode }
            return .outputArea
        }

        /// The directory or output-area file.
        var path: String {
            switch self {
            case .postcodes(let path, _, _, _, _), .outputAreas(let path, _, _): path
            }
        }
    }

    public var zones: [String]
    public var zoneOptions: ZoneLoadOptions
    /// Ofcom files, any mix of layouts and levels.
    public var ofcom: [String]
    public var placement: Placement
    /// Explicit column map: role (`BroadbandLayout.roles`) → header name.
    public var columns: [String: String]
    /// `.geojson` or `.csv`.
    /// The zone table a one-step run writes (`--out`); a study step leaves it nil and `reach run` writes.
    public var output: String?
    /// Where to list every unmatched record (CSV); nil lists none.
    public var unmatchedOutput: String?
    public var precision: Int

    public init(zones: [String], zoneOptions: ZoneLoadOptions = ZoneLoadOptions(), ofcom: [String], placement: Placement,
                columns: [String: String] = [:], output: String? = nil, unmatchedOutput: String? = nil, precision: Int = 6) {
        self.zones = zones
        self.zoneOptions = zoneOptions
        self.ofcom = ofcom
        self.placement = placement
        self.columns = columns
        self.output = output
        self.unmatchedOutput = unmatchedOutput
        self.precision = precision
    }

    /// Why a record was not placed (docs/broadband.md, "Unmatched records").
    public enum UnmatchedReason: String, Sendable, CaseIterable {
        case notAPostcode = "not a postcode"
        case notInDirectory = "not in the directory"
        case notInOutputAreas = "not in the output areas"
        case noLocation = "no location in the directory"
        case outsideZones = "outside every zone"
        case duplicate = "duplicate"

        /// Reasons whose records a zone may claim by postcode sector.
        var attributable: Bool { self == .notInDirectory || self == .noLocation }
    }

    public struct Unmatched: Sendable {
        public var file: String
        public var line: Int
        /// The key as normalised (`M15 4AB`), or as written when it is not a postcode.
        public var key: String
        public var reason: UnmatchedReason
        /// For a duplicate: where the record it repeats was read.
        public var detail: String
    }

    public struct FileSummary: Sendable {
        public var path: String
        public var rows: Int
        /// One line per matched role (`BroadbandLayout.description`).
        public var layout: [String]
    }

    public struct Report: Sendable {
        public var zoneCount = 0
        /// Postcodes or output areas outside the working CRS's area of use (`PointPlacement`).
        public var placementWarnings: [String] = []
        /// Ofcom columns with empty or N/A cells: one sentence per file and column.
        public var emptyCells: [String] = []
        public var files: [FileSummary] = []
        /// Distinct keys read (after merging coverage and speed rows of the same key).
        public var records = 0
        public var placed = 0
        /// Whether each record weighs its premises (true) or 1 (no premises counts in some coverage file).
        public var premisesWeighted = true
        /// Coverage measures some file has, and those none has.
        public var measures: [BroadbandMeasure] = []
        public var absentMeasures: [BroadbandMeasure] = []
        public var hasSpeeds = false
        /// Files where the 10 Mbit/s share stands in for the USO.
        public var usoStandIn: [String] = []
        /// Unmatched records by reason, in `UnmatchedReason` order (only reasons with any).
        public var unmatched: [(reason: UnmatchedReason, count: Int)] = []
        /// The first few unmatched records, for the summary.
        public var unmatchedExamples: [Unmatched] = []
        /// Unmatched records that a zone claimed by postcode sector.
        public var attributed = 0
        public var placementSummary = ""
        public var zonesWithWarnings = 0
        public var timings: [(step: String, seconds: Double)] = []
    }

    /// Output properties, in order.
    public static let recordsProperty = "broadband_records"
    public static let premisesProperty = "broadband_premises"
    public static let medianProperty = "broadband_median_down_mbps"
    public static let speedRecordsProperty = "broadband_speed_records"
    public static let unmatchedProperty = "broadband_unmatched_records"
    public static func property(_ measure: BroadbandMeasure) -> String { "broadband_\(measure.rawValue)_pct" }

    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> Report {
        guard let output else { throw DataError(file: "reach broadband", "no output file: name it with --out FILE") }
        try AtomicFile.checkWritable(output)
        if let unmatchedOutput { try AtomicFile.checkWritable(unmatchedOutput) }
        try check()
        var report = Report()
        var clock = StepClock()
        let layer = try ZoneLoader.load(paths: zones, options: zoneOptions, progress: progress)
        report.zoneCount = layer.zones.count
        clock.lap("read zones", into: &report.timings)
        // Broadband needs no origins: the context's stand-in origins (one point on each zone) go unused.
        let index = ZoneIndex(layer)
        let context = StudyContext(name: "reach broadband", layer: layer, zoneIndex: index,
                                   origins: try OriginSet.load(path: nil, options: PointLoadOptions(workingCRS: layer.workingCRS),
                                                               weightField: nil, layer: layer, index: index, progress: progress),
                                   precision: precision)
        let computed = try compute(context, report: &report, progress: progress)
        report.zonesWithWarnings = try ZoneTable.writeOneStep(computed.output, context: context, to: output, progress: progress, timings: &report.timings)
        if let unmatchedOutput { try AtomicFile.write(Self.unmatchedTable(computed.unmatched), to: unmatchedOutput) }
        return report
    }

    /// The file of unplaced records `reach run` writes beside its outputs.
    public static let unmatchedName = "broadband_unmatched.csv"
    static let source = "reach broadband"

    /// Checks what can be checked before reading anything: Ofcom files given, column roles known.
    public func check() throws {
        guard !ofcom.isEmpty else { throw DataError(file: "reach broadband", "no Ofcom files given: name them with --ofcom FILE") }
        for role in columns.keys where !BroadbandLayout.roles.contains(role) {
            throw DataError(file: "--column", "'\(role)' is not a role (roles: \(BroadbandLayout.roles.joined(separator: ", ")))")
        }
    }

    /// Every unmatched record as CSV: file, line, key, reason, detail.
    public static func unmatchedTable(_ unmatched: [Unmatched]) -> [UInt8] {
        var text = "file,line,key,reason,detail\n"
        for entry in unmatched {
            text += [entry.file, String(entry.line), entry.key, entry.reason.rawValue, entry.detail].map(CSVField.escape).joined(separator: ",") + "\n"
        }
        return Array(text.utf8)
    }

    /// The figures of every zone of `layer`: Ofcom files read and merged, records placed and tallied. What was
    /// read, and the timings, go into `report`; the unmatched records come back in file and line order.
    public func compute(_ context: StudyContext, report: inout Report,
                        progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> (output: StepOutput, unmatched: [Unmatched]) {
        let layer = context.layer
        var clock = StepClock()
        report.zoneCount = layer.zones.count
        let places = try loadPlaces(workingCRS: layer.workingCRS, progress: progress)
        report.placementSummary = places.summary
        let placed = places.points.indices.filter { places.points[$0].isFinite }
        report.placementWarnings = try PointPlacement.check(
            placed.map { places.points[$0] }, source: { "\(placement.path): \(placement.keyKind == .postcode ? "postcode" : "output area") \(places.keys.key(placed[$0]))" },
            file: placement.path, role: placement.keyKind == .postcode ? "postcodes" : "output areas", working: layer.workingCRS, extent: layer.nearExtent)
        clock.lap("read \(placement.keyKind == .postcode ? "postcode directory" : "output areas")", into: &report.timings)

        var records = try readRecords(progress: progress, report: &report)
        clock.lap("read Ofcom files", into: &report.timings)

        // Place each record: its point, then its zone.
        progress("placing \(records.rows.count) records in \(layer.zones.count) zones")
        var located: [Int] = [], points: [XY] = []
        located.reserveCapacity(records.rows.count)
        points.reserveCapacity(records.rows.count)
        for r in records.rows.indices {
            let id = records.keys.withKey(r) { places.keys.find($0) }
            guard let id else {
                records.unmatch(r, placement.keyKind == .postcode ? .notInDirectory : .notInOutputAreas)
                continue
            }
            let point = places.points[id]
            guard !point.x.isNaN else { records.unmatch(r, .noLocation); continue }
            located.append(r)
            points.append(point)
        }
        let zoneOf = try context.zoneIndex.zoneOf(points)
        var tallies = [BroadbandTally](repeating: BroadbandTally(), count: layer.zones.count)
        // The zone of each record; -1 not placed, `outsideEveryZone` placed outside them all.
        var recordZone = [Int32](repeating: -1, count: records.rows.count)
        for (i, r) in located.enumerated() {
            guard let z = zoneOf[i] else {
                records.unmatch(r, .outsideZones)
                recordZone[r] = Self.outsideEveryZone
                continue
            }
            recordZone[r] = Int32(z)
            let row = records.rows[r]
            tallies[z].add(row, weight: report.premisesWeighted ? row.premises : 1)
            report.placed += 1
        }
        let attributed = placement.keyKind == .postcode ? sectorAttribution(records, recordZone: recordZone, zoneCount: layer.zones.count) : nil
        report.attributed = attributed?.reduce(0, +) ?? 0
        clock.lap("place records", into: &report.timings)

        // In file order, then line order, whichever step found them.
        let fileOrder = Dictionary(ofcom.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        records.unmatched.sort { (fileOrder[$0.file] ?? 0, $0.line) < (fileOrder[$1.file] ?? 0, $1.line) }
        var counts: [UnmatchedReason: Int] = [:]
        for entry in records.unmatched { counts[entry.reason, default: 0] += 1 }
        report.unmatched = UnmatchedReason.allCases.compactMap { reason in counts[reason].map { (reason, $0) } }
        report.unmatchedExamples = Array(records.unmatched.prefix(5))

        // Per-zone values and warnings.
        var output = StepOutput(zoneCount: layer.zones.count)
        let weighting = report.premisesWeighted ? "premises-weighted" : "record-weighted (the files have no premises counts)"
        output.add(Indicator(Self.recordsProperty, unit: "records", "Ofcom records (postcodes or output areas) placed in the zone", source: Self.source,
                             counts: tallies.map(\.records)))
        output.add(Indicator(Self.premisesProperty, unit: "premises", "premises of those records (null when the files have no premises counts)",
                             source: Self.source, numbers: tallies.map { report.premisesWeighted ? $0.premises : nil }))
        for measure in report.measures {
            output.add(Indicator(Self.property(measure), unit: "%", "\(weighting) share of premises that are \(measure == .belowUSO ? "" : "able to get ")\(measure.meaning)",
                                 source: Self.source, decimals: 2, numbers: tallies.map { $0.percent(measure) }))
        }
        if report.hasSpeeds {
            output.add(Indicator(Self.medianProperty, unit: "Mbit/s", "\(weighting) median of the records' median download speeds", source: Self.source,
                                 decimals: 3, numbers: tallies.map(\.medianDownMbps)))
            output.add(Indicator(Self.speedRecordsProperty, unit: "records", "records with a median download speed", source: Self.source,
                                 counts: tallies.map(\.speedRecords)))
        }
        output.add(Indicator(Self.unmatchedProperty, unit: "records", "records that could not be placed whose postcode sector lies wholly in the zone",
                             source: Self.source, counts: attributed ?? Array(repeating: 0, count: layer.zones.count)))
        for (z, tally) in tallies.enumerated() where layer.zones[z].geometry != nil {
            if tally.records == 0 {
                output.warn(z, "no broadband record is placed in this zone")
                continue
            }
            let missing = report.measures.filter { tally.percent($0) == nil }
            if !missing.isEmpty {
                output.warn(z, "no record here has \(missing.map(\.meaning).joined(separator: ", "))\(report.premisesWeighted ? " on premises above 0" : "")")
            }
            if report.hasSpeeds, tally.speedRecords == 0 {
                output.warn(z, "no record here has a median download speed (Ofcom's N/A: too few lines)")
            }
        }
        return (output, records.unmatched)
    }

    // MARK: - Places

    /// Points by key: postcode centroids or output-area points, in the working CRS.
    struct Places {
        var keys: ByteKeyIndex
        var points: [XY]
        var summary: String
    }

    func loadPlaces(workingCRS: CRS, progress: (String) -> Void) throws -> Places {
        switch placement {
        case let .postcodes(path, postcodeField, xField, yField, crs):
            progress("reading postcode directory \(path)")
            let directory = try PostcodeDirectory.read(path: path, postcodeField: postcodeField, xField: xField, yField: yField,
                                                       crs: crs, workingCRS: workingCRS)
            var summary = "\(path): \(directory.keys.count) postcodes (column '\(directory.postcodeColumn)', coordinates '\(directory.coordinates.x)'/'\(directory.coordinates.y)')"
            if directory.withoutLocation > 0 { summary += ", \(directory.withoutLocation) without a location" }
            return Places(keys: directory.keys, points: directory.points, summary: summary)
        case let .outputAreas(path, codeField, crs):
            progress("reading output areas \(path)")
            let located = try PointLoader.load(path: path, options: PointLoadOptions(sourceCRS: crs, workingCRS: workingCRS))
            guard let first = located.first else { throw DataError(file: path, "holds no output areas") }
            guard let field = codeField ?? ZoneLoader.detectCodeField(Array(first.properties.keys)) else {
                throw DataError(file: path, "no output-area code property found (looked for OA21CD, OA11CD, area_code...): name it with --oa-field")
            }
            var keys = ByteKeyIndex(expectedCount: located.count)
            var seen: [Int: String] = [:]
            var key: [UInt8] = []
            for point in located {
                guard let value = point.properties[field] else {
                    throw DataError(file: point.source, field: field, "no such property (properties: \(point.properties.keys.joined(separator: ", ")))")
                }
                var text = value.stringValue ?? ""
                let valid = text.withUTF8 { OfcomReader.outputAreaKey($0, into: &key) }
                guard valid else { throw DataError(file: point.source, field: field, "not an output-area code (\"\(text)\")") }
                let (id, inserted) = key.withUnsafeBufferPointer { keys.insert($0) }
                guard inserted else { throw DataError(file: point.source, field: field, "\(text) is listed twice (also \(seen[id] ?? "earlier"))") }
                seen[id] = point.source
            }
            return Places(keys: keys, points: located.map(\.xy), summary: "\(path): \(located.count) output areas (code '\(field)')")
        }
    }

    // MARK: - Records

    /// Every Ofcom row merged by key, and the rows that could not be used.
    struct Records {
        var keys = ByteKeyIndex(expectedCount: 1 << 16)
        var rows: [BroadbandRow] = []
        /// (file, line) of the row that made each record.
        var origins: [(file: Int32, line: Int32)] = []
        var files: [String] = []
        var unmatched: [Unmatched] = []
        var keyKind: BroadbandKeyKind

        mutating func unmatch(_ record: Int, _ reason: UnmatchedReason) {
            let origin = origins[record]
            unmatched.append(Unmatched(file: files[Int(origin.file)], line: Int(origin.line), key: display(record), reason: reason, detail: ""))
        }

        func display(_ record: Int) -> String {
            keyKind == .postcode ? Postcode.display(Array(keys.key(record).utf8)) : keys.key(record)
        }
    }

    func readRecords(progress: (String) -> Void, report: inout Report) throws -> Records {
        var records = Records(keyKind: placement.keyKind)
        var coverageFilesWithoutPremises: [String] = []
        var anyPremises = false
        var measures = Set<BroadbandMeasure>()
        var headers: [Set<String>] = []
        let valueBits: UInt16 = ~BroadbandRow.premisesBit
        for (f, path) in ofcom.enumerated() {
            progress("reading Ofcom file \(path)")
            records.files.append(path)
            var rows = 0
            let layout = try OfcomReader.read(path: path, keyKind: placement.keyKind, columns: columns) { key, valid, row in
                rows += 1
                guard valid else {
                    records.unmatched.append(Unmatched(file: path, line: row.line, key: String(decoding: key, as: UTF8.self),
                                                       reason: .notAPostcode, detail: ""))
                    return
                }
                let (id, inserted) = records.keys.insert(key)
                if inserted {
                    records.rows.append(row)
                    records.origins.append((Int32(f), Int32(truncatingIfNeeded: row.line)))
                    return
                }
                var existing = records.rows[id]
                if existing.present & row.present & valueBits != 0 {
                    let origin = records.origins[id]
                    records.unmatched.append(Unmatched(file: path, line: row.line, key: records.display(id), reason: .duplicate,
                                                       detail: "duplicate of \(records.files[Int(origin.file)]) line \(origin.line)"))
                    return
                }
                // A speed row beside a coverage row (or the reverse): one record.
                for i in 0..<BroadbandMeasure.allCases.count where row.present & (1 << UInt16(i)) != 0 {
                    existing.values[i] = row.values[i]
                }
                if existing.present & BroadbandRow.premisesBit == 0, row.present & BroadbandRow.premisesBit != 0 { existing.premises = row.premises }
                if row.present & BroadbandRow.speedBit != 0 { existing.speedMbps = row.speedMbps }
                existing.counts |= row.counts
                existing.present |= row.present
                records.rows[id] = existing
            }
            if !layout.measures.isEmpty, layout.premises == nil { coverageFilesWithoutPremises.append(path) }
            if layout.premises != nil { anyPremises = true }
            measures.formUnion(layout.measures.keys)
            headers.append(Set(layout.header.map(BroadbandLayout.normalise)))
            if layout.medianDown != nil { report.hasSpeeds = true }
            if layout.measures[.belowUSO]?.isStandIn == true { report.usoStandIn.append(path) }
            report.files.append(FileSummary(path: path, rows: rows, layout: layout.description))
            for cells in layout.emptyCells {
                report.emptyCells.append("broadband: \(path): '\(cells.column)' is empty or N/A on \(cells.count) of \(rows) lines (first line \(cells.firstLine)); those records have no value for it and are left out of its figures")
            }
        }
        for (role, header) in columns.sorted(by: { $0.key < $1.key }) {
            let wanted = BroadbandLayout.normalise(header)
            if !headers.contains(where: { $0.contains(wanted) }) {
                throw DataError(file: "--column", "\(role)=\(header): no Ofcom file has a column '\(header)' (\(ofcom.joined(separator: ", ")))")
            }
        }
        // Premises weights need premises: a performance file alone (no premises anywhere) weighs each record 1.
        report.premisesWeighted = coverageFilesWithoutPremises.isEmpty && anyPremises
        report.measures = measures.sorted()
        report.absentMeasures = BroadbandMeasure.allCases.filter { !measures.contains($0) }
        report.records = records.rows.count
        return records
    }

    // MARK: - Sector attribution

    /// Marks a record placed outside every zone: its sector is then not wholly in any one zone.
    static let outsideEveryZone: Int32 = -2

    /// Per zone, the unplaced records (not in the directory, or no location there) whose postcode sector has all its
    /// placed records in that zone (a record placed outside every zone counts, and keeps its sector from every zone).
    func sectorAttribution(_ records: Records, recordZone: [Int32], zoneCount: Int) -> [Int] {
        let claimable = records.unmatched.filter { $0.reason.attributable }
        guard !claimable.isEmpty else { return Array(repeating: 0, count: zoneCount) }
        var sectorZone: [String: Int32] = [:]
        for r in records.rows.indices where recordZone[r] != -1 {
            let sector = Postcode.sector(Array(records.keys.key(r).utf8))
            if let zone = sectorZone[sector] {
                if zone != recordZone[r] { sectorZone[sector] = -1 }
            } else {
                sectorZone[sector] = recordZone[r]
            }
        }
        var attributed = [Int](repeating: 0, count: zoneCount)
        for entry in claimable {
            let key = Array(entry.key.utf8.filter { $0 != 0x20 })
            if let zone = sectorZone[Postcode.sector(key)], zone >= 0 { attributed[Int(zone)] += 1 }
        }
        return attributed
    }
}

extension BroadbandJob: StudyStep {
    public var title: String { "broadband" }

    public func run(_ context: StudyContext, table: ZoneTable, progress: @escaping @Sendable (String) -> Void) throws -> StepOutput {
        try check()
        var report = Report()
        let (output, unmatched) = try compute(context, report: &report, progress: progress)
        var result = output.with(report)
        result.files.append(StudyFile(name: Self.unmatchedName, bytes: Self.unmatchedTable(unmatched)))
        return result
    }
}

extension BroadbandJob.Report: StepReport {
    var notes: [String] {
        var notes: [String] = placementWarnings + emptyCells
        if !premisesWeighted { notes.append("broadband: some Ofcom file has no premises counts, so every record weighs 1 (a share of postcodes)") }
        for file in usoStandIn { notes.append("broadband: \(file) has no USO column; the share unable to get 10 Mbit/s stands in") }
        if !unmatched.isEmpty {
            notes.append("broadband: records not placed: " + unmatched.map { "\($0.count) \($0.reason.rawValue)" }.joined(separator: ", ") + " (listed in \(BroadbandJob.unmatchedName))")
        }
        return notes
    }
}
