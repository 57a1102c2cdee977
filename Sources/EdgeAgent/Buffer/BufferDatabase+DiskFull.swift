import Foundation

extension BufferDatabase {
    /// `append`, surviving a full disk once: on `.diskFull` it releases the reserve file (so
    /// SQLite has room to delete and commit), enforces `policy` with its cap lowered to what the
    /// store used when the disk filled (so the policy frees a real share of it, not just what is
    /// over a quota the disk could never hold), checkpoints, and retries the append. The reserve is
    /// then re-created if the disk allows. Returns the quota report when recovery ran; rethrows
    /// when the retry fails too (the reserve is re-created if possible first).
    func appendRecovering(_ readings: [Reading], policy: QuotaPolicy) throws(StoreError)
        -> (sequences: ClosedRange<Int64>?, recovery: QuotaReport?)
    {
        do {
            return (try append(readings), nil)
        } catch where error.code == .diskFull {
            let released = reserve?.release() ?? false
            // A checkpoint that completes lets the next transactions reuse the WAL from its start
            // instead of growing it; TRUNCATE gives the WAL's space back to the disk.
            try? checkpoint()
            var effective = policy
            let used = (try? size().usedBytes) ?? policy.maxBytes
            effective.maxBytes = max(1, min(policy.maxBytes, used))
            var report = try enforceQuota(effective)
            report.reserveReleased = released
            // Moves the WAL's pages into the freed ones and gives the WAL's space back to the disk.
            try? checkpoint()
            do {
                let sequences = try append(readings)
                report.reserveRestored = reserve?.create() ?? false
                return (sequences, report)
            } catch {
                reserve?.create()
                throw error
            }
        }
    }
}
