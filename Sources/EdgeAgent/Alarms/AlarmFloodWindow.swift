import CarbonCore
import Foundation

/// How many notifications a burst may produce: the first `threshold` transitions of a window go
/// out one by one, the rest wait, and when the window ends one `AlarmFloodSummary` of the whole
/// window follows (if anything waited). So a plant trip gives at most `threshold` + 1 messages per
/// window instead of hundreds, and a quiet plant still gets every transition at once.
struct AlarmFloodPolicy: Sendable, Hashable {
    var window: Duration
    var threshold: Int

    /// Ten per minute: ISA-18.2 calls ten alarms in ten minutes per operator a flood; a minute
    /// keeps the summary of a real one from arriving long after the fact.
    init(window: Duration = .seconds(60), threshold: Int = 10) {
        self.window = window
        self.threshold = max(0, threshold)
    }
}

/// The policy's state machine, pure: transitions (with their event times) in, notifications out.
/// A window opens at the first transition after the previous one closed and closes at the first
/// transition or `advance(to:)` at or after its end.
struct AlarmFloodWindow: Sendable {
    let policy: AlarmFloodPolicy
    private var start: Date?
    private var sent = 0
    private var held = 0
    private var all: [AlarmTransition] = []

    init(policy: AlarmFloodPolicy) { self.policy = policy }

    mutating func admit(_ transitions: [AlarmTransition]) -> [AlarmNotification] {
        var out: [AlarmNotification] = []
        for transition in transitions {
            out += advance(to: transition.time)
            if start == nil { start = transition.time }
            all.append(transition)
            if sent < policy.threshold {
                sent += 1
                out.append(.individual([transition]))
            } else {
                held += 1
            }
        }
        return out
    }

    /// Closes the window if `time` is at or past its end.
    mutating func advance(to time: Date) -> [AlarmNotification] {
        guard let start, time >= start.addingTimeInterval(Self.seconds(policy.window)) else { return [] }
        return close()
    }

    /// Closes the window now (at shutdown), summarising whatever waited.
    mutating func close() -> [AlarmNotification] {
        defer {
            start = nil
            sent = 0
            held = 0
            all = []
        }
        guard held > 0, let start, let earliest = all.map(\.time).min(), let latest = all.map(\.time).max() else {
            return []
        }
        // Readings of different tags may arrive slightly out of order: widen the window to hold them all.
        let from = min(start, earliest)
        let to = max(start.addingTimeInterval(Self.seconds(policy.window)), latest.addingTimeInterval(0.001))
        return [.flood(AlarmFloodSummary(from: from, to: to, transitions: all))]
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
