import Logging
import ServiceLifecycle

/// Runs the server-side rules once at start and then every minute until graceful shutdown.
/// Safe to run on every replica (see `AlarmRuleEvaluator`).
struct AlarmRuleEvaluationService: Service {
    let evaluator: AlarmRuleEvaluator
    let clock: ServiceClock
    let logger: Logger
    var interval: Duration = .seconds(60)

    func run() async throws {
        await evaluateOnce()
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await evaluateOnce()
            }
        }
    }

    private func evaluateOnce() async {
        do {
            let count = try await evaluator.evaluateAll(at: clock.micros)
            if count > 0 { logger.debug("alarm rules evaluated", metadata: ["transitions": "\(count)"]) }
        } catch {
            logger.error("alarm rule evaluation failed", metadata: [LogKey.error: "\(error)"])
        }
    }
}
