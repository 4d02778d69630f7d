import Foundation
import Testing

/// Runs the built `reach` executable as a user would and checks exit codes and messages.
struct ReachCLITests {
    @Test func wardsOnTheBundledFixture() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("wards.geojson").path
        let run = try CLI.reach(["wards", "--wards", "fixtures/trafford/wards_2017.geojson", "--out", output])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("21 wards from 1 file"))
        #expect(FileManager.default.fileExists(atPath: output))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["wards.geojson"])
    }

    @Test func missingFileIsBadInput() throws {
        let run = try CLI.reach(["wards", "--wards", "no/such/wards.geojson", "--out", "/tmp/reach-never.geojson"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("no/such/wards.geojson: no such file"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/reach-never.geojson"))
    }

    @Test func usageErrorsExitWithTwo() throws {
        #expect(try CLI.reach(["wards", "--out", "x.geojson"]).status == 2)
        #expect(try CLI.reach(["wards", "--wards", "a", "--out", "b", "--no-such-flag"]).status == 2)
        #expect(try CLI.reach(["--help"]).status == 0)
    }

    @Test func notGeoJSONNamesTheFileAndLine() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("wards.geojson").path
        try "{\"type\": \"FeatureCollection\",\n \"features\": [ oops ]}".write(toFile: input, atomically: true, encoding: .utf8)
        let run = try CLI.reach(["wards", "--wards", input, "--out", folder.appendingPathComponent("o.geojson").path])
        #expect(run.status == 1)
        // The broken element is the first feature, on line 2.
        #expect(run.stderr.contains("\(input): feature 0, line 2"))
        #expect(run.stderr.contains("expected a Feature object"))
    }

    @Test func swappedCoordinatesAreCaught() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("swapped.geojson").path
        // Altrincham-like coordinates with latitude first.
        try """
        {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"A"},"geometry":{"type":"Polygon",
        "coordinates":[[[53.39,-2.35],[53.39,-2.34],[53.40,-2.34],[53.39,-2.35]]]}}]}
        """.write(toFile: input, atomically: true, encoding: .utf8)
        let run = try CLI.reach(["wards", "--wards", input, "--out", folder.appendingPathComponent("o.geojson").path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("swapped"))
    }

    @Test func unknownCRSIsBadInput() throws {
        let run = try CLI.reach(["wards", "--wards", "fixtures/trafford/wards_2017.geojson", "--out", "/tmp/reach-x.geojson", "--crs", "EPSG:999999"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("unknown CRS 'EPSG:999999'"))
        let working = try CLI.reach(["wards", "--wards", "fixtures/trafford/wards_2017.geojson", "--out", "/tmp/reach-x.geojson", "--working-crs", "EPSG:4326"])
        #expect(working.status == 1)
        #expect(working.stderr.contains("not a projected CRS in metres"))
    }

    @Test func strictFailsOnWarningsButStillWrites() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("maldon.geojson").path
        let run = try CLI.reach(["wards", "--wards", "fixtures/england/E07000074-maldon-wards-2013.json", "--out", output, "--strict"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("repaired E05004205"))
        #expect(FileManager.default.fileExists(atPath: output))
    }
}
