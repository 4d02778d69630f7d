import CSQLite

/// One SQLite database connection (the system `libsqlite3`), owned by this object and closed in `deinit`.
/// Every C call goes through here; a result other than the one expected becomes a `DataError` naming the file, the
/// SQLite function and SQLite's own message. Not shared between threads.
public final class SQLiteDatabase {
    let handle: OpaquePointer
    /// The file, as named in messages.
    public let path: String

    /// Opens (creating it when missing) the database at `path` for reading and writing.
    public init(path: String) throws {
        var db: OpaquePointer?
        // sqlite3_open_v2 returns SQLITE_OK, or an error code with (usually) a handle that must still be closed.
        let code = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            if let db { sqlite3_close_v2(db) }
            throw DataError(file: path, "cannot open as SQLite (sqlite3_open_v2): \(message)")
        }
        handle = db
        self.path = path
    }

    deinit {
        // Statements are finalized by their owners first (each holds a strong reference to this database).
        sqlite3_close_v2(handle)
    }

    func failure(_ function: String, _ code: Int32, sql: String? = nil) -> DataError {
        let message = String(cString: sqlite3_errmsg(handle))
        let statement = sql.map { " in \"\($0.prefix(120))\"" } ?? ""
        return DataError(file: path, "SQLite \(function) failed (\(code)): \(message)\(statement)")
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        // sqlite3_exec returns SQLITE_OK, else an error code and a message to free with sqlite3_free.
        let code = sqlite3_exec(handle, sql, nil, nil, &error)
        if code != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(error)
            throw DataError(file: path, "SQLite sqlite3_exec failed (\(code)): \(message) in \"\(sql.prefix(120))\"")
        }
    }

    /// A prepared statement for repeated use.
    public func prepare(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(database: self, sql: sql)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    public func transaction<R>(_ body: () throws -> R) throws -> R {
        try execute("BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// One prepared statement of a `SQLiteDatabase`, finalized in `deinit`. Parameters are numbered from 1.
public final class SQLiteStatement {
    let database: SQLiteDatabase
    let handle: OpaquePointer
    let sql: String

    init(database: SQLiteDatabase, sql: String) throws {
        self.database = database
        self.sql = sql
        var statement: OpaquePointer?
        // sqlite3_prepare_v2 returns SQLITE_OK and a statement (nil for an empty string).
        let code = sqlite3_prepare_v2(database.handle, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else { throw database.failure("sqlite3_prepare_v2", code, sql: sql) }
        handle = statement
    }

    deinit {
        sqlite3_finalize(handle)
    }

    private func check(_ function: String, _ code: Int32) throws {
        guard code == SQLITE_OK else { throw database.failure(function, code, sql: sql) }
    }

    public func bind(_ index: Int32, integer value: Int64) throws {
        try check("sqlite3_bind_int64", sqlite3_bind_int64(handle, index, value))
    }

    public func bind(_ index: Int32, real value: Double) throws {
        try check("sqlite3_bind_double", sqlite3_bind_double(handle, index, value))
    }

    public func bind(_ index: Int32, text value: String) throws {
        // SQLITE_TRANSIENT: SQLite copies the bytes before returning.
        try check("sqlite3_bind_text", sqlite3_bind_text(handle, index, value, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self)))
    }

    public func bind(_ index: Int32, blob value: [UInt8]) throws {
        try value.withUnsafeBytes { raw in
            try check("sqlite3_bind_blob", sqlite3_bind_blob(handle, index, raw.baseAddress, Int32(raw.count),
                                                               unsafeBitCast(-1, to: sqlite3_destructor_type.self)))
        }
    }

    public func bindNull(_ index: Int32) throws {
        try check("sqlite3_bind_null", sqlite3_bind_null(handle, index))
    }

    /// Runs a statement that returns no rows, then resets it for the next use.
    public func run() throws {
        // sqlite3_step returns SQLITE_DONE when a statement without rows has run.
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw database.failure("sqlite3_step", code, sql: sql) }
    }

    /// Steps to the next row; false when there is none.
    public func next() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        guard code == SQLITE_DONE else { throw database.failure("sqlite3_step", code, sql: sql) }
        return false
    }

    public func reset() { sqlite3_reset(handle) }

    public func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    public func real(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    public func text(_ column: Int32) -> String? {
        sqlite3_column_text(handle, column).map { String(cString: $0) }
    }

    public func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let base = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: count))
    }
}
