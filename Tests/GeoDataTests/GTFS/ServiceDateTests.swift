import Testing
@testable import GeoData

/// Day numbers and weekdays checked against Python's datetime (date(2024,3,5) - date(1970,1,1) = 19787 days,
/// a Tuesday: weekday() = 1), and GTFS times by hand.
struct ServiceDateTests {
    @Test func dayNumbersAndWeekdays() throws {
        #expect(ServiceDate(year: 1970, month: 1, day: 1)?.day == 0)
        let date = try #require(ServiceDate("20240305"))
        #expect(date.day == 19787)
        #expect(date.weekday == 1)
        #expect(ServiceDate("2024-03-05") == date)
        #expect(ServiceDate(year: 1900, month: 3, day: 1)?.day == -25508)
        #expect(date.description == "2024-03-05")
        #expect(ServiceDate(day: -25508).components == (1900, 3, 1))
        #expect(ServiceDate("20240230") == nil)     // no 30 February
        #expect(ServiceDate("20230229") == nil)     // 2023 is not a leap year
        #expect(ServiceDate("20240229") != nil)
        #expect(ServiceDate("2024-3-5") == nil)
        #expect(ServiceDate("2024/03/05") == nil)
        // Every weekday of a known week: 2024-03-04 was a Monday.
        for offset in 0..<7 { #expect(ServiceDate("20240304")!.adding(days: offset).weekday == offset) }
    }

    func parse(_ text: String) -> Int?? {
        var text = text
        return text.withUTF8 { GTFSTime.parse($0) }
    }

    @Test func gtfsTimes() {
        #expect(parse("07:05:09") == .some(7 * 3600 + 5 * 60 + 9))
        #expect(parse("7:05:09") == .some(7 * 3600 + 5 * 60 + 9))
        #expect(parse("31:30:00") == .some(31 * 3600 + 30 * 60))    // past midnight
        #expect(parse(" 08:00:00 ") == .some(8 * 3600))
        #expect(parse("") == .some(nil))                             // blank: a non-timepoint
        #expect(parse("25:61:00") == nil)
        #expect(parse("08:00:60") == nil)
        #expect(parse("08:00") == nil)
        #expect(parse("ab:00:00") == nil)
        #expect(GTFSTime.parse("07:00") == 25200)
        #expect(GTFSTime.format(31 * 3600 + 61) == "31:01:01")
    }
}
