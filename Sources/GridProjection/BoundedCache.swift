/// A dictionary that keeps at most `capacity` entries, dropping the least recently used: for
/// things keyed by what a client sends (a `crs=` text, a CRS), which would otherwise grow with
/// every distinct value for as long as the process runs. Not thread-safe: one owner at a time,
/// or behind a lock.
public struct BoundedCache<Key: Hashable, Value> {
    public let capacity: Int
    private var entries: [Key: (value: Value, used: UInt64)] = [:]
    /// Use counter: each read or write stamps its entry; the smallest stamp goes first.
    private var clock: UInt64 = 0

    public init(capacity: Int = 64) {
        precondition(capacity > 0, "a cache holds at least one entry")
        self.capacity = capacity
    }

    public var count: Int { entries.count }

    /// The value kept for `key`, marked as just used.
    public mutating func value(for key: Key) -> Value? {
        guard let entry = entries[key] else { return nil }
        clock &+= 1
        entries[key] = (entry.value, clock)
        return entry.value
    }

    /// Keeps `value` for `key`; when full, the least recently used entry makes room. Eviction
    /// scans the entries (at most `capacity`), which is nothing beside building a PROJ
    /// transformer, the kind of thing kept here.
    public mutating func set(_ value: Value, for key: Key) {
        clock &+= 1
        if entries[key] == nil, entries.count >= capacity, let oldest = entries.min(by: { $0.value.used < $1.value.used })?.key {
            entries.removeValue(forKey: oldest)
        }
        entries[key] = (value, clock)
    }

    /// The value for `key`, made by `make` (and kept) when it is not there.
    public mutating func value(for key: Key, orMake make: () throws -> Value) rethrows -> Value {
        if let v = value(for: key) { return v }
        let v = try make()
        set(v, for: key)
        return v
    }

    public mutating func removeAll() { entries.removeAll() }
}

extension BoundedCache: Sendable where Key: Sendable, Value: Sendable {}
