import Foundation

/// 100-year global warming potentials by IPCC assessment report. An inventory stores its edition;
/// changing it recalculates every CO2e figure. Under AR6, fossil methane (combustion, fossil
/// fugitive) uses 29.8 and other methane 27.9.
public enum GWPEdition: String, CaseIterable, Codable, Sendable {
    case ar2 = "AR2", ar4 = "AR4", ar5 = "AR5", ar6 = "AR6"

    /// Where the values come from. CH4, N2O and SF6 match shared/data/accounting/gwp_sets.json;
    /// the fluorinated gases are IPCC table values (SAR Table 2.14, AR4 WG1 Table 2.14, AR5 WG1
    /// Table 8.A.1, AR6 WG1 Table 7.SM.7) as recalled, not re-read at the source.
    public var source: String {
        switch self {
        case .ar2: "IPCC Second Assessment Report (1995), 100-year GWP"
        case .ar4: "IPCC Fourth Assessment Report (2007) WG1 Table 2.14, 100-year GWP"
        case .ar5: "IPCC Fifth Assessment Report (2013) WG1 Table 8.A.1, 100-year GWP without climate-carbon feedback"
        case .ar6: "IPCC Sixth Assessment Report (2021) WG1 Table 7.SM.7, 100-year GWP"
        }
    }

    /// Verification status of the table: CH4/N2O/SF6 as in gwp_sets.json; F-gases recalled.
    public func verificationStatus(of gas: Greenhouse) -> String {
        switch gas {
        case .co2: "derived"
        case .ch4, .ch4Fossil, .n2o, .sf6: "recalled"
        default: "recalled"
        }
    }
}

/// A greenhouse gas the inventory can report. `ch4Fossil` only differs from `ch4` under AR6.
public enum Greenhouse: String, CaseIterable, Codable, Sendable {
    case co2 = "CO2", ch4 = "CH4", ch4Fossil = "CH4_fossil", n2o = "N2O", sf6 = "SF6", nf3 = "NF3"
    case hfc23 = "HFC-23", hfc32 = "HFC-32", hfc125 = "HFC-125", hfc134a = "HFC-134a", hfc143a = "HFC-143a"
    case hfc152a = "HFC-152a", hfc227ea = "HFC-227ea", hfc236fa = "HFC-236fa", hfc245fa = "HFC-245fa"
    case cf4 = "CF4", c2f6 = "C2F6", c3f8 = "C3F8", cC4F8 = "c-C4F8"

    /// Accepts the canonical names and common spellings (`ch4`, `HFC134a`, `PFC-14` for CF4).
    public static func parse(_ text: String) throws(CalculationError) -> Greenhouse {
        let key = text.uppercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: " ", with: "")
        let aliases: [String: Greenhouse] = ["PFC14": .cf4, "PFC116": .c2f6, "PFC218": .c3f8, "PFC318": .cC4F8,
                                             "CH4FOSSIL": .ch4Fossil, "FOSSILCH4": .ch4Fossil]
        if let gas = aliases[key] { return gas }
        if let gas = allCases.first(where: {
            $0.rawValue.uppercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "") == key
        }) { return gas }
        throw CalculationError(.unknownGas, "unknown gas '\(text)'; known: \(allCases.map(\.rawValue).joined(separator: ", "))")
    }

    /// The gas as reported (fossil methane is reported as CH4).
    public var reported: Greenhouse { self == .ch4Fossil ? .ch4 : self }
}

public enum GWP {
    /// tCO2e per tonne of gas.
    public static func value(of gas: Greenhouse, in edition: GWPEdition) throws(CalculationError) -> Decimal {
        if gas == .co2 { return 1 }
        let key = gas == .ch4Fossil && edition != .ar6 ? .ch4 : gas
        guard let text = table[edition]?[key] else {
            throw CalculationError(.unknownGas, "\(edition.rawValue) gives no GWP for \(gas.rawValue)")
        }
        return Decimal(string: text)!
    }

    /// Every gas the edition publishes a value for (fossil CH4 only under AR6), CO2 excluded.
    public static func published(in edition: GWPEdition) -> [Greenhouse: Decimal] {
        (table[edition] ?? [:]).mapValues { Decimal(string: $0)! }
    }

    private static let table: [GWPEdition: [Greenhouse: String]] = [
        .ar2: [.ch4: "21", .n2o: "310", .sf6: "23900", .hfc23: "11700", .hfc32: "650", .hfc125: "2800",
               .hfc134a: "1300", .hfc143a: "3800", .hfc152a: "140", .hfc227ea: "2900", .hfc236fa: "6300",
               .cf4: "6500", .c2f6: "9200", .c3f8: "7000", .cC4F8: "8700"],
        .ar4: [.ch4: "25", .n2o: "298", .sf6: "22800", .nf3: "17200", .hfc23: "14800", .hfc32: "675",
               .hfc125: "3500", .hfc134a: "1430", .hfc143a: "4470", .hfc152a: "124", .hfc227ea: "3220",
               .hfc236fa: "9810", .hfc245fa: "1030", .cf4: "7390", .c2f6: "12200", .c3f8: "8830", .cC4F8: "10300"],
        .ar5: [.ch4: "28", .n2o: "265", .sf6: "23500", .nf3: "16100", .hfc23: "12400", .hfc32: "677",
               .hfc125: "3170", .hfc134a: "1300", .hfc143a: "4800", .hfc152a: "138", .hfc227ea: "3350",
               .hfc236fa: "8060", .hfc245fa: "858", .cf4: "6630", .c2f6: "11100", .c3f8: "8900", .cC4F8: "9540"],
        .ar6: [.ch4: "27.9", .ch4Fossil: "29.8", .n2o: "273", .sf6: "25200", .nf3: "17400", .hfc23: "14600",
               .hfc32: "771", .hfc125: "3740", .hfc134a: "1530", .hfc143a: "5810", .hfc152a: "164",
               .hfc227ea: "3600", .hfc236fa: "8690", .hfc245fa: "962", .cf4: "7380", .c2f6: "12400",
               .c3f8: "9290", .cC4F8: "10200"],
    ]

    /// The GWP as a factor use for the trail.
    public static func use(of gas: Greenhouse, in edition: GWPEdition) throws(CalculationError) -> FactorUse {
        FactorUse(parameter: "gwp_\(gas.rawValue)", factorID: "GWP-\(edition.rawValue)-\(gas.rawValue)",
                  value: try value(of: gas, in: edition), unit: "tCO2e/t", source: edition.source,
                  verificationStatus: edition.verificationStatus(of: gas), defaulted: true)
    }
}
