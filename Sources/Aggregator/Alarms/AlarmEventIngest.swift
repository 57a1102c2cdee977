import CarbonCore
import Foundation
import HTTPTypes

/// Agent alarm transitions in (`POST /api/v1/ingest/alarm-events`): exactly once by (agent, store
/// epoch, transition id), enforced by the unique index on `alarm_events`. A replay with the same
/// content is answered as duplicates; the same key with other content is a 409 with an audit
/// record and nothing else written (the whole batch is refused: the agent sends in id order, and
/// storing the rest would move its watermark over the disputed transition).
struct AlarmEventIngest: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock

    enum Outcome: Sendable {
        case reply(AlarmEventReply)
        case conflict(String)
    }

    static func decode(_ bytes: [UInt8]) throws -> AlarmEventBatch {
        guard !bytes.isEmpty else { throw APIError.badRequest("a JSON body is required", code: "invalid_json") }
        do {
            let batch = try JSONDecoder().decode(AlarmEventBatch.self, from: Data(bytes))
            try batch.validate()
            return batch
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                throw APIError.badRequest("the body is not valid JSON", code: "invalid_json")
            }
            if case .typeMismatch(_, let context) = error, context.codingPath.isEmpty {
                throw APIError.badRequest("the body must be a JSON object", code: "invalid_json")
            }
            throw JSONBody.apiError(for: error)
        } catch let error as CalculationError {
            throw APIError.invalidField(error.field ?? "events", error.message)
        }
    }

    func ingest(_ batch: AlarmEventBatch, context: AppRequestContext) async throws -> AlarmEventReply {
        let principal = try context.requirePrincipal()
        guard principal.kind == .agent, let site = principal.boundSite else {
            throw APIError.forbidden("this route is for edge agents")
        }
        guard batch.agentID == principal.name else {
            try await auditor.record(
                .denial(action: "ingest.alarm_events",
                        reason: "the batch names agent '\(batch.agentID)' but the credential belongs to '\(principal.name)'",
                        organisationID: site.id),
                context: context)
            throw APIError.forbidden("agent_id is not the agent of this credential (\(principal.name))")
        }
        let agentID = principal.id, siteID = site.id, epoch = batch.storeEpoch.uuidString.lowercased()
        let now = clock.micros, auditor = self.auditor
        let outcome = try await database.write { connection -> Outcome in
            if connection.dialect == .postgres {
                // One agent's alarm batches one at a time (retries racing on two replicas).
                try connection.execute("SELECT pg_advisory_xact_lock(7402031, hashtext($1))", .text(agentID))
            }
            let held = try Self.held(agentID: agentID, epoch: epoch, batch: batch, on: connection)
            var fresh: [AlarmEventBatch.Event] = []
            for event in batch.events {
                guard let sha = held[event.id] else { fresh.append(event); continue }
                guard sha == event.contentSHA256 else {
                    let message = "alarm transition \(event.id) of store epoch \(epoch) was already received with other content"
                    try auditor.append(.init(action: "ingest.alarm_conflict", target: "\(agentID)/\(epoch)",
                                             outcome: "refused", organisationID: siteID,
                                             details: ["transition_id": String(event.id), "reason": message]),
                                       context: context, on: connection)
                    return .conflict(message)
                }
            }
            for event in fresh {
                let source = AlarmLedger.Source.agent(agentID, site: siteID, tag: event.tag, kind: event.kind,
                                                      priority: event.priority)
                let row = try AlarmLedger.row(for: source, now: now, on: connection)
                let entry = AlarmLedger.Event(
                    origin: "agent", agentKey: (agentID, epoch, event.id, event.contentSHA256), priority: event.priority,
                    from: event.from, to: event.to, cause: event.cause, value: event.value.map(DecimalText.plain),
                    limit: event.limit.map(DecimalText.plain), quality: event.quality?.rawValue,
                    time: event.timeMilliseconds * 1000, operatorName: event.operatorName, comment: event.comment,
                    shelvedUntil: event.shelvedUntilMilliseconds.map { $0 * 1000 })
                try AlarmLedger.append(entry, to: row, now: now, on: connection)
                try AlarmLedger.move(row, with: entry, now: now, on: connection)
            }
            if !fresh.isEmpty {
                try auditor.append(.init(action: "ingest.alarm_events", target: "\(agentID)/\(epoch)",
                                         organisationID: siteID,
                                         details: ["accepted": String(fresh.count), "first_id": String(fresh[0].id),
                                                   "last_id": String(fresh[fresh.count - 1].id)]),
                                   context: context, on: connection)
            }
            let watermark = try connection.first(
                "SELECT max(transition_id) AS w FROM alarm_events WHERE agent_id = $1 AND store_epoch = $2",
                .text(agentID), .text(epoch))?.optionalInt64("w") ?? 0
            return .reply(AlarmEventReply(accepted: fresh.count, duplicates: batch.events.count - fresh.count,
                                          watermark: watermark))
        }
        switch outcome {
        case .reply(let reply): return reply
        case .conflict(let message): throw APIError(.conflict, "alarm_event_conflict", message, field: "events")
        }
    }

    /// The content hashes already held for the batch's ids.
    private static func held(agentID: String, epoch: String, batch: AlarmEventBatch, on connection: any SQLConnection)
        throws -> [Int64: String]
    {
        guard let first = batch.events.first?.id, let last = batch.lastID else { return [:] }
        let rows = try connection.query(
            """
            SELECT transition_id, content_sha256 FROM alarm_events
            WHERE agent_id = $1 AND store_epoch = $2 AND transition_id >= $3 AND transition_id <= $4
            """, .text(agentID), .text(epoch), .integer(first), .integer(last))
        var held: [Int64: String] = [:]
        for row in rows { held[try row.int64("transition_id")] = try row.text("content_sha256") }
        return held
    }
}
