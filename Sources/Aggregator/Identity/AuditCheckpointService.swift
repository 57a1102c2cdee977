import CarbonCore
import Logging
import ServiceLifecycle

/// Writes a signed audit checkpoint every `interval` while the chain grows, and a last one at
/// graceful shutdown, so the window in which a truncation could go unnoticed stays short.
struct AuditCheckpointService: Service {
    let log: AuditCheckpointLog
    let database: any Database
    let clock: ServiceClock
    let logger: Logger
    var interval: Duration = .seconds(60)

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await checkpointOnce()
            }
        }
        await checkpointOnce()
    }

    private func checkpointOnce() async {
        do {
            if let written = try await log.checkpoint(database, now: clock.micros) {
                logger.debug("audit checkpoint", metadata: ["audit.sequence": "\(written.sequence)"])
            }
        } catch {
            logger.error("audit checkpoint failed", metadata: [LogKey.error: "\(error)"])
        }
    }
}
