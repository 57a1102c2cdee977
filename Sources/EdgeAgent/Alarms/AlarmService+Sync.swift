import CarbonCore
import Foundation

// The operator actions as engine closures (shared by the async and blocking forms), and the
// blocking forms the control socket's threads call: they are not in the cooperative pool, so
// waiting on the service's queue there is what they are for.

extension AlarmService {
    typealias Action = @Sendable (inout AlarmEngine) throws(CalculationError) -> [AlarmTransition]

    static func acknowledging(_ kind: AlarmKind?, _ operatorName: String, _ comment: String?, _ time: Date) -> Action {
        { engine throws(CalculationError) in
            if let kind { return try engine.acknowledge(kind, by: operatorName, comment: comment, at: time) }
            return try engine.acknowledgeAll(by: operatorName, comment: comment, at: time)
        }
    }

    static func shelving(
        _ kind: AlarmKind, _ until: Date, _ operatorName: String, _ comment: String?,
        _ time: Date
    ) -> Action {
        { engine throws(CalculationError) in
            try engine.shelve(kind, by: operatorName, until: until, comment: comment, at: time)
        }
    }

    static func unshelving(_ kind: AlarmKind, _ operatorName: String, _ comment: String?, _ time: Date) -> Action {
        { engine throws(CalculationError) in try engine.unshelve(kind, by: operatorName, comment: comment, at: time) }
    }

    @available(*, noasync, message: "blocks on SQLite; use acknowledge(tag:kind:…) from async code")
    func acknowledgeSync(
        tag: String, kind: AlarmKind?, operatorName: String, comment: String? = nil,
        operatorUID: UInt32? = nil, at time: Date
    ) throws(AlarmServiceError) -> [StoredAlarmTransition] {
        try runSync { core throws(AlarmServiceError) in
            try core.act(on: tag, operatorUID: operatorUID, Self.acknowledging(kind, operatorName, comment, time))
        }
    }

    @available(*, noasync, message: "blocks on SQLite; use shelve(tag:kind:…) from async code")
    func shelveSync(
        tag: String, kind: AlarmKind, until: Date, operatorName: String, comment: String? = nil,
        operatorUID: UInt32? = nil, at time: Date
    ) throws(AlarmServiceError) -> [StoredAlarmTransition] {
        try runSync { core throws(AlarmServiceError) in
            try core.act(on: tag, operatorUID: operatorUID, Self.shelving(kind, until, operatorName, comment, time))
        }
    }

    @available(*, noasync, message: "blocks on SQLite; use unshelve(tag:kind:…) from async code")
    func unshelveSync(
        tag: String, kind: AlarmKind, operatorName: String, comment: String? = nil,
        operatorUID: UInt32? = nil, at time: Date
    ) throws(AlarmServiceError) -> [StoredAlarmTransition] {
        try runSync { core throws(AlarmServiceError) in
            try core.act(on: tag, operatorUID: operatorUID, Self.unshelving(kind, operatorName, comment, time))
        }
    }

    @available(*, noasync, message: "blocks on SQLite and hooks; use close() from async code")
    func closeSync() {
        _ = try? runSync { core in core.close() }
    }

    @available(*, noasync, message: "blocks on SQLite; use list(_:) from async code")
    func listSync(_ filter: AlarmFilter = AlarmFilter()) throws(AlarmServiceError) -> [AlarmListing] {
        try runSync { core throws(AlarmServiceError) in try core.list(filter) }
    }

    @available(*, noasync, message: "blocks on SQLite; use history(limit:tag:) from async code")
    func historySync(limit: Int = 50, tag: String? = nil) throws(AlarmServiceError) -> [StoredAlarmTransition] {
        try runSync { core throws(AlarmServiceError) in try core.history(limit: limit, tag: tag) }
    }
}

extension ReadingQuality {
    /// The buffer's quality flag as the alarm engine knows it (the same five cases).
    init(_ quality: Reading.Quality) {
        switch quality {
        case .good: self = .good
        case .commFail: self = .commFail
        case .outOfRange: self = .outOfRange
        case .stale: self = .stale
        case .clockUnsynced: self = .clockUnsynced
        }
    }
}
