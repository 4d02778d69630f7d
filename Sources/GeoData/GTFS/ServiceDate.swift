/// A calendar day, as a count of days since 1970-01-01 (proleptic Gregorian), for GTFS service calendars.
public struct ServiceDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public var day: Int

    public init(day: Int) { self.day = day }

    /// From year, month (1–12) and day (1–31); nil if the day does not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= ServiceDate.daysIn(month: month, year: year) else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        self.day = era * 146_097 + doe - 719_468
    }

    /// Parses `YYYYMMDD` (GTFS) or `YYYY-MM-DD` (ISO 8601, the CLI).
    public init?(_ text: some StringProtocol) {
        let characters = Array(text)
        let digits = String(characters.filter { $0 != "-" })
        guard digits.count == 8, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              characters.count == 8 || (characters.count == 10 && characters[4] == "-" && characters[7] == "-"),
              let number = Int(digits) else { return nil }
        self.init(year: number / 10_000, month: number / 100 % 100, day: number % 100)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// (year, month, day).
    public var components: (year: Int, month: Int, day: Int) {
        // Howard Hinnant's civil_from_days.
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// 0 = Monday ... 6 = Sunday (the order of GTFS `calendar.txt` columns). 1970-01-01 was a Thursday.
    public var weekday: Int { ((day % 7) + 7 + 3) % 7 }

    public static let weekdayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    public func adding(days: Int) -> ServiceDate { ServiceDate(day: day + days) }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (y, m, d) = components
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(y)-\(two(m))-\(two(d))"
    }

    public static func < (a: ServiceDate, b: ServiceDate) -> Bool { a.day < b.day }
}

/// GTFS times of day: seconds after the start of the service day ("noon minus 12 h"); they may pass 24:00:00.
public enum GTFSTime {
    /// Parses `H:MM:SS` or `HH:MM:SS` (hours may exceed 23; minutes and seconds below 60); nil if empty.
    @inline(__always)
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int?? {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        if start == end { return .some(nil) }
        var hours = 0, i = start, hourDigits = 0
        while i < end, bytes[i] != UInt8(ascii: ":") {
            let digit = Int(bytes[i]) - 0x30
            guard digit >= 0, digit <= 9, hourDigits < 3 else { return nil }
            hours = hours * 10 + digit
            hourDigits += 1
            i += 1
        }
        guard hourDigits > 0, end - i == 6, bytes[i] == UInt8(ascii: ":"), bytes[i + 3] == UInt8(ascii: ":") else { return nil }
        func pair(_ at: Int) -> Int? {
            let a = Int(bytes[at]) - 0x30, b = Int(bytes[at + 1]) - 0x30
            guard a >= 0, a <= 5, b >= 0, b <= 9 else { return nil }
            return a * 10 + b
        }
        guard let minutes = pair(i + 1), let seconds = pair(i + 4) else { return nil }
        return .some(hours * 3600 + minutes * 60 + seconds)
    }

    /// Parses `HH:MM` or `HH:MM:SS` (the CLI's window bounds); nil if malformed.
    public static func parse(_ text: String) -> Int? {
        var text = text.trimmingCharacters(in: " ")
        if text.count(where: { $0 == ":" }) == 1 { text += ":00" }
        return text.withUTF8 { bytes -> Int? in
            guard let parsed = parse(bytes), let value = parsed else { return nil }
            return value
        }
    }

    /// `HH:MM:SS`.
    public static func format(_ seconds: Int) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
    }
}
