/// What the buffer holds, as the quota policy sees it: sizes in, no I/O. `BufferDatabase` measures
/// it before every step, so each decision is taken on what the previous step really freed.
struct QuotaUsage: Sendable, Hashable {
    /// Bytes in pages that hold data (`StoreSize.usedBytes`): deleting frees pages for reuse, so
    /// this falls while the file itself keeps its size.
    var usedBytes: Int64
    /// Readings, roll-ups and gaps at or below the sync cursor (safe upstream).
    var acknowledgedRecords: Int
    /// Raw readings above the cursor (candidates for rolling up).
    var unsentReadings: Int
    /// Readings and roll-ups above the cursor (candidates for dropping). Gaps are not counted:
    /// dropping one frees nothing, and counting them would let the policy drop its own gap forever.
    var unsentRecords: Int
}

/// One step of the ordered policy. The order is the point: lose nothing, then lose resolution,
/// and only then lose data, and say so in a gap record.
enum QuotaStep: Sendable, Hashable {
    /// (a) Delete what the aggregator has acknowledged.
    case pruneAcknowledged
    /// (b) Replace the oldest `count` unsent raw readings by per-interval aggregates per tag.
    case rollUp(count: Int)
    /// (c) Delete the oldest `count` unsent records, leaving a `quota_dropped` gap.
    case dropOldest(count: Int)
}

/// The pure decision: given the usage, the next step or nil when nothing (more) is needed.
/// Thresholds are fractions of `maxBytes`: above `warningFraction` the report warns; above
/// `triggerFraction` unsent data is reduced until usage is back under `targetFraction` (the gap
/// between them keeps the agent from rolling up a few rows on every call).
struct QuotaPolicy: Sendable, Hashable {
    var maxBytes: Int64
    var warningFraction = 0.8
    var triggerFraction = 0.9
    var targetFraction = 0.7
    /// Roll-ups aggregate readings of one tag within this many milliseconds (15 minutes).
    var rollupIntervalMilliseconds: Int64 = 15 * 60 * 1000
    /// Fewer unsent readings than this are not worth rolling up: drop instead.
    var minimumRollup = 64
    /// Every reduction step handles at least this many rows, so a loop always makes progress.
    var minimumStep = 256
    /// And at most this many, in one transaction: in WAL mode a transaction's pages are first
    /// appended to the WAL, so a huge delete needs free disk space of its own (about 4 MB per
    /// 20,000 rows deleted, less than the default 8 MiB reserve gives back).
    var maximumStep = 20_000

    init(maxBytes: Int64) { self.maxBytes = maxBytes }

    func isWarning(_ usedBytes: Int64) -> Bool { Double(usedBytes) >= Double(maxBytes) * warningFraction }
    func isOver(_ usedBytes: Int64) -> Bool { Double(usedBytes) > Double(maxBytes) * triggerFraction }

    /// `reducing`: a reduction is already under way in this enforcement, so go on down to the
    /// target rather than stopping at the trigger. `rollupHelped`: false once a roll-up freed no
    /// bytes (e.g. one reading per tag and interval), so the policy moves on to dropping.
    func nextStep(_ usage: QuotaUsage, reducing: Bool, rollupHelped: Bool = true) -> QuotaStep? {
        // Acknowledged records are upstream already; deleting them costs nothing, so always first.
        if usage.acknowledgedRecords > 0 { return .pruneAcknowledged }
        let limit = reducing ? Double(maxBytes) * targetFraction : Double(maxBytes) * triggerFraction
        guard Double(usage.usedBytes) > limit, usage.unsentRecords > 0 else { return nil }
        // Rows to remove so usage reaches the target, at the store's average row size.
        let target = Double(maxBytes) * targetFraction
        let perRow = Double(usage.usedBytes) / Double(max(1, usage.unsentRecords))
        let excessRows = Int(((Double(usage.usedBytes) - target) / max(1, perRow)).rounded(.up))
        let rows = min(maximumStep, max(minimumStep, excessRows))
        if rollupHelped, usage.unsentReadings >= minimumRollup {
            // A roll-up keeps a few rows per tag and interval, so it must take more rows than it frees.
            return .rollUp(count: min(usage.unsentReadings, rows * 2, maximumStep))
        }
        return .dropOldest(count: min(usage.unsentRecords, rows))
    }
}

/// What `enforceQuota` did, every step counted, for the agent's log and metrics.
struct QuotaReport: Sendable, Hashable {
    var maxBytes: Int64
    var usedBytesBefore: Int64
    var usedBytesAfter: Int64
    /// Readings deleted because they were acknowledged.
    var prunedAcknowledged = 0
    /// Raw readings replaced by roll-ups, and the roll-up records written for them.
    var rolledUpReadings = 0
    var rollupsWritten = 0
    /// Raw readings lost to the quota, and every record (readings, roll-ups, gaps) deleted with
    /// them; `droppedSequences` counts the sequences the new gap records cover.
    var droppedReadings = 0
    var droppedRecords = 0
    var droppedSequences: Int64 = 0
    var gapsWritten = 0
    var steps: [QuotaStep] = []
    /// Usage after enforcement is at or above the warning fraction (80 % by default).
    var warning = false
    /// Usage after enforcement is still above the trigger (nothing left that could be removed).
    var stillOver = false
    /// Set when enforcement ran because an append hit a full disk: the reserve file was released.
    var reserveReleased = false
    /// After a full-disk recovery: whether the reserve file could be re-created.
    var reserveRestored = false

    /// Data was lost (dropped), not merely acknowledged or summarised.
    var lostData: Bool { droppedSequences > 0 }
}
