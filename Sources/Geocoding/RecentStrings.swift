#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The short component Strings this thread made lately, by their scalars. A backlog names the
/// same province, city, county and streets address after address, and Swift checks the UTF-8 of
/// every String it makes (about 40 ns for a name of a few characters, a quarter of a parse);
/// a String found here costs a hash and one comparison.
///
/// One table per thread (a pthread key), so a parser shared by many threads takes no lock. A slot
/// holds the last name of up to seven scalars of the Basic Multilingual Plane whose scalars hash
/// to it; longer names and names with other scalars are made each time. A hit is exact: the key
/// holds every scalar and the length.
final class RecentStrings {
    static let slotBits = 10
    static let slots = 1 << slotBits
    /// A name's scalars, 16 bits each: the first four in `low`, the rest and the length in `high`.
    private struct Key: Equatable {
        var low: UInt64 = 0, high: UInt64 = 0
    }
    private let keys: UnsafeMutablePointer<Key>
    private let values: UnsafeMutablePointer<String>
    /// The scalars of the address this thread parses (``AddressNormalizer/normalize(utf8:in:)``),
    /// kept from one address to the next and grown to the longest yet.
    private var scratchBuffer = UnsafeMutableBufferPointer<Unicode.Scalar>.allocate(capacity: 256)

    init() {
        // An empty slot's key has length 0, which no looked-up name has.
        keys = .allocate(capacity: Self.slots)
        keys.initialize(repeating: Key(), count: Self.slots)
        values = .allocate(capacity: Self.slots)
        values.initialize(repeating: "", count: Self.slots)
    }

    deinit {
        scratchBuffer.deallocate()
        keys.deallocate()
        values.deinitialize(count: Self.slots)
        values.deallocate()
    }

    /// This thread's buffer for normalising an address of `byteCount` UTF-8 bytes: valid until the
    /// next call on this thread, so one address is normalised and parsed before the next.
    @inline(__always)
    func scratch(_ byteCount: Int) -> UnsafeMutableBufferPointer<Unicode.Scalar> {
        let needed = AddressNormalizer.scratchCapacity(byteCount)
        if scratchBuffer.count < needed {
            scratchBuffer.deallocate()
            scratchBuffer = .allocate(capacity: max(needed, 2 * scratchBuffer.count))
        }
        return scratchBuffer
    }

    /// The String of `scalars`, from the table or made (and kept).
    @inline(__always)
    func string(_ scalars: Slice<UnsafeBufferPointer<Unicode.Scalar>>) -> String {
        let n = scalars.count
        guard n > 0 && n <= 7 else { return makeString(scalars) }
        var key = Key(low: 0, high: UInt64(n) << 48)
        var k: UInt64 = 0
        for c in scalars {
            guard c.value < 0x10000 else { return makeString(scalars) }
            let v = UInt64(c.value)
            if k < 4 { key.low |= v << (16 * k) } else { key.high |= v << (16 * (k - 4)) }
            k += 1
        }
        let hash = (key.low &* 0x9E37_79B9_7F4A_7C15) ^ (key.high &* 0xC2B2_AE3D_27D4_EB4F)
        let slot = Int(truncatingIfNeeded: hash >> UInt64(64 - Self.slotBits))
        if keys[slot] == key { return values[slot] }
        let made = makeString(scalars)
        keys[slot] = key
        values[slot] = made
        return made
    }

    /// This thread's table, made on first use and freed when the thread ends.
    static var current: RecentStrings {
        if let table = pthread_getspecific(threadKey) { return Unmanaged<RecentStrings>.fromOpaque(table).takeUnretainedValue() }
        let table = RecentStrings()
        pthread_setspecific(threadKey, Unmanaged.passRetained(table).toOpaque())
        return table
    }

    private static let threadKey: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { table in
            if let table { Unmanaged<RecentStrings>.fromOpaque(table).release() }
        }
        precondition(status == 0, "pthread_key_create failed: \(status)")
        return key
    }()
}
