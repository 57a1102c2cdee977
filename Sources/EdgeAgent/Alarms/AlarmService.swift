import CarbonCore
import Dispatch
import Foundation
import Synchronization

// # Alarm service (requirement M3 at the edge)
//
// One `AlarmEngine` (CarbonCore) per tag, fed with every stored reading, its transitions committed
// to `alarms.sqlite` (WAL, synchronous=FULL) the moment they happen, each event's transitions and
// the engine's saved state in one transaction of their own (never batched with readings), then
// handed to the notifiers. The API other parts call:
//
//   let alarms = try await AlarmService.open(
//       path: "/var/lib/edge-agent/alarms.sqlite", rules: rules,
//       notifiers: [LogAlarmNotifier(), HookAlarmNotifier(executable: "/etc/edge-agent/alarm-hook")],
//       flood: AlarmFloodPolicy(window: .seconds(60), threshold: 10))
//   try await alarms.evaluate(tag:value:quality:at:)   -> [StoredAlarmTransition]   after the reading is
//   try await alarms.evaluate(reading)                   stored; committed (fsynced) when this returns
//   try alarms.evaluateSync(reading)                    the same, blocking, for C callback threads
//   try await alarms.tick(at: now)                      every few seconds: STALE, shelf expiry, flood
//                                                       window, and a checkpoint of quiet engines
//   try await alarms.acknowledge(tag:kind:operatorName:comment:operatorUID:at:)    kind nil = all of the tag
//   try await alarms.shelve(tag:kind:until:operatorName:comment:operatorUID:at:)
//   try await alarms.unshelve(tag:kind:operatorName:comment:operatorUID:at:)
//   try await alarms.list(AlarmFilter(...))             -> [AlarmListing]   status + since
//   try await alarms.history(limit:tag:)                -> [StoredAlarmTransition]   newest first
//   try await alarms.unsynced(limit:) / markSynced(through: id)   for the upstream sync (oldest first)
//   alarms.epoch                                        UUID of this store file; (epoch, id) names a transition
//   await alarms.close()                                saves, delivers queued notifications, closes
//   evaluateSync, acknowledgeSync, shelveSync, unshelveSync, listSync, historySync, closeSync: the
//   blocking forms, for threads outside Swift concurrency (C callbacks, the control socket's threads).
//
// Restart: engines come back from their saved JSON. A rule that changed meanwhile is applied with
// `AlarmEngine(rule:restoring:)`, keeping every alarm both configure (an acknowledged active HH
// stays acknowledged). Saved engines of tags without a rule stay in the file, unused.
// What a crash can lose: engine memory that changed without a transition since the last tick
// (a pending on-delay, the ROC base); never a transition, an acknowledgement or a shelve.
//
// Every error is an AlarmServiceError. A tag without a rule is not an error for `evaluate` (every
// reading is offered; most tags have no alarms) but is one (`unknownTag`) for operator actions.

/// The alarm service's façade: Sendable, and the only way to reach its `AlarmServiceCore`. SQLite
/// blocks (fsync), so the async methods run on `queue`, a serial queue this service owns, never
/// on Swift's cooperative pool; the `…Sync` methods run there through `queue.sync` and are for
/// threads that are not in that pool. The mutex makes the confinement a compile-time fact.
final class AlarmService: Sendable {
    let path: String
    let epoch: UUID
    private let queue: DispatchQueue
    private let core: Mutex<AlarmServiceCore>
    private let dispatcher: AlarmNotificationDispatcher

    private init(
        path: String, core: consuming sending AlarmServiceCore, queue: DispatchQueue,
        dispatcher: AlarmNotificationDispatcher
    ) {
        self.path = path
        self.epoch = core.epoch
        self.queue = queue
        self.core = Mutex(core)
        self.dispatcher = dispatcher
    }

    /// Opens or creates the store at `path` and restores one engine per rule from it.
    static func open(
        path: String, rules: [AlarmRule], notifiers: [any AlarmNotifier] = [],
        flood: AlarmFloodPolicy = AlarmFloodPolicy()
    ) async throws(AlarmServiceError) -> AlarmService {
        let queue = DispatchQueue(label: "edge-agent.alarms")
        let result: Result<AlarmService, AlarmServiceError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(
                    returning: Result { () throws(AlarmServiceError) in
                        try make(path: path, rules: rules, notifiers: notifiers, flood: flood, queue: queue)
                    })
            }
        }
        return try result.get()
    }

    @available(*, noasync, message: "blocks on SQLite; use AlarmService.open(path:rules:)")
    static func openSync(
        path: String, rules: [AlarmRule], notifiers: [any AlarmNotifier] = [],
        flood: AlarmFloodPolicy = AlarmFloodPolicy()
    ) throws(AlarmServiceError) -> AlarmService {
        try make(
            path: path, rules: rules, notifiers: notifiers, flood: flood,
            queue: DispatchQueue(label: "edge-agent.alarms"))
    }

    private static func make(
        path: String, rules: [AlarmRule], notifiers: [any AlarmNotifier],
        flood: AlarmFloodPolicy, queue: DispatchQueue
    ) throws(AlarmServiceError) -> AlarmService {
        let dispatcher = AlarmNotificationDispatcher(notifiers: notifiers, policy: flood)
        let core = try AlarmServiceCore(path: path, rules: rules, dispatcher: dispatcher)
        return AlarmService(path: path, core: core, queue: queue, dispatcher: dispatcher)
    }

    // MARK: Process events

    @discardableResult
    func evaluate(tag: String, value: Decimal, quality: ReadingQuality = .good, at time: Date)
        async throws(AlarmServiceError) -> [StoredAlarmTransition]
    {
        try await run { core throws(AlarmServiceError) in
            try core.evaluate(tag: tag, value: value, quality: quality, at: time)
        }
    }

    @discardableResult
    func evaluate(_ reading: Reading) async throws(AlarmServiceError) -> [StoredAlarmTransition] {
        try await evaluate(
            tag: reading.tag, value: reading.value, quality: ReadingQuality(reading.quality), at: reading.time)
    }

    @discardableResult
    @available(*, noasync, message: "blocks on SQLite; use evaluate(_:) from async code")
    func evaluateSync(_ reading: Reading) throws(AlarmServiceError) -> [StoredAlarmTransition] {
        try runSync { core throws(AlarmServiceError) in
            try core.evaluate(
                tag: reading.tag, value: reading.value, quality: ReadingQuality(reading.quality),
                at: reading.time)
        }
    }

    @discardableResult
    func tick(at time: Date) async throws(AlarmServiceError) -> [StoredAlarmTransition] {
        try await run { core throws(AlarmServiceError) in try core.tick(at: time) }
    }

    /// Saves engines changed without a transition (also done by every `tick` and by `close`).
    func checkpoint() async throws(AlarmServiceError) {
        try await run { core throws(AlarmServiceError) in try core.checkpoint() }
    }

    // MARK: Operator events (async; the …Sync twins are in AlarmService+Sync.swift)

    /// Acknowledges one alarm of `tag`, or all of them when `kind` is nil.
    func acknowledge(
        tag: String, kind: AlarmKind?, operatorName: String, comment: String? = nil,
        operatorUID: UInt32? = nil, at time: Date
    ) async throws(AlarmServiceError) -> [StoredAlarmTransition] {
        try await run { core throws(AlarmServiceError) in
            try core.act(on: tag, operatorUID: operatorUID, Self.acknowledging(kind, operatorName, comment, time))
        }
    }

    func shelve(
        tag: String, kind: AlarmKind, until: Date, operatorName: String, comment: String? = nil,
        operatorUID: UInt32? = nil, at time: Date
    ) async throws(AlarmServiceError) -> [StoredAlarmTransition] {
        try await run { core throws(AlarmServiceError) in
            try core.act(on: tag, operatorUID: operatorUID, Self.shelving(kind, until, operatorName, comment, time))
        }
    }

    func unshelve(
        tag: String, kind: AlarmKind, operatorName: String, comment: String? = nil,
        operatorUID: UInt32? = nil, at time: Date
    ) async throws(AlarmServiceError) -> [StoredAlarmTransition] {
        try await run { core throws(AlarmServiceError) in
            try core.act(on: tag, operatorUID: operatorUID, Self.unshelving(kind, operatorName, comment, time))
        }
    }

    // MARK: Queries

    func list(_ filter: AlarmFilter = AlarmFilter()) async throws(AlarmServiceError) -> [AlarmListing] {
        try await run { core throws(AlarmServiceError) in try core.list(filter) }
    }

    func history(limit: Int = 50, tag: String? = nil) async throws(AlarmServiceError) -> [StoredAlarmTransition] {
        try await run { core throws(AlarmServiceError) in try core.history(limit: limit, tag: tag) }
    }

    func unsynced(limit: Int) async throws(AlarmServiceError) -> [StoredAlarmTransition] {
        try await run { core throws(AlarmServiceError) in try core.unsynced(limit: limit) }
    }

    @discardableResult
    func markSynced(through id: Int64) async throws(AlarmServiceError) -> Int {
        try await run { core throws(AlarmServiceError) in try core.markSynced(through: id) }
    }

    /// The engine of `tag` as it is now (for tests and diagnostics).
    func engine(for tag: String) async -> AlarmEngine? {
        try? await run { core in core.engine(for: tag) }
    }

    /// Resumes once every notification of the transitions committed so far has been delivered.
    func notificationsDelivered() async { await dispatcher.delivered() }

    /// Saves unsaved engine memory, delivers queued notifications and closes the store; later
    /// calls throw `.closed`. Waits for slow hooks (at most their timeout each).
    func close() async {
        _ = try? await run { core in core.close() }
    }

    // MARK: Confinement

    func run<T: Sendable>(_ body: @escaping @Sendable (AlarmServiceCore) throws(AlarmServiceError) -> T)
        async throws(AlarmServiceError) -> T
    {
        // Not cancellable on purpose: a commit that started completes, and its caller learns the outcome.
        let result: Result<T, AlarmServiceError> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(
                    returning: self.core.withLock { core in
                        Result { () throws(AlarmServiceError) in try body(core) }
                    })
            }
        }
        return try result.get()
    }

    func runSync<T: Sendable>(_ body: @Sendable (AlarmServiceCore) throws(AlarmServiceError) -> T)
        throws(AlarmServiceError) -> T
    {
        let result: Result<T, AlarmServiceError> = queue.sync {
            core.withLock { core in Result { () throws(AlarmServiceError) in try body(core) } }
        }
        return try result.get()
    }
}
