import Foundation
import GeoData

/// `schema.json`: the unit, meaning and source of every output column, written from the columns the steps
/// made (`ColumnSchema`), and read back by `reach map` and `reach export` for a table written earlier.
public enum PropertySchema {
    /// The file name beside a study's outputs.
    public static let fileName = "schema.json"

    /// The schema document of `columns`, in order.
    /// `studyFile` is the study file that made the columns (absolute), so `reach explain --in` of a run's output
    /// finds its study.
    public static func document(study: String, columns: [ColumnSchema], studyFile: String? = nil) -> JSONValue {
        var properties: [JSONValue] = []
        for column in columns {
            var object = JSONObject()
            object["name"] = .string(column.name)
            object["unit"] = column.unit.map { .string($0) } ?? .null
            object["description"] = .string(column.description)
            object["source"] = .string(column.source)
            properties.append(.object(object))
        }
        var root = JSONObject()
        root["study"] = .string(study)
        if let studyFile { root["study_file"] = .string(studyFile) }
        root["crs"] = .string("OGC:CRS84 (RFC 7946 longitude/latitude); measures computed in the study's working CRS")
        root["properties"] = .array(properties)
        return .object(root)
    }

    /// The document's bytes, with a final newline.
    public static func encoded(study: String, columns: [ColumnSchema], studyFile: String? = nil) -> [UInt8] {
        var json = JSONWriter(capacity: 1 << 16)
        json.value(document(study: study, columns: columns, studyFile: studyFile))
        json.byte(0x0A)
        return json.bytes
    }

    /// The columns of a `schema.json`, by name. An entry without a name or description is an error naming it.
    public static func read(path: String) throws -> [String: ColumnSchema] {
        let bytes = try FileBytes.read(path: path)
        let root: [String: Any]
        do {
            root = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] ?? [:]
        } catch {
            throw DataError(file: path, "not a schema.json: \(error.localizedDescription)")
        }
        guard let entries = root["properties"] as? [Any] else {
            throw DataError(file: path, "not a schema.json: no \"properties\" array")
        }
        var columns: [String: ColumnSchema] = [:]
        for (i, entry) in entries.enumerated() {
            guard let object = entry as? [String: Any], let name = object["name"] as? String,
                  let description = object["description"] as? String else {
                throw DataError(file: path, location: "properties[\(i)]", "an entry needs a name and a description")
            }
            columns[name] = ColumnSchema(name: name, unit: object["unit"] as? String, description: description,
                                         source: object["source"] as? String ?? "input")
        }
        return columns
    }

    /// The study file a `schema.json` names (`study_file`), when it does and the file is there.
    public static func studyFile(besides table: String) -> String? {
        let path = ((table as NSString).deletingLastPathComponent as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let file = root["study_file"] as? String, FileManager.default.fileExists(atPath: file) else { return nil }
        return file
    }

    /// The schema beside a table (`schema.json` in its folder), when there is one.
    public static func beside(_ table: String) throws -> [String: ColumnSchema]? {
        let path = ((table as NSString).deletingLastPathComponent as NSString).appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try read(path: path)
    }
}

extension ColumnSchema {
    /// Whether reach computed the column (its source is a reach step), as against a property passed through
    /// from the zone files or joined from a CSV.
    public var isComputed: Bool { source.hasPrefix("reach") }
}
