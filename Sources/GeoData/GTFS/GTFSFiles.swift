import Foundation

/// One GTFS file held as text fields, for editing: its header, each row's fields (padded to the header's
/// width), and the line each row came from (0 for a row an edit added). Every column is kept, so a feed written
/// back out carries what reach does not read (headsigns, shapes, accessibility flags).
public struct GTFSTextTable: Sendable {
    /// The file name within the feed ("trips.txt").
    public var name: String
    public var header: [String]
    public var rows: [[String]]
    public var lines: [Int]

    public init(name: String, header: [String], rows: [[String]] = [], lines: [Int]? = nil) {
        self.name = name
        self.header = header
        self.rows = rows
        self.lines = lines ?? Array(repeating: 0, count: rows.count)
    }

    /// Reads a parsed CSV file's fields as text.
    public init(name: String, table: CSVTable) throws {
        self.init(name: name, header: table.header)
        let width = header.count
        try table.forEachRow { row in
            var fields = (0..<min(width, row.count)).map { row.string($0) }
            while fields.count < width { fields.append("") }
            rows.append(fields)
            lines.append(row.line)
        }
    }

    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// The index of column `name`, added (empty in every row) if the file lacks it.
    public mutating func ensureColumn(_ name: String) -> Int {
        if let index = column(name) { return index }
        header.append(name)
        for r in rows.indices { rows[r].append("") }
        return header.count - 1
    }

    /// Keeps the rows for which `keep` is true (given the row's index and fields).
    public mutating func keepRows(_ keep: (Int, [String]) -> Bool) {
        var kept: [[String]] = [], keptLines: [Int] = []
        for r in rows.indices where keep(r, rows[r]) {
            kept.append(rows[r])
            keptLines.append(lines[r])
        }
        rows = kept
        lines = keptLines
    }

    /// Appends a row from column name to value; columns not named are empty, a name the header lacks is added.
    public mutating func append(_ values: [String: String]) {
        for key in values.keys.sorted() { _ = ensureColumn(key) }
        rows.append(header.map { values[$0] ?? "" })
        lines.append(0)
    }

    /// The file as CSV (RFC 4180 quoting where a field needs it, `\n` line ends).
    public var bytes: [UInt8] { headerLine + rowBytes }

    /// The header as a CSV line, with its line end.
    public var headerLine: [UInt8] { Array((header.map(CSVField.escape).joined(separator: ",") + "\n").utf8) }

    /// The rows as CSV, without the header.
    public var rowBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rows.count * (header.count * 8 + 1))
        for row in rows {
            for (i, field) in row.enumerated() {
                if i > 0 { bytes.append(0x2C) }
                CSVField.append(field, to: &bytes)
            }
            bytes.append(0x0A)
        }
        return bytes
    }
}

/// A GTFS feed's files for editing: the tables an edit can change (agency, stops, routes, trips, stop times,
/// calendars, frequencies) as `GTFSTextTable`s, every other file kept as its bytes. Written back out as a zip, or
/// handed to `GTFSFeed.read` as an in-memory archive, so what is measured is exactly what is written.
public struct GTFSFiles: Sendable {
    /// The feed as the user named it (messages name edits after it).
    public var path: String
    public var tables: [String: GTFSTextTable]
    /// Files kept as they were read, by name.
    public var others: [String: [UInt8]]
    /// When stop_times.txt is held in part: the feed it was read from and the trips whose rows `tables` holds.
    /// Every other trip's rows stay in `source` and are copied out as they are (docs/scenarios.md, "What is
    /// recomputed"): a national feed's 29 million calls are not held as text for an edit of a few routes.
    public var heldStopTimes: (source: GTFSArchive, trips: Set<String>)?
    /// When stop_times.txt is held in part and was read with a spool folder: its header, and the header line and
    /// rows of every trip not held, deflated once (`holdStopTimes(of:spool:)`).
    public var untouchedStopTimes: (header: [String], run: DeflatedRun)?

    /// The files read into tables; the rest are copied unchanged.
    public static let editable = ["agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt", "calendar.txt",
                                  "calendar_dates.txt", "frequencies.txt"]

    /// No files: what a feed's edits leave once written out (`ScenarioTimetables.stage(in:)`).
    public init(path: String) {
        self.path = path
        tables = [:]
        others = [:]
    }

    public init(archive: GTFSArchive) throws {
        try self.init(archive: archive, deferringStopTimes: false)
    }

    /// Reads every editable table but stop_times.txt, which `holdStopTimes` reads in whole or in part.
    public init(archive: GTFSArchive, deferringStopTimes: Bool) throws {
        path = archive.path
        tables = [:]
        others = [:]
        for name in archive.fileNames where !(deferringStopTimes && name == "stop_times.txt") {
            if Self.editable.contains(name) {
                if let table = try archive.table(name) { tables[name] = try GTFSTextTable(name: name, table: table) }
            } else if let bytes = try archive.bytes(name) {
                others[name] = bytes
            }
        }
        if deferringStopTimes { heldStopTimes = (archive, []) }
    }

    /// The ids of the trips with a call at any of `stops`, from the feed's stop_times.txt (streamed, never held).
    public func tripsCalling(at stops: Set<String>, in archive: GTFSArchive) throws -> Set<String> {
        guard !stops.isEmpty else { return [] }
        var wanted = ByteKeyIndex()
        for id in stops { _ = wanted.insert(id) }
        var columns: (trip: Int, stop: Int)?
        var found: Set<String> = []
        try Self.scanStopTimes(archive) { record, _ in
            guard let (trip, stop) = columns else {
                let header = Self.headerNames(record)
                guard let trip = header.firstIndex(of: "trip_id"), let stop = header.firstIndex(of: "stop_id") else {
                    throw DataError(file: archive.source("stop_times.txt"), location: "line 1", "no '\(header.contains("trip_id") ? "stop_id" : "trip_id")' column")
                }
                columns = (trip, stop)
                return
            }
            if CSVRecordStream.withField(stop, of: record, { wanted.find($0) }) != nil {
                found.insert(CSVRecordStream.withField(trip, of: record) { String(decoding: $0, as: UTF8.self) })
            }
        }
        return found
    }

    /// Reads the stop_times.txt rows of `trips` (nil: every row) from the feed this was read from, after
    /// `init(archive:deferringStopTimes:)`, streaming the file once. With a `spool` folder, the header and every
    /// other row are deflated there as they pass (`untouchedStopTimes`), so that each zip written of the feed
    /// copies them instead of inflating and deflating the source again.
    public mutating func holdStopTimes(of trips: Set<String>?, spool: SpoolFolder? = nil) throws {
        guard let source = heldStopTimes?.source else { return }
        let name = "stop_times.txt"
        guard let trips else {
            guard let table = try source.table(name) else { heldStopTimes = nil; return }
            tables[name] = try GTFSTextTable(name: name, table: table)
            heldStopTimes = nil
            return
        }
        guard source.has(name) else { heldStopTimes = nil; return }
        var wanted = ByteKeyIndex()
        for id in trips { _ = wanted.insert(id) }
        var held = GTFSTextTable(name: name, header: []), tripColumn: Int?
        func scan(copying: Bool, _ emit: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
            var out: [UInt8] = []
            out.reserveCapacity(1 << 20 + (1 << 16))
            try Self.scanStopTimes(source) { record, line in
                guard let column = tripColumn else {
                    held.header = Self.headerNames(record)
                    guard let column = held.header.firstIndex(of: "trip_id") else { throw DataError(file: source.source(name), location: "line 1", "no 'trip_id' column") }
                    tripColumn = column
                    out += held.headerLine
                    return
                }
                if CSVRecordStream.withField(column, of: record, { wanted.find($0) }) != nil {
                    var fields = CSVRecordStream.fields(record).prefix(held.header.count).map { String(decoding: $0, as: UTF8.self) }
                    while fields.count < held.header.count { fields.append("") }
                    held.rows.append(fields)
                    held.lines.append(line)
                } else if copying {
                    out.append(contentsOf: record)
                    out.append(0x0A)
                    if out.count >= 1 << 20 {
                        try out.withUnsafeBufferPointer { try emit($0) }
                        out.removeAll(keepingCapacity: true)
                    }
                }
            }
            if copying { try out.withUnsafeBufferPointer { try emit($0) } }
        }
        if let spool, !trips.isEmpty {
            let run = try DeflatedRun.write("\(UUID().uuidString).\(name).deflate", in: spool) { emit in try scan(copying: true, emit) }
            if tripColumn != nil { untouchedStopTimes = (held.header, run) }
        } else {
            try scan(copying: false) { _ in }
        }
        tables[name] = held
        heldStopTimes = (source, trips)
    }

    /// Streams a feed's stop_times.txt record by record, with the line each begins on.
    private static func scanStopTimes(_ archive: GTFSArchive, _ record: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        var records = CSVRecordStream()
        try archive.stream("stop_times.txt") { chunk in try records.push(chunk, numbered: record) }
        try records.finish(numbered: record)
    }

    /// A header record's names as `CSVTable` reads them: unquoted, trimmed of spaces, a BOM removed.
    static func headerNames(_ record: UnsafeBufferPointer<UInt8>) -> [String] {
        var fields = CSVRecordStream.fields(record)
        if let first = fields.first, first.starts(with: [0xEF, 0xBB, 0xBF]) { fields[0].removeFirst(3) }
        return fields.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
    }

    /// Every file's bytes, by name; stop_times.txt held in part is the source's rows of the trips not held, as
    /// they were (padded when an edit added a column), then the held rows.
    public var files: [String: [UInt8]] {
        get throws {
            var files = heldFiles
            if let (source, trips) = heldStopTimes, let table = tables["stop_times.txt"] {
                var bytes: [UInt8] = []
                try streamStopTimes(source: source, trips: trips, table: table) { bytes += $0 }
                files["stop_times.txt"] = bytes
            }
            return files
        }
    }

    /// Every file's bytes as held: stop_times.txt held in part is only its held rows (what
    /// `GTFSFeed.read(_:partStopTimes:)` reads to patch the source's feed).
    public var heldFiles: [String: [UInt8]] {
        var files = others
        for (name, table) in tables { files[name] = table.bytes }
        return files
    }

    /// The files as an archive `GTFSFeed.read` takes, named `path` in messages.
    public func archive(path: String) throws -> GTFSArchive {
        try GTFSArchive(files: try files, path: path)
    }

    /// Writes the feed as a zip at `path` (entries in name order, `ZipWriter`). stop_times.txt held in part is
    /// the rows of the trips not held, then the held rows: copied deflated from `untouchedStopTimes` when the
    /// header is as it was there, else streamed from the source (padded when an edit added a column), so the
    /// feed's calls are never all in memory at once.
    ///
    /// `held`, when given, is `heldFiles` as computed already (the scenario's read-back took them), so that a
    /// national feed's tables are not turned into text twice.
    public func writeZip(to path: String, held: [String: [UInt8]]? = nil) throws {
        func bytes(_ name: String) -> [UInt8] { held?[name] ?? others[name] ?? tables[name]!.bytes }
        var zip = try ZipWriter(path: path)
        do {
            var names = Set(others.keys).union(tables.keys)
            if heldStopTimes != nil { names.insert("stop_times.txt") }
            for name in names.sorted() {
                if name == "stop_times.txt", let (source, trips) = heldStopTimes, let table = tables[name] {
                    if let (header, run) = untouchedStopTimes, header == table.header {
                        let rows = held?[name].map { Array($0.drop { $0 != 0x0A }.dropFirst()) } ?? table.rowBytes
                        try zip.add(name, after: run) { emit in try emit(rows) }
                    } else {
                        try zip.add(name) { emit in try streamStopTimes(source: source, trips: trips, table: table, emit: emit) }
                    }
                } else {
                    try zip.add(name, bytes: bytes(name))
                }
            }
            try zip.finish()
        } catch {
            zip.abandon()
            throw error
        }
    }

    private func streamStopTimes(source: GTFSArchive, trips: Set<String>, table: GTFSTextTable, emit: ([UInt8]) throws -> Void) throws {
        var held = ByteKeyIndex()
        for id in trips { _ = held.insert(id) }
        var out = table.headerLine
        out.reserveCapacity(ZipWriter.pieceBytes + (1 << 16))
        var tripColumn: Int?, pad: [UInt8] = []
        try Self.scanStopTimes(source) { bytes, _ in
            guard let column = tripColumn else {
                let header = Self.headerNames(bytes)
                guard let column = header.firstIndex(of: "trip_id") else { throw DataError(file: source.source("stop_times.txt"), location: "line 1", "no 'trip_id' column") }
                tripColumn = column
                pad = [UInt8](repeating: UInt8(ascii: ","), count: max(0, table.header.count - header.count))
                return
            }
            guard CSVRecordStream.withField(column, of: bytes, { held.find($0) }) == nil else { return }
            out.append(contentsOf: bytes)
            out.append(contentsOf: pad)
            out.append(0x0A)
            if out.count >= ZipWriter.pieceBytes {
                try emit(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        out += table.rowBytes
        try emit(out)
    }
}
