/// Whether a device is answering, and when to try it next. Pure: the poller feeds it outcomes and
/// a random fraction for jitter. After `quarantineAfter` failed cycles in a row the device is
/// quarantined: it is then only probed, with capped exponential backoff and full jitter, so a
/// dead device costs one short probe now and then and never stalls the others.
struct DeviceHealth: Sendable, Hashable {
    enum State: Sendable, Hashable { case healthy, failing(count: Int), quarantined(probes: Int) }

    let quarantineAfter: Int
    let interval: Duration
    let maximumBackoff: Duration
    private(set) var state: State = .healthy

    init(quarantineAfter: Int, interval: Duration, maximumBackoff: Duration) {
        self.quarantineAfter = quarantineAfter
        self.interval = interval
        self.maximumBackoff = maximumBackoff
    }

    var isQuarantined: Bool { if case .quarantined = state { true } else { false } }

    /// Records a cycle's outcome and returns how long to wait before the next one. `jitter` is a
    /// random fraction in 0..<1 supplied by the caller (full jitter: wait = random × backoff).
    mutating func record(success: Bool, jitter: Double) -> Duration {
        if success {
            state = .healthy
            return interval
        }
        switch state {
        case .healthy: state = quarantineAfter <= 1 ? .quarantined(probes: 0) : .failing(count: 1)
        case .failing(let count): state = count + 1 >= quarantineAfter ? .quarantined(probes: 0) : .failing(count: count + 1)
        case .quarantined(let probes): state = .quarantined(probes: probes + 1)
        }
        guard case .quarantined(let probes) = state else { return interval }
        // interval × 2^probes, capped; then full jitter, but never below one interval.
        var backoff = interval
        for _ in 0..<min(probes, 30) where backoff < maximumBackoff { backoff = backoff * 2 }
        backoff = min(backoff, maximumBackoff)
        return max(interval, backoff * min(max(jitter, 0), 1))
    }
}
