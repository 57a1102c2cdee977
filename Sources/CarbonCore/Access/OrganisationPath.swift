import Foundation  // UUID

/// Where an organisation sits in the tree: the ids from the root down to it. Access follows the
/// tree (a grant at a group covers every company and site below it), so the engine compares
/// paths, never looks anything up. Ids are UUIDs, stored lowercase, so two spellings of one id
/// are one path.
///
/// The text form `/id1/id2/id3/` is what the aggregator stores: "everything in the subtree of P"
/// is then the prefix query `path LIKE '/id1/id2/%'`, and the trailing slash keeps `/a/` from
/// matching `/ab/`.
public struct OrganisationPath: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Root first, the organisation itself last. Never empty.
    public let ids: [String]

    /// From the ids, root first. Refuses an empty list, a non-UUID and an id appearing twice
    /// (a cycle in the tree would make the subtree rule meaningless).
    public init(_ ids: [String]) throws(AccessError) {
        guard !ids.isEmpty else {
            throw AccessError(.invalidPath, "an organisation path needs at least the root organisation")
        }
        var normalised: [String] = []
        for (index, id) in ids.enumerated() {
            guard let uuid = UUID(uuidString: id) else {
                throw AccessError(.invalidPath, "'\(id)' (level \(index)) is not an organisation id (a UUID)")
            }
            normalised.append(uuid.uuidString.lowercased())
        }
        guard Set(normalised).count == normalised.count else {
            throw AccessError(.invalidPath, "an organisation appears twice in the path \(normalised)")
        }
        self.ids = normalised
    }

    /// Parses the stored form `/id1/id2/`; the slashes at both ends are required, so a truncated
    /// value from a database column is refused instead of read as a different organisation.
    public init(text: String) throws(AccessError) {
        guard text.count > 2, text.hasPrefix("/"), text.hasSuffix("/") else {
            throw AccessError(.invalidPath, "'\(text)' is not an organisation path (write /id1/id2/)")
        }
        let parts = text.dropFirst().dropLast().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty }) else {
            throw AccessError(.invalidPath, "'\(text)' has an empty level")
        }
        try self.init(parts.map(String.init))
    }

    /// The stored form, `/id1/id2/`.
    public var text: String { "/" + ids.joined(separator: "/") + "/" }
    public var description: String { text }

    /// The organisation's own id.
    public var id: String { ids[ids.count - 1] }

    /// How far below the root: the root is 0.
    public var depth: Int { ids.count - 1 }

    /// The organisation above, or nil at the root.
    public var parent: OrganisationPath? {
        ids.count > 1 ? OrganisationPath(trusted: Array(ids.dropLast())) : nil
    }

    /// The path of a child organisation.
    public func appending(_ id: String) throws(AccessError) -> OrganisationPath {
        try OrganisationPath(ids + [id])
    }

    /// True when `other` is this organisation or lies below it: the subtree rule of grants.
    public func contains(_ other: OrganisationPath) -> Bool {
        other.ids.count >= ids.count && other.ids.starts(with: ids)
    }

    private init(trusted ids: [String]) { self.ids = ids }

    public init(from decoder: any Decoder) throws {
        let text = try AccessJSON.singleText(decoder)
        self = try AccessJSON.located(AccessJSON.path(decoder.codingPath)) { () throws(AccessError) in
            try OrganisationPath(text: text)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
