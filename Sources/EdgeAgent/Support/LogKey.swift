import Logging

/// Metadata keys of the agent's log lines, in one place so they stay consistent and greppable.
enum LogKey {
    static let device = "edge.device"
    static let tag = "edge.tag"
    static let endpoint = "edge.endpoint"
    static let error = "error"
    static let readings = "edge.readings"
    static let file = "file"
    /// Microseconds from a reading's arrival to its alarm transition committed.
    static let alarmLatency = "edge.alarm_latency_us"
}
