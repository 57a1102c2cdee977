import Foundation

/// A stack measured by a continuous emission monitoring system (CEMS): the input of the
/// measurement-based method (requirements M1/M5). It is the same JSON object that appears in an
/// inventory's `sources` array with `kind: "cems"` (see `docs/cems-schema.md`):
///
/// ```json
/// {
///   "id": "boiler-1-stack",
///   "kind": "cems",
///   "name": "Boiler 1 stack",
///   "gas": "CO2",
///   "period": { "from": "2024-01-01T00:00:00Z", "to": "2024-01-31T23:00:00Z" },
///   "compare_with": "boiler-1-gas",
///   "hours": [
///     { "hour": "2024-01-01T00:00:00Z", "validity": "valid",
///       "concentration": { "value": "98500", "unit": "ppm", "basis": "wet" },
///       "flow": { "value": "152000", "unit": "Nm3/h", "basis": "wet" },
///       "moisture": "11.5%" },
///     { "hour": "2024-01-01T01:00:00Z", "validity": "invalid" }
///   ]
/// }
/// ```
///
/// - `period.from` and `period.to` are the starts of the first and the last hour, both included
///   (a 31-day month is `…-01T00:00:00Z` to `…-31T23:00:00Z`, 744 hours). Hours of the period
///   absent from `hours` count as `missing`.
/// - `hour` is the start of the hour in UTC (`Z` or `+00:00`, minutes and seconds `00`).
/// - `gas` on the source is the default; an hour record may name its own `gas` (`CO2` or `CH4`)
///   when one analyser reports both, each gas then has its own series over the whole period.
/// - `concentration.unit`: `ppm` (by volume) or `mg/m3` (= `mg/Nm3`, at 0 °C and 101.325 kPa).
/// - `flow.unit`: `Nm3/h` (any gas volume at standard conditions per time is converted exactly;
///   `m3/h`, a geometric volume, is refused).
/// - `basis`: `dry` or `wet`; `moisture` (`"12%"` or `"0.12"`, water volume fraction of the flue gas)
///   is required when either the concentration or the flow is on a wet basis.
/// - `validity`: `valid`, `invalid` or `missing`; only `valid` hours need concentration and flow.
/// - `compare_with`: the id of a calculated source of the same inventory, for `MeasurementComparison`.
///
/// Numbers are JSON strings. Decode with `JSONDecoder`'s default key strategy (the keys are
/// spelled out here); errors thrown while decoding are `CalculationError`s with the field path.
public struct MeasurementSource: Codable, Sendable, Hashable {
    /// The gases a CEMS analyser reports here, with the molar mass used for ppm → mg/m3.
    public enum Gas: String, Codable, Sendable, Hashable, CaseIterable {
        case co2 = "CO2", ch4 = "CH4"

        /// g/mol from IUPAC conventional atomic weights (C 12.0107, O 15.9994, H 1.00794).
        public var molarMass: Decimal {
            switch self {
            case .co2: Decimal(string: "44.0095")!
            case .ch4: Decimal(string: "16.0425")!
            }
        }

        public init(from decoder: any Decoder) throws {
            self = try MeasurementDecoding.choice(decoder, "gas", { text in
                Gas.allCases.first { $0.rawValue.caseInsensitiveCompare(text) == .orderedSame }
            }, accepted: Gas.allCases.map(\.rawValue), code: .unknownGas)
        }
    }

    public enum Basis: String, Codable, Sendable, Hashable, CaseIterable {
        case dry, wet

        public init(from decoder: any Decoder) throws {
            self = try MeasurementDecoding.choice(decoder, "basis", { Basis(rawValue: $0.lowercased()) },
                                                  accepted: Basis.allCases.map(\.rawValue))
        }
    }

    public enum Validity: String, Codable, Sendable, Hashable, CaseIterable {
        case valid, invalid, missing

        public init(from decoder: any Decoder) throws {
            self = try MeasurementDecoding.choice(decoder, "validity", { Validity(rawValue: $0.lowercased()) },
                                                  accepted: Validity.allCases.map(\.rawValue))
        }
    }

    /// First and last hour start, both included.
    public struct Period: Codable, Sendable, Hashable {
        public var from: String
        public var to: String

        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }

        enum CodingKeys: String, CodingKey { case from, to }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            from = try MeasurementDecoding.text(container, .from)
            to = try MeasurementDecoding.text(container, .to)
        }
    }

    /// A measured value with its unit and moisture basis.
    public struct Reading: Codable, Sendable, Hashable {
        public var value: String
        public var unit: String
        public var basis: Basis

        public init(value: String, unit: String, basis: Basis) {
            self.value = value
            self.unit = unit
            self.basis = basis
        }

        enum CodingKeys: String, CodingKey { case value, unit, basis }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            value = try MeasurementDecoding.text(container, .value)
            unit = try MeasurementDecoding.text(container, .unit)
            basis = try MeasurementDecoding.required(Basis.self, container, .basis)
        }
    }

    /// One hourly record of the data acquisition system.
    public struct HourRecord: Codable, Sendable, Hashable {
        public var hour: String
        /// The gas of this record when it differs from the source's.
        public var gas: Gas?
        public var concentration: Reading?
        public var flow: Reading?
        /// Water vapour volume fraction of the flue gas: `"12%"` or `"0.12"`.
        public var moisture: String?
        public var validity: Validity

        public init(hour: String, gas: Gas? = nil, concentration: Reading? = nil, flow: Reading? = nil,
                    moisture: String? = nil, validity: Validity = .valid) {
            self.hour = hour
            self.gas = gas
            self.concentration = concentration
            self.flow = flow
            self.moisture = moisture
            self.validity = validity
        }

        enum CodingKeys: String, CodingKey { case hour, gas, concentration, flow, moisture, validity }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            hour = try MeasurementDecoding.text(container, .hour)
            gas = try MeasurementDecoding.optional(Gas.self, container, .gas)
            concentration = try MeasurementDecoding.optional(Reading.self, container, .concentration)
            flow = try MeasurementDecoding.optional(Reading.self, container, .flow)
            moisture = try MeasurementDecoding.optionalText(container, .moisture)
            validity = try MeasurementDecoding.required(Validity.self, container, .validity)
        }
    }

    public var id: String
    /// Always `cems`; kept so the object round-trips into an inventory's `sources` array.
    public var kind: String
    public var name: String?
    public var gas: Gas
    public var period: Period
    public var hours: [HourRecord]
    /// Id of the calculated source this stack's result is to be compared with.
    public var compareWith: String?

    public static let cemsKind = "cems"

    public init(id: String, name: String? = nil, gas: Gas, period: Period, hours: [HourRecord],
                compareWith: String? = nil) {
        self.id = id
        self.kind = MeasurementSource.cemsKind
        self.name = name
        self.gas = gas
        self.period = period
        self.hours = hours
        self.compareWith = compareWith
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, name, gas, period, hours
        case compareWith = "compare_with"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try MeasurementDecoding.text(container, .id)
        kind = try MeasurementDecoding.optionalText(container, .kind) ?? MeasurementSource.cemsKind
        guard kind == MeasurementSource.cemsKind else {
            throw CalculationError(.invalidInput, "kind '\(kind)' is not a CEMS source (expected \"cems\")",
                                   field: MeasurementDecoding.path(container, .kind))
        }
        name = try MeasurementDecoding.optionalText(container, .name)
        gas = try MeasurementDecoding.required(Gas.self, container, .gas)
        period = try MeasurementDecoding.required(Period.self, container, .period)
        hours = try MeasurementDecoding.optional([HourRecord].self, container, .hours) ?? []
        compareWith = try MeasurementDecoding.optionalText(container, .compareWith)
    }

    /// Decodes one source object from JSON text; every failure is a `CalculationError` with the
    /// field path (`hours[3].flow.value`).
    public static func decode(json: Data) throws(CalculationError) -> MeasurementSource {
        do {
            return try JSONDecoder().decode(MeasurementSource.self, from: json)
        } catch {
            throw MeasurementDecoding.calculationError(error)
        }
    }
}
