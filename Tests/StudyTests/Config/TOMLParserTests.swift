import Foundation
import Testing
@testable import Study

/// reach's TOML parser against Python's tomllib, an independent TOML 1.0 parser: fixtures/toml/valid/*.json are
/// what tomllib read from each *.toml (tools/fixtures/toml_oracle.py writes them), and tomllib rejects every
/// fixtures/toml/invalid/*.toml. fixtures/toml/limits/ holds what TOML or reach forbids but tomllib takes (an
/// integer past 64 bits, which the spec says must be an error; arrays 200 deep, past reach's limit of 128).
struct TOMLParserTests {
    static let root = packageRoot.appendingPathComponent("fixtures/toml")

    static func files(_ folder: String) -> [String] {
        let dir = root.appendingPathComponent(folder).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".toml") }.sorted().map { "\(dir)/\($0)" }
    }

    /// A parsed value in the oracle's tagged form.
    func tagged(_ value: TOMLParser.Value) -> Any {
        switch value {
        case .string(let text): return ["string": text]
        case .integer(let n): return ["integer": String(n)]
        case .float(let x): return ["float": x.isNaN ? "nan" : String(x)]
        case .bool(let flag): return ["bool": flag]
        case .dateTime(_, let kind): return [kind: NSNull()]
        case .array(let items): return items.map(tagged)
        case .table(let entries): return Dictionary(uniqueKeysWithValues: entries.map { ($0.key, tagged($0.value)) })
        }
    }

    /// Equality of two tagged trees; floats compare as numbers (Python's repr and Swift's description may differ).
    func same(_ a: Any, _ b: Any, _ path: String = "") -> String? {
        switch (a, b) {
        case let (x as [String: Any], y as [String: Any]):
            if let fx = x["float"] as? String, let fy = y["float"] as? String {
                return fx == fy || Double(fx) == Double(fy) ? nil : "\(path): \(fx) ≠ \(fy)"
            }
            guard Set(x.keys) == Set(y.keys) else { return "\(path): keys \(x.keys.sorted()) ≠ \(y.keys.sorted())" }
            for key in x.keys { if let problem = same(x[key]!, y[key]!, "\(path).\(key)") { return problem } }
            return nil
        case let (x as [Any], y as [Any]):
            guard x.count == y.count else { return "\(path): \(x.count) items ≠ \(y.count)" }
            for (k, pair) in zip(x, y).enumerated() { if let problem = same(pair.0, pair.1, "\(path)[\(k)]") { return problem } }
            return nil
        case let (x as String, y as String): return x == y ? nil : "\(path): \(x) ≠ \(y)"
        case let (x as Bool, y as Bool): return x == y ? nil : "\(path): \(x) ≠ \(y)"
        case (is NSNull, is NSNull): return nil
        default: return "\(path): \(a) ≠ \(b)"
        }
    }

    @Test("valid documents read as tomllib reads them", arguments: files("valid"))
    func valid(_ path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let parsed = try TOMLParser.parse(text)
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: String(path.dropLast(5)) + ".json")))
        let problem = same(tagged(.table(parsed)), expected)
        #expect(problem == nil, "\(problem ?? "")")
    }

    @Test("documents tomllib rejects are syntax errors", arguments: files("invalid") + files("limits"))
    func invalid(_ path: String) throws {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        #expect(throws: TOMLParser.SyntaxError.self) { try TOMLParser.parse(text) }
    }

    @Test("errors name the line and column, counted by hand from each document")
    func positions() {
        func error(_ text: String) -> TOMLParser.SyntaxError? {
            do { _ = try TOMLParser.parse(text); return nil } catch { return error }
        }
        #expect(error("a = 1\na = 2\n") == .init(line: 2, column: 1, message: "key 'a' is defined twice"))
        #expect(error("[t]\nx = 1\n[t]\n") == .init(line: 3, column: 1, message: "table [t] is defined twice"))
        #expect(error("x = [}\n") == .init(line: 1, column: 6, message: "expected a value (a string, number, true, false, date, array or inline table), found '}'"))
        #expect(error("x = 9223372036854775808\n") == .init(line: 1, column: 5, message: "integer 9223372036854775808 is out of range (64 bits)"))
        #expect(error("x = \"é\\q\"\n")?.column == 7)
        #expect(error("x = " + String(repeating: "[", count: 200))?.message == "arrays and inline tables nested deeper than 128 levels (reach's limit)")
        #expect(error("x = 1 # ok\ny = 2 3\n") == .init(line: 2, column: 7, message: "expected the end of the line, found '3'"))
    }

    @Test("keys keep document order; arrays of tables append; dotted keys make tables")
    func structure() throws {
        let parsed = try TOMLParser.parse("b = 1\na.x = 2\n[[t]]\nn = 1\n[[t]]\nn = 2\n")
        #expect(parsed.map(\.key) == ["b", "a", "t"])
        #expect(parsed[1].value == .table([("x", .integer(2))]))
        #expect(parsed[2].value == .array([.table([("n", .integer(1))]), .table([("n", .integer(2))])]))
    }
}
