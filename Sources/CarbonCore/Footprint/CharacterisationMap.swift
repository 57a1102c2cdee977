import Foundation

/// GWP-100 values by IPCC assessment report, with the gases an input adds or overrides. CO2 and
/// CO2e are 1 by definition and cannot be overridden; everything else is looked up by name,
/// ignoring case (`ch4` = `CH4`).
public struct CharacterisationMap: Hashable, Sendable {
    /// The IPCC edition; its values are the one GWP table of the package (Accounting/GWP.swift).
    public typealias Edition = GWPEdition

    /// What a gas was characterised with, and why, for the trail.
    public struct Lookup: Hashable, Sendable {
        public var gas: String
        public var gwp: Decimal
        public var source: String
        public var note: String?
    }

    public let edition: Edition
    /// Gas → GWP-100 after overrides.
    public private(set) var values: [String: Decimal]
    /// Gases whose value came from the input rather than the edition.
    public private(set) var overridden: Set<String> = []

    public init(edition: Edition, overrides: [String: Decimal] = [:]) throws(CalculationError) {
        self.edition = edition
        values = Dictionary(uniqueKeysWithValues: GWP.published(in: edition).map { ($0.key.rawValue, $0.value) })
        for (gas, value) in overrides.sorted(by: { $0.key < $1.key }) {
            let name = gas.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw CalculationError(.invalidInput, "a gas name is empty", field: "values") }
            guard !CharacterisationMap.unitGases.contains(name.uppercased()) else {
                throw CalculationError(.invalidInput, "the GWP of \(name) is 1 by definition", field: "values.\(gas)")
            }
            guard value >= 0 else {
                throw CalculationError(.negativeQuantity, "a GWP cannot be negative", field: "values.\(gas)")
            }
            let key = values.keys.first { $0.lowercased() == name.lowercased() } ?? name
            values[key] = value
            overridden.insert(key)
        }
    }

    /// Reads the model's `gwp` setting (AR6 when absent), with its field paths.
    public init(setting: FootprintModel.GWPSetting?) throws(CalculationError) {
        let editionText = setting?.edition ?? Edition.ar6.rawValue
        guard let edition = Edition(rawValue: editionText.uppercased()) else {
            throw CalculationError(
                .invalidInput,
                "unknown GWP edition '\(editionText)'; accepted: \(Edition.allCases.map(\.rawValue).joined(separator: ", "))",
                field: "gwp.edition")
        }
        var overrides: [String: Decimal] = [:]
        for (gas, text) in setting?.values ?? [:] {
            do { overrides[gas] = try DecimalText.parse(text) } catch { throw error.at("gwp.values.\(gas)") }
        }
        do { try self.init(edition: edition, overrides: overrides) } catch { throw error.at("gwp") }
    }

    static let unitGases: Set<String> = ["CO2", "CO2E"]

    /// The GWP of `gas`. Editions before AR6 publish one CH4 value, so `CH4_fossil` falls back
    /// to it (with a note); `CH4_non_fossil` is the edition's plain CH4 value.
    public func lookup(_ gas: String) throws(CalculationError) -> Lookup {
        let name = gas.trimmingCharacters(in: .whitespaces)
        if CharacterisationMap.unitGases.contains(name.uppercased()) {
            return Lookup(gas: name.uppercased() == "CO2" ? "CO2" : "CO2e", gwp: 1, source: "definition")
        }
        if let found = find(name) { return found }
        switch name.lowercased() {
        case "ch4_fossil":
            if var plain = find("CH4") {
                plain.gas = "CH4_fossil"
                plain.note = "\(edition.rawValue) has no separate fossil CH4 value: CH4 \(DecimalText.plain(plain.gwp)) used"
                return plain
            }
        case "ch4_non_fossil", "ch4_biogenic":
            if var plain = find("CH4") {
                plain.gas = "CH4_non_fossil"
                return plain
            }
        default: break
        }
        throw CalculationError(
            .unknownGas,
            "no GWP for '\(gas)' in \(edition.rawValue); known: \(values.keys.sorted().joined(separator: ", ")), "
                + "CO2, CO2e (add others under gwp.values)")
    }

    private func find(_ name: String) -> Lookup? {
        guard let key = values.keys.first(where: { $0.lowercased() == name.lowercased() }), let value = values[key]
        else { return nil }
        let source = overridden.contains(key) ? "input" : "IPCC \(edition.rawValue) GWP-100"
        return Lookup(gas: key, gwp: value, source: source)
    }
}
