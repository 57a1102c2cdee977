import Foundation

/// The alarm store's file format (`alarms.sqlite`), kept apart from the reading buffer so an alarm
/// commit never waits behind a batch of readings and the two files can be sized, backed up and
/// pruned separately. Same discipline as `BufferSchema`: an `application_id` of its own, a
/// `user_version`, forward-only migrations, a newer file refused.
enum AlarmSchema {
    /// "CALM" in ASCII.
    static let applicationID: Int64 = 0x4341_4C4D
    static let latestVersion: Int64 = 1

    static func configure(_ connection: SQLiteConnection) throws(AlarmServiceError) {
        do {
            try connection.setBusyTimeout(milliseconds: 5_000)
            // Checked before WAL mode touches the file, so a foreign file is left as it was.
            if let refusal = try refusal(connection) { throw refusal }
            let mode = try connection.scalarText("PRAGMA journal_mode=WAL")
            guard mode == "wal" else {
                throw AlarmServiceError(.store, "the alarm store needs WAL journaling; SQLite kept '\(mode ?? "?")'")
            }
            // FULL: a transition is on disk when its commit returns (NORMAL lost commits on power loss here).
            try connection.execute("PRAGMA synchronous=FULL")
        } catch let error as StoreError {
            throw AlarmServiceError(error)
        } catch let error as AlarmServiceError {
            throw error
        } catch {
            throw AlarmServiceError(.store, "\(error)")
        }
    }

    private enum Outcome {
        case ready(UUID)
        case refused(AlarmServiceError)
    }

    /// Brings the file to `latestVersion`, creating it when empty; returns the store epoch.
    static func migrate(_ connection: SQLiteConnection) throws(AlarmServiceError) -> UUID {
        let outcome: Outcome
        do {
            outcome = try connection.transaction { () throws(StoreError) -> Outcome in
                // Again under the write lock: another process may have created the file meanwhile.
                if let refusal = try refusal(connection) { return .refused(refusal) }
                if try connection.scalar("PRAGMA user_version") ?? 0 < 1 {
                    try createVersion1(connection)
                    try connection.execute("PRAGMA application_id = \(applicationID)")
                    try connection.execute("PRAGMA user_version = \(latestVersion)")
                }
                guard let text = try connection.scalarText("SELECT epoch FROM meta WHERE id = 1"),
                    let epoch = UUID(uuidString: text)
                else { throw StoreError(.corrupt, "the alarm store has no valid epoch") }
                return .ready(epoch)
            }
        } catch {
            throw AlarmServiceError(error)
        }
        switch outcome {
        case .ready(let epoch): return epoch
        case .refused(let error): throw error
        }
    }

    /// Why this file is not ours to use, or nil when it is (an empty file is).
    private static func refusal(_ connection: SQLiteConnection) throws(StoreError) -> AlarmServiceError? {
        let application = try connection.scalar("PRAGMA application_id") ?? 0
        let version = try connection.scalar("PRAGMA user_version") ?? 0
        if application == 0 && version == 0 {
            guard try connection.scalar("SELECT count(*) FROM sqlite_schema") == 0 else {
                return AlarmServiceError(.notAnAlarmStore, "the file is a SQLite database of some other application")
            }
        } else if application != applicationID {
            return AlarmServiceError(
                .notAnAlarmStore, "the file's application_id is \(application), not \(applicationID) (an alarm store)")
        }
        guard version <= latestVersion else {
            return AlarmServiceError(
                .newerSchema, "the alarm store has schema version \(version); this agent knows up to \(latestVersion)")
        }
        return nil
    }

    private static func createVersion1(_ connection: SQLiteConnection) throws(StoreError) {
        try connection.execute(
            """
            CREATE TABLE meta (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                -- Minted with the file: (epoch, transition id) names a transition upstream.
                epoch TEXT NOT NULL
            ) STRICT;
            -- The saved AlarmEngine of each tag (its own Codable JSON: rule, records, timers), so a
            -- restart resumes exactly where the last commit left it.
            CREATE TABLE engines (
                tag TEXT PRIMARY KEY,
                state TEXT NOT NULL
            ) STRICT;
            -- Every transition, in commit order. AUTOINCREMENT: an id is never reused, even after
            -- synced rows are pruned, so the aggregator can de-duplicate by (epoch, id).
            CREATE TABLE transitions (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                tag TEXT NOT NULL,
                kind TEXT NOT NULL,
                priority TEXT NOT NULL,
                from_state TEXT NOT NULL,
                to_state TEXT NOT NULL,
                cause TEXT NOT NULL,
                -- Exact decimals as text: the figure compared and the configured limit.
                value TEXT,
                alarm_limit TEXT,
                quality TEXT,
                time_ms INTEGER NOT NULL,
                operator TEXT,
                -- The peer uid the control socket saw, next to the name the operator typed.
                operator_uid INTEGER,
                comment TEXT,
                synced INTEGER NOT NULL DEFAULT 0 CHECK (synced IN (0, 1))
            ) STRICT;
            CREATE INDEX transitions_by_alarm ON transitions (tag, kind, id);
            CREATE INDEX transitions_unsynced ON transitions (id) WHERE synced = 0;
            """)
        try connection.withStatement("INSERT INTO meta (id, epoch) VALUES (1, ?)") { insert throws(StoreError) in
            try insert.bind(UUID().uuidString, at: 1)
            _ = try insert.step()
        }
    }
}
