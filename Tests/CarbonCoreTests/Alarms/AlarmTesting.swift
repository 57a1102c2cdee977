import CarbonCore
import Foundation

/// Shared vocabulary for the alarm tests: times are whole seconds after `t0`, and transitions are
/// compared as short strings (`"H N>UA @30"`) so a whole sequence reads in one `#expect`.
enum AlarmTesting {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    static func at(_ seconds: Int) -> Date { t0 + TimeInterval(seconds) }

    static func code(_ state: AlarmState) -> String {
        switch state {
        case .normal: "N"
        case .unacknowledgedActive: "UA"
        case .acknowledgedActive: "AA"
        case .returnedToNormalUnacknowledged: "RU"
        case .shelved: "SH"
        case .suppressedByDesign: "SU"
        }
    }

    static func brief(_ transitions: [AlarmTransition]) -> [String] {
        transitions.map { "\($0.kind) \(code($0.from))>\(code($0.to)) @\(Int($0.time.timeIntervalSince(t0)))" }
    }

    /// Feeds good readings given as (second, value) and returns every transition.
    static func feed(_ engine: inout AlarmEngine, _ readings: [(Int, Decimal)]) -> [AlarmTransition] {
        readings.flatMap { second, value in engine.observe(value, at: at(second)) }
    }

    /// Readings every 10 s from `start`, one per value.
    static func series(_ values: [Decimal], from start: Int = 0, step: Int = 10) -> [(Int, Decimal)] {
        values.enumerated().map { (start + $0.offset * step, $0.element) }
    }

    /// Every transition of one alarm chains from normal: each `from` is the previous `to`, and no
    /// transition is a no-op. Returns the first break found, or nil.
    static func chainBreak(_ transitions: [AlarmTransition], start: [AlarmKind: AlarmState] = [:]) -> String? {
        var last = start
        for transition in transitions {
            let previous = last[transition.kind] ?? .normal
            if transition.from != previous { return "\(transition.kind): from \(transition.from), was \(previous)" }
            if transition.from == transition.to { return "\(transition.kind): no-op \(transition.from)" }
            last[transition.kind] = transition.to
        }
        return nil
    }

    static func roundTrip(_ engine: AlarmEngine) throws -> AlarmEngine {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601  // must not matter: the state keeps its own dates
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(AlarmEngine.self, from: encoder.encode(engine))
    }
}
