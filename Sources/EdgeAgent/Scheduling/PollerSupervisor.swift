import Foundation
import Logging

/// The running pollers, one task per device, and the connections they share (one per endpoint).
/// `apply` is how both start-up and a SIGHUP reload happen: devices whose file is unchanged keep
/// polling with no missed cycle; removed devices stop; new or changed ones (re)start. Connections
/// no device uses any more are dropped.
actor PollerSupervisor {
    typealias MakePoller = @Sendable (ConfigLoader.LoadedDevice, ModbusConnection) -> ModbusPoller

    private var running: [String: (fingerprint: String, endpoint: ModbusConnection.Endpoint, task: Task<Void, Never>)] = [:]
    private var connections: [ModbusConnection.Endpoint: ModbusConnection] = [:]
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    struct Change: Sendable, Equatable {
        var started: [String] = []
        var stopped: [String] = []
        var kept: [String] = []
    }

    @discardableResult
    func apply(_ devices: [ConfigLoader.LoadedDevice], make: MakePoller) -> Change {
        var change = Change()
        let wanted = Dictionary(uniqueKeysWithValues: devices.map { ($0.device.name, $0) })
        for (name, entry) in running where wanted[name]?.fingerprint != entry.fingerprint {
            entry.task.cancel()
            running[name] = nil
            change.stopped.append(name)
        }
        for entry in devices {
            let name = entry.device.name
            if running[name] != nil {
                change.kept.append(name)
                continue
            }
            guard let endpoint = try? entry.device.endpoint() else { continue }
            let connection: ModbusConnection
            if let existing = connections[endpoint] {
                connection = existing
            } else {
                do {
                    connection = try ModbusConnection(endpoint: endpoint,
                                                      responseTimeout: .milliseconds(entry.device.timeoutMilliseconds))
                } catch {
                    logger.error("cannot create the connection", metadata: [LogKey.device: "\(name)", LogKey.error: "\(error)"])
                    continue
                }
                connections[endpoint] = connection
            }
            let poller = make(entry, connection)
            running[name] = (entry.fingerprint, endpoint, Task { await poller.run() })
            change.started.append(name)
        }
        let used = Set(running.values.map(\.endpoint))
        for endpoint in connections.keys where !used.contains(endpoint) { connections[endpoint] = nil }
        return Change(started: change.started.sorted(), stopped: change.stopped.sorted(), kept: change.kept.sorted())
    }

    var endpointCount: Int { connections.count }

    func stopAll() async {
        let tasks = running.values.map(\.task)
        running.removeAll()
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
