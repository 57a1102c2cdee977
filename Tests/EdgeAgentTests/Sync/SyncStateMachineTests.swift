import Testing

@testable import EdgeAgent

@Suite struct BackoffTests {
    let configuration = Backoff.Configuration(base: .milliseconds(100), cap: .seconds(1), maximumRetryAfter: .seconds(30))

    @Test func windowDoublesUpToTheCap() {
        var backoff = Backoff(configuration: configuration)
        var windows: [Duration] = []
        for _ in 0..<6 {
            windows.append(backoff.window)
            _ = backoff.failed(random: 0.5)
        }
        #expect(windows == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
    }

    @Test func fullJitterSpansZeroToTheWindow() {
        var low = Backoff(configuration: configuration)
        var high = Backoff(configuration: configuration)
        #expect(low.failed(random: 0) == .zero)
        #expect(high.failed(random: 0.5) == .milliseconds(50))
        #expect(high.failed(random: 0.5) == .milliseconds(100))
    }

    @Test func retryAfterIsAFloorAndIsClipped() {
        var backoff = Backoff(configuration: configuration)
        #expect(backoff.failed(random: 0.99, retryAfter: .seconds(2)) == .seconds(2))
        #expect(backoff.failed(random: 0.5, retryAfter: .seconds(3600)) == .seconds(30))
        #expect(backoff.failed(random: 0.5, retryAfter: .zero) == .milliseconds(200))
    }

    @Test func successResets() {
        var backoff = Backoff(configuration: configuration)
        for _ in 0..<5 { _ = backoff.failed(random: 1) }
        backoff.succeeded()
        #expect(backoff.failures == 0)
        #expect(backoff.window == .milliseconds(100))
    }

    @Test func manyFailuresDoNotOverflow() {
        var backoff = Backoff(configuration: configuration)
        for _ in 0..<200 { _ = backoff.failed(random: 1) }
        #expect(backoff.window == .seconds(1))
    }
}

@Suite struct CircuitBreakerTests {
    let t0 = ContinuousClock.now
    let configuration = CircuitBreaker.Configuration(failureThreshold: 3, cooldown: .seconds(10))

    @Test func opensAfterConsecutiveFailuresOnly() {
        var breaker = CircuitBreaker(configuration: configuration)
        breaker.recordFailure(at: t0)
        breaker.recordFailure(at: t0)
        breaker.recordSuccess()
        breaker.recordFailure(at: t0)
        breaker.recordFailure(at: t0)
        let allowed1 = breaker.allowsRequest(at: t0)
        #expect(allowed1)
        breaker.recordFailure(at: t0 + .seconds(1))
        #expect(breaker.state == .open(until: t0 + .seconds(11)))
        let allowed2 = breaker.allowsRequest(at: t0 + .seconds(5))
        #expect(!allowed2)
        #expect(breaker.nextAttempt(at: t0 + .seconds(5)) == t0 + .seconds(11))
    }

    @Test func halfOpenLetsExactlyOneProbeThrough() {
        var breaker = CircuitBreaker(configuration: .init(failureThreshold: 1, cooldown: .seconds(10)))
        breaker.recordFailure(at: t0)
        let allowed3 = breaker.allowsRequest(at: t0 + .seconds(10))
        #expect(allowed3)
        #expect(breaker.state == .halfOpen)
        let allowed4 = breaker.allowsRequest(at: t0 + .seconds(10))
        #expect(!allowed4)
        #expect(breaker.nextAttempt(at: t0 + .seconds(10)) == nil)
    }

    @Test func probeSuccessClosesAndProbeFailureReopens() {
        var breaker = CircuitBreaker(configuration: configuration)
        for _ in 0..<3 { breaker.recordFailure(at: t0) }
        _ = breaker.allowsRequest(at: t0 + .seconds(10))
        breaker.recordFailure(at: t0 + .seconds(10))
        #expect(breaker.state == .open(until: t0 + .seconds(20)))
        let allowed5 = breaker.allowsRequest(at: t0 + .seconds(20))
        #expect(allowed5)
        breaker.recordSuccess()
        #expect(breaker.state == .closed(failures: 0))
        #expect(!breaker.isOpen)
    }
}

@Suite struct EndpointPolicyTests {
    let endpoints = ["http://a:1", "http://b:1", "http://c:1"]

    @Test func roundRobinRotatesTheFirstChoice() {
        let firsts = (0..<6).map { EndpointPolicy.roundRobin.order(endpoints: endpoints, agentID: "gw", turn: $0, random: 0)[0] }
        #expect(firsts == [0, 1, 2, 0, 1, 2])
        #expect(EndpointPolicy.roundRobin.order(endpoints: endpoints, agentID: "gw", turn: 1, random: 0) == [1, 2, 0])
    }

    @Test func randomPicksFromTheRandomNumber() {
        #expect(EndpointPolicy.random.order(endpoints: endpoints, agentID: "gw", turn: 0, random: 0.0) == [0, 1, 2])
        #expect(EndpointPolicy.random.order(endpoints: endpoints, agentID: "gw", turn: 0, random: 0.999) == [2, 0, 1])
    }

    @Test func consistentHashIsStableAndAPermutation() {
        for agent in ["gw-1", "gw-2", "plant-7/boiler"] {
            let order = EndpointPolicy.consistentHash.order(endpoints: endpoints, agentID: agent, turn: 0, random: 0)
            #expect(order.sorted() == [0, 1, 2])
            #expect(EndpointPolicy.consistentHash.order(endpoints: endpoints, agentID: agent, turn: 5, random: 0.7) == order)
        }
    }

    @Test func consistentHashSpreadsAgentsAndAddingAnEndpointMovesFew() {
        let agents = (0..<300).map { "gw-\($0)" }
        let before = agents.map { EndpointPolicy.consistentHash.order(endpoints: endpoints, agentID: $0, turn: 0, random: 0)[0] }
        for index in 0..<3 { #expect(before.filter { $0 == index }.count > 50) }
        let after = agents.map {
            EndpointPolicy.consistentHash.order(endpoints: endpoints + ["http://d:1"], agentID: $0, turn: 0, random: 0)[0]
        }
        // Rendezvous hashing: an agent either keeps its endpoint or moves to the new one.
        #expect(zip(before, after).allSatisfy { $0 == $1 || $1 == 3 })
        #expect(after.filter { $0 == 3 }.count > 30)
    }

    @Test func noEndpointsNoOrder() {
        #expect(EndpointPolicy.roundRobin.order(endpoints: [], agentID: "gw", turn: 0, random: 0).isEmpty)
    }
}
