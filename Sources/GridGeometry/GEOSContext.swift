import CGEOS
import GridErrors

/// Owns one reentrant GEOS context handle.
///
/// Thread-safety rule: a context and every ``Geometry`` made with it are used by one thread
/// at a time. Neither type is `Sendable`, so Swift's concurrency checking enforces the rule.
/// To work in parallel, give each worker its own context and move geometries between workers
/// as WKB (``Geometry/wkb`` and ``Geometry/init(wkb:context:)``).
public final class GEOSContext {
    /// The raw handle, for the few places in this module that call GEOS directly.
    let handle: GEOSContextHandle_t
    private let messages: MessageBox

    /// Collects the last error message GEOS reported through its message handler.
    final class MessageBox {
        var last: String?
    }

    public init() {
        guard let handle = GEOS_init_r() else {
            fatalError("GEOS_init_r returned NULL: out of memory")
        }
        self.handle = handle
        self.messages = MessageBox()
        let box = Unmanaged.passUnretained(messages).toOpaque()
        GEOSContext_setErrorMessageHandler_r(
            handle,
            { message, userdata in
                guard let message, let userdata else { return }
                let box = Unmanaged<GEOSContext.MessageBox>.fromOpaque(userdata).takeUnretainedValue()
                box.last = String(cString: message)
            }, box)
    }

    deinit {
        GEOS_finish_r(handle)
    }

    /// The GEOS library version, e.g. "3.11.1-CAPI-1.17.1".
    public static var geosVersion: String { String(cString: GEOSversion()) }

    /// Clears the stored message before a call, so an error message belongs to that call.
    func resetError() { messages.last = nil }

    /// The error for a failed call: GEOS's message if it gave one, else `fallback`. A call that
    /// fails on what it was given (unreadable WKT) is `.badInput`; anything else GEOS's failure.
    func error(_ fallback: String, kind: ErrorKind = .failed) -> GridplanError {
        let text = messages.last.map { "\(fallback): \($0)" } ?? fallback
        messages.last = nil
        return GridplanError(kind, Wording(text))
    }

    /// Wraps a newly created GEOS geometry, or throws GEOS's error if creation failed.
    func wrap(_ pointer: OpaquePointer?, _ what: @autoclosure () -> String) throws -> Geometry {
        guard let pointer else { throw error(what()) }
        return Geometry(owning: pointer, context: self)
    }

    /// Interprets a GEOS predicate result: 1 true, 0 false, anything else an error.
    func predicate(_ result: CChar, _ what: @autoclosure () -> String) throws -> Bool {
        switch result {
        case 1: return true
        case 0: return false
        default: throw error(what())
        }
    }

    /// Takes a GEOS-allocated C string, frees it exactly once and returns a Swift string.
    func takeString(_ pointer: UnsafeMutablePointer<CChar>?, _ what: @autoclosure () -> String) throws -> String {
        guard let pointer else { throw error(what()) }
        defer { GEOSFree_r(handle, pointer) }
        return String(cString: pointer)
    }
}
