import CarbonCore
import Foundation
import Synchronization

extension SyncService {
    enum Outcome: Sendable {
        /// A reply that answers this batch (range and hash checked).
        case replied(BatchReply)
        /// Try again later; `wait` is the earliest a breaker lets a request through.
        case retry(SyncError, retryAfter: Duration?, wait: Duration)
        case rejected(SyncError)
    }

    /// One round: the endpoints in the policy's order, skipping open breakers, until one answers.
    func deliver(_ batch: ReadingBatch, body: Data, turn: Int) async -> Outcome {
        let token: String
        do { token = try configuration.readToken() } catch { return .retry(error, retryAfter: nil, wait: .zero) }
        let order = configuration.policy.order(endpoints: endpointNames, agentID: configuration.agentID, turn: turn, random: random())
        var lastError: SyncError?
        var retryAfter: Duration?
        for index in order {
            guard !isStopped else { break }
            guard shared.withLock({ $0.breakers[index].allowsRequest(at: .now) }) else { continue }
            let endpoint = configuration.endpoints[index]
            shared.withLock { $0.status.attempts += 1 }
            do throws(SyncError) {
                let response = try await client.post(body, to: endpoint, token: token)
                switch response.status {
                case 200..<300:
                    let reply = try Self.reply(response.body, answering: batch, endpoint: endpoint)
                    record(index, success: true)
                    return .replied(reply)
                case 408, 429, 500..<600:
                    retryAfter = [retryAfter, response.retryAfter].compactMap { $0 }.max()
                    throw SyncError(.httpStatus, Self.excerpt(response.body), endpoint: endpoint.absoluteString, status: response.status)
                default:
                    // The endpoint works; it is this batch (or this agent) it refuses.
                    record(index, success: true)
                    return .rejected(SyncError(.rejected, Self.excerpt(response.body), endpoint: endpoint.absoluteString, status: response.status))
                }
            } catch {
                record(index, success: false)
                lastError = error
            }
        }
        let now = ContinuousClock.now
        let ready = shared.withLock { state in state.breakers.compactMap { $0.nextAttempt(at: now) }.min() }
        let wait = ready.map { $0 - now } ?? .zero
        return .retry(lastError ?? SyncError(.transport, "every endpoint's circuit breaker is open"), retryAfter: retryAfter, wait: wait)
    }

    private func record(_ index: Int, success: Bool) {
        shared.withLock { state in
            if success { state.breakers[index].recordSuccess() } else { state.breakers[index].recordFailure(at: .now) }
            state.status.breakers[endpointNames[index]] = state.breakers[index].state
            if !success { state.status.failedAttempts += 1 }
        }
    }

    /// The reply, if it is one for exactly this batch: a reply for another range or content
    /// would move the cursor over readings the aggregator never checked.
    static func reply(_ body: Data, answering batch: ReadingBatch, endpoint: URL) throws(SyncError) -> BatchReply {
        let reply: BatchReply
        do { reply = try JSONDecoder().decode(BatchReply.self, from: body) } catch {
            throw SyncError(.badReply, "not a BatchReply: \(excerpt(body))", endpoint: endpoint.absoluteString)
        }
        guard reply.firstSeq == batch.firstSeq, reply.lastSeq == batch.lastSeq, reply.contentSHA256 == batch.contentSHA256 else {
            throw SyncError(
                .badReply, "the reply answers \(reply.firstSeq)…\(reply.lastSeq) \(reply.contentSHA256.prefix(12)), not this batch "
                    + "\(batch.firstSeq)…\(batch.lastSeq) \(batch.contentSHA256.prefix(12))", endpoint: endpoint.absoluteString)
        }
        return reply
    }

    static func excerpt(_ body: Data) -> String {
        String(decoding: body.prefix(300), as: UTF8.self)
    }
}
