/// libFuzzer's driver, for targets SwiftPM links as executables: SwiftPM names an executable target's entry point
/// `<target>_main`, so each target defines that symbol and hands its arguments and its test function to
/// `LLVMFuzzerRunDriver` (libFuzzer's documented entry for programs with their own `main`). The test function
/// is also exported as `LLVMFuzzerTestOneInput`, which libFuzzer's archive refers to.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// Runs libFuzzer with the process's arguments over `test`, which gets each input's bytes.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
                      _ test: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments, test)
}
