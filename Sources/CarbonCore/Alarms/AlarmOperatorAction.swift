import Foundation  // Date

/// The ISA-18.2 operator rules for an alarm whose engine runs elsewhere (an agent's tag seen from
/// the aggregator): only its reported state and condition are known here, so the same rules as
/// `AlarmEngine.acknowledge/shelve/unshelve` are applied to them. Pure: the caller stores the
/// resulting state and records the transition.
public enum AlarmOperatorAction: Sendable, Hashable {
    case acknowledge
    case shelve(until: Date)
    case unshelve

    /// Why an action cannot apply, with a stable code for the API.
    public struct Refusal: Error, Sendable, Hashable {
        public let code: String
        public let message: String
    }

    /// The state after the action, or a refusal. `conditionActive` is the alarm's condition as
    /// last reported (it decides where an unshelved alarm comes back: ISA-18.2 restarts it from
    /// the condition, unacknowledged if it is present).
    public func apply(to state: AlarmState, conditionActive: Bool, at time: Date) throws(Refusal) -> AlarmState {
        switch self {
        case .acknowledge:
            switch state {
            case .unacknowledgedActive: return conditionActive ? .acknowledgedActive : .normal
            case .returnedToNormalUnacknowledged: return .normal
            default:
                throw Refusal(code: "alarm_not_unacknowledged",
                              message: "the alarm is \(state.rawValue): there is nothing to acknowledge")
            }
        case .shelve(let until):
            guard until > time else {
                throw Refusal(code: "invalid_shelve", message: "a shelve must end after it starts")
            }
            switch state {
            case .shelved:
                throw Refusal(code: "alarm_already_shelved", message: "the alarm is already shelved; unshelve it first")
            case .suppressedByDesign:
                throw Refusal(code: "alarm_suppressed", message: "the alarm is suppressed by design and cannot be shelved")
            default:
                return .shelved
            }
        case .unshelve:
            guard state == .shelved else {
                throw Refusal(code: "alarm_not_shelved", message: "the alarm is \(state.rawValue), not shelved")
            }
            return conditionActive ? .unacknowledgedActive : .normal
        }
    }

    public var cause: AlarmCause {
        switch self {
        case .acknowledge: .acknowledge
        case .shelve: .shelve
        case .unshelve: .unshelve
        }
    }
}
