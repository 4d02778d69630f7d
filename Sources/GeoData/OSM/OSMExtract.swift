import GeoPrimitives

/// An OSM element's tags, key to value.
public typealias OSMTags = [String: String]

/// A way kept from an extract: its id, its node references in order, and its tags.
public struct OSMWay: Sendable, Equatable {
    public var id: Int64
    public var refs: [Int64]
    public var tags: OSMTags

    public init(id: Int64, refs: [Int64], tags: OSMTags) {
        self.id = id
        self.refs = refs
        self.tags = tags
    }
}

/// A tagged node kept from an extract (a bus stop, a GP surgery...), at WGS84 longitude/latitude.
public struct OSMNode: Sendable, Equatable {
    public var id: Int64
    public var lonLat: XY
    public var tags: OSMTags

    public init(id: Int64, lonLat: XY, tags: OSMTags) {
        self.id = id
        self.lonLat = lonLat
        self.tags = tags
    }
}

/// Which elements to keep while reading: ways or nodes carrying any of these keys (e.g. `highway`).
/// Every node's location is kept regardless, so kept ways can be given coordinates.
public struct OSMFilter: Sendable {
    public var wayKeys: Set<String>
    public var nodeKeys: Set<String>
    /// Keep every node with at least one tag, whatever its keys (for counts such as pyosmium's tagged nodes).
    public var anyNodeTag: Bool

    public init(wayKeys: Set<String>, nodeKeys: Set<String> = [], anyNodeTag: Bool = false) {
        self.wayKeys = wayKeys
        self.nodeKeys = nodeKeys
        self.anyNodeTag = anyNodeTag
    }
}

/// What an OSM PBF file held, filtered: kept ways and tagged nodes, and the location of every node.
public struct OSMExtract: Sendable {
    /// The file, as the user named it.
    public var source: String
    /// Every node's id, ascending, and its WGS84 longitude/latitude at the same index.
    public private(set) var nodeIDs: [Int64]
    public private(set) var nodeLonLat: [XY]
    /// Ways with a key of the filter, in file order.
    public var ways: [OSMWay]
    /// Nodes with a key of the filter, in file order.
    public var taggedNodes: [OSMNode]
    /// Element counts in the whole file, kept or not.
    public var wayCount: Int
    public var relationCount: Int
    /// The header's bounding box (WGS84), when the file declares one.
    public var bounds: Envelope?
    /// `HeaderBlock.writingprogram`, when present.
    public var writingProgram: String?

    public var nodeCount: Int { nodeIDs.count }

    init(source: String, nodeIDs: [Int64], nodeLonLat: [XY], ways: [OSMWay], taggedNodes: [OSMNode],
         wayCount: Int, relationCount: Int, bounds: Envelope?, writingProgram: String?) {
        self.source = source
        self.ways = ways
        self.taggedNodes = taggedNodes
        self.wayCount = wayCount
        self.relationCount = relationCount
        self.bounds = bounds
        self.writingProgram = writingProgram
        // Extracts are normally sorted by id (`Sort.Type_then_ID`); sort when one is not, so lookups can bisect.
        if zip(nodeIDs, nodeIDs.dropFirst()).allSatisfy({ $0 < $1 }) {
            self.nodeIDs = nodeIDs
            self.nodeLonLat = nodeLonLat
        } else {
            let order = nodeIDs.indices.sorted { nodeIDs[$0] < nodeIDs[$1] }
            self.nodeIDs = order.map { nodeIDs[$0] }
            self.nodeLonLat = order.map { nodeLonLat[$0] }
        }
    }

    /// The index of a node in `nodeIDs`, or nil when the extract does not hold it (clipped extracts do not).
    public func nodeIndex(of id: Int64) -> Int? {
        var low = 0, high = nodeIDs.count
        while low < high {
            let middle = (low + high) >> 1
            if nodeIDs[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low < nodeIDs.count && nodeIDs[low] == id ? low : nil
    }

    /// A node's WGS84 longitude/latitude, or nil when the extract does not hold it.
    public func lonLat(of id: Int64) -> XY? {
        nodeIndex(of: id).map { nodeLonLat[$0] }
    }
}
