import Testing
@testable import GeoData

/// Header matching on the real headers of Ofcom's releases.
struct BroadbandLayoutTests {
    /// The 2016 header exactly as published (../shared/data/ofcom/SOURCES.txt), double spaces included.
    static let header2016 = "postcode,structured postcode,postcode area,SFBB availability (% premises),UFBB availability (% premises),NGA availability (% premises),% of premises unable to receive 2Mbit/s,% of premises unable to receive 5Mbit/s,% of premises unable to receive 10Mbit/s,% of premises unable to receive 30Mbit/s,Median download speed (Mbit/s),Average download speed (Mbit/s),Minimum download speed (Mbit/s),Maximum download speed (Mbit/s),Average download speed (Mbit/s) for lines  < 10Mbit/s,Average download speed (Mbit/s) for Basic BB lines,Average download speed (Mbit/s) for SFBB lines,Average download speed (Mbit/s) for UFBB lines,Median upload speed (Mbit/s),Average upload speed (Mbit/s),Minimum upload speed (Mbit/s),Maximum upload speed (Mbit/s),Average upload speed (Mbit/s) for lines <10Mbit/s,Average upload speed (Mbit/s) for Basic BB lines,Average upload speed (Mbit/s) for SFBB lines,Average upload speed (Mbit/s) for UFBB lines,Number of connections < 2 Mbit/s  (number of lines),Number of connections 2<5 Mbit/s  (number of lines),Number of connections 5<10 Mbit/s  (number of lines),Number of connections 10<30 Mbit/s  (number of lines),Number of connections >= 30 Mbit/s  (number of lines),Number of connections >= 300 Mbit/s  (number of lines),Average data usage (GB),Average data usage (GB) for lines <10Mbit/s,Average data usage (GB) for Basic BB lines,Average data usage (GB) for SFBB lines,Average data usage (GB) for UFBB lines"

    /// A 2019–2021 postcode coverage header: spaced postcode as `postcode_space`, premises counts, the 100 Mbit/s
    /// UFBB column beside the 300 Mbit/s one, full fibre, the USO.
    static let header2020 = "postcode,postcode_space,postcode area,All Premises,All Matched Premises,SFBB availability (% premises),UFBB (100Mbit/s) availability (% premises),UFBB availability (% premises),Full Fibre availability (% premises),% of premises unable to receive 2Mbit/s,% of premises unable to receive 5Mbit/s,% of premises unable to receive 10Mbit/s,% of premises unable to receive 30Mbit/s,% of premises below the USO"

    /// A 2022-onward coverage header with gigabit and the numbers of premises.
    static let header2022 = "postcode,postcode_space,postcode area,All Premises,All Matched Premises,SFBB availability (% premises),UFBB (100Mbit/s) availability (% premises),UFBB availability (% premises),Full Fibre availability (% premises),Gigabit availability (% premises),% of premises unable to receive 10Mbit/s,% of premises unable to receive decent broadband from fixed or FWA,Number of premises with SFBB availability,Number of premises with UFBB availability,Number of premises with Full Fibre availability,Number of premises with Gigabit availability"

    func split(_ header: String) -> [String] { header.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }

    @Test func matchesThe2016CombinedLayout() throws {
        let header = split(Self.header2016)
        let layout = try BroadbandLayout.match(header: header, keyKind: .postcode, source: "2016.csv")
        #expect(header[layout.key] == "structured postcode")
        #expect(layout.premises == nil)
        #expect(layout.measures[.sfbb] == .init(index: 3, header: "SFBB availability (% premises)", isCount: false, isStandIn: false))
        #expect(layout.measures[.ufbb]?.index == 4)
        // No USO column before 2018: the 10 Mbit/s share stands in.
        #expect(layout.measures[.belowUSO] == .init(index: 8, header: "% of premises unable to receive 10Mbit/s", isCount: false, isStandIn: true))
        #expect(layout.measures[.fullFibre] == nil && layout.measures[.gigabit] == nil)
        #expect(layout.medianDown == 10)
    }

    @Test func matchesThe2020CoverageLayout() throws {
        let header = split(Self.header2020)
        let layout = try BroadbandLayout.match(header: header, keyKind: .postcode, source: "2020.csv")
        #expect(header[layout.key] == "postcode_space")
        #expect(layout.premises == 3)
        // UFBB is the 300 Mbit/s column, never "UFBB (100Mbit/s)".
        #expect(layout.measures[.ufbb]?.header == "UFBB availability (% premises)")
        #expect(layout.measures[.fullFibre]?.index == 8)
        // The real USO column beats the stand-in.
        #expect(layout.measures[.belowUSO] == .init(index: 13, header: "% of premises below the USO", isCount: false, isStandIn: false))
        #expect(layout.medianDown == nil)
    }

    @Test func prefersNumbersOfPremisesIn2022() throws {
        let header = split(Self.header2022)
        let layout = try BroadbandLayout.match(header: header, keyKind: .postcode, source: "2022.csv")
        #expect(layout.measures[.sfbb] == .init(index: 12, header: "Number of premises with SFBB availability", isCount: true, isStandIn: false))
        #expect(layout.measures[.gigabit]?.isCount == true)
        #expect(layout.measures[.belowUSO]?.header == "% of premises unable to receive decent broadband from fixed or FWA")
    }

    @Test func matchesOutputAreaFilesAndPerformanceFiles() throws {
        let coverage = try BroadbandLayout.match(header: ["oa11cd", "All Premises", "SFBB availability (% premises)"], keyKind: .outputArea, source: "oa.csv")
        #expect(coverage.key == 0 && coverage.premises == 1)
        let performance = try BroadbandLayout.match(header: ["postcode_space", "Median download speed (Mbit/s)", "Average download speed (Mbit/s)"],
                                                    keyKind: .postcode, source: "perf.csv")
        #expect(performance.medianDown == 1 && performance.measures.isEmpty)
    }

    @Test func normalisesHeaderNames() {
        #expect(BroadbandLayout.normalise("  Average download speed (Mbit/s) for lines  < 10Mbit/s ") == "average download speed (mbit/s) for lines < 10mbit/s")
        #expect(BroadbandLayout.normalise("postcode_space") == "postcode space")
    }

    /// An explicit column map beats the patterns.
    @Test func columnMapNamesColumns() throws {
        let header = ["PC", "Homes", "Superfast %", "SFBB availability (% premises)"]
        let layout = try BroadbandLayout.match(header: header, keyKind: .postcode,
                                               columns: ["postcode": "PC", "premises": "homes", "sfbb_pct": "Superfast %"], source: "mine.csv")
        #expect(layout.key == 0 && layout.premises == 1 && layout.measures[.sfbb]?.index == 2)
    }

    @Test func headersMatchingNoLayoutAreErrors() {
        #expect {
            try BroadbandLayout.match(header: ["postcode", "speed", "coverage"], keyKind: .postcode, source: "odd.csv")
        } throws: { error in
            let text = (error as? DataError)?.description ?? ""
            return text.hasPrefix("odd.csv: line 1: the header matches no known Ofcom layout") && text.contains("'sfbb availability (% premises)'")
        }
        #expect {
            try BroadbandLayout.match(header: ["code", "SFBB availability (% premises)"], keyKind: .postcode, source: "nokey.csv")
        } throws: { error in
            ((error as? DataError)?.description ?? "").hasPrefix("nokey.csv: line 1: no postcode column (looked for 'postcode space'")
        }
        // A number of premises needs All Premises.
        #expect {
            try BroadbandLayout.match(header: ["postcode", "Number of premises with SFBB availability"], keyKind: .postcode, source: "n.csv")
        } throws: { error in
            ((error as? DataError)?.description ?? "").contains("field 'Number of premises with SFBB availability': a number of premises needs an 'All Premises' column")
        }
    }
}
