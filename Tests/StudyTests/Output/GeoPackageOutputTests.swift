import GeoData
import Testing
@testable import Study

/// How a column of values is typed in a GeoPackage and in PostGIS.
struct GeoPackageOutputTests {
    @Test func columnTypes() {
        // true/false (with nulls) is a boolean, as left_behind is; mixed with a number it is not.
        #expect(GeoPackageOutput.columnType([.bool(true), .null, .bool(false)], decimals: nil) == .boolean)
        #expect(GeoPackageOutput.columnType([.bool(true), .number(2)], decimals: nil) != .boolean)
        // Whole numbers counted (decimals 0) are integers; a literal with a point is real; text is text.
        #expect(GeoPackageOutput.columnType([.number(3), .null], decimals: 0) == .integer)
        #expect(GeoPackageOutput.columnType([.number(2.5)], decimals: nil) == .real)
        #expect(GeoPackageOutput.columnType([.string("a"), .number(1)], decimals: nil) == .text)
        #expect(GeoPackageOutput.columnType([.null], decimals: nil) == .integer)
    }
}
