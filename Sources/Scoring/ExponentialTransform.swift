import Foundation

/// The Indices of Deprivation's exponential transformation of a domain rank.
///
/// X = −23 ln(1 − R(1 − e^(−100/23))), R the rank scaled to (0, 1] with R = 1 for the highest domain score.
/// X runs from about 0 to exactly 100 and stretches the worst-off end, so that a low score in one domain only
/// partly cancels a high one in another (English Indices of Deprivation 2019, Technical report, section 3.8).
public enum ExponentialTransform {
    /// The constant 1 − e^(−100/23).
    static let scale = 1 - exp(-100.0 / 23.0)

    /// X for a scaled rank R in [0, 1]: 0 at R = 0, 100 at R = 1.
    public static func value(scaledRank r: Double) -> Double {
        -23 * log(1 - r * scale)
    }
}
