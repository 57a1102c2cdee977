import Foundation

/// Raw readings of one tag replaced by their aggregate (the quota policy's roll-up). Maps onto
/// CarbonCore's `ReadingBatch.Rollup`.
///
/// Tags interleave in sequence order, so the readings of one tag in a rolled-up block are not a
/// contiguous range. The block is therefore split: each roll-up of the block is given `count`
/// consecutive sequences of it, in order of its first reading, so the block's roll-ups tile it
/// exactly (what a batch needs) and `lastSeq - firstSeq + 1 == count`. A roll-up's range says how
/// many sequences it stands for, not where each of its readings sat.
struct StoredRollup: Sendable, Hashable {
    var firstSeq: Int64
    var lastSeq: Int64
    var tag: String
    var unit: String
    /// Times of its earliest and latest reading (UTC milliseconds).
    var fromMilliseconds: Int64
    var toMilliseconds: Int64
    var count: Int64
    /// Exact: summed in Decimal. `first`/`last` are the earliest and latest values by time, so a
    /// cumulative counter's increase over the interval (`last - first`) stays exact.
    var sum: Decimal
    var min: Decimal
    var max: Decimal
    var first: Decimal
    var last: Decimal
}

/// Sequences the store no longer holds in any form (`reason` "quota_dropped"). Maps onto
/// CarbonCore's `ReadingBatch.Gap`.
struct StoredGap: Sendable, Hashable {
    static let quotaDropped = "quota_dropped"
    var firstSeq: Int64
    var lastSeq: Int64
    var reason: String
}

/// One unsent record, as `peekUnsentRecords` returns them: in sequence order, and together they
/// tile their range, so a sync client can build a `ReadingBatch` from a prefix of the list.
enum BufferRecord: Sendable, Hashable {
    case reading(StoredReading)
    case rollup(StoredRollup)
    case gap(StoredGap)

    var firstSeq: Int64 {
        switch self {
        case .reading(let stored): stored.seq
        case .rollup(let rollup): rollup.firstSeq
        case .gap(let gap): gap.firstSeq
        }
    }

    var lastSeq: Int64 {
        switch self {
        case .reading(let stored): stored.seq
        case .rollup(let rollup): rollup.lastSeq
        case .gap(let gap): gap.lastSeq
        }
    }
}

extension Decimal {
    /// The exact text the store keeps roll-up decimals in (`StoredValue.text` reads it back and
    /// checks it round-trips).
    var storedText: String { description }

    static func stored(_ text: String) throws(StoreError) -> Decimal { try StoredValue.text(text).decimal() }
}
