import CarbonCore
import Foundation

/// An ABAC policy with the organisation that owns it: it applies only to objects in that
/// organisation's subtree, so one tenant's administrators cannot write rules for another's data.
struct ScopedPolicy: Sendable {
    let owner: OrganisationPath
    let policy: AccessPolicy
}

/// ABAC policies as stored (one JSON document each, owned by an organisation).
enum PolicyStore {
    static func all(on connection: any SQLConnection) throws -> [ScopedPolicy] {
        try connection.query(
            "SELECT p.id, p.document, o.path FROM policies p JOIN organisations o ON o.id = p.organisation_id ORDER BY p.id"
        ).map { row in
            ScopedPolicy(owner: try OrganisationPath(text: try row.text("path")),
                         policy: try AccessPolicy(fromJSON: Data(try row.text("document").utf8)))
        }
    }
}
