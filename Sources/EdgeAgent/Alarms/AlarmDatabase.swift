import CarbonCore
import Foundation

/// The alarm store's operations as plain synchronous SQL on one connection. Not Sendable: only
/// `AlarmService` holds one, inside its mutex, and calls it from its queue.
final class AlarmDatabase {
    private let connection: SQLiteConnection
    let epoch: UUID

    init(path: String) throws(AlarmServiceError) {
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: path)
        } catch {
            throw AlarmServiceError(error)
        }
        try AlarmSchema.configure(connection)
        epoch = try AlarmSchema.migrate(connection)
        self.connection = connection
    }

    func close() { connection.close() }

    // MARK: Engines

    /// Every saved engine by tag. A state that does not decode is refused, naming the tag.
    func savedEngines() throws(AlarmServiceError) -> [String: AlarmEngine] {
        let rows = try store { () throws(StoreError) in
            try connection.withStatement("SELECT tag, state FROM engines ORDER BY tag") {
                select throws(StoreError) -> [(String, String)] in
                var rows: [(String, String)] = []
                while try select.step() { rows.append((select.text(at: 0), select.text(at: 1))) }
                return rows
            }
        }
        var engines: [String: AlarmEngine] = [:]
        for (tag, json) in rows {
            do {
                engines[tag] = try JSONDecoder().decode(AlarmEngine.self, from: Data(json.utf8))
            } catch {
                throw AlarmServiceError(
                    .corruptState, "the saved alarm state of tag '\(tag)' cannot be read: \(error)",
                    field: tag)
            }
        }
        return engines
    }

    /// The time of the latest transition of each alarm: when it entered its current state.
    func latestTransitionTimes() throws(AlarmServiceError) -> [AlarmKey: Date] {
        try store { () throws(StoreError) in
            try connection.withStatement(
                """
                SELECT tag, kind, time_ms FROM transitions
                WHERE id IN (SELECT max(id) FROM transitions GROUP BY tag, kind)
                """
            ) { select throws(StoreError) -> [AlarmKey: Date] in
                var times: [AlarmKey: Date] = [:]
                while try select.step() {
                    guard let kind = AlarmKind(rawValue: select.text(at: 1)) else { continue }
                    times[AlarmKey(tag: select.text(at: 0), kind: kind)] = Reading.date(
                        milliseconds: select.int64(at: 2))
                }
                return times
            }
        }
    }

    // MARK: Committing

    /// Saves `engines` and appends `transitions` in one transaction (fsynced when it returns):
    /// the saved state and the history can never disagree after a crash. `operatorUID` is recorded
    /// on the transitions an operator caused (those with an operator name).
    func commit(engines: [AlarmEngine], transitions: [AlarmTransition], operatorUID: UInt32?)
        throws(AlarmServiceError) -> [StoredAlarmTransition]
    {
        // Encoded before the transaction: nothing is written if one of them cannot be.
        var states: [(String, String)] = []
        for engine in engines { states.append((engine.tag, try Self.json(engine))) }
        var times: [Int64] = []
        for transition in transitions { times.append(try Self.milliseconds(transition.time)) }
        return try store { () throws(StoreError) in
            try connection.transaction { () throws(StoreError) -> [StoredAlarmTransition] in
                for (tag, state) in states {
                    try connection.withStatement(
                        """
                        INSERT INTO engines (tag, state) VALUES (?, ?)
                        ON CONFLICT (tag) DO UPDATE SET state = excluded.state
                        """
                    ) { upsert throws(StoreError) in
                        try upsert.bind(tag, at: 1)
                        try upsert.bind(state, at: 2)
                        _ = try upsert.step()
                    }
                }
                var stored: [StoredAlarmTransition] = []
                for (transition, time) in zip(transitions, times) {
                    let uid = transition.operatorName == nil ? nil : operatorUID
                    stored.append(
                        StoredAlarmTransition(
                            id: try insert(transition, time: time, operatorUID: uid), transition: transition,
                            operatorUID: uid, synced: false))
                }
                return stored
            }
        }
    }

    private func insert(_ transition: AlarmTransition, time: Int64, operatorUID: UInt32?) throws(StoreError) -> Int64 {
        try connection.withStatement(
            """
            INSERT INTO transitions (tag, kind, priority, from_state, to_state, cause, value, alarm_limit, quality,
                                     time_ms, operator, operator_uid, comment)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """
        ) { insert throws(StoreError) -> Int64 in
            // An absent optional is left unbound: SQLite reads an unbound parameter as NULL, and
            // withStatement clears the bindings after every use.
            try insert.bind(transition.tag, at: 1)
            try insert.bind(transition.kind.rawValue, at: 2)
            try insert.bind(transition.priority.rawValue, at: 3)
            try insert.bind(transition.from.rawValue, at: 4)
            try insert.bind(transition.to.rawValue, at: 5)
            try insert.bind(transition.cause.rawValue, at: 6)
            if let value = transition.value { try insert.bind(DecimalText.plain(value), at: 7) }
            if let limit = transition.limit { try insert.bind(DecimalText.plain(limit), at: 8) }
            if let quality = transition.quality { try insert.bind(quality.rawValue, at: 9) }
            try insert.bind(time, at: 10)
            if let name = transition.operatorName { try insert.bind(name, at: 11) }
            if let operatorUID { try insert.bind(Int64(operatorUID), at: 12) }
            if let comment = transition.comment { try insert.bind(comment, at: 13) }
            _ = try insert.step()
            return connection.lastInsertRowID
        }
    }

    // MARK: History and sync

    private static let columns = """
        SELECT id, tag, kind, priority, from_state, to_state, cause, value, alarm_limit, quality, time_ms,
               operator, operator_uid, comment, synced FROM transitions
        """

    /// The latest `limit` transitions, newest first, of one tag or of all.
    func history(limit: Int, tag: String?) throws(AlarmServiceError) -> [StoredAlarmTransition] {
        let where_ = tag == nil ? "" : " WHERE tag = ?"
        return try rows(Self.columns + where_ + " ORDER BY id DESC LIMIT ?") { select throws(StoreError) in
            if let tag {
                try select.bind(tag, at: 1)
                try select.bind(Int64(limit), at: 2)
            } else {
                try select.bind(Int64(limit), at: 1)
            }
        }
    }

    /// The oldest `limit` transitions the aggregator has not acknowledged, oldest first.
    func unsynced(limit: Int) throws(AlarmServiceError) -> [StoredAlarmTransition] {
        try rows(Self.columns + " WHERE synced = 0 ORDER BY id LIMIT ?") { select throws(StoreError) in
            try select.bind(Int64(limit), at: 1)
        }
    }

    /// Marks every transition with id <= `id` as synced; returns how many changed.
    func markSynced(through id: Int64) throws(AlarmServiceError) -> Int {
        try store { () throws(StoreError) in
            try connection.transaction { () throws(StoreError) -> Int in
                try connection.run("UPDATE transitions SET synced = 1 WHERE id <= ? AND synced = 0", id)
                return connection.changes
            }
        }
    }

    private func rows(_ sql: String, bind: (SQLiteConnection.Statement) throws(StoreError) -> Void)
        throws(AlarmServiceError) -> [StoredAlarmTransition]
    {
        try store { () throws(StoreError) in
            try connection.withStatement(sql) { select throws(StoreError) -> [StoredAlarmTransition] in
                try bind(select)
                var result: [StoredAlarmTransition] = []
                while try select.step() { result.append(try Self.transition(select)) }
                return result
            }
        }
    }

    private static func transition(_ row: SQLiteConnection.Statement) throws(StoreError) -> StoredAlarmTransition {
        let id = row.int64(at: 0)
        func optional(_ column: Int32) -> String? { row.isNull(at: column) ? nil : row.text(at: column) }
        func decimal(_ column: Int32) throws(StoreError) -> Decimal? {
            guard let text = optional(column) else { return nil }
            do {
                return try DecimalText.parse(text)
            } catch {
                throw StoreError(.corrupt, "transition \(id) has an unreadable number '\(text)'")
            }
        }
        guard let kind = AlarmKind(rawValue: row.text(at: 2)), let priority = AlarmPriority(rawValue: row.text(at: 3)),
            let from = AlarmState(rawValue: row.text(at: 4)), let to = AlarmState(rawValue: row.text(at: 5)),
            let cause = AlarmCause(rawValue: row.text(at: 6))
        else { throw StoreError(.corrupt, "transition \(id) has an unknown kind, priority, state or cause") }
        let quality = optional(9).flatMap(ReadingQuality.init(rawValue:))
        let transition = AlarmTransition(
            tag: row.text(at: 1), kind: kind, priority: priority, from: from, to: to, cause: cause,
            time: Reading.date(milliseconds: row.int64(at: 10)), value: try decimal(7), limit: try decimal(8),
            quality: quality, operatorName: optional(11), comment: optional(13))
        let uid = row.isNull(at: 12) ? nil : UInt32(truncatingIfNeeded: row.int64(at: 12))
        return StoredAlarmTransition(id: id, transition: transition, operatorUID: uid, synced: row.int64(at: 14) != 0)
    }

    // MARK: Helpers

    private func store<T>(_ body: () throws(StoreError) -> T) throws(AlarmServiceError) -> T {
        do {
            return try body()
        } catch {
            throw AlarmServiceError(error)
        }
    }

    static func json(_ engine: AlarmEngine) throws(AlarmServiceError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return String(decoding: try encoder.encode(engine), as: UTF8.self)
        } catch {
            throw AlarmServiceError(.corruptState, "the alarm state of tag '\(engine.tag)' cannot be saved: \(error)")
        }
    }

    static func milliseconds(_ time: Date) throws(AlarmServiceError) -> Int64 {
        let scaled = (time.timeIntervalSince1970 * 1000).rounded()
        guard scaled.isFinite, abs(scaled) < 9.0e15 else {
            throw AlarmServiceError(.invalidRequest, "time \(time) cannot be stored", field: "time")
        }
        return Int64(scaled)
    }
}

/// One alarm of one tag.
struct AlarmKey: Sendable, Hashable {
    var tag: String
    var kind: AlarmKind
}
