import Foundation

/// The regional inventory: for every node and year, the territorial and the consumption view,
/// each labelled, with a formula trail; per node, the trend of each view. Values are exact
/// decimals; rounding happens only when the result is encoded (RegionalResult+Encoding.swift).
public struct RegionalResult: Sendable {
    public var name: String?
    /// nil when the model has no electricity settings (then consumption equals territorial).
    public var netExportPolicy: RegionalModel.NetExportPolicy?
    public var territorialView: String
    public var consumptionView: String
    public var gdpUnit: Unit
    /// Parents before children, in input order.
    public var nodes: [Node]

    public func node(_ id: String) -> Node? { nodes.first { $0.id == id } }

    public struct Node: Sendable {
        public var id: String
        public var name: String?
        public var level: String?
        public var parent: String?
        public var children: [String]
        public var depth: Int
        /// Years with emission data, ascending.
        public var years: [Year]
        public var territorialTrend: Trend?
        public var consumptionTrend: Trend?

        public func year(_ year: Int) -> Year? { years.first { $0.year == year } }
    }

    /// How a node-year's figures were obtained.
    public enum Method: String, Sendable {
        case enterpriseReports = "enterprise_reports"
        case energyStatistics = "energy_statistics"
        case reportedTotal = "reported_total"
        case sumOfChildren = "sum_of_children"
    }

    /// Where direct emissions come from, for the structure breakdown.
    public enum DirectSource: String, CaseIterable, Sendable {
        case coal, oil, gas
        case enterpriseScope1 = "enterprise_scope1"
        case reportedTotal = "reported_total"
    }

    public struct Year: Sendable {
        public var year: Int
        public var method: Method
        /// The labels of the two views, repeated per year so a stored year record still says
        /// which view each total uses.
        public var territorialView: String
        public var consumptionView: String
        /// Territorial view: direct emissions inside the boundary, tCO2.
        public var territorial: Decimal
        /// Consumption minus local generation, MWh; negative for a net exporter.
        public var netImportedElectricity: Decimal
        /// Net import × grid factor, after the net-export policy, tCO2.
        public var electricityAdjustment: Decimal
        /// Consumption view: territorial + electricity adjustment, tCO2.
        public var consumption: Decimal
        public var directBySource: [DirectSource: Decimal]
        /// Standard coal of the energy statistics in this node's subtree, by fuel group.
        public var tceByGroup: [RegionalModel.FuelGroup: Decimal]
        /// GDP in the model's GDP unit.
        public var gdp: Decimal?
        /// `reported` or `sum_of_children`.
        public var gdpSource: String?
        public var territorialIntensity: Decimal?
        public var consumptionIntensity: Decimal?
        /// Present when enterprise reports are in the subtree: a diagnostic, never the inventory.
        public var enterpriseDiagnostic: EnterpriseDiagnostic?
        public var trail: FormulaTrail
    }

    /// What summing enterprise totals would give, and how much of it is counted twice. REG-01:
    /// a local power plant's scope 1 already holds the emissions of the electricity the other
    /// reporters buy from it, so their scope 2 adds those emissions a second time.
    public struct EnterpriseDiagnostic: Sendable {
        public static let label =
            "diagnostic only, NOT a regional inventory: the sum of enterprise totals (scope 1 + purchased electricity × grid factor) counts locally generated electricity twice"
        public var label: String = EnterpriseDiagnostic.label
        /// Per enterprise, only at the node that holds the reports.
        public var enterprises: [EnterpriseTotal]
        public var scope1: Decimal
        public var purchasedElectricity: Decimal
        public var localGeneration: Decimal
        public var naiveSum: Decimal
        /// min(purchased, local generation) × grid factor: the reporters' indirect emissions that
        /// are already inside a reporter's direct emissions.
        public var doubleCounted: Decimal
    }

    public struct EnterpriseTotal: Sendable {
        public var name: String
        public var scope1: Decimal
        public var indirect: Decimal
        public var total: Decimal
    }

    /// Year-on-year change, peak and change from the peak to the last year, for one view.
    public struct Trend: Sendable {
        public struct Change: Sendable {
            public var year: Int
            public var percent: Decimal
        }
        public var view: String
        /// Only for years whose previous year has data and a non-zero value.
        public var yearOnYear: [Change]
        /// The first year reaching the maximum.
        public var peakYear: Int
        public var peakValue: Decimal
        public var lastYear: Int
        public var lastValue: Decimal
        /// (last − peak) / peak × 100; negative is a decline; nil when the peak is zero.
        public var changeFromPeakPercent: Decimal?
        public var trail: FormulaTrail
    }
}
