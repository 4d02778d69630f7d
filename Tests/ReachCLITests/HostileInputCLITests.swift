import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile but fair input through the built binary, as a user meets it: one clear message naming the file, exit 1
/// (bad input) or 2 (usage), never a signal, a silent figure or a file written where it should not be.
struct HostileInputCLITests {
    static let wards = "fixtures/trafford/wards_2017.geojson"

    @Test("services with latitude and longitude swapped stop `reach distance` with the hint, and nothing is written")
    func swappedServices() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Three Trafford places written lat,lon under lon,lat headers (the mistake a spreadsheet makes).
        let services = folder.appendingPathComponent("gps.csv").path
        try "name,longitude,latitude\nA,53.42,-2.35\nB,53.45,-2.30\nC,53.40,-2.40\n".write(toFile: services, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("d.geojson").path
        let run = try CLI.reach(["distance", "--wards", Self.wards, "--services", services, "--out", output])
        #expect(run.status == 1)
        #expect(run.stderr.contains("error: \(services): 3 of 3 services lie outside the area of use of EPSG:27700"))
        #expect(run.stderr.contains("the coordinates look like latitude and longitude swapped"))
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test("a negative option value says what is wrong with it, not \"Missing value\"")
    func negativeOption() throws {
        let run = try CLI.reach(["coverage", "--wards", Self.wards, "--bus-stops", "fixtures/trafford/bus_stops.geojson", "--bus-radius", "-5", "--out", "/tmp/never.geojson"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--bus-radius and --rail-radius must be positive"))
        let huge = try CLI.reach(["coverage", "--wards", Self.wards, "--bus-stops", "fixtures/trafford/bus_stops.geojson", "--bus-radius", "1e12", "--out", "/tmp/never.geojson"])
        #expect(huge.status == 2)
        #expect(huge.stderr.contains("must be at most 5000 m (reach's limit)"))
    }

    @Test("a FIFO or a device as --out is refused: no hang, no device replaced")
    func fifoOutput() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("out.geojson").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let run = try CLI.reach(["wards", "--wards", Self.wards, "--out", fifo])
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(fifo): cannot write: it is a FIFO (named pipe), not a regular file"))
        let device = try CLI.reach(["wards", "--wards", Self.wards, "--out", "/dev/null"])
        #expect(device.status == 1)
        #expect(device.stderr.contains("/dev/null: cannot write: it is a device, not a regular file"))
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    }

    @Test("zones nested 100,000 arrays deep are a clean error (exit 1), not a stack overflow")
    func deepNesting() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let zones = folder.appendingPathComponent("deep.geojson").path
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        try (#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"x":"# + deep + #"},"geometry":null}]}"#)
            .write(toFile: zones, atomically: true, encoding: .utf8)
        let run = try CLI.reach(["wards", "--wards", zones, "--out", folder.appendingPathComponent("w.geojson").path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("objects and arrays nested deeper than 128 levels (reach's limit for JSON)"))
    }

    @Test("a UTF-16 services file is named as UTF-16, with the fix")
    func utf16Services() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let services = folder.appendingPathComponent("gps.csv").path
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "name,longitude,latitude\nA,-2.35,53.42\n".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        try Data(bytes).write(to: URL(fileURLWithPath: services))
        let run = try CLI.reach(["distance", "--wards", Self.wards, "--services", services, "--out", folder.appendingPathComponent("d.geojson").path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(services): the file is UTF-16 (byte order mark FF FE); reach reads UTF-8"))
        #expect(!run.stderr.contains("\u{0}"))
    }
}
