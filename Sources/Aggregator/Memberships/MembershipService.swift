import CarbonCore
import Foundation

/// Who holds which role where (B2): the members of an organisation, and bulk binding and unbinding.
/// A bulk request is all or nothing: every item is validated inside one write transaction before
/// anything is written, so a file with one bad line changes nothing and the report names the line.
struct MembershipService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    enum Outcome: Sendable {
        case done(BulkReply)
        case refused(message: String, report: [BulkReportEntry])
    }

    /// The route admits any person, because either of two permissions will do; the check of that
    /// "somewhere" happens here, audited like the route table's own refusals.
    func members(of organisationID: String, scope: AccessScope, context: AppRequestContext) async throws -> [Member] {
        guard scope.principal.holdsAnywhere(.membershipsBind) || scope.principal.holdsAnywhere(.usersRead) else {
            let refusal = APIError.forbidden("permission 'memberships:bind' or 'users:read' is required")
            try await auditor.record(.denial(action: "GET /api/v1/organisations/:id/members", reason: refusal.message),
                                     context: context)
            throw refusal
        }
        guard UUID(uuidString: organisationID) != nil,
              let organisation = try await database.read({ try OrganisationRef.load(id: organisationID.lowercased(), on: $0) })
        else { throw APIError.notFound("organisation") }
        if !scope.allows(.membershipsBind, at: organisation) {
            try scope.require(.usersRead, on: organisation, what: "organisation")
        }
        let members = try await database.read { connection in
            try connection.query(
                """
                SELECT m.user_id, m.role_id, m.created_at, u.username, u.display_name, u.status, r.name AS role_name
                FROM memberships m JOIN users u ON u.id = m.user_id JOIN roles r ON r.id = m.role_id
                WHERE m.organisation_id = $1 ORDER BY u.username, r.name
                """, .text(organisation.id)
            ).map(Member.init(row:))
        }
        try await auditor.record(.init(action: "memberships.list", target: organisation.id, organisationID: organisation.id,
                                       details: ["count": String(members.count)]), context: context)
        return members
    }

    func apply(_ mode: BulkReply.Mode, _ items: [BulkItem], scope: AccessScope, context: AppRequestContext) async throws
        -> Outcome
    {
        let now = clock.micros, auditor = self.auditor
        let action = mode == .bind ? "memberships.bind" : "memberships.unbind"
        let outcome = try await database.write { connection -> Outcome in
            var resolver = try BulkResolver(connection: connection, scope: scope, mode: mode)
            var errors: [BulkReportEntry] = []
            var plan: [(item: BulkItem, binding: Binding, changes: Bool)] = []
            var seen: Set<Binding> = []
            for item in items {
                do {
                    let binding = try resolver.resolve(item)
                    let exists = try connection.first(
                        "SELECT 1 AS present FROM memberships WHERE user_id = $1 AND organisation_id = $2 AND role_id = $3",
                        .text(binding.userID), .text(binding.organisationID), .text(binding.roleID)) != nil
                    // The same binding twice in one request: the second changes nothing.
                    let changes = seen.insert(binding).inserted && (mode == .bind ? !exists : exists)
                    plan.append((item, binding, changes))
                } catch let refusal as BulkResolver.Refusal {
                    errors.append(BulkReportEntry(position: item.position, status: "error", message: refusal.message))
                }
            }
            guard errors.isEmpty else {
                return .refused(message: "\(errors.count) of \(items.count) items are invalid; nothing was changed",
                                report: errors)
            }
            var report: [BulkReportEntry] = []
            for (item, binding, changes) in plan {
                let status = mode == .bind ? (changes ? "bound" : "already") : (changes ? "unbound" : "absent")
                report.append(BulkReportEntry(position: item.position, status: status, message: nil))
                guard changes else { continue }
                if mode == .bind {
                    try connection.execute(
                        "INSERT INTO memberships (user_id, organisation_id, role_id, created_at) VALUES ($1, $2, $3, $4)",
                        .text(binding.userID), .text(binding.organisationID), .text(binding.roleID), .integer(now))
                } else {
                    try connection.execute(
                        "DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2 AND role_id = $3",
                        .text(binding.userID), .text(binding.organisationID), .text(binding.roleID))
                }
                try auditor.append(.init(action: action, target: binding.userID, organisationID: binding.organisationID,
                                         details: ["role_id": binding.roleID, "role": binding.roleName]),
                                   context: context, on: connection)
            }
            if mode == .unbind { try Self.requireRootAdministrators(plan.filter { $0.changes }.map { $0.binding }, on: connection) }
            let changed = plan.filter { $0.changes }.count
            return .done(BulkReply(mode: mode, changed: changed, unchanged: plan.count - changed, report: report))
        }
        if case .refused(let message, let report) = outcome {
            try await auditor.record(.init(action: action, outcome: "failure",
                                           details: ["reason": message, "first_error": report.first?.message ?? ""]),
                                     context: context)
        }
        return outcome
    }

    /// Refuses an unbind that would leave a root organisation without an active administrator:
    /// nobody could then create organisations, approve users or repair policies.
    static func requireRootAdministrators(_ removed: [Binding], on connection: any SQLConnection) throws {
        let administrator = RoleRecord.builtInID(.administrator)
        for rootID in Set(removed.filter { $0.organisationIsRoot && $0.roleID == administrator }.map(\.organisationID)) {
            let remaining = try connection.first(
                """
                SELECT count(*) AS n FROM memberships m JOIN users u ON u.id = m.user_id
                WHERE m.organisation_id = $1 AND m.role_id = $2 AND u.status = 'active'
                """, .text(rootID), .text(administrator))?.int64("n") ?? 0
            if remaining == 0 {
                throw APIError.conflict("this would leave the root organisation without an active administrator")
            }
        }
    }
}
