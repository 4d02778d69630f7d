/// The colours of the ward map.
///
/// Viridis in ten steps (matplotlib's default map, sampled at the ten decile midpoints): perceptually uniform,
/// monotonic in lightness, so it reads in greyscale and for the common colour-vision deficiencies (deuteranopia,
/// protanopia, tritanopia). Dark purple is the lowest decile, yellow the highest.
public enum MapPalette {
    public static let deciles = ["#440154", "#482878", "#3e4a89", "#31688e", "#26828e",
                                 "#1f9e89", "#35b779", "#6dcd59", "#b4de2c", "#fde725"]
    /// Wards without a value for the property shown.
    public static let noValue = "#d9d9d9"

    /// The fill of a decile class: 1...10, or 0 for no value.
    public static func fill(_ decileClass: UInt8) -> String {
        decileClass == 0 ? noValue : deciles[Int(decileClass) - 1]
    }
}
