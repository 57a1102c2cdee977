import CarbonCore
import Dispatch
import Foundation
import Synchronization

/// Hands committed transitions to the notifiers without ever making the caller wait: `submit`
/// only enqueues. The flood window runs on this dispatcher's serial queue; each notifier gets a
/// serial queue of its own, so a hook command that takes its full timeout delays only itself.
final class AlarmNotificationDispatcher: Sendable {
    private struct Outlet: Sendable {
        var notifier: any AlarmNotifier
        var queue: DispatchQueue
    }

    private let queue = DispatchQueue(label: "edge-agent.alarm-notify")
    private let outlets: [Outlet]
    /// Touched only on `queue`; the mutex makes that a compile-time fact. Never contended.
    private let window: Mutex<AlarmFloodWindow>

    init(notifiers: [any AlarmNotifier], policy: AlarmFloodPolicy = AlarmFloodPolicy()) {
        outlets = notifiers.enumerated().map { index, notifier in
            Outlet(notifier: notifier, queue: DispatchQueue(label: "edge-agent.alarm-notifier.\(index)"))
        }
        window = Mutex(AlarmFloodWindow(policy: policy))
    }

    /// Queues notifications for `transitions` (already committed), in order.
    func submit(_ transitions: [AlarmTransition]) {
        guard !transitions.isEmpty, !outlets.isEmpty else { return }
        queue.async { self.send(self.window.withLock { $0.admit(transitions) }) }
    }

    /// Lets the flood window close when `time` is past its end.
    func advance(to time: Date) {
        guard !outlets.isEmpty else { return }
        queue.async { self.send(self.window.withLock { $0.advance(to: time) }) }
    }

    /// Closes the flood window and waits until every notifier has delivered everything queued.
    /// Blocks for as long as the slowest hook takes: for shutdown, off the cooperative pool.
    func close() {
        queue.sync { send(window.withLock { $0.close() }) }
        for outlet in outlets { outlet.queue.sync {} }
    }

    /// Resumes once everything submitted before the call has been delivered (for tests and shutdown).
    func delivered() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                let group = DispatchGroup()
                for outlet in self.outlets {
                    group.enter()
                    outlet.queue.async { group.leave() }
                }
                group.notify(queue: self.queue) { continuation.resume() }
            }
        }
    }

    private func send(_ notifications: [AlarmNotification]) {
        for notification in notifications {
            for outlet in outlets { outlet.queue.async { outlet.notifier.deliver(notification) } }
        }
    }
}
