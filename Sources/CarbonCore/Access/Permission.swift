/// One thing a principal may do, named `resource:action` (`readings:read`, `alarms:ack`,
/// `users:reset-password`). Names are lowercase words with hyphens, `^[a-z][a-z-]*:[a-z][a-z-]*$`,
/// so they can be stored, compared and shown without any escaping. Codable as the plain string.
public struct Permission: Hashable, Comparable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The kind of object acted on (`readings`).
    public let resource: String
    /// What is done to it (`read`).
    public let action: String

    /// Parses `resource:action`, refusing anything outside the grammar.
    public init(_ text: String) throws(AccessError) {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 2, Self.isWord(parts[0]), Self.isWord(parts[1]) else {
            throw AccessError(
                .invalidPermission, "'\(text)' is not a permission; write resource:action in lowercase (readings:read)")
        }
        resource = String(parts[0])
        action = String(parts[1])
    }

    /// From the two halves, with the same grammar check as the text form.
    public init(resource: String, action: String) throws(AccessError) {
        try self.init("\(resource):\(action)")
    }

    /// A literal is source code: a malformed one is a programming error, caught by the first test.
    public init(stringLiteral value: String) {
        do {
            try self.init(value)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// The stored and displayed form, `resource:action`.
    public var name: String { "\(resource):\(action)" }
    public var description: String { name }

    public static func < (a: Permission, b: Permission) -> Bool { a.name < b.name }

    public init(from decoder: any Decoder) throws {
        let text = try AccessJSON.singleText(decoder)
        self = try AccessJSON.located(AccessJSON.path(decoder.codingPath)) { () throws(AccessError) in
            try Permission(text)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    /// `[a-z][a-z-]*`: ASCII only, so two names that look alike are alike.
    static func isWord(_ text: Substring) -> Bool {
        guard let first = text.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        return text.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 == UInt8(ascii: "-") }
    }
}

/// What an `AccessPolicy` applies to: an exact permission, or `*` for either half (`*:read` is
/// every read, `trades:*` everything on trades, `*:*` everything). Policies use patterns so a rule
/// such as "nobody exports outside office hours" keeps covering permissions added later. Grants
/// hold exact permissions instead: what a role may do is listed, never implied.
public struct PermissionPattern: Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// nil is `*`.
    public let resource: String?
    /// nil is `*`.
    public let action: String?

    /// Parses `resource:action` where either half may be `*`; `*` alone is refused, write `*:*`.
    public init(_ text: String) throws(AccessError) {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        func half(_ part: Substring) -> String?? {
            if part == "*" { return .some(nil) }
            return Permission.isWord(part) ? .some(String(part)) : nil
        }
        guard parts.count == 2, let resource = half(parts[0]), let action = half(parts[1]) else {
            throw AccessError(
                .invalidPermission,
                "'\(text)' is not a permission pattern; write resource:action, either half may be * (*:read)")
        }
        self.resource = resource
        self.action = action
    }

    /// The pattern that matches exactly `permission`.
    public init(_ permission: Permission) {
        resource = permission.resource
        action = permission.action
    }

    /// A literal is source code: a malformed one is a programming error, caught by the first test.
    public init(stringLiteral value: String) {
        do {
            try self.init(value)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// Each half is `*` or equal to the permission's half.
    public func matches(_ permission: Permission) -> Bool {
        (resource == nil || resource == permission.resource) && (action == nil || action == permission.action)
    }

    /// The stored form, `*:read`.
    public var text: String { "\(resource ?? "*"):\(action ?? "*")" }
    public var description: String { text }

    public init(from decoder: any Decoder) throws {
        let text = try AccessJSON.singleText(decoder)
        self = try AccessJSON.located(AccessJSON.path(decoder.codingPath)) { () throws(AccessError) in
            try PermissionPattern(text)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
