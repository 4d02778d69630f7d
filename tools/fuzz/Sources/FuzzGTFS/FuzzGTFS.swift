import FuzzDriver
import GeoData

/// A GTFS feed in one input: the files in `names` order, separated by NUL bytes (tools/fuzz.sh makes the seeds
/// from fixtures/gtfs/hand the same way). A missing part is a missing file.
let names = ["stops.txt", "routes.txt", "trips.txt", "stop_times.txt", "calendar.txt", "calendar_dates.txt", "frequencies.txt"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGTFS(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let parts = UnsafeBufferPointer(start: data, count: size).split(separator: 0, omittingEmptySubsequences: false)
    var files: [String: [UInt8]] = [:]
    for (name, part) in zip(names, parts) { files[name] = Array(part) }
    guard let archive = try? GTFSArchive(files: files, path: "fuzz.zip") else { return 0 }
    _ = try? GTFSFeed.read(archive)
    return 0
}

@_cdecl("FuzzGTFS_main")
public func FuzzGTFSMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt { runFuzzer(argc, argv, fuzzGTFS) }
