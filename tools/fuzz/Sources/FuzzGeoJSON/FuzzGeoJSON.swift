import FuzzDriver
import GeoData

/// GeoJSON documents: the reader must reject bad JSON and bad geometry with a DataError, never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGeoJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    bytes.append(0)
    if let collection = try? GeoJSONReader.parse(bytes: bytes, source: "fuzz.geojson") {
        // Touch what a zone loader reads: every shape's envelope.
        for feature in collection.features { _ = feature.geometry?.envelope }
    }
    return 0
}

@_cdecl("FuzzGeoJSON_main")
public func FuzzGeoJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt { runFuzzer(argc, argv, fuzzGeoJSON) }
