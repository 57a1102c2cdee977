/// How the agent spreads its batches over several aggregator endpoints. Each returns a
/// preference order over all endpoints; the service walks it, skipping endpoints whose breaker
/// is open, so failover is the same code for every policy. Pure: the turn counter and the
/// random number are passed in.
enum EndpointPolicy: String, Sendable, Hashable, CaseIterable {
    /// Rotate the first choice on every batch.
    case roundRobin = "round_robin"
    /// A random first choice per batch.
    case random
    /// The same first choice for an agent every time (rendezvous hashing on the agent id), so one
    /// aggregator instance sees one agent's stream; if it is down, the agent's second choice is
    /// also stable, and adding an endpoint moves only the agents that now prefer it.
    case consistentHash = "consistent_hash"

    func order(endpoints: [String], agentID: String, turn: Int, random: Double) -> [Int] {
        let count = endpoints.count
        guard count > 0 else { return [] }
        switch self {
        case .roundRobin:
            return (0..<count).map { (turn + $0) % count }
        case .random:
            let first = min(Int(random * Double(count)), count - 1)
            return (0..<count).map { (first + $0) % count }
        case .consistentHash:
            // Highest random weight first; ties (never in practice) broken by index for determinism.
            let weights = endpoints.map { Self.fnv1a64("\(agentID)\u{0}\($0)") }
            return (0..<count).sorted { (weights[$0], $1) > (weights[$1], $0) }
        }
    }

    /// FNV-1a, 64 bit: stable across processes and runs (Swift's `Hasher` is seeded per process).
    static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        // A final avalanche (splitmix64's finaliser): raw FNV of strings that differ only in
        // their last byte differ only in the low bits, which would skew the comparison.
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }
}
