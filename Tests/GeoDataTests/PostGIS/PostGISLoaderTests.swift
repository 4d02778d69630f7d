import Foundation
import GeoPrimitives
import Testing
@testable import GeoData

/// A throwaway PostgreSQL cluster for one test: `initdb` and `pg_ctl` from Debian's `postgresql` package
/// (tools/install-deps.sh installs it with `postgis`), on a Unix socket in a temporary folder, stopped afterwards.
/// As root (CI), the server runs as the `postgres` user, since initdb refuses root.
enum TestPostgres {
    /// The newest installed major version, e.g. "15".
    static let version: String? = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?
        .filter { FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb") }
        .sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }.last

    /// Runs a command to its end with posix_spawn and waitpid, its output in `log`. (Foundation's Process waits
    /// for its child through descriptors that `pg_ctl start` leaves with the server, so it never sees the end.)
    static func run(_ arguments: [String], asPostgres: Bool, log: URL) throws {
        let command = (asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []) + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw DataError(file: command[0], "posix_spawn failed: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        // WIFEXITED and WEXITSTATUS, spelled out: exited when the low 7 bits are 0, its code in the next 8.
        guard status & 0x7F == 0, (status >> 8) & 0xFF == 0 else {
            throw DataError(file: command[0], "exit status \(status): \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
    }

    /// Runs `body` with the connection string of a fresh cluster that has PostGIS; nil when PostgreSQL is not
    /// installed (an issue under CI=true, where it must be).
    static func with(_ body: (String) throws -> Void) throws {
        guard let version, FileManager.default.fileExists(atPath: "/usr/share/postgresql/\(version)/extension/postgis.control") else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("CI=true and PostgreSQL with PostGIS is not installed (tools/install-deps.sh installs postgresql and postgis)")
            } else {
                print("skipped: PostgreSQL with PostGIS is not installed (tools/install-deps.sh installs it)")
            }
            return
        }
        let bin = "/usr/lib/postgresql/\(version)/bin"
        let folder = URL(fileURLWithPath: "/tmp/reach-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let asPostgres = getuid() == 0
        let commands = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("reach-pg-commands-\(UUID().uuidString.prefix(8)).log")
        defer { try? FileManager.default.removeItem(at: commands) }
        if asPostgres { try run(["/bin/chown", "postgres:postgres", folder.path], asPostgres: false, log: commands) }
        let data = folder.appendingPathComponent("data").path
        try run(["\(bin)/initdb", "-D", data, "-A", "trust", "-U", "reach", "-E", "UTF8", "--no-sync"], asPostgres: asPostgres, log: commands)
        try run(["\(bin)/pg_ctl", "-D", data, "-l", "\(folder.path)/server.log", "-w", "-o",
                 "-k \(folder.path) -c listen_addresses= -c fsync=off", "start"], asPostgres: asPostgres, log: commands)
        defer { try? run(["\(bin)/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"], asPostgres: asPostgres, log: commands) }
        let connection = "host=\(folder.path) dbname=postgres user=reach"
        try PostgresConnection(connection).execute("CREATE EXTENSION postgis")
        try body(connection)
    }
}

/// Loads worked out by hand into a real PostGIS, checked with PostGIS's own functions.
struct PostGISLoaderTests {
    /// Two boxes: A 100 m × 50 m = 5,000 m², B 100 m × 80 m = 8,000 m².
    static func layer(codes: [String] = ["A", "B"]) -> OutputLayer {
        let a = Shape.multiPolygon([[[XY(400_000, 300_000), XY(400_100, 300_000), XY(400_100, 300_050), XY(400_000, 300_050), XY(400_000, 300_000)]]])
        let b = Shape.multiPolygon([[[XY(400_200, 300_010), XY(400_300, 300_010), XY(400_300, 300_090), XY(400_200, 300_090), XY(400_200, 300_010)]]])
        return OutputLayer(name: "zones", description: "two boxes", geometryType: "MULTIPOLYGON",
                           columns: [.init(name: "code", type: .text, title: "code", description: "the zone's code"),
                                     .init(name: "count", type: .integer, title: "count (stops)", description: "stops inside"),
                                     .init(name: "note", type: .text), .init(name: "share", type: .real)],
                           rows: [[.string(codes[0]), .number(3), .string("tab\there, back\\slash"), .number(12.5)],
                                  [.string(codes[1]), .number(0), .null, .null]],
                           geometries: [a, b])
    }

    @Test func loadsCheckedByPostGIS() throws {
        try TestPostgres.with { url in
            let connection = try PostgresConnection(url)
            let names = try PostGISLoader().load([.init(layer: Self.layer(), key: "code", srid: 27700)], into: connection)
            #expect(names == ["\"public\".\"zones\""])
            let rows = try connection.query("""
                SELECT code, count, note, share, ST_IsValid(geom), ST_Area(geom), ST_SRID(geom), GeometryType(geom)
                FROM public.zones ORDER BY fid
                """)
            #expect(rows == [["A", "3", "tab\there, back\\slash", "12.5", "t", "5000", "27700", "MULTIPOLYGON"],
                             ["B", "0", nil, nil, "t", "8000", "27700", "MULTIPOLYGON"]])
            // The primary key is the code, the geometry has a GiST index, and the columns carry their meaning.
            #expect(try connection.query("""
                SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = 'public.zones'::regclass AND i.indisprimary
                """) == [["code"]])
            #expect(try connection.query("SELECT indexdef LIKE '%USING gist (geom)%' FROM pg_indexes WHERE indexname = 'zones_geom_gist'") == [["t"]])
            #expect(try connection.query("SELECT col_description('public.zones'::regclass, 3)") == [["count (stops): stops inside"]])
            #expect(try connection.query("SELECT obj_description('public.zones'::regclass)") == [["two boxes"]])

            // A table that exists is an error naming it, unless --replace.
            do {
                try PostGISLoader().load([.init(layer: Self.layer(), key: "code", srid: 27700)], into: connection)
                Issue.record("no error for an existing table")
            } catch let error as DataError {
                #expect(error.message.contains("public.zones exist already: give --replace"))
            }
            try PostGISLoader(replace: true).load([.init(layer: Self.layer(codes: ["C", "D"]), key: "code", srid: 27700)], into: connection)
            #expect(try connection.query("SELECT string_agg(code, ',' ORDER BY code) FROM public.zones") == [["C,D"]])

            // A load that fails half-way (duplicate keys break the primary key after the rows are in) leaves the
            // database as it was: the second table is not there, and the first keeps its rows.
            var second = Self.layer(codes: ["X", "X"])
            second.name = "more"
            do {
                try PostGISLoader(replace: true).load([.init(layer: Self.layer(codes: ["E", "F"]), key: "code", srid: 27700),
                                                       .init(layer: second, key: "code", srid: 27700)], into: connection)
                Issue.record("no error for duplicate keys")
            } catch let error as DataError {
                #expect(error.message.contains("duplicate") || error.message.contains("unique"), "\(error)")
            }
            #expect(try connection.query("SELECT to_regclass('public.more')") == [[nil]])
            #expect(try connection.query("SELECT string_agg(code, ',' ORDER BY code) FROM public.zones") == [["C,D"]])

            // A connection that breaks half-way: an event trigger (made here, as the cluster's superuser) ends the
            // loader's own session when its second table is created, after the first is loaded. The server rolls
            // the transaction back: neither table is there for a new connection, and zones keeps its rows.
            try connection.execute("""
                CREATE FUNCTION break_load() RETURNS event_trigger AS $$
                BEGIN
                  IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands() WHERE object_identity = 'public.broken') THEN
                    PERFORM pg_terminate_backend(pg_backend_pid());
                  END IF;
                END $$ LANGUAGE plpgsql;
                CREATE EVENT TRIGGER break_load ON ddl_command_end EXECUTE FUNCTION break_load();
                """)
            var broken = Self.layer(codes: ["G", "H"])
            broken.name = "broken"
            let loader = try PostgresConnection(url)
            do {
                try PostGISLoader(replace: true).load([.init(layer: Self.layer(codes: ["E", "F"]), key: "code", srid: 27700),
                                                       .init(layer: broken, key: "code", srid: 27700)], into: loader)
                Issue.record("no error for a broken connection")
            } catch let error as DataError {
                #expect(error.message.contains("terminat") || error.message.contains("closed"), "\(error)")
            }
            let after = try PostgresConnection(url)
            #expect(try after.query("SELECT to_regclass('public.broken')") == [[nil]])
            #expect(try after.query("SELECT string_agg(code, ',' ORDER BY code) FROM public.zones") == [["C,D"]])
            try after.execute("DROP EVENT TRIGGER break_load")

            // A schema that does not exist.
            #expect(throws: DataError.self) { try PostGISLoader(schema: "nowhere").load([.init(layer: Self.layer(), key: nil, srid: 27700)], into: connection) }
        }
    }

    @Test func badConnectionsAreNamed() throws {
        // A password on the command line is refused before connecting.
        do {
            _ = try PostgresConnection("postgresql://reach:secret@127.0.0.1:1/x")
            Issue.record("a password was accepted")
        } catch let error as DataError {
            #expect(error.message.contains("PGPASSWORD") && !error.description.contains("secret"))
        }
        // Nothing listens on the socket folder: the message names host and port and says what libpq said.
        do {
            _ = try PostgresConnection("host=/nonexistent-reach-socket port=5499 dbname=x")
            Issue.record("connected to nothing")
        } catch let error as DataError {
            #expect(error.file.contains("host /nonexistent-reach-socket, port 5499") && error.message.hasPrefix("cannot connect to PostgreSQL"))
        }
    }

    @Test func ewkbByHand() {
        // A point (1, 2) with SRID 27700: 01, type 1 | 0x20000000, 27700, then x and y.
        let bytes = PostGISLoader.ewkb(.point(XY(1, 2)), srid: 27700)
        #expect(bytes == [0x01, 0x01, 0x00, 0x00, 0x20, 0x34, 0x6C, 0x00, 0x00] + GeoPackageTests.bytes(1.0) + GeoPackageTests.bytes(2.0))
    }
}
