import CarbonCore
import Foundation

/// The alarm service's state and logic as plain synchronous code: one engine per tag, the store,
/// and the rule "commit, then remember, then notify". Not Sendable: only `AlarmService` holds one,
/// inside its mutex, and calls it from its queue.
///
/// An engine's new state is kept in memory only once its commit succeeded. If the commit fails,
/// the engine stays where it was, so the next reading raises the same transition again: a
/// transition can be late, never lost or notified without being stored.
final class AlarmServiceCore {
    private let database: AlarmDatabase
    private let dispatcher: AlarmNotificationDispatcher
    private var engines: [String: AlarmEngine] = [:]
    /// When each alarm entered its current state (the time of its latest transition).
    private var since: [AlarmKey: Date]
    /// Tags whose engine changed without a transition (a reading inside an on-delay, a new ROC
    /// base): saved in one transaction at the next `tick` or `checkpoint`, not one fsync per reading.
    private var unsaved: Set<String> = []
    private(set) var isClosed = false

    var epoch: UUID { database.epoch }

    init(path: String, rules: [AlarmRule], dispatcher: AlarmNotificationDispatcher) throws(AlarmServiceError) {
        var seen: Set<String> = []
        for (index, rule) in rules.enumerated() where !seen.insert(rule.tag).inserted {
            throw AlarmServiceError(.invalidRequest, "a second rule for tag '\(rule.tag)'", field: "[\(index)].tag")
        }
        let database = try AlarmDatabase(path: path)
        var loaded: [AlarmEngine] = []
        do {
            let saved = try database.savedEngines()
            for rule in rules.sorted(by: { $0.tag < $1.tag }) {
                if let old = saved[rule.tag] {
                    // The same rule: the saved engine as it was. A changed rule keeps every alarm both configure.
                    loaded.append(old.rule == rule ? old : AlarmEngine(rule: rule, restoring: old))
                } else {
                    loaded.append(AlarmEngine(rule: rule))
                }
            }
            // From now on the file describes these engines, even if no event ever comes.
            _ = try database.commit(engines: loaded, transitions: [], operatorUID: nil)
            since = try database.latestTransitionTimes()
        } catch {
            database.close()
            throw error
        }
        self.database = database
        self.dispatcher = dispatcher
        engines = Dictionary(uniqueKeysWithValues: loaded.map { ($0.tag, $0) })
    }

    // MARK: Process events

    func evaluate(tag: String, value: Decimal, quality: ReadingQuality, at time: Date)
        throws(AlarmServiceError) -> [StoredAlarmTransition]
    {
        try checkOpen()
        guard var engine = engines[tag] else { return [] }
        let transitions = engine.observe(value, quality: quality, at: time)
        guard !transitions.isEmpty else {
            if engine != engines[tag] {
                engines[tag] = engine
                unsaved.insert(tag)
            }
            return []
        }
        return try commit(engine, transitions, operatorUID: nil)
    }

    /// Ticks every engine (stale readings, expired shelves), each tag's transitions in their own
    /// transaction, then saves the quiet engines in one. A failing tag does not stop the others;
    /// the first failure is thrown at the end.
    func tick(at time: Date) throws(AlarmServiceError) -> [StoredAlarmTransition] {
        try checkOpen()
        var stored: [StoredAlarmTransition] = []
        var failure: AlarmServiceError?
        for tag in engines.keys.sorted() {
            guard var engine = engines[tag] else { continue }
            let transitions = engine.tick(at: time)
            if transitions.isEmpty {
                if engine != engines[tag] {
                    engines[tag] = engine
                    unsaved.insert(tag)
                }
                continue
            }
            do {
                stored += try commit(engine, transitions, operatorUID: nil)
            } catch {
                failure = failure ?? error
            }
        }
        do {
            try checkpoint()
        } catch {
            failure = failure ?? error
        }
        dispatcher.advance(to: time)
        if let failure { throw failure }
        return stored
    }

    /// Saves every engine changed since its last commit, in one transaction.
    func checkpoint() throws(AlarmServiceError) {
        try checkOpen()
        guard !unsaved.isEmpty else { return }
        _ = try database.commit(engines: unsaved.sorted().compactMap { engines[$0] }, transitions: [], operatorUID: nil)
        unsaved = []
    }

    // MARK: Operator events

    /// Runs an operator action on one tag's engine and commits the result, even when it changed
    /// nothing visible (a re-shelve moves only the shelf's end, which a restart must remember).
    func act(
        on tag: String, operatorUID: UInt32?,
        _ action: (inout AlarmEngine) throws(CalculationError) -> [AlarmTransition]
    )
        throws(AlarmServiceError) -> [StoredAlarmTransition]
    {
        try checkOpen()
        guard var engine = engines[tag] else {
            throw AlarmServiceError(.unknownTag, "no alarm rule watches tag '\(tag)'", field: "tag")
        }
        let transitions: [AlarmTransition]
        do {
            transitions = try action(&engine)
        } catch {
            throw AlarmServiceError(error)
        }
        return try commit(engine, transitions, operatorUID: operatorUID)
    }

    // MARK: Queries

    func list(_ filter: AlarmFilter) throws(AlarmServiceError) -> [AlarmListing] {
        try checkOpen()
        let listings = engines.values.filter { filter.matchesTag($0.tag) }.flatMap(\.statuses).filter(filter.matches)
            .map { AlarmListing(status: $0, since: since[AlarmKey(tag: $0.tag, kind: $0.kind)]) }
        let order = Dictionary(uniqueKeysWithValues: AlarmKind.allCases.enumerated().map { ($1, $0) })
        return listings.sorted { a, b in
            if a.status.priority != b.status.priority { return a.status.priority > b.status.priority }
            if a.status.tag != b.status.tag { return a.status.tag < b.status.tag }
            return order[a.status.kind]! < order[b.status.kind]!
        }
    }

    func history(limit: Int, tag: String?) throws(AlarmServiceError) -> [StoredAlarmTransition] {
        try checkOpen()
        return try database.history(limit: limit, tag: tag)
    }

    func unsynced(limit: Int) throws(AlarmServiceError) -> [StoredAlarmTransition] {
        try checkOpen()
        return try database.unsynced(limit: limit)
    }

    func markSynced(through id: Int64) throws(AlarmServiceError) -> Int {
        try checkOpen()
        return try database.markSynced(through: id)
    }

    func engine(for tag: String) -> AlarmEngine? { engines[tag] }

    /// Saves what is unsaved, delivers what is queued and closes the store.
    func close() {
        guard !isClosed else { return }
        try? checkpoint()
        dispatcher.close()
        database.close()
        isClosed = true
    }

    // MARK: Committing

    private func commit(_ engine: AlarmEngine, _ transitions: [AlarmTransition], operatorUID: UInt32?)
        throws(AlarmServiceError) -> [StoredAlarmTransition]
    {
        let stored = try database.commit(engines: [engine], transitions: transitions, operatorUID: operatorUID)
        engines[engine.tag] = engine
        unsaved.remove(engine.tag)
        for transition in transitions { since[AlarmKey(tag: transition.tag, kind: transition.kind)] = transition.time }
        dispatcher.submit(transitions)
        return stored
    }

    private func checkOpen() throws(AlarmServiceError) {
        guard !isClosed else { throw AlarmServiceError(.closed, "the alarm service is closed") }
    }
}
