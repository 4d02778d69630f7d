import Foundation
import Testing
@testable import GeoData

struct OfcomReaderTests {
    func read(_ text: String, keyKind: BroadbandKeyKind = .postcode) throws -> [(key: String, valid: Bool, row: BroadbandRow)] {
        try TestSupport.withTemporaryFolder { folder in
            let path = try TestSupport.write(text, to: "ofcom.csv", in: folder)
            var rows: [(String, Bool, BroadbandRow)] = []
            _ = try OfcomReader.read(path: path, keyKind: keyKind) { key, valid, row in
                rows.append((String(decoding: key, as: UTF8.self), valid, row))
            }
            return rows
        }
    }

    func message(_ text: String) -> String {
        do { _ = try read(text); return "no error" } catch { return "\(error)".replacingOccurrences(of: #"^.*/ofcom\.csv"#, with: "ofcom.csv", options: .regularExpression) }
    }

    static let header = "postcode_space,All Premises,SFBB availability (% premises),Number of premises with Full Fibre availability,Median download speed (Mbit/s)\n"

    @Test func readsValuesAndNormalisesKeys() throws {
        let rows = try read(Self.header + "m15 4ab,12,50,3,20.5\r\nM154AD,8,N/A,,N/A\r\nnot one,1,100,0,1\r\n")
        #expect(rows.count == 3)
        #expect(rows[0].key == "M154AB" && rows[0].valid)
        #expect(rows[0].row.premises == 12 && rows[0].row.value(.sfbb) == 50 && !rows[0].row.isCount(.sfbb))
        #expect(rows[0].row.value(.fullFibre) == 3 && rows[0].row.isCount(.fullFibre))
        #expect(rows[0].row.speedMbps == 20.5 && rows[0].row.line == 2)
        // N/A and empty fields are no value for that measure only.
        #expect(rows[1].row.has(.fullFibre) == false && rows[1].row.has(.sfbb) == false && rows[1].row.premises == 8)
        #expect(rows[1].row.present & BroadbandRow.speedBit == 0)
        // A malformed postcode comes back as written, flagged.
        #expect(rows[2].key == "not one" && !rows[2].valid)
    }

    /// Bad values stop the read with the file, line, column and value.
    @Test func badValuesNameFileLineAndColumn() {
        #expect(message(Self.header + "M15 4AB,12,104,3,20\n") == "ofcom.csv: line 2: field 'SFBB availability (% premises)': 104 is not a percentage (0–100)")
        #expect(message(Self.header + "M15 4AB,12,50,3,20\nM15 4AD,-3,50,0,20\n") == "ofcom.csv: line 3: field 'All Premises': -3 is not a number of premises (a whole number ≥ 0)")
        #expect(message(Self.header + "M15 4AB,12,50,13,20\n") == "ofcom.csv: line 2: field 'Number of premises with Full Fibre availability': 13 premises is more than the line's 12 'All Premises'")
        #expect(message(Self.header + "M15 4AB,12,fifty,3,20\n") == "ofcom.csv: line 2: field 'SFBB availability (% premises)': not a decimal number (\"fifty\")")
        #expect(message(Self.header + "M15 4AB,12,50,3,-1\n") == "ofcom.csv: line 2: field 'Median download speed (Mbit/s)': -1 is not a speed (Mbit/s ≥ 0)")
        #expect(message(Self.header + "M15 4AB,,50,3,20\n") == "ofcom.csv: line 2: field 'Number of premises with Full Fibre availability': a number of premises (3) but no 'All Premises' on this line")
    }

    @Test func outputAreaKeysAreTrimmedAndUpperCased() throws {
        let rows = try read("oa21cd,All Premises,SFBB availability (% premises)\n e00030771 ,10,100\n,5,100\n", keyKind: .outputArea)
        #expect(rows[0].key == "E00030771" && rows[0].valid)
        #expect(!rows[1].valid)
    }

    @Test("empty and N/A cells are counted per column with their first line, not read as 0")
    func emptyCells() throws {
        try TestSupport.withTemporaryFolder { folder in
            let path = try TestSupport.write(Self.header + "M15 4AB,12,,3,20\nM15 4AD,10,50,N/A,\nM15 4AE,8,,2,30\n", to: "ofcom.csv", in: folder)
            var sfbb: [Double?] = []
            let layout = try OfcomReader.read(path: path, keyKind: .postcode) { _, _, row in
                sfbb.append(row.present & (1 << UInt16(BroadbandMeasure.allCases.firstIndex(of: .sfbb)!)) != 0 ? row.values[BroadbandMeasure.allCases.firstIndex(of: .sfbb)!] : nil)
            }
            // By hand: SFBB empty on lines 2 and 4; full fibre N/A on line 3; the speed empty on line 3.
            #expect(sfbb == [nil, 50, nil])
            #expect(layout.emptyCells.map(\.column) == ["SFBB availability (% premises)", "Number of premises with Full Fibre availability", "Median download speed (Mbit/s)"])
            #expect(layout.emptyCells.map(\.count) == [2, 1, 1])
            #expect(layout.emptyCells.map(\.firstLine) == [2, 3, 3])
        }
    }
}
