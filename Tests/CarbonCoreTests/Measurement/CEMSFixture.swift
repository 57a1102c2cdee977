import Foundation
@testable import CarbonCore

/// Builds CEMS source JSON the way an inventory file carries it, so the tests go through the
/// same decoding as real input.
enum CEMSFixture {
    /// The hour `offset` hours after 2024-01-01T00:00:00Z (or after `base`).
    static func hour(_ offset: Int, base: String = "2024-01-01T00:00:00Z") -> String {
        guard let start = try? UTCHour.parse(base) else { return base }
        return start.advanced(by: offset).description
    }

    static func record(_ hour: String, _ validity: String = "valid", gas: String? = nil,
                       concentration: String? = nil, concentrationUnit: String = "ppm", concentrationBasis: String = "dry",
                       flow: String? = nil, flowUnit: String = "Nm3/h", flowBasis: String = "dry",
                       moisture: String? = nil) -> String {
        var fields = ["\"hour\": \"\(hour)\"", "\"validity\": \"\(validity)\""]
        if let gas { fields.append("\"gas\": \"\(gas)\"") }
        if let concentration {
            fields.append("\"concentration\": {\"value\": \"\(concentration)\", \"unit\": \"\(concentrationUnit)\", "
                              + "\"basis\": \"\(concentrationBasis)\"}")
        }
        if let flow {
            fields.append("\"flow\": {\"value\": \"\(flow)\", \"unit\": \"\(flowUnit)\", \"basis\": \"\(flowBasis)\"}")
        }
        if let moisture { fields.append("\"moisture\": \"\(moisture)\"") }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// A valid hour of `tonnes` t given as 100000 mg/m3 dry × (tonnes × 10000) Nm3/h dry, so
    /// m_h = 100000 × tonnes × 10000 / 10^9 = tonnes exactly.
    static func tonnes(_ hour: String, _ tonnes: String, gas: String? = nil) -> String {
        let flow = DecimalText.plain((try? DecimalText.parse(tonnes)).map { $0 * 10_000 } ?? 0)
        return record(hour, gas: gas, concentration: "100000", concentrationUnit: "mg/m3", flow: flow)
    }

    static func source(gas: String = "CO2", from: String, to: String, hours: [String],
                       compareWith: String? = nil, id: String = "stack-1") -> String {
        var text = "{\"id\": \"\(id)\", \"kind\": \"cems\", \"gas\": \"\(gas)\", "
            + "\"period\": {\"from\": \"\(from)\", \"to\": \"\(to)\"}, "
        if let compareWith { text += "\"compare_with\": \"\(compareWith)\", " }
        return text + "\"hours\": [\n" + hours.joined(separator: ",\n") + "\n]}"
    }

    static func decode(_ json: String) throws(CalculationError) -> MeasurementSource {
        try MeasurementSource.decode(json: Data(json.utf8))
    }

    static func calculate(_ json: String, gwpCH4: String = "27.9",
                          hourly: Bool = false) throws(CalculationError) -> MeasurementResult {
        try MeasurementMethod.calculate(decode(json), gwpCH4: DecimalText.parse(gwpCH4), includeHourly: hourly)
    }

    static func t6(_ value: Decimal?) -> String? { value.map { DecimalText.format($0, places: 6) } }
    static func t3(_ value: Decimal?) -> String? { value.map { DecimalText.format($0, places: 3) } }
}
