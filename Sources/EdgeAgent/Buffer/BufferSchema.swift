import Foundation

/// The buffer's file format and how a file gets there. `application_id` says "this is a reading
/// buffer" (so the agent never writes into someone else's database), `user_version` is the schema
/// version, and migrations only go forward: a store from a newer agent is refused, not guessed at.
enum BufferSchema {
    /// "CBUF" in ASCII, in the SQLite header at offset 68 (`file(1)` and `sqlite3` show it).
    static let applicationID: Int64 = 0x4342_5546

    /// The schema version this agent writes. Raising it means adding a `case` to `migrate(to:)`.
    static let latestVersion: Int64 = 3

    /// Migration N brings a store from version N-1 to N, inside the same transaction that sets
    /// `user_version`. Add new cases; never edit a shipped one. (A switch, not an array of
    /// functions: Swift 6.3.1's SILGen crashes on an array of `throws(StoreError)` function references.)
    private static func migrate(to version: Int64, _ connection: SQLiteConnection) throws(StoreError) {
        switch version {
        case 1: try createVersion1(connection)
        case 2: try createVersion2(connection)
        case 3: try createVersion3(connection)
        default: preconditionFailure("no migration to schema version \(version)")
        }
    }

    /// Connection settings, re-applied on every open (none of them is stored in the file except WAL).
    /// The ownership check comes first, so a foreign file is refused before WAL mode touches it.
    static func configure(_ connection: SQLiteConnection) throws(StoreError) {
        // Another process (an operator's sqlite3 shell, a backup) may hold the lock for a moment.
        try connection.setBusyTimeout(milliseconds: 5_000)
        _ = try checkedVersion(connection)
        let mode = try connection.scalarText("PRAGMA journal_mode=WAL")
        guard mode == "wal" else {
            throw StoreError(.sqlite, "the buffer needs WAL journaling; SQLite kept journal_mode '\(mode ?? "?")'")
        }
        // FULL fsyncs the WAL at every commit: a simulated power loss with NORMAL lost 3,105 of
        // 34,754 acknowledged commits on this kind of machine, FULL lost none (ENVIRONMENT.md).
        try connection.execute("PRAGMA synchronous=FULL")
        try connection.execute("PRAGMA foreign_keys=ON")
    }

    /// Brings the file to `latestVersion` (creating it when empty) and returns its store epoch.
    static func migrate(_ connection: SQLiteConnection) throws(StoreError) -> UUID {
        try connection.transaction { () throws(StoreError) in
            // Checked again under the write lock: another process may have created the store meanwhile.
            let version = try checkedVersion(connection)
            if version < latestVersion {
                for next in (version + 1)...latestVersion { try migrate(to: next, connection) }
                try connection.execute("PRAGMA application_id = \(applicationID)")
                try connection.execute("PRAGMA user_version = \(latestVersion)")
            }
            guard let text = try connection.scalarText("SELECT epoch FROM meta WHERE id = 1"),
                let epoch = UUID(uuidString: text)
            else { throw StoreError(.corrupt, "the store has no valid epoch in its meta table") }
            return epoch
        }
    }

    /// The file's schema version (0 for a new, empty file), after making sure the file is a
    /// reading buffer this agent can read; reads only, so a refused file is left as it was.
    private static func checkedVersion(_ connection: SQLiteConnection) throws(StoreError) -> Int64 {
        let application = try connection.scalar("PRAGMA application_id") ?? 0
        let version = try connection.scalar("PRAGMA user_version") ?? 0
        if application == 0 && version == 0 {
            // A new file, or a database with no application id: only an empty one is ours to take.
            guard try connection.scalar("SELECT count(*) FROM sqlite_schema") == 0 else {
                throw StoreError(.notABufferStore, "the file is a SQLite database of some other application")
            }
        } else if application != applicationID {
            throw StoreError(.notABufferStore, "the file's application_id is \(application), not \(applicationID)")
        }
        guard version <= latestVersion else {
            throw StoreError(
                .newerSchema, "the store has schema version \(version); this agent knows up to \(latestVersion)")
        }
        return version
    }

    /// Version 1: the meta row (epoch, sync cursor, sequence floor), the series dictionary and the readings.
    private static func createVersion1(_ connection: SQLiteConnection) throws(StoreError) {
        try connection.execute(
            """
            CREATE TABLE meta (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                -- Minted once, when the store is created: a store that is deleted and created again
                -- gets a new epoch, so its sequences (which restart at 1) never collide upstream.
                epoch TEXT NOT NULL,
                -- The sync cursor: every reading with seq <= acked_through is acknowledged.
                acked_through INTEGER NOT NULL DEFAULT 0,
                -- The highest seq ever deleted; new sequences start above it even if the table is empty.
                seq_floor INTEGER NOT NULL DEFAULT 0
            ) STRICT;
            CREATE TABLE series (
                id INTEGER PRIMARY KEY,
                tag TEXT NOT NULL,
                unit TEXT NOT NULL,
                UNIQUE (tag, unit)
            ) STRICT;
            -- One row per reading, ~24 bytes on disk: seq is the rowid (no separate key), value and
            -- scale hold the exact decimal (see StoredValue), no secondary index.
            CREATE TABLE readings (
                seq INTEGER PRIMARY KEY,
                series INTEGER NOT NULL REFERENCES series (id),
                time_ms INTEGER NOT NULL,
                value ANY NOT NULL,
                scale INTEGER NOT NULL,
                quality INTEGER NOT NULL
            ) STRICT;
            """)
        try connection.withStatement("INSERT INTO meta (id, epoch) VALUES (1, ?)") { insert throws(StoreError) in
            try insert.bind(UUID().uuidString, at: 1)
            _ = try insert.step()
        }
    }

    /// Version 2: what the quota policy and the corruption salvage leave behind. Roll-ups and gaps
    /// stand for sequences whose raw readings are gone, so a batch still tiles its range (see
    /// CarbonCore's ReadingBatch); decimals are the exact text `StoredValue.text` decodes. `salvaged`
    /// holds readings rescued from a damaged store, under that store's (old) epoch and sequences.
    /// The identity of the last MQTT message committed under each packet id, written in the
    /// transaction that stores the message's readings: after a crash between that commit and
    /// the PUBACK, the broker redelivers the message with the same packet id, and the store
    /// recognises it instead of storing its readings twice. `counter` orders the messages, so a
    /// packet id the broker reuses much later for an identical payload is not mistaken for one.
    private static func createVersion3(_ connection: SQLiteConnection) throws(StoreError) {
        try connection.execute(
            """
            CREATE TABLE mqtt_recent (
                mid INTEGER PRIMARY KEY,
                digest TEXT NOT NULL,
                counter INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX mqtt_recent_by_counter ON mqtt_recent (counter);
            """)
    }

    private static func createVersion2(_ connection: SQLiteConnection) throws(StoreError) {
        try connection.execute(
            """
            CREATE TABLE rollups (
                first_seq INTEGER PRIMARY KEY,
                last_seq INTEGER NOT NULL,
                series INTEGER NOT NULL REFERENCES series (id),
                from_ms INTEGER NOT NULL,
                to_ms INTEGER NOT NULL,
                count INTEGER NOT NULL,
                sum TEXT NOT NULL,
                min TEXT NOT NULL,
                max TEXT NOT NULL,
                first TEXT NOT NULL,
                last TEXT NOT NULL
            ) STRICT;
            CREATE TABLE gaps (
                first_seq INTEGER PRIMARY KEY,
                last_seq INTEGER NOT NULL,
                reason TEXT NOT NULL
            ) STRICT;
            CREATE TABLE salvaged (
                epoch TEXT NOT NULL,
                seq INTEGER NOT NULL,
                tag TEXT NOT NULL,
                unit TEXT NOT NULL,
                time_ms INTEGER NOT NULL,
                value ANY NOT NULL,
                scale INTEGER NOT NULL,
                quality INTEGER NOT NULL,
                PRIMARY KEY (epoch, seq)
            ) STRICT, WITHOUT ROWID;
            """)
    }
}
