/// Capped exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and
/// Jitter"): the n-th consecutive failure waits a uniformly random time in [0, min(cap, base·2ⁿ)),
/// which spreads many agents retrying after the same outage. A server's `Retry-After` is a floor
/// (never retry earlier than asked), itself capped so a wrong header cannot park the agent.
/// Pure: the random number is passed in, so tests are exact.
struct Backoff: Sendable, Hashable {
    struct Configuration: Sendable, Hashable {
        var base: Duration
        var cap: Duration
        /// The longest `Retry-After` honoured; a larger one is clipped to this.
        var maximumRetryAfter: Duration

        init(base: Duration = .milliseconds(500), cap: Duration = .seconds(60), maximumRetryAfter: Duration = .seconds(600)) {
            self.base = base
            self.cap = max(cap, base)
            self.maximumRetryAfter = maximumRetryAfter
        }
    }

    let configuration: Configuration
    /// Consecutive failures since the last success.
    private(set) var failures = 0

    init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// The ceiling of the jitter window for the next delay: min(cap, base·2^failures).
    var window: Duration {
        // Doubling past 2^30 only overflows; the cap has long been reached by then.
        let exponent = min(failures, 30)
        let grown = configuration.base * (1 << exponent)
        return min(grown, configuration.cap)
    }

    /// Records a failure and returns how long to wait before the next attempt. `random` is a
    /// uniform value in [0, 1); `retryAfter` is the server's header, if it sent one.
    mutating func failed(random: Double, retryAfter: Duration? = nil) -> Duration {
        let jittered = window * min(max(random, 0), 1)
        failures += 1
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, configuration.maximumRetryAfter))
    }

    mutating func succeeded() { failures = 0 }
}
