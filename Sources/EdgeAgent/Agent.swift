import Foundation
import Logging

/// The running agent: the store, the group committer, one connection per endpoint and one
/// poller per device. Stops on SIGTERM/SIGINT (or after a fixed duration) with a final commit.
final class Agent: Sendable {
    let loaded: ConfigLoader.Loaded
    let store: ReadingStore
    let committer: GroupCommitter
    let connections: [ModbusConnection.Endpoint: ModbusConnection]
    let logger: Logger
    let progress: Progress
    private let notifier = SystemdNotifier()

    /// Counters the watchdog and the status line read (atomics behind a lock: tiny and rare).
    final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private var committedReadings = 0
        private var lastCommit = ContinuousClock.now
        // @unchecked: every access goes through `lock`.
        func committed(_ count: Int) { lock.withLock { committedReadings += count; lastCommit = .now } }
        var snapshot: (readings: Int, lastCommit: ContinuousClock.Instant) { lock.withLock { (committedReadings, lastCommit) } }
    }

    private init(loaded: ConfigLoader.Loaded, store: ReadingStore, committer: GroupCommitter,
                 connections: [ModbusConnection.Endpoint: ModbusConnection], logger: Logger, progress: Progress) {
        self.loaded = loaded
        self.store = store
        self.committer = committer
        self.connections = connections
        self.logger = logger
        self.progress = progress
    }

    static func start(_ loaded: ConfigLoader.Loaded, logger: Logger) async throws -> Agent {
        let settings = loaded.settings
        try FileManager.default.createDirectory(atPath: settings.agent.stateDirectory, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: settings.agent.stateDirectory).appendingPathComponent("buffer.sqlite").path
        let store = try await ReadingStore.open(path: path, maximumBytes: settings.buffer.maxBytes > 0 ? settings.buffer.maxBytes : nil)
        let progress = Progress()
        let committer = GroupCommitter(
            store: store,
            configuration: .init(interval: .milliseconds(settings.buffer.groupCommitMilliseconds),
                                 maxPending: settings.buffer.groupCommitMaxReadings),
            observer: { count, result in if case .success = result { progress.committed(count) } })
        var connections: [ModbusConnection.Endpoint: ModbusConnection] = [:]
        for entry in loaded.devices {
            let endpoint = try entry.device.endpoint()
            if connections[endpoint] == nil {
                connections[endpoint] = try ModbusConnection(
                    endpoint: endpoint, responseTimeout: .milliseconds(entry.device.timeoutMilliseconds))
            }
        }
        logger.notice("agent started", metadata: [
            "agent": "\(settings.agent.id)", "store": "\(path)", "epoch": "\(store.epoch)",
            "devices": "\(loaded.devices.count)", "endpoints": "\(connections.count)",
        ])
        return Agent(loaded: loaded, store: store, committer: committer, connections: connections, logger: logger,
                     progress: progress)
    }

    /// Polls until a stop signal (or `duration`), then commits what is pending and closes the store.
    func run(for duration: Duration?) async {
        let polling = Task { await self.poll() }
        let signals = StopSignals { [logger] signal in
            logger.notice("stopping", metadata: ["signal": "\(signal)"])
            polling.cancel()
        }
        notifier.notify("READY=1\nSTATUS=polling \(loaded.devices.count) devices")
        let watchdog = Task { await self.watchdog() }
        if let duration {
            Task {
                try? await Task.sleep(for: duration)
                polling.cancel()
            }
        }
        await polling.value
        watchdog.cancel()
        signals.cancel()
        notifier.notify("STOPPING=1")
        await committer.flush()
        let stored = (try? await store.count()) ?? -1
        await store.close()
        logger.notice("stopped", metadata: ["committed": "\(progress.snapshot.readings)", "stored": "\(stored)"])
    }

    private func poll() async {
        let settings = loaded.settings
        await withDiscardingTaskGroup { group in
            for entry in loaded.devices {
                guard let connection = try? connections[entry.device.endpoint()] else { continue }
                let poller = ModbusPoller(
                    device: entry.device, tags: entry.tags, connection: connection,
                    quarantineAfter: settings.polling.quarantineAfter,
                    maximumBackoff: .seconds(settings.polling.probeBackoffMaxSeconds),
                    deliver: { [committer, logger] readings, _ in
                        guard !readings.isEmpty else { return }
                        do {
                            _ = try await committer.append(readings)
                        } catch {
                            logger.error("readings not stored", metadata: [LogKey.error: "\(error)", LogKey.readings: "\(readings.count)"])
                        }
                    },
                    logger: logger)
                group.addTask { await poller.run() }
            }
        }
    }

    /// WATCHDOG=1 only while commits make progress, so a wedged agent is restarted by systemd.
    private func watchdog() async {
        guard let interval = SystemdNotifier.watchdogInterval() else { return }
        while !Task.isCancelled {
            try? await Task.sleep(for: interval / 2)
            let snapshot = progress.snapshot
            if ContinuousClock.now - snapshot.lastCommit < interval {
                notifier.notify("WATCHDOG=1\nSTATUS=\(snapshot.readings) readings committed")
            }
        }
    }
}

/// SIGTERM and SIGINT as events on a dispatch queue (the default action would kill the process
/// before the final commit).
///
/// `@unchecked Sendable`: the sources are set once in `init`, and a dispatch source may be
/// cancelled from any thread.
final class StopSignals: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    init(handler: @escaping @Sendable (Int32) -> Void) {
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    func cancel() { sources.forEach { $0.cancel() } }
}
