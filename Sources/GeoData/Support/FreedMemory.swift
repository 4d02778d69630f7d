import CMalloc

/// Hands memory the process has freed back to the system, where the C library keeps it otherwise.
public enum FreedMemory {
    /// glibc keeps freed small blocks in its heap for reuse, so a run that lets go of hundreds of megabytes of
    /// text (a national feed's edited tables) before its largest allocations would still count them in its peak:
    /// `malloc_trim(0)` returns the free pages of every arena (it returns 1 when it released any, 0 otherwise;
    /// either is fine). Elsewhere this does nothing.
    public static func release() {
        #if os(Linux)
        _ = malloc_trim(0)
        #endif
    }
}
