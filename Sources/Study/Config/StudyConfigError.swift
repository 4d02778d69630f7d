/// A problem in a study file: the file, the line of the key (when it can be found), the key's path, and what is
/// wrong. Printed as `study.toml:14: score.indicator[2].direction: ...`.
public struct StudyConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    /// Dotted key path, arrays of tables numbered from 1: `score.indicator[2].weight`.
    public var key: String?
    public var message: String

    public init(file: String, line: Int? = nil, key: String? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let key { text += "\(key): " }
        return text + message
    }
}
