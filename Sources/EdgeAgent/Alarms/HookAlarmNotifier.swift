import CarbonCore
import Foundation
import Glibc

/// Runs a local command for each notification, the notification as one line of JSON on its
/// standard input: a transition (`tag`, `kind`, `priority`, `from`, `to`, `cause`, `time`, `value`,
/// `limit`, `quality`, `operator`, `comment`; decimals as strings, times ISO 8601 UTC) or, in a flood,
/// the `AlarmFloodSummary`. `CARBON_ALARM_NOTIFICATION` says which: `transition` or `flood`.
///
/// The command gets `timeout` to finish, then SIGTERM, then SIGKILL a second later: a hung SMS
/// gateway script must not pile up processes. Its output is discarded; a non-zero exit, a timeout
/// or a failure to start is reported through `report` (one line).
struct HookAlarmNotifier: AlarmNotifier {
    enum Outcome: Sendable, Hashable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
        case failedToStart(String)
    }

    let executable: String
    let arguments: [String]
    let timeout: Duration
    let report: @Sendable (String) -> Void

    init(
        executable: String, arguments: [String] = [], timeout: Duration = .seconds(10),
        report: @escaping @Sendable (String) -> Void = LogAlarmNotifier.standardError
    ) {
        self.executable = executable
        self.arguments = arguments
        self.timeout = timeout
        self.report = report
    }

    func deliver(_ notification: AlarmNotification) {
        switch notification {
        case .individual(let transitions):
            for transition in transitions {
                send(transition, kind: "transition", about: "\(transition.tag) \(transition.kind)")
            }
        case .flood(let summary):
            send(summary, kind: "flood", about: "flood summary")
        }
    }

    private func send<T: Encodable>(_ payload: T, kind: String, about: String) {
        let outcome: Outcome
        do {
            outcome = run(stdin: try AlarmWire.line(payload), kind: kind)
        } catch {
            outcome = .failedToStart("cannot encode the notification: \(error)")
        }
        switch outcome {
        case .exited(0): break
        case .exited(let status): report("alarm hook \(executable) exited with status \(status) for \(about)")
        case .signalled(let signal): report("alarm hook \(executable) was killed by signal \(signal) for \(about)")
        case .timedOut: report("alarm hook \(executable) did not finish within \(timeout) for \(about); killed")
        case .failedToStart(let why): report("alarm hook \(executable) could not run for \(about): \(why)")
        }
    }

    /// Runs the command once and waits for it (at most `timeout` plus the kill grace).
    func run(stdin payload: Data, kind: String) -> Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["CARBON_ALARM_NOTIFICATION"] = kind
        let pid: pid_t
        switch HookProcess.spawn(
            executable, arguments: arguments, environment: environment,
            payload: payload + Data("\n".utf8))
        {
        case .success(let spawned): pid = spawned
        case .failure(let failure): return .failedToStart("\(failure)")
        }
        if let exit = HookProcess.wait(pid, until: .now + timeout) { return Self.outcome(exit) }
        kill(pid, SIGTERM)
        if HookProcess.wait(pid, until: .now + .seconds(1)) == nil {
            kill(pid, SIGKILL)
            _ = HookProcess.wait(pid, until: .now + .seconds(3600))  // SIGKILL cannot be refused: reap it
        }
        return .timedOut
    }

    private static func outcome(_ exit: HookProcess.Exit) -> Outcome {
        switch exit {
        case .exited(let status): .exited(status)
        case .signalled(let signal): .signalled(signal)
        }
    }
}
