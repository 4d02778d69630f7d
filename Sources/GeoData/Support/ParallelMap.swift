import Dispatch
import Foundation

/// Splits work over the machine's cores.
///
/// Each chunk runs `body` on a contiguous slice and must build its own non-`Sendable` state (GEOS context,
/// PROJ transformer) inside it: those never cross chunks. Results come back in input order, so output is
/// the same whatever the core count.
public enum ParallelMap {
    /// Cores to use: all of them, or `REACH_THREADS` when set (1 runs everything on the calling thread).
    public static var workerCount: Int {
        if let text = ProcessInfo.processInfo.environment["REACH_THREADS"], let value = Int(text), value > 0 { return value }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Maps `items` in `chunksPerWorker × workers` contiguous chunks, results in input order.
    public static func map<T: Sendable, R: Sendable>(_ items: [T], chunksPerWorker: Int = 4,
                                                     _ body: @Sendable (ArraySlice<T>) throws -> [R]) throws -> [R] {
        try map(items, chunksPerWorker: chunksPerWorker, worker: { () }, { _, slice in try body(slice) })
    }

    /// Maps `items` in contiguous chunks on one thread per core. Each thread first makes its own `worker`
    /// state (a GEOS context, PROJ transformers: costly to make, never shared) and then takes chunks in
    /// turn until none are left, so the state is built once per core, not once per chunk.
    public static func map<T: Sendable, R: Sendable, W>(_ items: [T], chunksPerWorker: Int = 4,
                                                        worker makeWorker: @Sendable () throws -> W,
                                                        _ body: @Sendable (W, ArraySlice<T>) throws -> [R]) throws -> [R] {
        let workers = min(workerCount, max(items.count, 1))
        if workers == 1 { return try body(try makeWorker(), items[...]) }
        let chunkCount = min(items.count, workers * chunksPerWorker)
        let bounds = (0...chunkCount).map { items.count * $0 / chunkCount }
        let results = ResultSlots<R>(count: chunkCount)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let state: W
            do {
                state = try makeWorker()
            } catch {
                while let chunk = results.claim() { results.store(chunk, .failure(error)) }
                return
            }
            while let chunk = results.claim() {
                results.store(chunk, Result { try body(state, items[bounds[chunk]..<bounds[chunk + 1]]) })
            }
        }
        var output: [R] = []
        output.reserveCapacity(items.count)
        for chunk in 0..<chunkCount { output.append(contentsOf: try results.take(chunk).get()) }
        return output
    }
}

/// One slot per chunk and the next chunk to hand out, both behind one lock.
private final class ResultSlots<R: Sendable>: @unchecked Sendable {
    private var slots: [Result<[R], any Error>?]
    private var nextChunk = 0
    private let lock = NSLock()

    /// The next chunk nobody has taken, or nil when all are taken.
    func claim() -> Int? {
        lock.withLock {
            guard nextChunk < slots.count else { return nil }
            defer { nextChunk += 1 }
            return nextChunk
        }
    }

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func store(_ index: Int, _ result: Result<[R], any Error>) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    func take(_ index: Int) -> Result<[R], any Error> {
        slots[index]!
    }
}
