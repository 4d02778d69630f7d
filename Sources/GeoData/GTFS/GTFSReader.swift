import GeoPrimitives

extension GTFSFeed {
    /// Reads a GTFS feed (a .zip or a folder). Every malformed or inconsistent record is an error naming the
    /// file and line: an unknown stop, trip, route or service; a malformed time (`25:61:00`); times going
    /// backwards along a trip; a missing required file.
    public static func read(path: String) throws -> GTFSFeed {
        try read(try GTFSArchive(path: path))
    }

    /// Reads the feed from its files, however they are stored.
    ///
    /// `partStopTimes`: stop_times.txt holds the calls of only some trips (a scenario's edited part of a feed,
    /// `GTFSFiles.holdStopTimes`), so it may be empty and most trips may have no calls.
    public static func read(_ archive: GTFSArchive, partStopTimes: Bool = false) throws -> GTFSFeed {
        let path = archive.path
        var feed = GTFSFeed(path: path, stopIDs: ByteKeyIndex(), stopNames: [], stopLonLat: [], stopSources: [],
                            routeIDs: ByteKeyIndex(), routeTypes: [], routeNames: [], tripIDs: ByteKeyIndex(), tripRoute: [], tripService: [],
                            serviceIDs: ByteKeyIndex(), calendar: [], exceptions: [], tripFirst: [0], stopTimeStop: [],
                            arrivalSeconds: [], departureSeconds: [], pickupAllowed: [], dropOffAllowed: [], frequencies: [:], warnings: [])
        // stop_times.txt is checked first: it is the file a broken export most often lacks.
        guard archive.has("stop_times.txt") else { throw DataError(file: path, "has no stop_times.txt, so no trip calls anywhere") }
        try feed.readStops(archive.requiredTable("stops.txt"))
        try feed.readRoutes(archive.requiredTable("routes.txt"))
        let calendar = try archive.table("calendar.txt")
        let calendarDates = try archive.table("calendar_dates.txt")
        guard calendar != nil || calendarDates != nil else {
            throw DataError(file: path, "has neither calendar.txt nor calendar_dates.txt, so no trip has a day to run on")
        }
        if let calendar { try feed.readCalendar(calendar) }
        feed.exceptions = Array(repeating: [:], count: feed.serviceIDs.count)
        if let calendarDates { try feed.readCalendarDates(calendarDates) }
        try feed.readTrips(archive.requiredTable("trips.txt"))
        try feed.readStopTimes(archive, mayBeEmpty: partStopTimes)
        if let frequencies = try archive.table("frequencies.txt") { try feed.readFrequencies(frequencies) }
        for s in 0..<feed.serviceIDs.count where feed.calendar[s]?.weekdays == 0 && !feed.exceptions[s].values.contains(true) {
            feed.warnings.append("\(archive.source("calendar.txt")): service '\(feed.serviceIDs.key(s))' never runs (no weekday set and no dates added)")
        }
        return feed
    }

    private mutating func readStops(_ table: CSVTable) throws {
        let id = try table.requiredColumn("stop_id")
        let name = table.column("stop_name")
        let lat = table.column("stop_lat"), lon = table.column("stop_lon")
        let locationType = table.column("location_type")
        try table.forEachRow { row in
            let key = row.field(id)
            guard !key.isEmpty else { throw DataError(file: table.source, location: "line \(row.line)", field: "stop_id", "is empty") }
            guard stopIDs.insert(key).inserted else {
                throw DataError(file: table.source, location: "line \(row.line)", field: "stop_id", "\(TextCheck.quoted(row.string(id))) is given twice")
            }
            stopNames.append(row.optionalString(name) ?? "")
            stopSources.append("\(table.source): line \(row.line)")
            let type = try locationType.flatMap { try row.integer($0, source: table.source, name: "location_type") } ?? 0
            let latitude = try lat.flatMap { try row.double($0, source: table.source, name: "stop_lat") }
            let longitude = try lon.flatMap { try row.double($0, source: table.source, name: "stop_lon") }
            if let latitude, let longitude {
                guard abs(latitude) <= 90, abs(longitude) <= 180 else {
                    throw DataError(file: table.source, location: "line \(row.line)", field: "stop_lat",
                                    "(\(latitude), \(longitude)) is not a latitude and longitude")
                }
                stopLonLat.append(XY(longitude, latitude))
            } else if type >= 3 {
                stopLonLat.append(nil)
            } else {
                throw DataError(file: table.source, location: "line \(row.line)", field: latitude == nil ? "stop_lat" : "stop_lon",
                                "stop \(TextCheck.quoted(row.string(id))) has no coordinates (required for stops, stations and entrances)")
            }
        }
    }

    private mutating func readRoutes(_ table: CSVTable) throws {
        let id = try table.requiredColumn("route_id"), type = try table.requiredColumn("route_type")
        let short = table.column("route_short_name"), long = table.column("route_long_name")
        try table.forEachRow { row in
            guard routeIDs.insert(row.field(id)).inserted else {
                throw DataError(file: table.source, location: "line \(row.line)", field: "route_id", "\(TextCheck.quoted(row.string(id))) is given twice")
            }
            guard let value = try row.integer(type, source: table.source, name: "route_type"), value >= 0 else {
                throw DataError(file: table.source, location: "line \(row.line)", field: "route_type", "is empty; expected a GTFS route type (3 = bus)")
            }
            routeTypes.append(value)
            let name = [short, long].lazy.compactMap { $0 }.map { row.string($0) }.first { !$0.allSatisfy(\.isWhitespace) }
            routeNames.append(name ?? row.string(id))
        }
    }

    private mutating func readCalendar(_ table: CSVTable) throws {
        let id = try table.requiredColumn("service_id")
        let days = try ServiceDate.weekdayNames.map { try table.requiredColumn($0) }
        let start = try table.requiredColumn("start_date"), end = try table.requiredColumn("end_date")
        try table.forEachRow { row in
            let (s, inserted) = serviceIDs.insert(row.field(id))
            guard inserted else {
                throw DataError(file: table.source, location: "line \(row.line)", field: "service_id", "\(TextCheck.quoted(row.string(id))) is given twice")
            }
            var mask: UInt8 = 0
            for (d, column) in days.enumerated() {
                switch try row.integer(column, source: table.source, name: ServiceDate.weekdayNames[d]) {
                case 1: mask |= 1 << UInt8(d)
                case 0: break
                default: throw DataError(file: table.source, location: "line \(row.line)", field: ServiceDate.weekdayNames[d], "expected 0 or 1 (\(TextCheck.quoted(row.string(column))))")
                }
            }
            let first = try Self.date(row, start, table, "start_date"), last = try Self.date(row, end, table, "end_date")
            guard first <= last else {
                throw DataError(file: table.source, location: "line \(row.line)", field: "end_date", "\(last) is before start_date \(first)")
            }
            assert(s == calendar.count)
            calendar.append(CalendarRule(weekdays: mask, start: first, end: last))
        }
    }

    private mutating func readCalendarDates(_ table: CSVTable) throws {
        let id = try table.requiredColumn("service_id"), date = try table.requiredColumn("date")
        let type = try table.requiredColumn("exception_type")
        try table.forEachRow { row in
            let (s, inserted) = serviceIDs.insert(row.field(id))
            if inserted {
                calendar.append(nil)
                exceptions.append([:])
            }
            let day = try Self.date(row, date, table, "date")
            switch try row.integer(type, source: table.source, name: "exception_type") {
            case 1: exceptions[s][day] = true
            case 2: exceptions[s][day] = false
            default: throw DataError(file: table.source, location: "line \(row.line)", field: "exception_type", "expected 1 (added) or 2 (removed) (\(TextCheck.quoted(row.string(type))))")
            }
        }
    }

    private static func date(_ row: CSVRow, _ column: Int, _ table: CSVTable, _ name: String) throws -> ServiceDate {
        let text = row.string(column).trimmingCharacters(in: " ")
        guard text.count == 8, let date = ServiceDate(text) else {
            throw DataError(file: table.source, location: "line \(row.line)", field: name, "not a YYYYMMDD date (\"\(text)\")")
        }
        return date
    }

    private mutating func readTrips(_ table: CSVTable) throws {
        let id = try table.requiredColumn("trip_id"), route = try table.requiredColumn("route_id")
        let service = try table.requiredColumn("service_id")
        try table.forEachRow { row in
            guard tripIDs.insert(row.field(id)).inserted else {
                throw DataError(file: table.source, location: "line \(row.line)", field: "trip_id", "\(TextCheck.quoted(row.string(id))) is given twice")
            }
            guard let r = routeIDs.find(row.field(route)) else {
                throw DataError(file: table.source, location: "line \(row.line)", field: "route_id", "\(TextCheck.quoted(row.string(route))) is not in routes.txt")
            }
            guard let s = serviceIDs.find(row.field(service)) else {
                throw DataError(file: table.source, location: "line \(row.line)", field: "service_id", "\(TextCheck.quoted(row.string(service))) is in neither calendar.txt nor calendar_dates.txt")
            }
            tripRoute.append(Int32(r))
            tripService.append(Int32(s))
        }
    }

    /// The hot loop: millions of rows. Fields are looked up as bytes; consecutive rows of one trip reuse the
    /// previous row's trip id without a hash lookup. stop_times.txt is streamed in tables of whole records
    /// (`CSVChunks`): its text is never held whole.
    private mutating func readStopTimes(_ archive: GTFSArchive, mayBeEmpty: Bool) throws {
        let source = archive.source("stop_times.txt")
        // Rows of a machine-written stop_times.txt take 35-45 bytes: reserve for 36 (the row arrays are freed
        // once the calls are ordered by trip).
        let estimate = (archive.size("stop_times.txt") ?? 0) / 36 + 16
        var rowTrip: [Int32] = [], rowSequence: [Int32] = [], rowStop: [Int32] = [], rowArrival: [Int32] = []
        var rowDeparture: [Int32] = [], rowPickup: [Bool] = [], rowDropOff: [Bool] = [], rowLine: [Int32] = [], rowDistance: [Double] = []
        rowTrip.reserveCapacity(estimate); rowSequence.reserveCapacity(estimate); rowStop.reserveCapacity(estimate)
        rowArrival.reserveCapacity(estimate); rowDeparture.reserveCapacity(estimate); rowPickup.reserveCapacity(estimate); rowDropOff.reserveCapacity(estimate)
        rowLine.reserveCapacity(estimate)
        var columns: (trip: Int, stop: Int, sequence: Int, arrival: Int, departure: Int, pickup: Int, dropOff: Int, distance: Int)?
        let blank: Int32 = -1
        var lastTripBytes: [UInt8] = []
        var lastTrip: Int32 = -1
        let trips = tripIDs, stops = stopIDs
        var chunks = CSVChunks(source: source, allowsShortRows: true)
        func read(_ table: CSVTable) throws {
          if columns == nil {
              columns = (try table.requiredColumn("trip_id"), try table.requiredColumn("stop_id"), try table.requiredColumn("stop_sequence"),
                         try table.requiredColumn("arrival_time"), try table.requiredColumn("departure_time"),
                         table.column("pickup_type") ?? -1, table.column("drop_off_type") ?? -1, table.column("shape_dist_traveled") ?? -1)
              if columns!.distance >= 0 { rowDistance.reserveCapacity(estimate) }
          }
          let (tripColumn, stopColumn, sequenceColumn, arrivalColumn, departureColumn, pickupColumn, dropOffColumn, distanceColumn) = columns!
          try table.forEachRow { row in
            let tripBytes = row.field(tripColumn)
            if lastTrip < 0 || !tripBytes.elementsEqual(lastTripBytes) {
                guard let t = trips.find(tripBytes) else {
                    throw DataError(file: source, location: "line \(row.line)", field: "trip_id", "\(TextCheck.quoted(row.string(tripColumn))) is not in trips.txt")
                }
                lastTrip = Int32(t)
                lastTripBytes.removeAll(keepingCapacity: true)
                lastTripBytes.append(contentsOf: tripBytes)
            }
            guard let s = stops.find(row.field(stopColumn)) else {
                throw DataError(file: source, location: "line \(row.line)", field: "stop_id", "\(TextCheck.quoted(row.string(stopColumn))) is not in stops.txt")
            }
            guard let sequence = try row.integer(sequenceColumn, source: source, name: "stop_sequence"), sequence >= 0, sequence <= Int(Int32.max) else {
                throw DataError(file: source, location: "line \(row.line)", field: "stop_sequence", "expected a whole number ≥ 0 (\(TextCheck.quoted(row.string(sequenceColumn))))")
            }
            guard let arrival = GTFSTime.parse(row.field(arrivalColumn)) else {
                throw DataError(file: source, location: "line \(row.line)", field: "arrival_time", "not a time HH:MM:SS (\(TextCheck.quoted(row.string(arrivalColumn))))")
            }
            guard let departure = GTFSTime.parse(row.field(departureColumn)) else {
                throw DataError(file: source, location: "line \(row.line)", field: "departure_time", "not a time HH:MM:SS (\(TextCheck.quoted(row.string(departureColumn))))")
            }
            // pickup_type / drop_off_type: 1 forbids; 0 (or blank), 2 and 3 (arrange with the operator) allow.
            func allowed(_ column: Int, _ name: String) throws -> Bool {
                guard column >= 0 else { return true }
                let field = row.field(column)
                if field.count == 1, field[0] == UInt8(ascii: "1") { return false }
                guard field.isEmpty || (field.count == 1 && field[0] >= 0x30 && field[0] <= 0x33) else {
                    throw DataError(file: source, location: "line \(row.line)", field: name, "expected 0, 1, 2 or 3 (\(TextCheck.quoted(row.string(column))))")
                }
                return true
            }
            let pickup = try allowed(pickupColumn, "pickup_type")
            let dropOff = try allowed(dropOffColumn, "drop_off_type")
            if distanceColumn >= 0 {
                rowDistance.append(try row.double(distanceColumn, source: source, name: "shape_dist_traveled") ?? .nan)
            }
            rowTrip.append(lastTrip)
            rowSequence.append(Int32(sequence))
            rowStop.append(Int32(s))
            rowArrival.append((arrival ?? departure).map { Int32($0) } ?? blank)
            rowDeparture.append((departure ?? arrival).map { Int32($0) } ?? blank)
            rowPickup.append(pickup)
            rowDropOff.append(dropOff)
            rowLine.append(Int32(row.line))
          }
        }
        guard try archive.stream("stop_times.txt", { piece in try chunks.feed(piece, read) }) else {
            throw DataError(file: archive.path, "has no stop_times.txt, so no trip calls anywhere")
        }
        try chunks.finish(read)
        guard !rowTrip.isEmpty || mayBeEmpty else {
            throw DataError(file: source, "has a header but no stop times, so no trip calls at any stop")
        }
        // Group rows by trip (counting sort keeps file order within a trip), then order each trip by sequence.
        let tripTotal = tripIDs.count
        var first = [Int32](repeating: 0, count: tripTotal + 1)
        for t in rowTrip { first[Int(t) + 1] += 1 }
        for t in 0..<tripTotal { first[t + 1] += first[t] }
        var next = first
        var order = [Int32](repeating: 0, count: rowTrip.count)
        for (i, t) in rowTrip.enumerated() {
            order[Int(next[Int(t)])] = Int32(i)
            next[Int(t)] += 1
        }
        for t in 0..<tripTotal {
            let range = Int(first[t])..<Int(first[t + 1])
            var sorted = true
            for k in range.dropFirst() where rowSequence[Int(order[k])] <= rowSequence[Int(order[k - 1])] { sorted = false; break }
            if !sorted {
                order[range].sort { rowSequence[Int($0)] < rowSequence[Int($1)] }
                for k in range.dropFirst() where rowSequence[Int(order[k])] == rowSequence[Int(order[k - 1])] {
                    throw DataError(file: source, location: "line \(rowLine[Int(order[k])])", field: "stop_sequence",
                                    "trip '\(tripIDs.key(t))' has stop_sequence \(rowSequence[Int(order[k])]) twice (also line \(rowLine[Int(order[k - 1])]))")
                }
            }
        }
        tripFirst = first
        rowTrip = []
        rowSequence = []
        // Each column in trip order, the row column freed as soon as it is copied (a file already in trip order,
        // the usual case, keeps its columns as they are).
        let identity = order.indices.allSatisfy { order[$0] == Int32($0) }
        func ordered<T>(_ column: inout [T]) -> [T] {
            defer { column = [] }
            return identity ? column : order.map { column[Int($0)] }
        }
        stopTimeStop = ordered(&rowStop)
        arrivalSeconds = ordered(&rowArrival)
        departureSeconds = ordered(&rowDeparture)
        pickupAllowed = ordered(&rowPickup)
        dropOffAllowed = ordered(&rowDropOff)
        let lines = ordered(&rowLine)
        let distances = rowDistance.isEmpty ? [] : ordered(&rowDistance)
        order = []
        try fillAndCheckTimes(lines: lines, distances: distances, source: source)
    }

    /// Interpolates blank times between timed stop times, then checks that times never go backwards.
    private mutating func fillAndCheckTimes(lines: [Int32], distances: [Double], source: String) throws {
        for t in 0..<tripIDs.count {
            let start = Int(tripFirst[t]), end = Int(tripFirst[t + 1])
            guard start < end else { continue }
            if end - start == 1 {
                warnings.append("\(source): line \(lines[start]): trip '\(tripIDs.key(t))' has only one stop time and cannot be ridden; left out")
            }
            for k in [start, end - 1] where departureSeconds[k] < 0 {
                throw DataError(file: source, location: "line \(lines[k])", field: "departure_time",
                                "trip '\(tripIDs.key(t))' has no time at its \(k == start ? "first" : "last") stop (GTFS requires both)")
            }
            var k = start + 1
            while k < end {
                guard departureSeconds[k] < 0 else { k += 1; continue }
                // A run of blank times between timed k - 1 and `after`.
                var after = k
                while departureSeconds[after] < 0 { after += 1 }
                let before = k - 1
                let t0 = Double(departureSeconds[before]), t1 = Double(arrivalSeconds[after])
                let useDistance = !distances.isEmpty && (before...after).allSatisfy { !distances[$0].isNaN } && distances[after] > distances[before]
                for j in k..<after {
                    let fraction = useDistance ? (distances[j] - distances[before]) / (distances[after] - distances[before])
                                               : Double(j - before) / Double(after - before)
                    let time = Int32((t0 + fraction * (t1 - t0)).rounded())
                    arrivalSeconds[j] = time
                    departureSeconds[j] = time
                }
                k = after + 1
            }
            for k in start..<end {
                if departureSeconds[k] < arrivalSeconds[k] {
                    throw DataError(file: source, location: "line \(lines[k])", field: "departure_time",
                                    "trip '\(tripIDs.key(t))' departs (\(GTFSTime.format(Int(departureSeconds[k])))) before it arrives (\(GTFSTime.format(Int(arrivalSeconds[k]))))")
                }
                if k > start, arrivalSeconds[k] < departureSeconds[k - 1] {
                    throw DataError(file: source, location: "line \(lines[k])", field: "arrival_time",
                                    "trip '\(tripIDs.key(t))' arrives at \(GTFSTime.format(Int(arrivalSeconds[k]))), before it left the previous stop (\(GTFSTime.format(Int(departureSeconds[k - 1]))), line \(lines[k - 1])): stop times out of order")
                }
            }
        }
    }

    private mutating func readFrequencies(_ table: CSVTable) throws {
        let trip = try table.requiredColumn("trip_id"), start = try table.requiredColumn("start_time")
        let end = try table.requiredColumn("end_time"), headway = try table.requiredColumn("headway_secs")
        try table.forEachRow { row in
            guard let t = tripIDs.find(row.field(trip)) else {
                throw DataError(file: table.source, location: "line \(row.line)", field: "trip_id", "\(TextCheck.quoted(row.string(trip))) is not in trips.txt")
            }
            guard let first = GTFSTime.parse(row.field(start)), let from = first else {
                throw DataError(file: table.source, location: "line \(row.line)", field: "start_time", "not a time HH:MM:SS (\(TextCheck.quoted(row.string(start))))")
            }
            guard let last = GTFSTime.parse(row.field(end)), let to = last, to > from else {
                throw DataError(file: table.source, location: "line \(row.line)", field: "end_time", "not a time HH:MM:SS after start_time (\(TextCheck.quoted(row.string(end))))")
            }
            guard let seconds = try row.integer(headway, source: table.source, name: "headway_secs"), seconds > 0 else {
                throw DataError(file: table.source, location: "line \(row.line)", field: "headway_secs", "expected seconds > 0 (\(TextCheck.quoted(row.string(headway))))")
            }
            frequencies[t, default: []].append(Frequency(startSeconds: from, endSeconds: to, headwaySeconds: seconds))
        }
    }
}
