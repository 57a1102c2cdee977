import CarbonCore
import Foundation

/// Turns one request line into one reply line (without the newline): parse, check the peer, call
/// the alarm service, encode. Blocking (it waits for the service's commit): called only on a
/// control connection's own thread, never on the cooperative pool.
struct ControlHandler: Sendable {
    let service: AlarmService
    let policy: PeerPolicy
    /// The time of operator actions; the engine takes it as a parameter, so tests can fix it.
    let now: @Sendable () -> Date

    init(service: AlarmService, policy: PeerPolicy, now: @escaping @Sendable () -> Date = { Date() }) {
        self.service = service
        self.policy = policy
        self.now = now
    }

    @available(*, noasync, message: "blocks on the alarm store")
    func reply(to line: Data, from peer: PeerCredentials) -> Data {
        if case .refused(let reason) = policy.decide(peer) {
            return ControlReply.failure(
                ControlFailure(.forbidden, "not allowed to use the alarm control socket: \(reason)"))
        }
        do {
            return try perform(try ControlRequest.parse(line), uid: peer.uid)
        } catch {
            return ControlReply.failure(error)
        }
    }

    @available(*, noasync, message: "blocks on the alarm store")
    func perform(_ request: ControlRequest, uid: UInt32) throws(ControlFailure) -> Data {
        do {
            switch request {
            case .list(let filter):
                return ControlReply.alarms(try service.listSync(filter))
            case .history(let limit, let tag):
                return ControlReply.transitions(try service.historySync(limit: limit, tag: tag))
            case .acknowledge(let tag, let kind, let name, let comment):
                return ControlReply.transitions(
                    try service.acknowledgeSync(
                        tag: tag, kind: kind, operatorName: name, comment: comment,
                        operatorUID: uid, at: now()))
            case .shelve(let tag, let kind, let end, let name, let comment):
                let time = now()
                let until: Date
                switch end {
                case .until(let date): until = date
                case .duration(let duration): until = time.addingTimeInterval(AlarmFloodWindow.seconds(duration))
                }
                return ControlReply.transitions(
                    try service.shelveSync(
                        tag: tag, kind: kind, until: until, operatorName: name, comment: comment,
                        operatorUID: uid, at: time))
            case .unshelve(let tag, let kind, let name, let comment):
                return ControlReply.transitions(
                    try service.unshelveSync(
                        tag: tag, kind: kind, operatorName: name, comment: comment,
                        operatorUID: uid, at: now()))
            }
        } catch {
            throw ControlFailure(error)
        }
    }
}
