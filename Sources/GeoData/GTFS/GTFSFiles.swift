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
    public var bytes: [UInt8] {
        var text = header.map(CSVField.escape).joined(separator: ",") + "\n"
        text.reserveCapacity(rows.count * (header.count * 8 + 1))
        for row in rows {
            text += row.map(CSVField.escape).joined(separator: ",")
            text += "\n"
        }
        return Array(text.utf8)
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

    /// The files read into tables; the rest are copied unchanged.
    public static let editable = ["agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt", "calendar.txt",
                                  "calendar_dates.txt", "frequencies.txt"]

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

    /// The ids of the trips with a call at any of `stops`, from the feed's stop_times.txt.
    public func tripsCalling(at stops: Set<String>, in archive: GTFSArchive) throws -> Set<String> {
        guard !stops.isEmpty, let table = try archive.table("stop_times.txt") else { return [] }
        let trip = try table.requiredColumn("trip_id"), stop = try table.requiredColumn("stop_id")
        var wanted = ByteKeyIndex()
        for id in stops { _ = wanted.insert(id) }
        var found: Set<String> = []
        try table.forEachRow { row in
            if wanted.find(row.field(stop)) != nil { found.insert(row.string(trip)) }
        }
        return found
    }

    /// Reads the stop_times.txt rows of `trips` (nil: every row) from the feed this was read from, after
    /// `init(archive:deferringStopTimes:)`.
    public mutating func holdStopTimes(of trips: Set<String>?) throws {
        guard let source = heldStopTimes?.source else { return }
        guard let table = try source.table("stop_times.txt") else { heldStopTimes = nil; return }
        var held = GTFSTextTable(name: "stop_times.txt", header: table.header)
        if let trips {
            let tripColumn = try table.requiredColumn("trip_id")
            var wanted = ByteKeyIndex()
            for id in trips { _ = wanted.insert(id) }
            let width = table.header.count
            try table.forEachRow { row in
                guard wanted.find(row.field(tripColumn)) != nil else { return }
                var fields = (0..<min(width, row.count)).map { row.string($0) }
                while fields.count < width { fields.append("") }
                held.rows.append(fields)
                held.lines.append(row.line)
            }
            heldStopTimes = (source, trips)
        } else {
            held = try GTFSTextTable(name: "stop_times.txt", table: table)
            heldStopTimes = nil
        }
        tables["stop_times.txt"] = held
    }

    /// Every file's bytes, by name; stop_times.txt held in part is the source's rows of the trips not held, as
    /// they were (padded when an edit added a column), then the held rows.
    public var files: [String: [UInt8]] {
        get throws {
            var files = heldFiles
            if let (source, trips) = heldStopTimes, let table = tables["stop_times.txt"], let original = try source.table("stop_times.txt") {
                var bytes = table.header.map(CSVField.escape).joined(separator: ",").utf8.map { $0 } + [0x0A]
                bytes.reserveCapacity(original.bytes.count + table.rows.count * 8 * table.header.count)
                let pad = [UInt8](repeating: UInt8(ascii: ","), count: max(0, table.header.count - original.header.count))
                let tripColumn = try original.requiredColumn("trip_id")
                var held = ByteKeyIndex()
                for id in trips { _ = held.insert(id) }
                try original.bytes.withUnsafeBufferPointer { buffer in
                    try original.forEachRow { row in
                        guard held.find(row.field(tripColumn)) == nil else { return }
                        var end = row.record.upperBound
                        while end > row.record.lowerBound, buffer[end - 1] == 0x0A || buffer[end - 1] == 0x0D { end -= 1 }
                        bytes.append(contentsOf: buffer[row.record.lowerBound..<end])
                        bytes.append(contentsOf: pad)
                        bytes.append(0x0A)
                    }
                }
                let rows = table.bytes
                let headerEnd = rows.firstIndex(of: 0x0A).map { $0 + 1 } ?? rows.count
                bytes.append(contentsOf: rows[headerEnd...])
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
    /// streamed from the source: its rows of the trips not held as they were (padded when an edit added a
    /// column), then the held rows, so the feed's calls are never all in memory at once.
    public func writeZip(to path: String) throws {
        var zip = try ZipWriter(path: path)
        do {
            var names = Set(others.keys).union(tables.keys)
            if heldStopTimes != nil { names.insert("stop_times.txt") }
            for name in names.sorted() {
                if name == "stop_times.txt", let (source, trips) = heldStopTimes, let table = tables[name] {
                    try zip.add(name) { emit in try streamStopTimes(source: source, trips: trips, table: table, emit: emit) }
                } else {
                    try zip.add(name, bytes: others[name] ?? tables[name]!.bytes)
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
        var out: [UInt8] = Array((table.header.map(CSVField.escape).joined(separator: ",") + "\n").utf8)
        out.reserveCapacity(ZipWriter.pieceBytes + (1 << 16))
        var records = CSVRecordStream()
        var tripColumn: Int?, pad: [UInt8] = []
        func record(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            guard let column = tripColumn else {
                let header = CSVRecordStream.fields(bytes).map { String(decoding: $0, as: UTF8.self) }
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
        try source.stream("stop_times.txt") { chunk in try records.push(chunk, record) }
        try records.finish(record)
        let rows = table.bytes
        let headerEnd = rows.firstIndex(of: 0x0A).map { $0 + 1 } ?? rows.count
        out.append(contentsOf: rows[headerEnd...])
        try emit(out)
    }
}
