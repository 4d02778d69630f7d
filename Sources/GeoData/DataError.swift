/// Bad input, always naming the file and, where it applies, the record (feature index or line) and field.
public struct DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file, as the user named it.
    public var file: String
    /// Where in the file: "feature 15", "line 203", "byte 1042 (line 3)"; nil for the whole file.
    public var location: String?
    /// The field or property concerned, if one.
    public var field: String?
    /// What is wrong, and where it helps, what was expected.
    public var message: String

    public init(file: String, location: String? = nil, field: String? = nil, _ message: String) {
        self.file = file
        self.location = location
        self.field = field
        self.message = message
    }

    /// One line a user can act on: `file: line 12: field 'Easting': not a number ("12a")`.
    public var description: String {
        var parts = [file]
        if let location { parts.append(location) }
        if let field { parts.append("field '\(field)'") }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
