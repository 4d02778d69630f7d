import CLibPQ
import Foundation

/// One PostgreSQL connection through libpq, owned by this object and closed in `deinit`. Every C call goes through
/// here; a result other than the one expected becomes a `DataError` naming the database and carrying the server's
/// message. Not shared between threads.
public final class PostgresConnection {
    let handle: OpaquePointer
    /// The connection as named in messages: host, port and database, never a password.
    public let target: String

    /// Connects with a libpq connection string or URI (`postgresql://user@host:5432/db`, `host=/tmp dbname=x`). A
    /// password in it is refused: `ps` shows command lines, so it belongs in `PGPASSWORD` or `~/.pgpass`, which
    /// libpq reads itself.
    public init(_ connection: String) throws {
        var parseError: UnsafeMutablePointer<CChar>?
        // PQconninfoParse returns the options, or nil with a message to free with PQfreemem.
        guard let options = PQconninfoParse(connection, &parseError) else {
            let message = parseError.map { String(cString: $0) } ?? "not a connection string"
            if let parseError { PQfreemem(parseError) }
            throw DataError(file: "--postgres", "cannot read the connection string: \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        var described: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { described[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        PQconninfoFree(options)
        let where_ = "host \(described["host"] ?? described["hostaddr"] ?? "(default socket)"), port \(described["port"] ?? "5432"), database \(described["dbname"] ?? "(default)")"
        guard described["password"] == nil else {
            throw DataError(file: "--postgres", "the connection string holds a password, which ps would show: put it in PGPASSWORD or ~/.pgpass instead (\(where_))")
        }
        target = where_
        guard let connection = PQconnectdb(connection) else { throw DataError(file: where_, "libpq could not allocate a connection (PQconnectdb)") }
        // PQstatus is CONNECTION_OK on success; PQerrorMessage then says why not (host, port, the server's words).
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(connection)
            throw DataError(file: where_, "cannot connect to PostgreSQL: \(message)")
        }
        handle = connection
    }

    deinit {
        PQfinish(handle)
    }

    func failure(_ what: String, _ result: OpaquePointer?) -> DataError {
        let message = result.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
            ?? String(cString: PQerrorMessage(handle))
        return DataError(file: target, "\(what): \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        // PQexec returns PGRES_COMMAND_OK (or PGRES_TUPLES_OK for a query) on success.
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure("\(sql.prefix(100))", result) }
    }

    /// Runs a query with text parameters ($1, $2...) and returns its rows as text (nil for NULL).
    public func query(_ sql: String, _ parameters: [String?] = []) throws -> [[String?]] {
        var copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { for pointer in copies { free(pointer) } }
        let result = copies.withUnsafeMutableBufferPointer { buffer -> OpaquePointer? in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { values in
                PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
            }
        }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK || PQresultStatus(result) == PGRES_COMMAND_OK else { throw failure("\(sql.prefix(100))", result) }
        return (0..<PQntuples(result)).map { row in
            (0..<PQnfields(result)).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }

    /// `COPY ... FROM STDIN` (text format): `next` fills the buffer with the next rows and returns false at the end;
    /// each filled buffer is sent as one chunk.
    public func copy(_ sql: String, next: (inout [UInt8]) throws -> Bool) throws {
        let start = PQexec(handle, sql)
        // A COPY FROM STDIN answers PGRES_COPY_IN, then takes data until PQputCopyEnd.
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            throw failure("\(sql.prefix(100))", start)
        }
        PQclear(start)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var failed: (any Error)?
        do {
            while try next(&buffer) {
                guard !buffer.isEmpty else { continue }
                // PQputCopyData returns 1 when queued, -1 on error (0 only in non-blocking mode).
                let sent = buffer.withUnsafeBytes { PQputCopyData(handle, $0.baseAddress!.assumingMemoryBound(to: CChar.self), Int32($0.count)) }
                guard sent == 1 else { throw failure("COPY: sending data", nil) }
                buffer.removeAll(keepingCapacity: true)
            }
        } catch {
            failed = error
        }
        // Ending with an error message makes the server abort the COPY (and so the transaction).
        guard PQputCopyEnd(handle, failed == nil ? nil : "reach stopped the load") == 1 else { throw failure("COPY: ending", nil) }
        var last: (any Error)? = failed
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) != PGRES_COMMAND_OK, last == nil { last = failure("COPY", result) }
            PQclear(result)
        }
        if let last { throw last }
    }
}
