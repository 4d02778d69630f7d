import Testing
@testable import GeoData

struct PostcodeTests {
    /// Case and spaces do not matter; the key has no spaces and the display form one before the inward code.
    @Test func normalisesCaseAndSpaces() {
        for written in ["M15 4AB", "M154AB", "m15 4ab", " M15  4AB ", "m154Ab", "M15\t4AB"] {
            #expect(Postcode.key(written) == "M154AB", "\(written)")
        }
        #expect(Postcode.key("SW1A 1AA") == "SW1A1AA")
        #expect(Postcode.key("W1A 0AX") == "W1A0AX")
        #expect(Postcode.key("M1 1AE") == "M11AE")
        // ONSPD's 7-character pcd pads short outward codes with spaces.
        #expect(Postcode.key("M1  1AE") == "M11AE")
        #expect(Postcode.display(Array("M154AB".utf8)) == "M15 4AB")
        #expect(Postcode.display(Array("SW1A1AA".utf8)) == "SW1A 1AA")
        #expect(Postcode.sector(Array("M154AB".utf8)) == "M15 4")
        #expect(Postcode.sector(Array("SW1A1AA".utf8)) == "SW1A 1")
    }

    /// Not postcodes: too short or long, an inward code that is not digit-letter-letter, a digit first, punctuation.
    @Test func rejectsWhatIsNotAPostcode() {
        for written in ["", "M15", "M15 4A", "M15 44B", "M15 4A1", "15M 4AB", "M15-4AB", "ABCDE 1AB", "N/A", "M15 4ÅB"] {
            #expect(Postcode.key(written) == nil, "\(written)")
        }
    }
}
