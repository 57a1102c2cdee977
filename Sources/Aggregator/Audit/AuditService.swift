import CarbonCore
import Foundation
import HTTPTypes
import NIOCore

/// Searching and exporting the audit chain (B4). Searches see the records of organisations in
/// the caller's subtrees; records with no organisation (logins, platform-wide changes such as
/// menus) only root-level auditors see. The export is the whole chain, so only auditors at a root
/// may take it: a partial chain could not be verified anyway.
struct AuditService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    /// Rows per database read while exporting: memory stays bounded whatever the chain's length.
    static let exportPageSize = 500

    func search(_ query: AuditQuery, scope: AccessScope, context: AppRequestContext) async throws -> AuditSearchReply {
        let atRoot = Self.allowedAtRoot(.auditRead, scope: scope)
        let prefixes = scope.prefixes(for: .auditRead)
        let rows = try await database.read { connection in
            var parameters: [SQLValue] = []
            var conditions = query.conditions(&parameters)
            if !atRoot {
                conditions.append(SubtreeFilter.clause(column: "o.path", prefixes: prefixes, parameters: &parameters))
            }
            parameters.append(.integer(Int64(query.limit)))
            return try connection.query(
                """
                SELECT l.*, o.id AS org_id, o.path AS org_path, o.time_zone AS org_time_zone
                FROM audit_log l LEFT JOIN organisations o ON o.id = l.organisation_id
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY l.sequence LIMIT $\(parameters.count)
                """, parameters)
        }
        var records: [AuditRecord] = []
        for row in rows {
            // Deny policies apply per record, as they do to every other object.
            let visible: Bool
            if case .text = row["org_id"] {
                let organisation = try OrganisationRef(row: row, prefix: "org_")
                visible = scope.decide(.auditRead, at: organisation.path, timeZone: organisation.timeZone).isAllowed
            } else {
                visible = atRoot
            }
            if visible { records.append(try Auditor.decodeRecord(row)) }
        }
        let next = rows.count == query.limit ? try rows.last?.int64("sequence") : nil
        var details = query.details
        details["returned"] = String(records.count)
        try await auditor.record(.init(action: "audit.search", organisationID: query.organisationID, details: details),
                                 context: context)
        return AuditSearchReply(records: records, nextAfterSequence: next)
    }

    /// Records the export in the chain and returns that record's sequence: the export covers the
    /// chain up to and including it, so it shows that (and when) it was taken.
    func beginExport(scope: AccessScope, context: AppRequestContext) async throws -> Int64 {
        guard Self.allowedAtRoot(.auditExport, scope: scope) else {
            let refusal = APIError.forbidden("the audit export is the whole chain: it needs audit:export at a root organisation")
            try await auditor.record(.denial(action: "audit.export", reason: refusal.message), context: context)
            throw refusal
        }
        let auditor = self.auditor
        return try await database.write { connection in
            try auditor.append(.init(action: "audit.export"), context: context, on: connection).sequence
        }
    }

    /// Hands the chain up to `head` to `write` as JSON lines, one page of records at a time, so
    /// memory stays bounded whatever the chain's length.
    func streamExport(through head: Int64, write: (ByteBuffer) async throws -> Void) async throws {
        var after: Int64 = 0
        while after < head {
            let from = after
            let page = try await database.read { connection in
                try connection.query(
                    "SELECT * FROM audit_log WHERE sequence > $1 AND sequence <= $2 ORDER BY sequence LIMIT $3",
                    .integer(from), .integer(head), .integer(Int64(Self.exportPageSize))
                ).map(Auditor.decodeRecord)
            }
            guard let last = page.last else { break }
            try await write(try Self.lines(page))
            after = last.sequence
        }
    }

    /// One `AuditRecord` per line, in CarbonCore's Codable form, keys sorted.
    static func lines(_ records: [AuditRecord]) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var buffer = ByteBuffer()
        for record in records {
            buffer.writeBytes(try encoder.encode(record))
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        return buffer
    }

    /// True when some grant of `permission` sits at a root organisation and the policies allow it
    /// there (a deny policy at the root can still take it away).
    static func allowedAtRoot(_ permission: Permission, scope: AccessScope) -> Bool {
        scope.principal.grants.contains { grant in
            grant.organisation.ids.count == 1 && grant.permissions.contains(permission)
                && scope.decide(permission, at: grant.organisation, timeZone: OrganisationRef.defaultTimeZone).isAllowed
        }
    }
}
