import FuzzDriver
import GeoData

/// CSV tables: the scanner, the number parsers, and the point table on top of them.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let table = try? CSVTable(bytes: bytes, source: "fuzz.csv") else { return 0 }
    _ = try? table.forEachRow { row in
        for i in 0..<row.count {
            _ = row.string(i)
            _ = row.decimal(i)
            _ = try? row.integer(i, source: "fuzz.csv", name: "f")
            _ = try? row.double(i, source: "fuzz.csv", name: "f")
        }
    }
    _ = try? PointTable.read(table)
    return 0
}

@_cdecl("FuzzCSV_main")
public func FuzzCSVMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt { runFuzzer(argc, argv, fuzzCSV) }
