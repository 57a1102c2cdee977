import CarbonCore
import Foundation
import Logging

/// Appends to the hash-chained audit log. A change and its audit record commit in the same
/// transaction (`append(_:context:on:)`), so there is never a change without its record or a record
/// of a change that rolled back. Events with no change of their own (a failed login, a denial, a
/// read of sensitive data) get a transaction of their own (`record(_:context:)`).
struct Auditor: Sendable {
    let database: any Database
    let clock: ServiceClock

    struct Event: Sendable {
        var action: String
        var target: String? = nil
        var outcome: String = "success"
        var organisationID: String? = nil
        var details: [String: String] = [:]

        static func denial(action: String, reason: String, organisationID: String? = nil) -> Event {
            Event(action: action, target: nil, outcome: "denied", organisationID: organisationID, details: ["reason": reason])
        }
    }

    /// The actor as the audit log names it: a principal, or the name offered in a failed login.
    struct Actor: Sendable {
        let id: String?
        let kind: String

        init(_ principal: Principal?) {
            id = principal?.id
            kind = principal?.kind.rawValue ?? "anonymous"
        }
        init(id: String?, kind: String) {
            self.id = id
            self.kind = kind
        }
    }

    func record(_ event: Event, context: AppRequestContext, actor: Actor? = nil) async throws {
        let actor = actor ?? Actor(context.principal)
        let requestID = context.requestID, source = context.sourceAddress, now = clock.micros
        try await database.write { connection in
            _ = try Self.append(event, actor: actor, requestID: requestID, sourceAddress: source, time: now, on: connection)
        }
    }

    /// Inside a caller's write transaction.
    @discardableResult
    func append(_ event: Event, context: AppRequestContext, actor: Actor? = nil, on connection: any SQLConnection) throws
        -> AuditRecord
    {
        try Self.append(event, actor: actor ?? Actor(context.principal), requestID: context.requestID,
                        sourceAddress: context.sourceAddress, time: clock.micros, on: connection)
    }

    static func append(_ event: Event, actor: Actor, requestID: String, sourceAddress: String, time: Int64,
                       on connection: any SQLConnection) throws -> AuditRecord {
        if connection.dialect == .postgres {
            // Replicas append concurrently: serialise on the chain head so sequences stay gap-free.
            try connection.execute("SELECT pg_advisory_xact_lock(7402025)")
        }
        let head = try connection.first("SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1")
        let previousSequence = try head?.int64("sequence") ?? 0
        let previousHash = try head?.text("hash") ?? AuditChain.genesisHash
        let record = AuditChain.seal(
            AuditRecord(
                sequence: previousSequence + 1, id: SecretToken.newID(), time: time, actorID: actor.id,
                actorKind: actor.kind, organisationID: event.organisationID, action: event.action,
                target: event.target, outcome: event.outcome, requestID: requestID, sourceAddress: sourceAddress,
                details: event.details, previousHash: previousHash, hash: ""),
            after: previousHash)
        try connection.execute(
            """
            INSERT INTO audit_log (sequence, id, time, actor_id, actor_kind, organisation_id, action, target,
                outcome, request_id, source_address, details, previous_hash, hash)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            """,
            .integer(record.sequence), .text(record.id), .integer(record.time), SQLValue(record.actorID),
            .text(record.actorKind), SQLValue(record.organisationID), .text(record.action), SQLValue(record.target),
            .text(record.outcome), .text(record.requestID), .text(record.sourceAddress),
            .text(Self.encodeDetails(record.details)), .text(record.previousHash), .text(record.hash))
        return record
    }

    static func encodeDetails(_ details: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(details)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func decodeRecord(_ row: SQLRow) throws -> AuditRecord {
        let details = (try? JSONDecoder().decode([String: String].self, from: Data(try row.text("details").utf8))) ?? [:]
        return AuditRecord(
            sequence: try row.int64("sequence"), id: try row.text("id"), time: try row.int64("time"),
            actorID: try row.optionalText("actor_id"), actorKind: try row.text("actor_kind"),
            organisationID: try row.optionalText("organisation_id"), action: try row.text("action"),
            target: try row.optionalText("target"), outcome: try row.text("outcome"),
            requestID: try row.text("request_id"), sourceAddress: try row.text("source_address"), details: details,
            previousHash: try row.text("previous_hash"), hash: try row.text("hash"))
    }
}
