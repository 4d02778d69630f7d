import CGEOS

/// Owns one GEOS context handle (`GEOS_init_r`) and the buffer GEOS writes its error messages into.
///
/// Every geometry made on a context belongs to it; a context and its geometries are used by one task at a
/// time. Parallel work makes one context per task and moves geometries between tasks as WKB or `Shape`s.
public final class GEOSContext {
    let handle: GEOSContextHandle_t
    private let messages: MessageBuffer

    final class MessageBuffer {
        var lastError = ""
    }

    public init() {
        // GEOS_init_r returns NULL only when out of memory.
        guard let handle = GEOS_init_r() else { fatalError("GEOS_init_r returned NULL (out of memory)") }
        self.handle = handle
        messages = MessageBuffer()
        GEOSContext_setErrorMessageHandler_r(handle, { message, userdata in
            guard let message, let userdata else { return }
            Unmanaged<GEOSContext.MessageBuffer>.fromOpaque(userdata).takeUnretainedValue().lastError = String(cString: message)
        }, Unmanaged.passUnretained(messages).toOpaque())
        // Notices (e.g. "Self-intersection at ...") are not failures; validity reasons are asked for explicitly.
        GEOSContext_setNoticeMessageHandler_r(handle, { _, _ in }, nil)
    }

    deinit {
        GEOS_finish_r(handle)
    }

    /// The GEOS version this process runs against, e.g. "3.11.1-CAPI-1.17.1".
    public static var version: String { String(cString: GEOSversion()) }

    // MARK: One place that checks GEOS return conventions

    func failure(_ function: String) -> GeometryError {
        let message = messages.lastError.isEmpty ? "GEOS reported an exception" : messages.lastError
        messages.lastError = ""
        return .geosFailure(function: function, message: message)
    }

    /// For functions returning a new geometry (NULL on exception).
    func geometry(_ function: String, _ result: OpaquePointer?) throws -> Geometry {
        guard let result else { throw failure(function) }
        return Geometry(owning: result, context: self)
    }

    /// For functions returning a pointer (NULL on exception).
    func pointer<T>(_ function: String, _ result: T?) throws -> T {
        guard let result else { throw failure(function) }
        return result
    }

    /// For functions returning int/char status (0 on exception, 1 on success).
    func status(_ function: String, _ result: Int32) throws {
        if result == 0 { throw failure(function) }
    }

    /// For predicates returning char (1 true, 0 false, 2 exception).
    func predicate(_ function: String, _ result: CChar) throws -> Bool {
        switch result {
        case 1: return true
        case 0: return false
        default: throw failure(function)
        }
    }

    /// For functions writing a double through a pointer and returning 0 on exception.
    func measure(_ function: String, _ body: (UnsafeMutablePointer<Double>) -> Int32) throws -> Double {
        var value = 0.0
        try status(function, body(&value))
        return value
    }

    /// Copies and frees a string GEOS allocated (`GEOSFree_r`).
    func takeString(_ function: String, _ result: UnsafeMutablePointer<CChar>?) throws -> String {
        guard let result else { throw failure(function) }
        defer { GEOSFree_r(handle, result) }
        return String(cString: result)
    }
}
