/// A binary min-heap on two parallel arrays (keys and nodes), which keeps the comparisons on
/// contiguous keys. Stale entries are skipped by the caller (lazy deletion).
struct MinHeap<Key: Comparable> {
    var keys: [Key]
    var nodes: [UInt32]

    init(keys: [Key] = [], nodes: [UInt32] = []) {
        self.keys = keys
        self.nodes = nodes
        self.keys.removeAll(keepingCapacity: true)
        self.nodes.removeAll(keepingCapacity: true)
    }

    var storage: ([Key], [UInt32]) { (keys, nodes) }

    @inline(__always) mutating func push(_ key: Key, _ node: UInt32) {
        keys.append(key)
        nodes.append(node)
        keys.withUnsafeMutableBufferPointer { keys in
            nodes.withUnsafeMutableBufferPointer { nodes in
                var child = keys.count - 1
                while child > 0 {
                    let parent = (child - 1) >> 1
                    guard keys[parent] > key else { break }
                    keys[child] = keys[parent]
                    nodes[child] = nodes[parent]
                    child = parent
                }
                keys[child] = key
                nodes[child] = node
            }
        }
    }

    @inline(__always) mutating func pop() -> (Key, UInt32)? {
        guard let top = keys.first else { return nil }
        let topNode = nodes[0]
        let lastKey = keys.removeLast()
        let lastNode = nodes.removeLast()
        keys.withUnsafeMutableBufferPointer { keys in
            nodes.withUnsafeMutableBufferPointer { nodes in
                let count = keys.count
                guard count > 0 else { return }
                var parent = 0
                while true {
                    var child = 2 * parent + 1
                    if child >= count { break }
                    if child + 1 < count, keys[child + 1] < keys[child] { child += 1 }
                    guard keys[child] < lastKey else { break }
                    keys[parent] = keys[child]
                    nodes[parent] = nodes[child]
                    parent = child
                }
                keys[parent] = lastKey
                nodes[parent] = lastNode
            }
        }
        return (top, topNode)
    }
}
