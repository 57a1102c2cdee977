import CarbonCore
import Foundation

/// One immutable calculation of an inventory. `InventoryVersionDetail` is the full stored result:
/// CarbonCore's report with every source's formula trail and factors, the breakdowns, telemetry
/// coverage and the monthly trend; report rendering builds on it
/// (`InventoryService.version(_:_:scope:)`).
struct InventoryVersionSummary: Encodable, Sendable {
    let inventoryID: String
    let number: Int
    let inputHash: String
    let totalTCO2e: String
    let status: String
    let calculatedBy: String
    let calculatedAt: String
    let approvedBy: String?
    let approvedAt: String?
    /// Unrounded, for year-on-year arithmetic; not part of the JSON.
    let total: Decimal

    enum CodingKeys: String, CodingKey {
        case number, status
        case inventoryID = "inventory_id", inputHash = "input_hash", totalTCO2e = "total_tco2e"
        case calculatedBy = "calculated_by", calculatedAt = "calculated_at", approvedBy = "approved_by"
        case approvedAt = "approved_at"
    }

    static let properties: [String: JSONSchema] = [
        "inventory_id": .uuid, "number": .integer(minimum: 1), "input_hash": .string(), "total_tco2e": .decimal,
        "status": .string(values: ["calculated", "approved"]), "calculated_by": .uuid, "calculated_at": .timestamp,
        "approved_by": .nullable(.uuid), "approved_at": .nullable(.timestamp),
    ]
    static let required = ["inventory_id", "number", "input_hash", "total_tco2e", "status", "calculated_by",
                           "calculated_at"]
    static let schema = JSONSchema.object(properties, required: required)

    static let columns = """
        inventory_id, number, input_hash, total_tco2e, calculated_by, calculated_at, approved_by, approved_at
        """

    init(row: SQLRow) throws {
        inventoryID = try row.text("inventory_id")
        number = Int(try row.int64("number"))
        inputHash = try row.text("input_hash")
        total = (try? DecimalText.parse(try row.text("total_tco2e"))) ?? 0
        totalTCO2e = DecimalText.format(total, places: InventoryReport.co2ePlaces)
        calculatedBy = try row.text("calculated_by")
        calculatedAt = ServiceClock.iso(try row.int64("calculated_at"))
        approvedBy = try row.optionalText("approved_by")
        approvedAt = try row.optionalInt64("approved_at").map(ServiceClock.iso)
        status = approvedAt == nil ? "calculated" : "approved"
    }
}

struct YearOnYear: Encodable, Sendable {
    let previousInventoryID: String
    let previousVersion: Int
    let previousStatus: String
    let previousTotalTCO2e: String
    let changeTCO2e: String
    let changePercent: String?

    enum CodingKeys: String, CodingKey {
        case previousInventoryID = "previous_inventory_id", previousVersion = "previous_version"
        case previousStatus = "previous_status", previousTotalTCO2e = "previous_total_tco2e"
        case changeTCO2e = "change_tco2e", changePercent = "change_percent"
    }

    static let schema = JSONSchema.object(
        ["previous_inventory_id": .uuid, "previous_version": .integer(), "previous_status": .string(),
         "previous_total_tco2e": .decimal, "change_tco2e": .decimal, "change_percent": .nullable(.decimal)],
        required: ["previous_inventory_id", "previous_version", "previous_status", "previous_total_tco2e", "change_tco2e"])

    init(previous: InventoryVersionSummary, current: Decimal) {
        previousInventoryID = previous.inventoryID
        previousVersion = previous.number
        previousStatus = previous.status
        previousTotalTCO2e = previous.totalTCO2e
        changeTCO2e = DecimalText.format(current - previous.total, places: InventoryReport.co2ePlaces)
        changePercent = previous.total == 0 ? nil
            : DecimalText.format((current - previous.total) / previous.total * 100, places: 3)
    }
}

struct InventoryVersionDetail: Encodable, Sendable {
    let summary: InventoryVersionSummary
    /// True when the telemetry or factors now available would calculate a different version.
    let stale: Bool
    let inputs: JSONValue
    let factors: JSONValue
    let result: JSONValue
    let yearOnYear: YearOnYear?

    enum CodingKeys: String, CodingKey { case stale, inputs, factors, result, yearOnYear = "year_on_year" }

    func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stale, forKey: .stale)
        try container.encode(inputs, forKey: .inputs)
        try container.encode(factors, forKey: .factors)
        try container.encode(result, forKey: .result)
        try container.encode(yearOnYear, forKey: .yearOnYear)
    }

    static let schema = JSONSchema.object(
        InventoryVersionSummary.properties.merging(
            ["stale": .boolean, "inputs": .map(.any), "factors": .array(.any), "result": .map(.any),
             "year_on_year": .nullable(YearOnYear.schema)]) { first, _ in first },
        required: InventoryVersionSummary.required + ["stale", "inputs", "factors", "result"])
}

struct CalculationReply: Encodable, Sendable {
    let created: Bool
    let version: InventoryVersionDetail
    static let schema = JSONSchema.object(["created": .boolean, "version": InventoryVersionDetail.schema],
                                          required: ["created", "version"])
}
