import Foundation
import Prometheus

/// The agent's counters and gauges, exposed in the Prometheus text format on the metrics port.
/// Counters are bumped where things happen; gauges that need the store (backlog) are refreshed
/// on each scrape by `refresh`, so nothing polls the database when nobody is looking.
final class AgentMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    let readingsCommitted: Counter
    let commitFailures: Counter
    let alarmTransitions: Counter
    let backlogReadings: Gauge
    let bufferBytes: Gauge
    let acknowledgedThrough: Gauge

    init() {
        readingsCommitted = registry.makeCounter(
            name: "edge_readings_committed_total", help: "Readings made durable in the buffer (group commits).")
        commitFailures = registry.makeCounter(
            name: "edge_commit_failures_total", help: "Group commits that failed; their readings were not stored.")
        alarmTransitions = registry.makeCounter(
            name: "edge_alarm_transitions_total", help: "Alarm state transitions committed.")
        backlogReadings = registry.makeGauge(
            name: "edge_buffer_unsent_readings", help: "Readings not yet acknowledged by the aggregator.")
        bufferBytes = registry.makeGauge(name: "edge_buffer_bytes", help: "Size of the buffer database.")
        acknowledgedThrough = registry.makeGauge(
            name: "edge_buffer_acknowledged_sequence", help: "Highest sequence the aggregator has acknowledged.")
    }

    /// Poll cycles per device and outcome (`ok`, `partial`, `failed`).
    func pollCycle(device: String, readings: Int, failedTags: Int) {
        let result = failedTags == 0 ? "ok" : readings > 0 ? "partial" : "failed"
        registry.makeCounter(name: "edge_poll_cycles_total", labels: [("device", device), ("result", result)],
                             help: "Modbus poll cycles by device and outcome.").increment()
    }

    /// Reads the store-derived gauges.
    func refresh(from store: ReadingStore) async {
        if let unsent = try? await store.unsentCount() { backlogReadings.set(Int64(unsent)) }
        if let size = try? await store.size() { bufferBytes.set(size.bytes) }
        if let cursor = try? await store.cursor() { acknowledgedThrough.set(cursor) }
    }
}
