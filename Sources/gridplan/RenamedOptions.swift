import ArgumentParser

// One flag name means one thing across gridplan's commands: --from/--to are days or moments,
// CRSs are --from-crs/--to-crs, rules files say which rules they hold. The spellings used before
// stay as hidden options (shown only by --help-hidden) so that scripts written for them keep
// working; a command reads an option through ``renamed(_:_:new:old:)``.

/// The help of an old spelling kept for scripts: hidden from --help, named in --help-hidden.
func oldSpelling(of new: String) -> ArgumentHelp {
    ArgumentHelp("Old spelling of \(new), kept for scripts.", visibility: .hidden)
}

/// An option's value given under its new or its old spelling; both at once is a usage error
/// (exit status 64), since they could disagree.
func renamed<T>(_ new: T?, _ old: T?, new newName: String, old oldName: String) throws -> T? {
    if new != nil && old != nil {
        throw ValidationError("\(oldName) is the old spelling of \(newName): give one of them")
    }
    return new ?? old
}

/// A required option's value under its new or old spelling; neither is ArgumentParser's usage
/// error for a missing option (exit status 64), naming the new spelling.
func required<T>(_ new: T?, _ old: T?, new newName: String, old oldName: String) throws -> T {
    guard let value = try renamed(new, old, new: newName, old: oldName) else {
        throw ValidationError("Missing expected argument '\(newName) <\(newName.dropFirst(2))>'")
    }
    return value
}
