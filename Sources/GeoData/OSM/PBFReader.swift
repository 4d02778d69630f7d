import CSystemZlib
import Foundation
import GeoPrimitives

/// Reads OpenStreetMap `.osm.pbf` files natively: the blob framing (`BlobHeader`, `Blob`), zlib-compressed or
/// raw blocks, string tables, dense and plain nodes, and ways with their tags. Relations are counted, not kept.
///
/// Blocks are inflated and decoded on all cores; results are merged in file order, so the extract is the same
/// whatever the core count. Corrupt or truncated input is a `DataError` naming the file, the blob and the byte.
public enum PBFReader {
    /// Features a file may require that this reader handles (others, such as `HistoricalInformation`, are refused).
    static let supportedFeatures: Set<String> = ["OsmSchema-V0.6", "DenseNodes"]

    public static func read(path: String, filter: OSMFilter) throws -> OSMExtract {
        try parse(bytes: try FileBytes.read(path: path, inflateGzip: false), source: path, filter: filter)
    }

    public static func parse(bytes: [UInt8], source: String, filter: OSMFilter) throws -> OSMExtract {
        let blobs = try frame(bytes, source: source)
        guard let first = blobs.first else { throw DataError(file: source, "empty file: no OSM PBF blobs") }
        guard first.type == "OSMHeader" else {
            throw DataError(file: source, location: "blob 0", "expected an OSMHeader blob first, found \"\(first.type)\"; is this an .osm.pbf file?")
        }
        let header = try decodeHeader(bytes, blob: first, source: source)
        let dataBlobs = blobs.dropFirst().filter { $0.type == "OSMData" }
        let blocks = try ParallelMap.map(Array(dataBlobs), chunksPerWorker: 16) { slice in
            try slice.map { blob in try decodeData(bytes, blob: blob, source: source, filter: filter) }
        }
        let nodeTotal = blocks.reduce(0) { $0 + $1.nodeIDs.count }
        var nodeIDs: [Int64] = []
        var nodeLonLat: [XY] = []
        nodeIDs.reserveCapacity(nodeTotal)
        nodeLonLat.reserveCapacity(nodeTotal)
        var ways: [OSMWay] = []
        var taggedNodes: [OSMNode] = []
        var wayCount = 0, relationCount = 0
        for block in blocks {
            nodeIDs += block.nodeIDs
            nodeLonLat += block.nodeLonLat
            ways += block.ways
            taggedNodes += block.taggedNodes
            wayCount += block.wayCount
            relationCount += block.relationCount
        }
        return OSMExtract(source: source, nodeIDs: nodeIDs, nodeLonLat: nodeLonLat, ways: ways, taggedNodes: taggedNodes,
                          wayCount: wayCount, relationCount: relationCount, bounds: header.bounds,
                          writingProgram: header.writingProgram)
    }

    /// One framed blob: its index in the file, its type and where its `Blob` message lies.
    struct BlobFrame: Sendable {
        var index: Int
        var type: String
        var offset: Int
        var size: Int
    }

    /// Walks the file's framing: 4-byte big-endian header length, `BlobHeader`, then `datasize` bytes of `Blob`.
    static func frame(_ bytes: [UInt8], source: String) throws -> [BlobFrame] {
        var frames: [BlobFrame] = []
        var offset = 0
        while offset < bytes.count {
            let index = frames.count
            guard bytes.count - offset >= 4 else {
                throw DataError(file: source, location: "blob \(index) (byte \(offset))", "truncated: the file ends inside a blob header length")
            }
            let headerLength = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            offset += 4
            guard headerLength > 0, headerLength <= 64 * 1024 else {
                throw DataError(file: source, location: "blob \(index) (byte \(offset - 4))", "blob header length \(headerLength) is not within 1...65536; this is not an OSM PBF file, or it is corrupt")
            }
            guard bytes.count - offset >= headerLength else {
                throw DataError(file: source, location: "blob \(index) (byte \(offset))", "truncated: the file ends inside a blob header")
            }
            var type = ""
            var dataSize = -1
            try bytes.withUnsafeBytes { raw in
                var reader = ProtobufReader(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + headerLength]))
                do {
                    while let field = try reader.field() {
                        switch (field.number, field.wireType) {
                        case (1, 2): type = try reader.string()
                        case (3, 0): dataSize = Int(truncatingIfNeeded: try reader.varint())
                        default: try reader.skip(wireType: field.wireType)
                        }
                    }
                } catch let error as ProtobufReader.Malformed {
                    throw DataError(file: source, location: "blob \(index) (byte \(offset))", "corrupt blob header: \(error)")
                }
            }
            offset += headerLength
            guard !type.isEmpty, dataSize >= 0 else {
                throw DataError(file: source, location: "blob \(index) (byte \(offset - headerLength))", "blob header without a type or size; this is not an OSM PBF file, or it is corrupt")
            }
            guard dataSize <= 32 * 1024 * 1024 else {
                throw DataError(file: source, location: "blob \(index)", "blob of \(dataSize) bytes exceeds the format's 32 MiB limit; the file is corrupt")
            }
            guard bytes.count - offset >= dataSize else {
                throw DataError(file: source, location: "blob \(index) (byte \(offset))", "truncated: the blob needs \(dataSize) bytes but the file has \(bytes.count - offset) left")
            }
            frames.append(BlobFrame(index: index, type: type, offset: offset, size: dataSize))
            offset += dataSize
        }
        return frames
    }

    /// The uncompressed payload of a `Blob`: `raw` as is, or `zlib_data` inflated to `raw_size` bytes.
    static func payload(_ bytes: [UInt8], blob: BlobFrame, source: String) throws -> [UInt8] {
        let location = "blob \(blob.index) (byte \(blob.offset))"
        return try bytes.withUnsafeBytes { raw -> [UInt8] in
            var reader = ProtobufReader(UnsafeRawBufferPointer(rebasing: raw[blob.offset..<blob.offset + blob.size]))
            var rawSize = -1
            var rawData: UnsafeRawBufferPointer?
            var zlibData: UnsafeRawBufferPointer?
            var unsupported: String?
            do {
                while let field = try reader.field() {
                    switch (field.number, field.wireType) {
                    case (1, 2): rawData = try reader.bytes()
                    case (2, 0): rawSize = Int(truncatingIfNeeded: try reader.varint())
                    case (3, 2): zlibData = try reader.bytes()
                    case (4, 2): unsupported = "lzma"; try reader.skip(wireType: 2)
                    case (5, 2): unsupported = "bzip2"; try reader.skip(wireType: 2)
                    case (6, 2): unsupported = "lz4"; try reader.skip(wireType: 2)
                    case (7, 2): unsupported = "zstd"; try reader.skip(wireType: 2)
                    default: try reader.skip(wireType: field.wireType)
                    }
                }
            } catch let error as ProtobufReader.Malformed {
                throw DataError(file: source, location: location, "corrupt blob: \(error)")
            }
            if let rawData { return [UInt8](rawData) }
            if let zlibData {
                guard rawSize >= 0, rawSize <= 32 * 1024 * 1024 else {
                    throw DataError(file: source, location: location, "zlib blob without a valid raw_size (\(rawSize))")
                }
                var output = [UInt8](repeating: 0, count: rawSize)
                var produced = uLongf(rawSize)
                // uncompress returns Z_OK only when the whole stream inflated; Z_BUF_ERROR means raw_size was too small.
                let status = output.withUnsafeMutableBytes { out in
                    uncompress(out.baseAddress!.assumingMemoryBound(to: Bytef.self), &produced,
                               zlibData.baseAddress!.assumingMemoryBound(to: Bytef.self), uLong(zlibData.count))
                }
                guard status == Z_OK, Int(produced) == rawSize else {
                    throw DataError(file: source, location: location, "zlib data is corrupt or does not match raw_size \(rawSize) (zlib status \(status), \(produced) bytes)")
                }
                return output
            }
            if let unsupported {
                throw DataError(file: source, location: location, "blob compressed with \(unsupported), which reach does not read; convert with `osmium cat -o out.osm.pbf` (zlib)")
            }
            throw DataError(file: source, location: location, "blob holds no data (neither raw nor zlib_data)")
        }
    }

    struct Header {
        var bounds: Envelope?
        var writingProgram: String?
    }

    static func decodeHeader(_ bytes: [UInt8], blob: BlobFrame, source: String) throws -> Header {
        let block = try payload(bytes, blob: blob, source: source)
        var header = Header()
        var required: [String] = []
        try block.withUnsafeBytes { raw in
            var reader = ProtobufReader(raw)
            do {
                while let field = try reader.field() {
                    switch (field.number, field.wireType) {
                    case (1, 2):
                        // HeaderBBox: left, right, top, bottom in nanodegrees (sint64).
                        var box = ProtobufReader(try reader.bytes())
                        var values = [Int64](repeating: 0, count: 5)
                        while let part = try box.field() {
                            if (1...4).contains(part.number), part.wireType == 0 { values[part.number] = try box.sint64() } else { try box.skip(wireType: part.wireType) }
                        }
                        header.bounds = Envelope(minX: Double(values[1]) * 1e-9, minY: Double(values[4]) * 1e-9,
                                                 maxX: Double(values[2]) * 1e-9, maxY: Double(values[3]) * 1e-9)
                    case (4, 2): required.append(try reader.string())
                    case (16, 2): header.writingProgram = try reader.string()
                    default: try reader.skip(wireType: field.wireType)
                    }
                }
            } catch let error as ProtobufReader.Malformed {
                throw DataError(file: source, location: "blob \(blob.index) (OSMHeader)", "corrupt header block: \(error)")
            }
        }
        if let missing = required.first(where: { !supportedFeatures.contains($0) }) {
            throw DataError(file: source, location: "blob \(blob.index) (OSMHeader)", "the file requires the feature \"\(missing)\", which reach does not support (it reads \(supportedFeatures.sorted().joined(separator: ", ")))")
        }
        return header
    }

    /// What one `PrimitiveBlock` held.
    struct Block: Sendable {
        var nodeIDs: [Int64] = []
        var nodeLonLat: [XY] = []
        var ways: [OSMWay] = []
        var taggedNodes: [OSMNode] = []
        var wayCount = 0
        var relationCount = 0
    }

    static func decodeData(_ bytes: [UInt8], blob: BlobFrame, source: String, filter: OSMFilter) throws -> Block {
        let data = try payload(bytes, blob: blob, source: source)
        do {
            return try data.withUnsafeBytes { raw in
                var decoder = PrimitiveBlockDecoder(raw, filter: filter)
                return try decoder.decode()
            }
        } catch let error as ProtobufReader.Malformed {
            throw DataError(file: source, location: "blob \(blob.index) (byte \(blob.offset))", "corrupt data block: \(error)")
        } catch let error as PrimitiveBlockDecoder.Inconsistent {
            throw DataError(file: source, location: "blob \(blob.index) (byte \(blob.offset))", "corrupt data block: \(error.reason)")
        }
    }
}

/// Decodes one `PrimitiveBlock` (osmformat.proto): the string table first, then its primitive groups.
private struct PrimitiveBlockDecoder {
    struct Inconsistent: Error { var reason: String }

    let raw: UnsafeRawBufferPointer
    let filter: OSMFilter
    var strings: [String] = []
    /// For each string-table index: is it one of the filter's way keys / node keys.
    var isWayKey: [Bool] = []
    var isNodeKey: [Bool] = []
    var granularity: Int64 = 100
    var latOffset: Int64 = 0
    var lonOffset: Int64 = 0

    init(_ raw: UnsafeRawBufferPointer, filter: OSMFilter) {
        self.raw = raw
        self.filter = filter
    }

    mutating func decode() throws -> PBFReader.Block {
        // The string table and the coordinate scale may follow the groups in the byte stream: read them first.
        var groups: [UnsafeRawBufferPointer] = []
        var reader = ProtobufReader(raw)
        while let field = try reader.field() {
            switch (field.number, field.wireType) {
            case (1, 2):
                var table = ProtobufReader(try reader.bytes())
                while let entry = try table.field() {
                    if entry.number == 1, entry.wireType == 2 { strings.append(try table.string()) } else { try table.skip(wireType: entry.wireType) }
                }
            case (2, 2): groups.append(try reader.bytes())
            case (17, 0): granularity = Int64(truncatingIfNeeded: try reader.varint())
            case (19, 0): latOffset = Int64(bitPattern: try reader.varint())
            case (20, 0): lonOffset = Int64(bitPattern: try reader.varint())
            default: try reader.skip(wireType: field.wireType)
            }
        }
        isWayKey = strings.map { filter.wayKeys.contains($0) }
        isNodeKey = strings.map { filter.anyNodeTag || filter.nodeKeys.contains($0) }
        var block = PBFReader.Block()
        for group in groups {
            var groupReader = ProtobufReader(group)
            while let field = try groupReader.field() {
                switch (field.number, field.wireType) {
                case (1, 2): try plainNode(try groupReader.bytes(), into: &block)
                case (2, 2): try denseNodes(try groupReader.bytes(), into: &block)
                case (3, 2): try way(try groupReader.bytes(), into: &block)
                case (4, 2): block.relationCount += 1; try groupReader.skip(wireType: 2)
                default: try groupReader.skip(wireType: field.wireType)
                }
            }
        }
        return block
    }

    /// Nanodegrees `offset + granularity × value`, exact in Int64 for any real file; a corrupt block whose product
    /// overflows is an error, not a trap.
    @inline(__always) func lonLat(lat: Int64, lon: Int64) throws -> XY {
        let (x, xOverflow) = granularity.multipliedReportingOverflow(by: lon)
        let (y, yOverflow) = granularity.multipliedReportingOverflow(by: lat)
        let (east, eastOverflow) = lonOffset.addingReportingOverflow(x)
        let (north, northOverflow) = latOffset.addingReportingOverflow(y)
        guard !(xOverflow || yOverflow || eastOverflow || northOverflow) else {
            throw Inconsistent(reason: "a node's coordinates overflow (granularity \(granularity), offsets \(lonOffset), \(latOffset)): the block is corrupt")
        }
        return XY(Double(east) * 1e-9, Double(north) * 1e-9)
    }

    func string(_ index: UInt64) throws -> String {
        guard index < UInt64(strings.count) else { throw Inconsistent(reason: "string index \(index) beyond the string table (\(strings.count) entries)") }
        return strings[Int(index)]
    }

    func tags(keys: [UInt64], values: [UInt64]) throws -> OSMTags {
        guard keys.count == values.count else { throw Inconsistent(reason: "\(keys.count) tag keys but \(values.count) values") }
        var tags = OSMTags(minimumCapacity: keys.count)
        for (key, value) in zip(keys, values) { tags[try string(key)] = try string(value) }
        return tags
    }

    func wanted(_ keys: [UInt64], in table: [Bool]) -> Bool {
        keys.contains { $0 < UInt64(table.count) && table[Int($0)] }
    }

    func plainNode(_ bytes: UnsafeRawBufferPointer, into block: inout PBFReader.Block) throws {
        var reader = ProtobufReader(bytes)
        var id: Int64 = 0, lat: Int64 = 0, lon: Int64 = 0
        var keys: [UInt64] = [], values: [UInt64] = []
        while let field = try reader.field() {
            switch (field.number, field.wireType) {
            case (1, 0): id = try reader.sint64()
            case (2, 2): keys = try ProtobufReader.packedVarints(try reader.bytes())
            case (3, 2): values = try ProtobufReader.packedVarints(try reader.bytes())
            case (8, 0): lat = try reader.sint64()
            case (9, 0): lon = try reader.sint64()
            default: try reader.skip(wireType: field.wireType)
            }
        }
        let position = try lonLat(lat: lat, lon: lon)
        block.nodeIDs.append(id)
        block.nodeLonLat.append(position)
        if wanted(keys, in: isNodeKey) {
            block.taggedNodes.append(OSMNode(id: id, lonLat: position, tags: try tags(keys: keys, values: values)))
        }
    }

    func denseNodes(_ bytes: UnsafeRawBufferPointer, into block: inout PBFReader.Block) throws {
        var reader = ProtobufReader(bytes)
        var ids: UnsafeRawBufferPointer?, lats: UnsafeRawBufferPointer?, lons: UnsafeRawBufferPointer?
        var keysValues: UnsafeRawBufferPointer?
        while let field = try reader.field() {
            switch (field.number, field.wireType) {
            case (1, 2): ids = try reader.bytes()
            case (8, 2): lats = try reader.bytes()
            case (9, 2): lons = try reader.bytes()
            case (10, 2): keysValues = try reader.bytes()
            default: try reader.skip(wireType: field.wireType)
            }
        }
        guard let ids else { return }
        let first = block.nodeIDs.count
        var id: Int64 = 0
        try ProtobufReader.forEachVarint(in: ids) { id &+= ProtobufReader.zigzag($0); block.nodeIDs.append(id) }
        let count = block.nodeIDs.count - first
        // Decode latitudes and longitudes in step; both must have one value per id.
        var latReader = ProtobufReader(lats ?? UnsafeRawBufferPointer(start: nil, count: 0))
        var lonReader = ProtobufReader(lons ?? UnsafeRawBufferPointer(start: nil, count: 0))
        var lat: Int64 = 0, lon: Int64 = 0
        block.nodeLonLat.reserveCapacity(block.nodeLonLat.count + count)
        for _ in 0..<count {
            guard !latReader.isAtEnd, !lonReader.isAtEnd else {
                throw Inconsistent(reason: "dense nodes have \(count) ids but fewer latitudes or longitudes")
            }
            lat &+= try latReader.sint64()
            lon &+= try lonReader.sint64()
            block.nodeLonLat.append(try lonLat(lat: lat, lon: lon))
        }
        // keys_vals: for each node, key/value string indices, then a 0.
        guard let keysValues, !filter.nodeKeys.isEmpty || filter.anyNodeTag else { return }
        var tagReader = ProtobufReader(keysValues)
        var node = 0
        var pairs: [UInt64] = []
        while !tagReader.isAtEnd, node < count {
            let key = try tagReader.varint()
            if key == 0 {
                if !pairs.isEmpty {
                    var keys: [UInt64] = [], values: [UInt64] = []
                    for index in stride(from: 0, to: pairs.count - 1, by: 2) { keys.append(pairs[index]); values.append(pairs[index + 1]) }
                    if wanted(keys, in: isNodeKey) {
                        block.taggedNodes.append(OSMNode(id: block.nodeIDs[first + node], lonLat: block.nodeLonLat[first + node],
                                                         tags: try tags(keys: keys, values: values)))
                    }
                    pairs.removeAll(keepingCapacity: true)
                }
                node += 1
                continue
            }
            guard !tagReader.isAtEnd else { throw Inconsistent(reason: "dense node tag key without a value") }
            pairs.append(key)
            pairs.append(try tagReader.varint())
        }
    }

    func way(_ bytes: UnsafeRawBufferPointer, into block: inout PBFReader.Block) throws {
        block.wayCount += 1
        var reader = ProtobufReader(bytes)
        var id: Int64 = 0
        var keys: [UInt64] = [], values: [UInt64] = []
        var refs: UnsafeRawBufferPointer?
        while let field = try reader.field() {
            switch (field.number, field.wireType) {
            case (1, 0): id = Int64(bitPattern: try reader.varint())
            case (2, 2): keys = try ProtobufReader.packedVarints(try reader.bytes())
            case (3, 2): values = try ProtobufReader.packedVarints(try reader.bytes())
            case (8, 2): refs = try reader.bytes()
            default: try reader.skip(wireType: field.wireType)
            }
        }
        guard wanted(keys, in: isWayKey) else { return }
        let nodeRefs = try refs.map { try ProtobufReader.packedDeltas($0) } ?? []
        block.ways.append(OSMWay(id: id, refs: nodeRefs, tags: try tags(keys: keys, values: values)))
    }
}
