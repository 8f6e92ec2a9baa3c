import Foundation

/// GCJ-02 and BD-09, the coordinate offsets of Chinese map apps, which PROJ does not implement.
///
/// GCJ-02 is WGS84 longitude/latitude shifted by a published polynomial on the Krasovsky
/// ellipsoid; BD-09 is a further rotation and scaling of GCJ-02. Forward directions are closed
/// formulas; the inverses are solved by fixed-point iteration to better than 1e-9 degrees (the
/// common one-step approximation is off by up to a few metres and is not used).
///
/// Outside China the apps apply no offset, and neither does this code: a point whose longitude
/// is outside 72.004–137.8347 or latitude outside 0.8293–55.8271 (the rectangle the common
/// implementations test) passes through unchanged. The rectangle is crude (it covers parts of
/// neighbouring countries) but it is what the apps' data follow.
public enum ChinaOffsets {
    /// The rectangle inside which the offsets apply.
    public static func appliesOffset(lon: Double, lat: Double) -> Bool {
        lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271
    }

    private static let a = 6378245.0
    private static let ee = 0.00669342162296594323

    /// WGS84 → GCJ-02.
    public static func wgs84ToGCJ02(lon: Double, lat: Double) -> (lon: Double, lat: Double) {
        guard appliesOffset(lon: lon, lat: lat) else { return (lon, lat) }
        let (dLon, dLat) = offset(lon: lon, lat: lat)
        return (lon + dLon, lat + dLat)
    }

    /// GCJ-02 → WGS84, iterated until the forward transform reproduces the input.
    public static func gcj02ToWGS84(lon: Double, lat: Double) -> (lon: Double, lat: Double) {
        guard appliesOffset(lon: lon, lat: lat) else { return (lon, lat) }
        return invert(lon: lon, lat: lat, forward: wgs84ToGCJ02)
    }

    /// GCJ-02 → BD-09.
    public static func gcj02ToBD09(lon: Double, lat: Double) -> (lon: Double, lat: Double) {
        let xPi = Double.pi * 3000.0 / 180.0
        let z = (lon * lon + lat * lat).squareRoot() + 0.00002 * sin(lat * xPi)
        let theta = atan2(lat, lon) + 0.000003 * cos(lon * xPi)
        return (z * cos(theta) + 0.0065, z * sin(theta) + 0.006)
    }

    /// BD-09 → GCJ-02, iterated.
    public static func bd09ToGCJ02(lon: Double, lat: Double) -> (lon: Double, lat: Double) {
        invert(lon: lon, lat: lat, forward: gcj02ToBD09)
    }

    /// WGS84 → BD-09.
    public static func wgs84ToBD09(lon: Double, lat: Double) -> (lon: Double, lat: Double) {
        let g = wgs84ToGCJ02(lon: lon, lat: lat)
        return gcj02ToBD09(lon: g.lon, lat: g.lat)
    }

    /// BD-09 → WGS84, iterated as one composite so the error does not add up.
    public static func bd09ToWGS84(lon: Double, lat: Double) -> (lon: Double, lat: Double) {
        let gcj = bd09ToGCJ02(lon: lon, lat: lat)
        guard appliesOffset(lon: gcj.lon, lat: gcj.lat) else { return gcj }
        return invert(lon: lon, lat: lat, forward: wgs84ToBD09)
    }

    /// The GCJ-02 shift at a WGS84 point, in degrees.
    private static func offset(lon: Double, lat: Double) -> (Double, Double) {
        let x = lon - 105.0, y = lat - 35.0
        var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * abs(x).squareRoot()
        dLat += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        dLat += (20.0 * sin(y * .pi) + 40.0 * sin(y / 3.0 * .pi)) * 2.0 / 3.0
        dLat += (160.0 * sin(y / 12.0 * .pi) + 320.0 * sin(y * .pi / 30.0)) * 2.0 / 3.0
        var dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * abs(x).squareRoot()
        dLon += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        dLon += (20.0 * sin(x * .pi) + 40.0 * sin(x / 3.0 * .pi)) * 2.0 / 3.0
        dLon += (150.0 * sin(x / 12.0 * .pi) + 300.0 * sin(x / 30.0 * .pi)) * 2.0 / 3.0
        let radLat = lat / 180.0 * .pi
        var magic = sin(radLat)
        magic = 1 - ee * magic * magic
        let sqrtMagic = magic.squareRoot()
        dLat = (dLat * 180.0) / ((a * (1 - ee)) / (magic * sqrtMagic) * .pi)
        dLon = (dLon * 180.0) / (a / sqrtMagic * cos(radLat) * .pi)
        return (dLon, dLat)
    }

    /// Solves forward(p) = target for p by fixed-point iteration; the offsets change slowly
    /// with position, so each step gains several digits.
    private static func invert(
        lon: Double, lat: Double,
        forward: (Double, Double) -> (lon: Double, lat: Double)
    ) -> (lon: Double, lat: Double) {
        var p = (lon: lon, lat: lat)
        for _ in 0..<30 {
            let f = forward(p.lon, p.lat)
            let dLon = f.lon - lon, dLat = f.lat - lat
            p = (p.lon - dLon, p.lat - dLat)
            if abs(dLon) < 1e-12 && abs(dLat) < 1e-12 { break }
        }
        return p
    }
}
