import CarbonCore
import Foundation
import Logging
import Prometheus

/// The running agent: the store, the group committer, one connection per endpoint and one
/// poller per device. Stops on SIGTERM/SIGINT (or after a fixed duration) with a final commit.
final class Agent: Sendable {
    let loaded: ConfigLoader.Loaded
    let store: ReadingStore
    let committer: GroupCommitter
    let pollers: PollerSupervisor
    let alarms: AlarmService
    let control: ControlServer
    let mqtt: MQTTInput?
    let sync: SyncService?
    let alarmSync: AlarmEventSync?
    let metrics: AgentMetrics
    let metricsServer: MetricsServer?
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
                 pollers: PollerSupervisor, alarms: AlarmService, control: ControlServer,
                 mqtt: MQTTInput?, sync: SyncService?, alarmSync: AlarmEventSync?, metrics: AgentMetrics, metricsServer: MetricsServer?,
                 logger: Logger, progress: Progress) {
        self.loaded = loaded
        self.store = store
        self.committer = committer
        self.pollers = pollers
        self.alarms = alarms
        self.control = control
        self.mqtt = mqtt
        self.sync = sync
        self.alarmSync = alarmSync
        self.metrics = metrics
        self.metricsServer = metricsServer
        self.logger = logger
        self.progress = progress
    }

    static func start(_ loaded: ConfigLoader.Loaded, logger: Logger) async throws -> Agent {
        let settings = loaded.settings
        try FileManager.default.createDirectory(atPath: settings.agent.stateDirectory, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: settings.agent.stateDirectory).appendingPathComponent("buffer.sqlite").path
        // A damaged store is moved aside and a fresh one started at once; readable unsent rows are
        // kept with their old epoch (the salvage report says how many were saved and lost).
        let (store, salvage) = try await ReadingStore.openRecovering(
            path: path, maximumBytes: settings.buffer.maxBytes > 0 ? settings.buffer.maxBytes : nil)
        if let salvage {
            logger.critical("the buffer was damaged: started a fresh store", metadata: [
                "reason": "\(salvage.reason)", "damaged": "\(salvage.damagedPath)", "salvage": "\(salvage)",
            ])
        }
        let progress = Progress()
        let metrics = AgentMetrics()
        let committer = GroupCommitter(
            store: store,
            configuration: .init(interval: .milliseconds(settings.buffer.groupCommitMilliseconds),
                                 maxPending: settings.buffer.groupCommitMaxReadings,
                                 quota: settings.buffer.maxBytes > 0 ? QuotaPolicy(maxBytes: settings.buffer.maxBytes) : nil),
            observer: { count, result in
                switch result {
                case .success:
                    progress.committed(count)
                    metrics.readingsCommitted.increment(by: Int64(count))
                case .failure: metrics.commitFailures.increment()
                }
            },
            onQuotaRecovery: { [logger] report in
                // The store was full at a commit: it shed by the quota's order and the commit went in.
                if report.lostData {
                    logger.critical("buffer full at a commit: oldest unsent readings dropped (sent upstream as a gap)",
                                    metadata: ["report": "\(report)"])
                } else {
                    logger.warning("buffer full at a commit: oldest unsent readings rolled up", metadata: ["report": "\(report)"])
                }
            })
        // Alarms: one engine per tag with rules, transitions committed in their own transactions,
        // operators reach them through the control socket (carbonctl alarms).
        var notifiers: [any AlarmNotifier] = [LogAlarmNotifier(write: { [logger] line in logger.notice("\(line)") })]
        if let hook = settings.alarms.hook {
            notifiers.append(HookAlarmNotifier(executable: hook, timeout: .seconds(settings.alarms.hookTimeoutSeconds),
                                               report: { [logger] line in logger.warning("\(line)") }))
        }
        let alarms = try await AlarmService.open(
            path: URL(fileURLWithPath: settings.agent.stateDirectory).appendingPathComponent("alarms.sqlite").path,
            rules: loaded.devices.flatMap(\.device.alarms) + (settings.mqtt?.alarms ?? []), notifiers: notifiers,
            flood: AlarmFloodPolicy(window: .seconds(60), threshold: 10))
        let socketDirectory = URL(fileURLWithPath: settings.agent.controlSocket).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        let group = try settings.alarms.controlGroup.map { name throws(ControlError) in try PeerPolicy.groupID(named: name) }
        let control = try ControlServer.start(
            ControlServerConfiguration(path: settings.agent.controlSocket, groupID: group),
            service: alarms, report: { [logger] line in logger.warning("\(line)") })
        // MQTT: each QoS 1 message is committed in its own transaction inside the message callback,
        // so the PUBACK leaves only after the commit (MQTTInput).
        var mqtt: MQTTInput? = nil
        if let settings = settings.mqtt {
            let (configuration, mapper) = try settings.resolve(agentID: loaded.settings.agent.id)
            // Alarms see MQTT readings too, evaluated on the network thread (the blocking form).
            let input = try MQTTInput(configuration: configuration, mapper: mapper, store: store, logger: logger,
                                      afterCommit: { [alarms, logger] readings in
                                          do {
                                              for reading in readings {
                                                  let stored = try alarms.evaluateSync(reading)
                                                  if !stored.isEmpty { logAlarmLatency(reading, logger) }
                                              }
                                          } catch {
                                              logger.error("alarm evaluation failed", metadata: [LogKey.error: "\(error)"])
                                          }
                                      })
            try input.start()
            mqtt = input
        }
        // Upload to the aggregator (optional): batches from the buffer's oldest unsent readings.
        let syncConfiguration = try settings.sync.map { sync throws in try sync.resolve(agentID: settings.agent.id) }
        let sync = try syncConfiguration.map { configuration throws in
            try SyncService(configuration: configuration, store: store, logger: logger)
        }
        // Alarm transitions go up the same way, exactly once by (agent, alarm-store epoch, id).
        let alarmSync = try syncConfiguration.map { configuration throws in
            try AlarmEventSync(configuration: configuration, alarms: alarms, logger: logger)
        }
        // Prometheus metrics and /healthz on a loopback port (optional).
        let metricsServer = try settings.agent.metricsAddress().map { address in
            try MetricsServer(host: address.host, port: address.port) { [store, metrics] path in
                switch path {
                case "/metrics":
                    await metrics.refresh(from: store)
                    return (200, metrics.registry.emitToString())
                case "/healthz": return (200, "ok\n")
                default: return (404, "not found\n")
                }
            }
        }
        logger.notice("agent started", metadata: [
            "agent": "\(settings.agent.id)", "store": "\(path)", "epoch": "\(store.epoch)",
            "devices": "\(loaded.devices.count)",
            "alarm_rules": "\(loaded.devices.reduce(0) { $0 + $1.device.alarms.count } + (settings.mqtt?.alarms.count ?? 0))", "control": "\(settings.agent.controlSocket)",
            "metrics": "\(metricsServer.map { "port \($0.port)" } ?? "off")",
            "sync": "\(settings.sync.map { $0.endpoints.joined(separator: ",") } ?? "off (buffering only)")",
            "mqtt": "\(settings.mqtt.map { "\($0.host):\($0.port), \($0.subscriptions.count) subscriptions" } ?? "off")",
        ])
        return Agent(loaded: loaded, store: store, committer: committer, pollers: PollerSupervisor(logger: logger), alarms: alarms,
                     control: control, mqtt: mqtt, sync: sync, alarmSync: alarmSync, metrics: metrics, metricsServer: metricsServer,
                     logger: logger, progress: progress)
    }

    /// Polls until a stop signal (or `duration`), then commits what is pending and closes the store.
    func run(for duration: Duration?) async {
        // Installed before any poller starts, so an early SIGHUP cannot take its default action (exit).
        let reloads = ReloadSignal { [self] in Task { await self.reload() } }
        await pollers.apply(loaded.devices, make: makePoller)
        let polling = Task {
            // The pollers run in the supervisor's tasks; this one only waits for the stop.
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        }
        let signals = StopSignals { [logger] signal in
            logger.notice("stopping", metadata: ["signal": "\(signal)"])
            polling.cancel()
        }
        notifier.notify("READY=1\nSTATUS=polling \(loaded.devices.count) devices")
        let watchdog = Task { await self.watchdog() }
        let ticker = Task { await self.tickAlarms() }
        let quota = Task { await self.enforceQuota() }
        let uploading = Task { await self.sync?.run() }
        let alarmUploading = Task { await self.alarmSync?.run() }
        if let duration {
            Task {
                try? await Task.sleep(for: duration)
                polling.cancel()
            }
        }
        await polling.value
        reloads.cancel()
        await pollers.stopAll()
        watchdog.cancel()
        ticker.cancel()
        quota.cancel()
        signals.cancel()
        notifier.notify("STOPPING=1")
        await mqtt?.stop()
        await committer.flush()
        sync?.stop()
        alarmSync?.stop()
        await uploading.value
        await alarmUploading.value
        await control.stop()
        metricsServer?.stop()
        await alarms.close()
        let stored = (try? await store.count()) ?? -1
        await store.close()
        logger.notice("stopped", metadata: ["committed": "\(progress.snapshot.readings)", "stored": "\(stored)"])
    }

    /// Builds the poller of one device: its readings go through the group commit, then to the alarms.
    private var makePoller: PollerSupervisor.MakePoller {
        let settings = loaded.settings
        return { [committer, alarms, metrics, logger] entry, connection in
            ModbusPoller(
                device: entry.device, tags: entry.tags, connection: connection,
                quarantineAfter: settings.polling.quarantineAfter,
                maximumBackoff: .seconds(settings.polling.probeBackoffMaxSeconds),
                deliver: { readings, failedTags in
                    metrics.pollCycle(device: entry.device.name, readings: readings.count, failedTags: failedTags.count)
                    // The group commit (up to 100 ms) runs while the alarms evaluate the same
                    // readings: a transition is committed in its own transaction within
                    // milliseconds of the reading's arrival, not after the group commit (measured
                    // by bench/run: waiting for it made the Modbus path's p99 112 ms). A tag that
                    // could not be read counts as communication loss (its value is not used).
                    async let committed: Void = {
                        guard !readings.isEmpty else { return }
                        do {
                            _ = try await committer.append(readings)
                        } catch {
                            logger.error("readings not stored", metadata: [LogKey.error: "\(error)", LogKey.readings: "\(readings.count)"])
                        }
                    }()
                    let now = Date()
                    do {
                        for reading in readings {
                            let stored = try await alarms.evaluate(reading)
                            metrics.alarmTransitions.increment(by: Int64(stored.count))
                            if !stored.isEmpty { logAlarmLatency(reading, logger) }
                        }
                        for tag in failedTags {
                            let changes = try await alarms.evaluate(tag: tag, value: 0, quality: .commFail, at: now)
                            metrics.alarmTransitions.increment(by: Int64(changes.count))
                        }
                    } catch {
                        logger.error("alarm evaluation failed", metadata: [LogKey.error: "\(error)"])
                    }
                    await committed  // the next poll cycle's readings wait for this cycle's commit
                },
                logger: logger)
        }
    }

    /// SIGHUP: re-read the configuration; an invalid one is rejected and the running one kept.
    /// Devices whose file did not change keep polling without a missed cycle. Buffer, MQTT and
    /// alarm-rule changes take effect at the next restart (logged).
    func reload() async {
        switch ConfigLoader.load(configFile: loaded.configFile) {
        case .failure(let errors):
            for error in errors.errors { logger.error("reload rejected, the running configuration is kept", metadata: [LogKey.error: "\(error)"]) }
        case .success(let new):
            let change = await pollers.apply(new.devices, make: makePoller)
            logger.notice("configuration reloaded", metadata: [
                "started": "\(change.started)", "stopped": "\(change.stopped)", "kept": "\(change.kept)",
            ])
            let oldRules = loaded.devices.flatMap(\.device.alarms), newRules = new.devices.flatMap(\.device.alarms)
            if oldRules != newRules || new.settings != loaded.settings {
                logger.warning("alarm rules or agent settings changed: they take effect at the next restart")
            }
        }
    }

    /// Stale data, shelf expiry and flood windows need time to pass, not readings.
    private func tickAlarms() async {
        let interval = Duration.seconds(loaded.settings.alarms.tickSeconds)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do { _ = try await alarms.tick(at: Date()) } catch {
                logger.error("alarm tick failed", metadata: [LogKey.error: "\(error)"])
            }
        }
    }

    /// The disk quota (`buffer.max_bytes`): every 30 s, prune what is acknowledged, then roll up,
    /// and only then drop the oldest unsent readings (recorded as a gap); warn from 80 %.
    private func enforceQuota() async {
        let maxBytes = loaded.settings.buffer.maxBytes
        guard maxBytes > 0 else { return }
        while !Task.isCancelled {
            do {
                let report = try await store.enforceQuota(maxBytes: maxBytes)
                if report.lostData {
                    logger.critical("buffer quota reached: oldest unsent readings dropped (sent upstream as a gap)",
                                    metadata: ["report": "\(report)"])
                } else if report.warning {
                    logger.warning("buffer above 80% of its quota", metadata: ["report": "\(report)"])
                }
            } catch {
                logger.error("quota enforcement failed", metadata: [LogKey.error: "\(error)"])
            }
            try? await Task.sleep(for: .seconds(30))
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

/// SIGHUP as an event (its default action would end the process).
///
/// `@unchecked Sendable`: the source is set once in `init`, and may be cancelled from any thread.
final class ReloadSignal: @unchecked Sendable {
    private let source: any DispatchSourceSignal

    init(handler: @escaping @Sendable () -> Void) {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { handler() }
        source.resume()
    }

    func cancel() { source.cancel() }
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

/// A debug line per reading that committed alarm transitions: the time from the reading's arrival
/// (its receipt timestamp) to the transition's commit having returned. bench/run reads it
/// (`--log-level debug`) for the alarm latency figures in docs/benchmarks.md.
private func logAlarmLatency(_ reading: Reading, _ logger: Logger) {
    let micros = Int((Date().timeIntervalSince(reading.time) * 1_000_000).rounded())
    logger.debug("alarm transition committed", metadata: [LogKey.tag: "\(reading.tag)", LogKey.alarmLatency: "\(micros)"])
}
