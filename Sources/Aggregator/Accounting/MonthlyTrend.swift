import CarbonCore
import Foundation

/// The monthly trend of the telemetry-fed sources: each local calendar month of the period is
/// resolved and calculated by CarbonCore on its own (manual entries are yearly figures and have no
/// month; CEMS sources are left to the yearly result, whose substitution spans the whole period).
enum MonthlyTrend {
    static func months(_ inventory: Inventory, mappings: [InventoryResolution.MappedSeries], library: FactorLibrary,
                       nowMs: Int64, on connection: any SQLConnection) throws -> JSONValue {
        let activity = mappings.filter { $0.mapping.kind == "activity" }
        guard !activity.isEmpty else { return .array([]) }
        var months: [JSONValue] = []
        for (label, range) in inventory.reportingPeriod.months(in: inventory.organisation.timeZone) {
            guard range.lowerBound < nowMs else { break }
            let resolution = try InventoryResolution.resolve(inventory, mappings: activity, range: range, nowMs: nowMs,
                                                             manual: false, on: connection)
            do {
                let run = try InventoryRun.calculate(resolution.document, library: library)
                var bySource: [String: JSONValue] = [:]
                for source in run.result.sources {
                    bySource[source.id] = .string(DecimalText.format(source.contribution, places: InventoryReport.co2ePlaces))
                }
                months.append(.object([
                    "month": .string(label),
                    "total_tco2e": .string(DecimalText.format(run.total, places: InventoryReport.co2ePlaces)),
                    "by_source": .object(bySource),
                    "readings": .integer(resolution.coverage.reduce(Int64(0)) { $0 + $1.readings }),
                ]))
            } catch let error as APIError {
                months.append(.object(["month": .string(label), "error": .string(error.message)]))
            }
        }
        return .array(months)
    }
}
