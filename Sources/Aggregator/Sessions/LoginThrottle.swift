/// Failed-login counting per account and per source address, kept in the database so every
/// replica sees the same counts (a per-process counter would multiply the allowance by the
/// number of replicas). The check runs before the password KDF: a locked key costs nothing, so
/// the deliberately slow hash cannot be turned into a denial-of-service lever.
struct LoginThrottle: Sendable {
    struct Settings: Sendable {
        var accountFailures: Int64 = 5
        var addressFailures: Int64 = 20
        var windowSeconds: Int64 = 15 * 60
        var lockSeconds: Int64 = 15 * 60

        static let standard = Settings()
    }

    let settings: Settings

    static func accountKey(_ username: String) -> String { "account:" + username.lowercased() }
    static func addressKey(_ address: String) -> String { "address:" + address }

    /// Seconds until the key unlocks, or nil when it is not locked.
    func lockedFor(_ key: String, now: Int64, on connection: any SQLConnection) throws -> Int64? {
        guard let row = try connection.first("SELECT locked_until FROM login_throttle WHERE throttle_key = $1", .text(key))
        else { return nil }
        let until = try row.int64("locked_until")
        return until > now ? max(1, (until - now) / 1_000_000) : nil
    }

    /// Counts one failure; locks the key when it reaches its limit within the window.
    func recordFailure(_ key: String, limit: Int64, now: Int64, on connection: any SQLConnection) throws {
        let window = settings.windowSeconds * 1_000_000
        try connection.execute(
            """
            INSERT INTO login_throttle (throttle_key, failures, window_start, locked_until) VALUES ($1, 1, $2, 0)
            ON CONFLICT (throttle_key) DO UPDATE SET
                failures = CASE WHEN login_throttle.window_start + $3 < $2 THEN 1 ELSE login_throttle.failures + 1 END,
                window_start = CASE WHEN login_throttle.window_start + $3 < $2 THEN $2 ELSE login_throttle.window_start END
            """, .text(key), .integer(now), .integer(window))
        try connection.execute(
            "UPDATE login_throttle SET locked_until = $3, failures = 0 WHERE throttle_key = $1 AND failures >= $2",
            .text(key), .integer(limit), .integer(now + settings.lockSeconds * 1_000_000))
    }

    func reset(_ key: String, on connection: any SQLConnection) throws {
        try connection.execute("DELETE FROM login_throttle WHERE throttle_key = $1", .text(key))
    }
}
