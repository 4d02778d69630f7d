import Foundation
import Testing
@testable import GeoData

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private func leftovers(in folder: URL, for name: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".\(name).reach-") }
}

private func text(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

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

    // MARK: Hostile paths

    @Test("a FIFO or a device as the output path is refused before anything is written or opened")
    func devicesAndFIFOs() throws {
        try TestSupport.withTemporaryFolder { folder in
            let fifo = folder.appendingPathComponent("out.geojson").path
            #expect(mkfifo(fifo, 0o644) == 0)
            // Opening a FIFO for writing would block until a reader came: the check must not open it.
            let error = try #require(throws: DataError.self) { try AtomicFile.write([1, 2], to: fifo) }
            #expect(error == DataError(file: fifo, "cannot write: it is a FIFO (named pipe), not a regular file"))
            #expect(try leftovers(in: folder, for: "out.geojson").isEmpty)
        }
        let device = try #require(throws: DataError.self) { try AtomicFile.checkWritable("/dev/null") }
        #expect(device.message == "cannot write: it is a device, not a regular file")
    }

    @Test("a symlink planted at the temporary name is not followed: its target is untouched and another name is used")
    func plantedSymlink() throws {
        try TestSupport.withTemporaryFolder { folder in
            let victim = try TestSupport.write("precious\n", to: "victim.txt", in: folder)
            let target = folder.appendingPathComponent("out.csv").path
            // The first two names the generator will give are taken by symlinks to the victim (one dangling).
            var names = ["planted", "dangling", "free"].makeIterator()
            let prefix = folder.appendingPathComponent(".out.csv.reach-\(getpid())-").path
            #expect(symlink(victim, prefix + "planted.tmp") == 0)
            #expect(symlink(folder.appendingPathComponent("nowhere").path, prefix + "dangling.tmp") == 0)
            let (path, file) = try AtomicFile.createTemporary(beside: target, random: { names.next()! })
            try file.close()
            #expect(path == prefix + "free.tmp")
            #expect(try text(victim) == "precious\n")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("nowhere").path))
            unlink(path)
            // A symlink at the target itself is replaced by the new file; what it pointed at is left alone.
            #expect(symlink(victim, target) == 0)
            try AtomicFile.write(Array("new\n".utf8), to: target)
            #expect(try text(victim) == "precious\n")
            #expect(try text(target) == "new\n")
            var info = stat()
            #expect(lstat(target, &info) == 0 && info.st_mode & S_IFMT == S_IFREG)
        }
    }

    @Test("temporary names are unpredictable: 1,000 of them are all different")
    func unpredictableNames() {
        let names = Set((0..<1_000).map { _ in AtomicFile.randomPart() })
        #expect(names.count == 1_000)
    }

    @Test("temporaries a killed run left (its process gone) are removed; a live process's are kept")
    func staleTemporaries() throws {
        try TestSupport.withTemporaryFolder { folder in
            // 4194304 is above Linux's largest pid (pid_max ≤ 2^22), so no process has it.
            let stale = try TestSupport.write("half", to: ".wards.geojson.reach-4194304-abc.tmp", in: folder)
            let staleBackup = try TestSupport.write("old", to: ".wards.geojson.reach-4194304-def.bak", in: folder)
            let live = try TestSupport.write("busy", to: ".wards.geojson.reach-\(getpid())-xyz.tmp", in: folder)
            let other = try TestSupport.write("x", to: ".wards.geojson.reach-notapid.tmp", in: folder)
            var set = OutputSet()
            defer { set.discard() }
            try set.stage(Array("{}".utf8), to: folder.appendingPathComponent("wards.geojson").path)
            try set.commit()
            #expect(set.removedStale.sorted() == [".wards.geojson.reach-4194304-abc.tmp", ".wards.geojson.reach-4194304-def.bak"])
            #expect(!FileManager.default.fileExists(atPath: stale) && !FileManager.default.fileExists(atPath: staleBackup))
            #expect(FileManager.default.fileExists(atPath: live) && FileManager.default.fileExists(atPath: other))
        }
    }

    @Test("a set of outputs is replaced as a whole: a rename failing part-way puts the earlier files back")
    func setRollsBack() throws {
        try TestSupport.withTemporaryFolder { folder in
            let paths = ["a.geojson", "b.csv", "c.json"].map { folder.appendingPathComponent($0).path }
            try TestSupport.write("old a\n", to: "a.geojson", in: folder)
            try TestSupport.write("old b\n", to: "b.csv", in: folder)
            // c.json does not exist yet: after the rollback it must not exist either.
            var set = OutputSet()
            defer { set.discard() }
            for (path, body) in zip(paths, ["new a\n", "new b\n", "new c\n"]) { try set.stage(Array(body.utf8), to: path) }
            var renames = 0
            let error = try #require(throws: DataError.self) {
                try set.commit(rename: { from, to in
                    renames += 1
                    if renames == 3 { errno = EIO; return -1 }
                    return rename(from, to)
                })
            }
            #expect(error.file == paths[2])
            #expect(error.message.hasSuffix("the earlier files are left as they were"))
            #expect(try text(paths[0]) == "old a\n")
            #expect(try text(paths[1]) == "old b\n")
            set.discard()
            // Rolled back: the earlier files, no new file, no temporary or backup left.
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["a.geojson", "b.csv"])
        }
    }

    @Test("a set whose target became a folder after staging is refused before any rename")
    func setChecksEveryTargetFirst() throws {
        try TestSupport.withTemporaryFolder { folder in
            try TestSupport.write("old a\n", to: "a.geojson", in: folder)
            let a = folder.appendingPathComponent("a.geojson").path, b = folder.appendingPathComponent("b.csv").path
            var set = OutputSet()
            defer { set.discard() }
            try set.stage(Array("new a\n".utf8), to: a)
            try set.stage(Array("new b\n".utf8), to: b)
            try FileManager.default.createDirectory(atPath: b, withIntermediateDirectories: false)
            let error = try #require(throws: DataError.self) { try set.commit() }
            #expect(error == DataError(file: b, "cannot write: it is a folder, not a regular file"))
            #expect(try text(a) == "old a\n")
        }
    }

    @Test("a library writing by path writes inside a new private folder: a planted name is skipped, nothing is left")
    func privateFolderForLibraries() throws {
        try TestSupport.withTemporaryFolder { folder in
            let victim = try TestSupport.write("precious\n", to: "victim.txt", in: folder)
            let target = folder.appendingPathComponent("zones.gpkg").path
            var names = ["planted", "free"].makeIterator()
            let prefix = folder.appendingPathComponent(".zones.gpkg.reach-\(getpid())-").path
            #expect(symlink(folder.path, prefix + "planted.d") == 0)
            let made = try AtomicFile.createPrivateFolder(beside: target, random: { names.next()! })
            #expect(made == prefix + "free.d")
            var info = stat()
            #expect(lstat(made, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR && info.st_mode & 0o777 == 0o700)
            rmdir(made)
            unlink(prefix + "planted.d")
            // Through the set: the body gets a path inside such a folder; after commit only the target is left.
            var set = OutputSet()
            defer { set.discard() }
            var given = ""
            try set.stageThrough(to: target) { path in
                given = path
                try Data("package".utf8).write(to: URL(fileURLWithPath: path))
            }
            #expect(given.hasPrefix(prefix) && given.hasSuffix(".d/zones.gpkg"))
            try set.commit()
            #expect(try text(target) == "package")
            #expect(try text(victim) == "precious\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["victim.txt", "zones.gpkg"])
            // A body that fails leaves neither its file nor its folder.
            var failing = OutputSet()
            #expect(throws: DataError.self) {
                try failing.stageThrough(to: target) { path in
                    try Data("half".utf8).write(to: URL(fileURLWithPath: path))
                    throw DataError(file: path, "the library failed")
                }
            }
            failing.discard()
            #expect(try text(target) == "package")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["victim.txt", "zones.gpkg"])
        }
    }
}
