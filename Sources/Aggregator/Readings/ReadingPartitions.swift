import Foundation

/// PostgreSQL's monthly partitions of `readings` (`readings_YYYYMM`, UTC months of `time_ms`),
/// created by the ingest transaction that first needs one, so no scheduler has to run ahead of
/// the data and a backfill of old readings lands in partitions of its own.
enum ReadingPartitions {
    struct Month: Hashable, Comparable, Sendable {
        let year: Int
        let month: Int

        static func < (a: Month, b: Month) -> Bool { (a.year, a.month) < (b.year, b.month) }

        var name: String { String(format: "readings_%04d%02d", year, month) }
        var next: Month { month == 12 ? Month(year: year + 1, month: 1) : Month(year: year, month: month + 1) }
        var startMs: Int64 { Self.startMs(year: year, month: month) }

        /// Days from 1970-01-01 to the first of the month (proleptic Gregorian, Howard Hinnant's
        /// `days_from_civil`), without a Calendar: this runs for every partition check.
        static func startMs(year: Int, month: Int) -> Int64 {
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yearOfEra = y - era * 400
            let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5
            let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
            return Int64(era * 146_097 + dayOfEra - 719_468) * 86_400_000
        }

        init(year: Int, month: Int) {
            self.year = year
            self.month = month
        }

        /// The UTC month of a time in milliseconds (`civil_from_days`).
        init(timeMs: Int64) {
            let days = Int(BucketCalendar.floor(timeMs, 86_400_000) / 86_400_000) + 719_468
            let era = (days >= 0 ? days : days - 146_096) / 146_097
            let dayOfEra = days - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let mp = (5 * dayOfYear + 2) / 153
            let month = mp < 10 ? mp + 3 : mp - 9
            self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month)
        }
    }

    /// Makes sure a partition exists for every month in `times`. Creating a partition locks the
    /// parent table, so creators first serialise on an advisory lock and then look in the catalog:
    /// the usual case (the month exists) takes no lock on `readings` at all.
    static func ensure(monthsOf times: some Sequence<Int64>, on connection: any SQLConnection) throws {
        guard connection.dialect == .postgres else { return }
        let months = Set(times.map(Month.init(timeMs:))).sorted()
        guard !months.isEmpty else { return }
        var parameters: [SQLValue] = []
        let list = BulkInsert.inList("relname", months.map { .text($0.name) }, parameters: &parameters)
        let existing = Set(try connection.query("SELECT relname FROM pg_class WHERE \(list)", parameters)
            .map { try $0.text("relname") })
        let missing = months.filter { !existing.contains($0.name) }
        guard !missing.isEmpty else { return }
        try connection.execute("SELECT pg_advisory_xact_lock(7402026)")
        for month in missing {
            // Re-checked under the lock: another transaction may have created it and committed.
            guard try connection.first("SELECT to_regclass($1) IS NOT NULL AS present", .text(month.name))?
                .bool("present") != true
            else { continue }
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS \(month.name) PARTITION OF readings
                FOR VALUES FROM (\(month.startMs)) TO (\(month.next.startMs))
                """)
        }
    }
}
