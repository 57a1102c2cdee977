import Foundation  // Date

/// What to send for a window of transitions: each one, or (in a flood) one summary.
public enum AlarmNotification: Sendable, Hashable {
    case individual([AlarmTransition])
    case flood(AlarmFloodSummary)
}

/// One message in place of N during an alarm flood (ISA-18.2 calls more than 10 alarms in
/// 10 minutes per operator a flood). Counts are of transitions, because the caller notifies once
/// per transition; `raised` counts only those that ask the operator to look (`isRaise`).
public struct AlarmFloodSummary: Sendable, Hashable, Codable {
    /// The window, `from` included and `to` excluded.
    public var from: Date
    public var to: Date
    public var transitions: Int
    public var raised: Int
    /// Distinct tags, sorted.
    public var tags: [String]
    public var byKind: [AlarmKind: Int]
    public var byPriority: [AlarmPriority: Int]
    /// The highest priority of any transition in the window.
    public var highestPriority: AlarmPriority?
    /// The raises at the highest priority raised, oldest first: what to name in the message.
    public var mostUrgent: [AlarmTransition]

    public init(from: Date, to: Date, transitions: [AlarmTransition]) {
        let inWindow = transitions.filter { $0.time >= from && $0.time < to }.sorted { $0.time < $1.time }
        self.from = from
        self.to = to
        self.transitions = inWindow.count
        raised = inWindow.count(where: \.isRaise)
        tags = Set(inWindow.map(\.tag)).sorted()
        byKind = inWindow.reduce(into: [:]) { counts, transition in counts[transition.kind, default: 0] += 1 }
        byPriority = inWindow.reduce(into: [:]) { counts, transition in counts[transition.priority, default: 0] += 1 }
        highestPriority = inWindow.map(\.priority).max()
        let top = inWindow.filter(\.isRaise).map(\.priority).max()
        mostUrgent = inWindow.filter { $0.isRaise && $0.priority == top }
    }

    /// The transitions in `[from, to)` one by one, or a summary when there are more than `threshold`.
    public static func notifications(for transitions: [AlarmTransition], from: Date, to: Date,
                                     threshold: Int) -> AlarmNotification {
        let inWindow = transitions.filter { $0.time >= from && $0.time < to }
        guard inWindow.count > threshold else { return .individual(inWindow) }
        return .flood(AlarmFloodSummary(from: from, to: to, transitions: inWindow))
    }
}
