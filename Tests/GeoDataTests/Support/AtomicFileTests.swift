import Foundation
import Testing
@testable import GeoData

private func leftovers(in folder: URL, for name: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".\(name).tmp-") }
}

@Suite("AtomicFile")
struct AtomicFileTests {
    @Test("writes the bytes and leaves no temporary file behind")
    func writes() throws {
        try TestSupport.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("out.geojson").path
            let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            try AtomicFile.write(bytes, to: path)
            #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
            #expect(try leftovers(in: folder, for: "out.geojson").isEmpty)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.geojson"])
        }
    }

    @Test("replaces an existing file, longer or shorter")
    func replaces() throws {
        try TestSupport.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("scores.csv").path
            try TestSupport.write("old contents that are longer\n", to: "scores.csv", in: folder)
            try AtomicFile.write(Array("new\n".utf8), to: path)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
            try AtomicFile.write(Array("newer and longer\n".utf8), to: path)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "newer and longer\n")
            #expect(try leftovers(in: folder, for: "scores.csv").isEmpty)
        }
    }

    @Test("an empty byte array makes an empty file")
    func empty() throws {
        try TestSupport.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("empty.txt").path
            try AtomicFile.write([], to: path)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.size] as? NSNumber)?.intValue == 0)
        }
    }

    @Test("writing into a missing folder is a DataError naming the file")
    func missingFolderWrite() throws {
        try TestSupport.withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("no/such/folder/out.json").path
            let error = try #require(throws: DataError.self) { try AtomicFile.write([1, 2, 3], to: path) }
            #expect(error.file == path)
            #expect(error.message.contains("cannot write"))
        }
    }

    @Test("checkWritable: fine for a new file in an existing folder and for an existing file")
    func checkWritableOK() throws {
        try TestSupport.withTemporaryFolder { folder in
            try AtomicFile.checkWritable(folder.appendingPathComponent("new.geojson").path)
            let existing = try TestSupport.write("x", to: "existing.geojson", in: folder)
            try AtomicFile.checkWritable(existing)
        }
    }

    @Test("checkWritable on a missing folder throws, naming the folder")
    func checkWritableMissingFolder() throws {
        try TestSupport.withTemporaryFolder { folder in
            let missing = folder.appendingPathComponent("missing")
            let error = try #require(throws: DataError.self) {
                try AtomicFile.checkWritable(missing.appendingPathComponent("out.geojson").path)
            }
            #expect(error.message.contains("does not exist"))
            #expect(error.message.contains(missing.path))
        }
    }

    @Test("checkWritable on a path that is a folder throws")
    func checkWritableFolder() throws {
        try TestSupport.withTemporaryFolder { folder in
            let sub = folder.appendingPathComponent("out.geojson")
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: false)
            let error = try #require(throws: DataError.self) { try AtomicFile.checkWritable(sub.path) }
            #expect(error.message.contains("folder"))
            // And write refuses too, leaving nothing behind.
            #expect(throws: DataError.self) { try AtomicFile.write([1], to: sub.path) }
            #expect(try leftovers(in: folder, for: "out.geojson").isEmpty)
        }
    }
}
