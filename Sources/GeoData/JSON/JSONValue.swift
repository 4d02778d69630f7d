/// A JSON number: its value and, when read from a file, its literal text, so pass-through properties are
/// written back exactly as they came (large integer ids keep every digit).
public struct JSONNumber: Hashable, Sendable {
    public let value: Double
    /// The literal as it appeared in the input, or nil for a computed number.
    public let literal: String?

    public init(_ value: Double) {
        self.value = value
        literal = nil
    }

    init(value: Double, literal: String) {
        self.value = value
        self.literal = literal
    }
}

/// A JSON value. Objects keep their members in input order, so written files list properties as read.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A computed number; NaN and infinities become `null` when written.
    public static func number(_ value: Double) -> JSONValue { .number(JSONNumber(value)) }

    public var doubleValue: Double? {
        switch self {
        case .number(let n): n.value
        case .string(let s): Double(s.trimmingCharacters(in: " \t"))
        default: nil
        }
    }

    public var stringValue: String? {
        switch self {
        case .string(let s): s
        case .number(let n): n.literal ?? JSONWriter.format(n.value)
        case .bool(let b): b ? "true" : "false"
        default: nil
        }
    }

    public var isNull: Bool { self == .null }
}

/// An ordered JSON object. Lookups by key are linear (a source's feature properties hold a handful of
/// members); a zone table of hundreds of columns is built with `set(_:)` and read in order, never key by key.
public struct JSONObject: Hashable, Sendable, Sequence {
    public private(set) var members: [(key: String, value: JSONValue)]

    public init(_ members: [(key: String, value: JSONValue)] = []) {
        self.members = members
    }

    public var keys: [String] { members.map(\.key) }
    public var count: Int { members.count }

    /// The value of `key`, or nil when absent (a present JSON null is `.null`).
    public subscript(key: String) -> JSONValue? {
        get { members.first { $0.key == key }?.value }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    /// Sets every pair in order, as the subscript would one by one (a key already present keeps its place),
    /// in time linear in the members and pairs.
    public mutating func set(_ pairs: [(key: String, value: JSONValue)]) {
        var index: [String: Int] = [:]
        index.reserveCapacity(members.count + pairs.count)
        for (i, member) in members.enumerated() where index[member.key] == nil { index[member.key] = i }
        for pair in pairs {
            if let i = index[pair.key] {
                members[i].value = pair.value
            } else {
                index[pair.key] = members.count
                members.append(pair)
            }
        }
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        members.makeIterator()
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var view = Substring(self)
        while let first = view.first, set.contains(first) { view.removeFirst() }
        while let last = view.last, set.contains(last) { view.removeLast() }
        return String(view)
    }
}

extension JSONNumber {
    /// A number from text (a CSV field), keeping the text as its literal; nil unless the text is a JSON number
    /// literal (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`), so codes such as `01234` stay strings.
    public init?(literal text: String) {
        var bytes = text.utf8[...]
        func digits() -> Int {
            var count = 0
            while let b = bytes.first, b >= 0x30, b <= 0x39 { bytes = bytes.dropFirst(); count += 1 }
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else if digits() == 0 {
            return nil
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            if digits() == 0 { return nil }
        }
        if let b = bytes.first, b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            if digits() == 0 { return nil }
        }
        guard bytes.isEmpty, let value = Double(text), value.isFinite else { return nil }
        self.init(value: value, literal: text)
    }
}
