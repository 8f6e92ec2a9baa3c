import CPROJ
import Foundation
import Testing

@testable import GridProjection

/// The operation PROJ chose, kept as its PROJ string across processes, must transform exactly as
/// PROJ's own search does, and must not be used for another proj.db or when PROJ has no single
/// operation.
@Suite struct OperationCacheTests {
    /// A cache file in a folder of its own.
    func temporaryCache(stamp: String = "# proj.db\ttest") throws -> OperationCache.CacheFile {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gridplan-proj-cache-\(UUID().uuidString)")
        return OperationCache.CacheFile(url: folder.appendingPathComponent("operations.tsv"), stamp: stamp)
    }

    func apply(_ operation: PJObject, _ x: Double, _ y: Double) -> (Double, Double) {
        var xs = x, ys = y
        _ = proj_trans_generic(operation.raw, PJ_FWD, &xs, 8, 1, &ys, 8, 1, nil, 0, 0, nil, 0, 0)
        return (xs, ys)
    }

    @Test(arguments: [
        ("EPSG:4326", "EPSG:4490"), ("EPSG:4490", "EPSG:4546"), ("EPSG:4326", "EPSG:3857"), ("EPSG:4490", "EPSG:4326"),
        ("EPSG:4214", "EPSG:4490"), ("EPSG:4547", "EPSG:4490"),
    ])
    func cachedOperationTransformsAsPROJsSearch(source: String, target: String) throws {
        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.url.deletingLastPathComponent()) }
        let context = PROJContext()
        let searched = try #require(OperationCache.operation(from: source, to: target, in: context, cache: cache))
        let kept = try #require(cache.entries()["\(source)\t\(target)"], "a single operation is kept")
        let cached = try #require(OperationCache.operation(from: source, to: target, in: context, cache: cache))
        let fresh = try #require(OperationCache.operation(from: source, to: target, in: context, cache: nil))
        let points: [(Double, Double)] =
            source == "EPSG:4547" ? [(500_000, 2_350_000), (431_234.5, 2_401_000.25)] : [(110.3594, 21.2707), (116.39, 39.91), (87.6, 43.8)]
        for (x, y) in points {
            let a = apply(fresh, x, y), b = apply(cached, x, y), c = apply(searched, x, y)
            #expect(a == b, "\(source) → \(target) at (\(x), \(y)): PROJ \(a), cached '\(kept)' \(b)")
            #expect(a == c)
        }
    }

    @Test func severalCandidatesAreNotKept() throws {
        // NAD27 → NAD83: PROJ picks among many grid-based operations point by point.
        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.url.deletingLastPathComponent()) }
        _ = try #require(OperationCache.operation(from: "EPSG:4267", to: "EPSG:4269", in: PROJContext(), cache: cache))
        #expect(cache.entries().isEmpty)
    }

    @Test func entriesOfAnotherDatabaseAreIgnored() throws {
        let cache = try temporaryCache(stamp: "# proj.db\tone")
        defer { try? FileManager.default.removeItem(at: cache.url.deletingLastPathComponent()) }
        cache.add("EPSG:4326\tEPSG:4490", "+proj=noop")
        #expect(cache.entries() == ["EPSG:4326\tEPSG:4490": "+proj=noop"])
        let other = OperationCache.CacheFile(url: cache.url, stamp: "# proj.db\ttwo")
        #expect(other.entries().isEmpty)
        // A wrong entry for this database would be used: the stamp is what guards it, so a
        // string PROJ cannot read falls back to the search.
        cache.add("EPSG:4490\tEPSG:4546", "+proj=no_such_operation")
        let operation = try #require(OperationCache.operation(from: "EPSG:4490", to: "EPSG:4546", in: PROJContext(), cache: cache))
        #expect(abs(apply(operation, 111, 21).0 - 500_000) < 1e-6)
    }

    @Test func aDefinitionWithALineBreakIsNotKept() throws {
        let cache = try temporaryCache()
        defer { try? FileManager.default.removeItem(at: cache.url.deletingLastPathComponent()) }
        let multiLine = "+proj=longlat +ellps=GRS80\n+no_defs"
        _ = try #require(OperationCache.operation(from: multiLine, to: "EPSG:4490", in: PROJContext(), cache: cache))
        #expect(cache.entries().isEmpty)
    }

    @Test func theRealStampNamesProjDB() throws {
        let stamp = try #require(OperationCache.projDatabaseStamp())
        #expect(stamp.contains("proj.db\t"))
    }
}
