/// Numbers as people read them in messages and on the map.
public enum NumberText {
    /// 7681 → "7,681" (thousands separated by commas, as in en-GB, whatever the machine's locale).
    public static func grouped(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var result = value < 0 ? "-" : ""
        for (i, digit) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }
}
