package import GridErrors

/// The longest address gridplan reads: 500 characters (Unicode scalars). Real addresses are a
/// few dozen; the limit keeps the work one address can cause small and bounded, on the command
/// line and over HTTP alike. Every path that takes an address checks it here.
package enum AddressLimit {
    package static let maxCharacters = 500

    /// Why `text` is refused as an address, or nil when it is short enough. Stops counting past
    /// the limit, so a huge text costs no more than a short one.
    package static func problem(_ text: String) -> Wording? {
        var count = 0
        for _ in text.unicodeScalars {
            count += 1
            if count > maxCharacters {
                let total = text.unicodeScalars.count
                let why: Wording = "the address is \(total) characters long, over the limit of \(maxCharacters)"
                return why
            }
        }
        return nil
    }

    /// Throws ``problem(_:)`` as a bad argument (a question) or bad input (a row), naming `field`.
    package static func check(_ text: String, field: String? = nil, kind: ErrorKind = .badArgument) throws {
        guard let problem = problem(text) else { return }
        throw GridplanError(kind, problem, source: field.map { ErrorSource(field: $0) })
    }
}
