import Testing

@testable import GridProjection

@Suite struct BoundedCacheTests {
    /// 6,000 distinct keys (a client sending a new `crs=` each time) leave 64 entries: the most
    /// recently used, including an old one that kept being used.
    @Test func distinctKeysKeepItAtItsBound() {
        var cache = BoundedCache<String, Int>(capacity: 64)
        cache.set(-1, for: "kept")
        for i in 0..<6_000 {
            cache.set(i, for: "+proj=longlat +lon_0=\(i)")
            _ = cache.value(for: "kept")
            #expect(cache.count <= 64)
        }
        #expect(cache.count == 64)
        #expect(cache.value(for: "kept") == -1)
        #expect(cache.value(for: "+proj=longlat +lon_0=5999") == 5999)
        #expect(cache.value(for: "+proj=longlat +lon_0=5937") == 5937)
        #expect(cache.value(for: "+proj=longlat +lon_0=5936") == nil)
        var made = 0
        #expect(
            cache.value(for: "new") {
                made += 1; return 7
            } == 7)
        #expect(
            cache.value(for: "new") {
                made += 1; return 8
            } == 7)
        #expect(made == 1 && cache.count == 64)
    }
}

@Suite struct PROJStringTests {
    /// The README's PROJ strings are CRSs whatever the order of their words (issue 20).
    @Test func projStringsWithoutTypeCRSAreAccepted() throws {
        #expect(try CRS(parsing: "+proj=longlat +datum=WGS84 +no_defs").isGeographic)
        #expect(try CRS(parsing: "+datum=WGS84 +proj=longlat +no_defs").isGeographic)
        #expect(try !CRS(parsing: "+ellps=GRS80 +proj=tmerc +lon_0=111 +k=1 +x_0=500000 +y_0=0 +units=m +no_defs").isGeographic)
        #expect(CRS.projStringAsCRS("+proj=longlat +type=crs") == "+proj=longlat +type=crs")
        #expect(CRS.projStringAsCRS("EPSG:4326") == "EPSG:4326")
        #expect(throws: Error.self) { try CRS(parsing: "+proj=nonsense +datum=WGS84") }
    }
}
