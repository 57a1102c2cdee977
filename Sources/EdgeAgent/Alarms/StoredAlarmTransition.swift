import CarbonCore
import Foundation

/// A transition as the alarm store holds it: `id` is its place in commit order (strictly
/// increasing, never reused in one store epoch), `operatorUID` the uid the control socket saw for
/// the operator who caused it, `synced` whether the aggregator has acknowledged it.
struct StoredAlarmTransition: Sendable, Hashable {
    var id: Int64
    var transition: AlarmTransition
    var operatorUID: UInt32?
    var synced: Bool
}

/// One alarm as the control socket lists it: the engine's status plus `since`, the time of the
/// transition that put it in its current state (nil when it never left `normal`).
struct AlarmListing: Sendable, Hashable {
    var status: AlarmStatus
    var since: Date?
}

/// Which alarms `AlarmService.list` returns. The default lists every alarm that is not `normal`.
struct AlarmFilter: Sendable, Hashable {
    enum States: String, Sendable, Hashable, CaseIterable {
        /// Everything but `normal` (the default).
        case notNormal = "not_normal"
        /// Unacknowledged or acknowledged active.
        case active
        /// Unacknowledged active or returned to normal unacknowledged.
        case unacknowledged
        case shelved
        case suppressed
        /// Every configured alarm, `normal` ones too.
        case all

        func contains(_ state: AlarmState) -> Bool {
            switch self {
            case .notNormal: state != .normal
            case .active: state == .unacknowledgedActive || state == .acknowledgedActive
            case .unacknowledged: state.isUnacknowledged
            case .shelved: state == .shelved
            case .suppressed: state == .suppressedByDesign
            case .all: true
            }
        }
    }

    /// Exact tag, or a prefix when it ends in `*` (`boiler-1/*`).
    var tag: String?
    var states: States = .notNormal
    /// Only alarms of this priority or higher.
    var minimumPriority: AlarmPriority?

    init(tag: String? = nil, states: States = .notNormal, minimumPriority: AlarmPriority? = nil) {
        self.tag = tag
        self.states = states
        self.minimumPriority = minimumPriority
    }

    func matchesTag(_ candidate: String) -> Bool {
        guard let tag else { return true }
        if tag.hasSuffix("*") { return candidate.hasPrefix(tag.dropLast()) }
        return candidate == tag
    }

    func matches(_ status: AlarmStatus) -> Bool {
        matchesTag(status.tag) && states.contains(status.state)
            && minimumPriority.map { status.priority >= $0 } ?? true
    }
}
