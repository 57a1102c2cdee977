import CarbonCore
import FaultPoints
import Foundation

/// Agent batches in: who may send what (the credential's own agent only), which readings can be
/// stored, and the one transaction that makes a batch exactly-once. Retryable storage failures
/// surface as `DatabaseError`s the error middleware answers with 503 and Retry-After.
struct IngestService: Sendable {
    let database: any Database
    let auditor: Auditor
    let clock: ServiceClock
    var postgresLoad: ReadingStore.PostgresLoad = .copy

    func ingest(_ batch: ReadingBatch, context: AppRequestContext) async throws -> IngestReply {
        let principal = try context.requirePrincipal()
        guard principal.kind == .agent, let site = principal.boundSite else {
            throw APIError.forbidden("this route is for edge agents")
        }
        // The agent comes from the credential: a body naming another agent is refused and audited,
        // whatever else it holds.
        guard batch.agentID == principal.name else {
            try await auditor.record(
                .denial(action: "ingest.batch",
                        reason: "the batch names agent '\(batch.agentID)' "
                            + "but the credential belongs to '\(principal.name)'",
                        organisationID: site.id),
                context: context)
            throw APIError.forbidden("agent_id is not the agent of this credential (\(principal.name))")
        }
        try IngestBody.validate(batch)

        let now = clock.micros
        let transaction = IngestTransaction(
            batch: batch,
            agentID: principal.id, siteID: site.id,
            screened: IngestTransaction.screen(batch.readings, nowMs: now / 1000), now: now,
            postgresLoad: postgresLoad,
            audit: { [auditor] event, connection in _ = try auditor.append(event, context: context, on: connection) })
        let outcome = try await database.write { connection in try transaction.run(on: connection) }
        FaultPoint.hit("aggregator.ingest.after-commit-before-reply")
        switch outcome {
        case .reply(let reply):
            return reply
        case .conflict(let message):
            throw APIError.conflict(message, field: "content_sha256")
        }
    }
}
