/// The colours of the ward map.
///
/// Viridis in ten steps (matplotlib's default map, sampled at the ten decile midpoints): perceptually uniform,
/// monotonic in lightness, so it reads in greyscale and for the common colour-vision deficiencies (deuteranopia,
/// protanopia, tritanopia). Dark purple is the lowest decile, yellow the highest.
public enum MapPalette {
    public static let deciles = ["#440154", "#482878", "#3e4a89", "#31688e", "#26828e",
                                 "#1f9e89", "#35b779", "#6dcd59", "#b4de2c", "#fde725"]
    /// Changes (a scenario minus the baseline), lowest to highest: ColorBrewer's 11-class PuOr (Cynthia Brewer,
    /// colorbrewer2.org), a diverging scheme marked safe for colour-blind readers. Orange is a fall, purple a rise,
    /// and the middle (no change) is near white; whether a rise is good depends on the column (a time falling is).
    public static let change = ["#7f3b08", "#b35806", "#e08214", "#fdb863", "#fee0b6", "#f7f7f7",
                                "#d8daeb", "#b2abd2", "#8073ac", "#542788", "#2d004b"]
    /// Wards without a value for the property shown.
    public static let noValue = "#d9d9d9"

    /// The fill of a decile class: 1...10, or 0 for no value.
    public static func fill(_ decileClass: UInt8, diverging: Bool = false) -> String {
        decileClass == 0 ? noValue : (diverging ? change : deciles)[Int(decileClass) - 1]
    }
}
