import FuzzDriver
import Study

/// Study files: TOML syntax (TOMLParser) and reach's own checks of keys, types and values.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTOML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    _ = try? StudyConfig.parse(text: text, file: "fuzz.toml", folder: "/nonexistent")
    return 0
}

@_cdecl("FuzzTOML_main")
public func FuzzTOMLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt { runFuzzer(argc, argv, fuzzTOML) }
