import Foundation

/// One measured value as the agent buffers and uploads it. The value is an exact `Decimal` (a
/// meter's "0.1" stays 0.1, never 0.1000000000000000055); the time is UTC and the store keeps
/// it to the millisecond.
struct Reading: Sendable, Hashable {
    /// How far the value can be trusted. Raw values are stored as small integers, so they are part
    /// of the file format: never renumber, only add. (If CarbonCore gains a shared quality type, map
    /// it onto these raw values.)
    enum Quality: Int64, Sendable, Hashable, CaseIterable {
        case good = 0
        /// The device did not answer; `value` is the last known one or a placeholder.
        case commFail = 1
        /// The device answered with a value outside its configured range.
        case outOfRange = 2
        /// The value has not changed for longer than the device's staleness limit.
        case stale = 3
        /// The agent's clock was not synchronised when the reading was taken.
        case clockUnsynced = 4
    }

    /// The measured point, e.g. `boiler-1/steam-flow`.
    var tag: String
    /// The unit symbol as CarbonCore spells it, e.g. `t/h`, `Nm3`.
    var unit: String
    /// When the value was sampled (UTC); stored with millisecond resolution.
    var time: Date
    var value: Decimal
    var quality: Quality

    init(tag: String, unit: String, time: Date, value: Decimal, quality: Quality = .good) {
        self.tag = tag
        self.unit = unit
        self.time = time
        self.value = value
        self.quality = quality
    }
}

/// A reading as it sits in the buffer: `seq` is its position in this store (strictly increasing,
/// never reused within one store epoch), which the aggregator uses to de-duplicate re-sends.
struct StoredReading: Sendable, Hashable {
    var seq: Int64
    var reading: Reading
}

extension Reading {
    /// Milliseconds since 1970-01-01 UTC, rounded to the nearest millisecond.
    var milliseconds: Int64 {
        get throws(StoreError) {
            let scaled = (time.timeIntervalSince1970 * 1000).rounded()
            // Past 2^53 ms (about 285,000 years) a Double no longer holds whole milliseconds.
            guard scaled.isFinite, abs(scaled) < 9.0e15 else {
                throw StoreError(.invalidArgument, "reading '\(tag)': time \(time) cannot be stored")
            }
            return Int64(scaled)
        }
    }

    static func date(milliseconds: Int64) -> Date {
        // Division is correctly rounded, so a Date built from whole milliseconds comes back equal.
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

extension Reading {
    /// Throws what `ReadingStore.append` would throw for this reading, without touching the store:
    /// the GroupCommitter checks each caller's readings up front, so one bad reading fails only its caller.
    func checkStorable() throws(StoreError) {
        _ = try milliseconds
        try StoredValue.check(value)
    }
}
