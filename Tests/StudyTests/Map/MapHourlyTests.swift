import Foundation
import GeoData
import Testing
@testable import Study

/// The map's service profile (`MapHourly`): `service_profile.csv` rows of WardMapTests' wards read into one property
/// per day and hour on one pooled decile scale, worked by hand; bad rows named by line; and the picker in the page.
struct MapHourlyTests {
    /// Two dates, E1 and E2 at every hour; E3 only at 08:00 on the Monday; E4 (no boundary) none.
    /// Values (bus + rail): E1 1 + 0 every hour; E2 hour h on the Monday (0…23) and 0 on the Sunday; E3 5 + 1 = 6.
    static func csv() -> [UInt8] {
        var text = "zone,date,hour,bus_departures,rail_departures,routes\n"
        for date in ["2024-03-04", "2024-03-10"] {
            for hour in 0..<24 {
                text += "E1,\(date),\(hour),1,0,1\n"
                text += "E2,\(date),\(hour),\(date == "2024-03-04" ? hour : 0),0,1\n"
            }
        }
        text += "E3,2024-03-04,8,5,1,2\n"
        return Array(text.utf8)
    }

    static let codes = ["E1", "E2", "E3", "E4"]

    /// 97 zone-hours have a value: 48 ones (E1), 24 zeros (E2's Sunday), E2's Monday 0…23 and E3's 6. Pooled
    /// ascending: 25 zeros (ranks 1-25), 49 ones (ranks 26-74: E1's 48 and E2's hour 1), 2, 3, 4, 5 (ranks 75-78),
    /// the two 6s (E2's hour 6 and E3: ranks 79-80, sharing 79), 7 (81), 8 (82), … 23 (97). Class of group rank r
    /// (DecileClasses): ⌊(r − 1)·10/97⌋ + 1. Zeros: 1. Ones (26): ⌊250/97⌋ + 1 = 3. The 6s (79): ⌊780/97⌋ + 1 = 9.
    /// 8 (82): ⌊810/97⌋ + 1 = 9. 23 (97): ⌊960/97⌋ + 1 = 10.
    @Test func oneScaleForEveryDayAndHour() throws {
        let hourly = try #require(try MapHourly.parse(Self.csv(), file: "service_profile.csv", codes: Self.codes))
        #expect(hourly.days == ["Monday 2024-03-04", "Sunday 2024-03-10"])
        #expect(hourly.columns.count == 48)
        let monday8 = hourly.columns[8]
        #expect(monday8.name == "departures Monday 2024-03-04 08:00")
        #expect(monday8.values == [1, 8, 6, nil])
        // E1 1 → 3; E2 8 → 9; E3 6 → 9; E4 none.
        #expect(monday8.deciles.classes == [3, 9, 9, 0])
        #expect(monday8.deciles.missing == 1)
        let sunday23 = hourly.columns[24 + 23]
        #expect(sunday23.values == [1, 0, nil, nil])
        #expect(sunday23.deciles.classes == [3, 1, 0, 0])
        #expect(sunday23.deciles.counts == [1, 0, 1, 0, 0, 0, 0, 0, 0, 0])
        #expect(hourly.columns[23].deciles.classes[1] == 10)
        // The scale is the pooled one: class 1 is exactly the zeros, in every day-hour.
        #expect(sunday23.deciles.ranges[0] == 0...0)
        #expect(monday8.deciles.ranges == sunday23.deciles.ranges)
    }

    @Test func badRowsAreNamedByLine() throws {
        func error(_ text: String) throws -> String {
            let e = try #require(throws: DataError.self) { try MapHourly.parse(Array(text.utf8), file: "sp.csv", codes: Self.codes) }
            return "\(e)"
        }
        let head = "zone,date,hour,bus_departures,rail_departures,routes\n"
        #expect(try error(head + "E9,2024-03-04,8,1,0,1\n").contains("line 2"))
        #expect(try error(head + "E9,2024-03-04,8,1,0,1\n").contains("'E9' is not a zone of the map"))
        #expect(try error(head + "E1,2024-03-04,24,1,0,1\n").contains("'24' is not an hour 0-23"))
        #expect(try error(head + "E1,2024-3-4,8,1,0,1\n").contains("is not a date"))
        #expect(try error(head + "E1,2024-03-04,8,-1,0,1\n").contains("must be numbers ≥ 0"))
        #expect(try error("zone,date\nE1,2024-03-04\n").contains("expected the columns zone,date,hour,bus_departures,rail_departures,routes"))
        #expect(try MapHourly.parse(Array(head.utf8), file: "sp.csv", codes: Self.codes) == nil)
    }

    /// The page: a "departures by day and hour" choice, the day list and the hour slider, and the 48 properties
    /// after the table's own in the data (base = the table's numeric columns: bus_stop_count and population).
    @Test func thePageHasThePicker() throws {
        let (bytes, _) = try WardMap.render(wards: try WardMapTests.wards(), serviceProfile: (Self.csv(), "service_profile.csv"), options: WardMapTests.options())
        let html = String(decoding: bytes, as: UTF8.self)
        #expect(html.contains("<option value=\"hourly\">departures by day and hour (pick below)</option>"))
        #expect(html.contains("<option value=\"1\">Sunday 2024-03-10</option>"))
        #expect(html.contains("<input type=\"range\" id=\"hourly-hour\" min=\"0\" max=\"23\""))
        let data = try WardMapTests.data(html)
        let hourly = try #require(data["hourly"] as? [String: Any])
        #expect(hourly["base"] as? Int == 2)
        #expect((data["properties"] as? [Any])?.count == 2 + 48)
        let plain = String(decoding: try WardMap.render(wards: try WardMapTests.wards(), options: WardMapTests.options()).html, as: UTF8.self)
        #expect(!plain.contains("<div id=\"hourly\"") && !plain.contains("\"hourly\":"))
    }
}
