import CSystemZlib
import Dispatch
import Foundation

/// Deflates a byte stream on every core while its producer goes on: the bytes are cut into pieces, each batch
/// of pieces deflated in the background as independent raw deflate runs ended by a sync flush (byte-aligned, not
/// final), so that their concatenation is one valid deflate stream, as pigz does; CRC-32s are joined with
/// `crc32_combine`. One batch is deflated while the next is filled, so a producer that inflates and filters a
/// 29-million-row stop_times.txt on one core keeps the other busy. What is deflated goes to `sink` in order.
struct ParallelDeflater {
    /// The pieces the bytes are cut into (the last may be shorter).
    static let pieceBytes = 4 << 20

    /// CRC-32, length and deflated length of everything so far (including what the deflater started from).
    private(set) var crc: UInt
    private(set) var uncompressed: UInt64
    private(set) var compressed: UInt64
    private let source: String
    private let sink: ([UInt8]) throws -> Void
    private var carry: [UInt8] = []
    private var pending: [[UInt8]] = []
    private var inFlight: Batch?
    private let batchSize = max(1, ParallelMap.workerCount)

    /// A deflater whose output continues a run with this CRC and these lengths (`DeflatedRun`); `source` names
    /// the entry in messages.
    init(source: String, after run: (crc: UInt, uncompressed: UInt64, compressed: UInt64)? = nil, sink: @escaping ([UInt8]) throws -> Void) {
        self.source = source
        self.sink = sink
        crc = run?.crc ?? crc32(0, nil, 0)
        uncompressed = run?.uncompressed ?? 0
        compressed = run?.compressed ?? 0
        carry.reserveCapacity(Self.pieceBytes)
    }

    /// Adds bytes.
    mutating func push(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        var start = 0
        while start < bytes.count {
            let take = min(bytes.count - start, Self.pieceBytes - carry.count)
            carry.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<(start + take)]))
            start += take
            if carry.count == Self.pieceBytes {
                pending.append(carry)
                carry.removeAll(keepingCapacity: true)
                if pending.count == batchSize { try launch(final: false) }
            }
        }
    }

    mutating func push(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try push($0) }
    }

    /// Deflates what is left and waits for it: ended by the final block when `final`, else by a sync flush (a run
    /// that another deflater continues). Returns the CRC-32 and lengths of the whole stream.
    mutating func finish(final: Bool) throws -> (crc: UInt, uncompressed: UInt64, compressed: UInt64) {
        if final || !carry.isEmpty { pending.append(carry) }
        carry = []
        if !pending.isEmpty { try launch(final: final) }
        try collect()
        return (crc, uncompressed, compressed)
    }

    /// Waits for the batch in flight, if any, and hands its output over in order.
    private mutating func collect() throws {
        guard let batch = inFlight else { return }
        inFlight = nil
        for (i, result) in batch.wait().enumerated() {
            let (pieceCRC, deflated) = try result.get()
            crc = crc32_combine(crc, pieceCRC, off_t(batch.pieces[i].count))
            uncompressed += UInt64(batch.pieces[i].count)
            compressed += UInt64(deflated.count)
            try sink(deflated)
        }
    }

    /// Starts deflating the pending pieces, after the batch before them is handed over.
    private mutating func launch(final: Bool) throws {
        try collect()
        let batch = Batch(pieces: pending, final: final, source: source)
        pending = []
        batch.start()
        inFlight = batch
    }

    /// One batch of pieces and their deflated forms, filled by background tasks.
    private final class Batch: @unchecked Sendable {
        let pieces: [[UInt8]]
        let final: Bool
        let source: String
        private var results: [Result<(UInt, [UInt8]), any Error>?]
        private let lock = NSLock()
        private let group = DispatchGroup()

        init(pieces: [[UInt8]], final: Bool, source: String) {
            self.pieces = pieces
            self.final = final
            self.source = source
            results = Array(repeating: nil, count: pieces.count)
        }

        func start() {
            for i in pieces.indices {
                DispatchQueue.global().async(group: group) { [self] in
                    let piece = pieces[i]
                    let result = Result { () throws -> (UInt, [UInt8]) in
                        let pieceCRC = piece.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
                        return (pieceCRC, try ParallelDeflater.deflate(piece, final: final && i == pieces.count - 1, source: source))
                    }
                    lock.withLock { results[i] = result }
                }
            }
        }

        func wait() -> [Result<(UInt, [UInt8]), any Error>] {
            group.wait()
            return lock.withLock { results.map { $0! } }
        }
    }

    /// One piece as raw deflate at zlib's fastest level; ended by a sync flush, or by the final block.
    static func deflate(_ piece: [UInt8], final: Bool, source: String) throws -> [UInt8] {
        var stream = z_stream()
        // deflateInit2_: raw deflate (negative window bits), Z_OK on success.
        guard deflateInit2_(&stream, Z_BEST_SPEED, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DataError(file: source, "zlib deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(piece.count))) + 16)
        var input = piece
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                // Z_FINISH returns Z_STREAM_END once all is out; Z_SYNC_FLUSH returns Z_OK.
                return CSystemZlib.deflate(&stream, final ? Z_FINISH : Z_SYNC_FLUSH)
            }
        }
        guard status == (final ? Z_STREAM_END : Z_OK), stream.avail_in == 0 else { throw DataError(file: source, "zlib deflate failed (\(status))") }
        output.removeLast(Int(stream.avail_out))
        return output
    }
}

/// A stretch of a zip entry deflated once, to be copied into every zip that carries it (`ZipWriter.add(_:after:
/// produce:)`): raw deflate ended by a sync flush, in a file of a `SpoolFolder`, with the CRC-32 and the lengths
/// of what it holds.
public struct DeflatedRun: Sendable {
    public let path: String
    public let crc: UInt
    /// Bytes it holds, before and after deflating.
    public let uncompressed: UInt64
    public let compressed: UInt64
    /// Keeps the folder, and so the file, while the run is in use.
    let folder: SpoolFolder

    /// Deflates what `produce` hands to its argument into a new file `name` of `folder`.
    public static func write(_ name: String, in folder: SpoolFolder,
                             produce: (_ emit: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Void) throws -> DeflatedRun {
        let path = folder.file(name)
        guard let file = fopen(path, "wb") else { throw DataError(file: path, "cannot be created (\(String(cString: strerror(errno))))") }
        var closed = false
        defer { if !closed { fclose(file) } }
        var deflater = ParallelDeflater(source: path) { bytes in
            guard bytes.isEmpty || fwrite(bytes, 1, bytes.count, file) == bytes.count else {
                throw DataError(file: path, "cannot be written (\(String(cString: strerror(errno))))")
            }
        }
        try produce { try deflater.push($0) }
        let (crc, uncompressed, compressed) = try deflater.finish(final: false)
        closed = true
        guard fclose(file) == 0 else { throw DataError(file: path, "cannot be closed (\(String(cString: strerror(errno))))") }
        return DeflatedRun(path: path, crc: crc, uncompressed: uncompressed, compressed: compressed, folder: folder)
    }
}
