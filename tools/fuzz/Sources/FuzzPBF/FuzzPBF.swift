import FuzzDriver
import GeoData

/// OSM PBF: blob framing, zlib, protobuf varints, string tables, dense nodes and ways.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPBF(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? PBFReader.parse(bytes: bytes, source: "fuzz.osm.pbf", filter: OSMFilter(wayKeys: ["highway"], nodeKeys: ["public_transport"]))
    return 0
}

@_cdecl("FuzzPBF_main")
public func FuzzPBFMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt { runFuzzer(argc, argv, fuzzPBF) }
