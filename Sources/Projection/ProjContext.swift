import CProj

/// Owns one `PJ_CONTEXT` and captures the messages PROJ logs on it, so errors carry PROJ's own words.
///
/// One context per transformer: PROJ contexts must not be used from two threads at once, and Swift tasks can
/// move between threads, so nothing here is shared or thread-local.
final class ProjContext {
    let handle: OpaquePointer
    /// Receives PROJ's log lines; boxed so its address can be handed to C as `app_data`.
    private let log: LogBuffer

    final class LogBuffer {
        var lastMessage = ""
    }

    init() {
        // proj_context_create returns NULL only when out of memory.
        guard let handle = proj_context_create() else { fatalError("proj_context_create returned NULL (out of memory)") }
        self.handle = handle
        self.log = LogBuffer()
        // Route PROJ's log (by default printed on stderr) into this context's buffer; errors are reported once,
        // as Swift errors, by the caller.
        proj_log_level(handle, PJ_LOG_ERROR)
        proj_log_func(handle, Unmanaged.passUnretained(log).toOpaque()) { appData, _, message in
            guard let appData, let message else { return }
            Unmanaged<ProjContext.LogBuffer>.fromOpaque(appData).takeUnretainedValue().lastMessage = String(cString: message)
        }
    }

    deinit {
        proj_context_destroy(handle)
    }

    /// The best message for the last failure: the logged line, else the text for the context's errno.
    func takeMessage(errno: Int32? = nil) -> String {
        let code = errno ?? proj_context_errno(handle)
        var message = log.lastMessage
        log.lastMessage = ""
        if message.isEmpty, code != 0, let text = proj_context_errno_string(handle, code) {
            message = String(cString: text)
        }
        return message.isEmpty ? "no message from PROJ" : message
    }

    /// Runs a PROJ call that returns a new object, throwing `failure(message)` on NULL.
    func create(_ body: (OpaquePointer) -> OpaquePointer?, failure: (String) -> ProjectionError) throws -> OpaquePointer {
        log.lastMessage = ""
        guard let object = body(handle) else { throw failure(takeMessage()) }
        return object
    }
}

/// Owns one `PJ*` made on a context; the context outlives it because this holds a strong reference to it.
final class ProjObject {
    let context: ProjContext
    let handle: OpaquePointer

    init(context: ProjContext, handle: OpaquePointer) {
        self.context = context
        self.handle = handle
    }

    deinit {
        // The PJ is freed before its PJ_CONTEXT: `context` is released only after this body runs.
        proj_destroy(handle)
    }
}
