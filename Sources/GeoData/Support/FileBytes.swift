import CSystemZlib
import Foundation

/// Whole-file reads with clear errors, transparently inflating gzip (`1f 8b`) content.
public enum FileBytes {
    /// The file's bytes; gzip content is inflated unless `inflateGzip` is false (formats with their own
    /// compression, such as OSM PBF).
    public static func read(path: String, inflateGzip: Bool = true) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError(file: path, "no such file")
        }
        guard !isDirectory.boolValue else { throw DataError(file: path, "is a folder, expected a file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(file: path, "cannot be read (permission denied?)")
        }
        let bytes = [UInt8](data)
        if inflateGzip, bytes.count >= 2, bytes[0] == 0x1F, bytes[1] == 0x8B {
            return try inflate(bytes, source: path)
        }
        return bytes
    }

    /// Inflates a gzip or zlib stream with the system zlib.
    public static func inflate(_ compressed: [UInt8], source: String, expectedSize: Int? = nil) throws -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 32: accept zlib or gzip headers.
        var status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw DataError(file: source, "zlib inflateInit2 failed (\(status))") }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: max(expectedSize ?? compressed.count * 4, 1024))
        var produced = 0
        try compressed.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            repeat {
                if produced == output.count { output.append(contentsOf: [UInt8](repeating: 0, count: output.count)) }
                status = output.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = uInt(out.count - produced)
                    let result = CSystemZlib.inflate(&stream, Z_NO_FLUSH)
                    produced = out.count - Int(stream.avail_out)
                    return result
                }
                // A gzip file may hold several members one after another (as `cat a.gz b.gz` makes).
                if status == Z_STREAM_END, stream.avail_in > 0 {
                    status = inflateReset(&stream)
                }
            } while status == Z_OK || status == Z_BUF_ERROR && stream.avail_out == 0
            guard status == Z_STREAM_END else {
                let reason = stream.msg.map { String(cString: $0) } ?? "code \(status)"
                throw DataError(file: source, "compressed data is corrupt or truncated (zlib: \(reason))")
            }
        }
        output.removeSubrange(produced...)
        return output
    }
}
