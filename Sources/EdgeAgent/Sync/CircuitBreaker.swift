/// One endpoint's circuit breaker. Closed: requests go through and consecutive failures are
/// counted; after `failureThreshold` of them it opens and refuses requests for `cooldown`, so a
/// dead aggregator is not hammered and the other endpoints are tried first. After the cooldown it
/// is half-open: exactly one probe is let through; success closes it, failure opens it again.
/// Pure: the time is passed in (ContinuousClock instants; tests build them from one `now`).
struct CircuitBreaker: Sendable, Hashable {
    struct Configuration: Sendable, Hashable {
        var failureThreshold: Int
        var cooldown: Duration

        init(failureThreshold: Int = 3, cooldown: Duration = .seconds(30)) {
            self.failureThreshold = max(1, failureThreshold)
            self.cooldown = cooldown
        }
    }

    enum State: Sendable, Hashable {
        case closed(failures: Int)
        case open(until: ContinuousClock.Instant)
        /// The probe has been handed out; nothing else passes until it reports.
        case halfOpen
    }

    let configuration: Configuration
    private(set) var state: State = .closed(failures: 0)

    init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// Whether a request may be sent now. Moves open → half-open when the cooldown is over and
    /// hands out the single probe (so call it only when about to send).
    mutating func allowsRequest(at now: ContinuousClock.Instant) -> Bool {
        switch state {
        case .closed: return true
        case .halfOpen: return false
        case .open(let until):
            guard now >= until else { return false }
            state = .halfOpen
            return true
        }
    }

    /// When a request could next pass (now for closed; nil while a probe is out).
    func nextAttempt(at now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        switch state {
        case .closed: return now
        case .open(let until): return max(now, until)
        case .halfOpen: return nil
        }
    }

    mutating func recordSuccess() { state = .closed(failures: 0) }

    mutating func recordFailure(at now: ContinuousClock.Instant) {
        switch state {
        case .closed(let failures):
            state = failures + 1 >= configuration.failureThreshold ? .open(until: now + configuration.cooldown) : .closed(failures: failures + 1)
        case .halfOpen, .open:
            state = .open(until: now + configuration.cooldown)
        }
    }

    var isOpen: Bool { if case .closed = state { false } else { true } }
}
