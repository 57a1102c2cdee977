import CarbonCore
import Foundation
import PropertyBased
import Testing

/// For random trees and values: every parent equals the exact sum of its children (territorial,
/// net import, credited consumption, GDP), and a clamped consumption view never falls below the
/// territorial one.
@Suite struct RegionalRollUpPropertyTests {
    /// Node k > 0 hangs under node `shape[k] % k`, so every shape is a tree rooted at node 0.
    /// Leaves report a total with 3 decimals, a signed net import and a GDP.
    static func model(shape: [Int], values: [Int], grid: Int, policy: RegionalModel.NetExportPolicy) -> RegionalModel {
        let count = shape.count
        let parents = (0..<count).map { $0 == 0 ? nil : shape[$0] % $0 }
        let hasChildren = Set(parents.compactMap { $0 })
        let nodes = (0..<count).map { index -> RegionalModel.Node in
            var years: [Int: RegionalModel.YearData] = [:]
            if !hasChildren.contains(index) {
                for year in [2022, 2023] {
                    let seed = values[(index * 2 + year) % values.count]
                    years[year] = RegionalModel.YearData(
                        reportedTotal: .init(
                            directEmissions: Quantity(Decimal(seed) / 1000, .tonneCO2),
                            netImportedElectricity: Quantity(
                                Decimal(seed % 2_000_001 - 1_000_000) / 1000, .megawattHour)),
                        gdp: Quantity(Decimal(seed % 9_999 + 1), RegionalModel.defaultGDPUnit))
                }
            }
            return RegionalModel.Node(id: "n\(index)", parent: parents[index].map { "n\($0)" }, years: years)
        }
        return RegionalModel(
            electricity: .init(
                gridFactor: .quantity(Quantity(Decimal(grid) / 10_000, Unit.tonneCO2 / .megawattHour)),
                netExportPolicy: policy),
            nodes: nodes)
    }

    @Test func parentEqualsTheSumOfItsChildren() async {
        await propertyCheck(
            count: 200, input: Gen.int(in: 0...1_000).array(of: 1...14),
            Gen.int(in: 0...2_000_000_000).array(of: 1...20), Gen.int(in: 0...12_000)
        ) { shape, values, grid in
            let credited = try RegionalAccounting.calculate(
                Self.model(shape: shape, values: values, grid: grid, policy: .credit), factors: nil)
            for node in credited.nodes where !node.children.isEmpty {
                let children = node.children.compactMap { credited.node($0) }
                #expect(children.count == node.children.count)
                for year in node.years {
                    let parts = children.compactMap { $0.year(year.year) }
                    #expect(parts.count == children.count)
                    #expect(year.method == .sumOfChildren)
                    #expect(year.territorial == parts.map(\.territorial).reduce(0, +))
                    #expect(year.netImportedElectricity == parts.map(\.netImportedElectricity).reduce(0, +))
                    #expect(year.consumption == parts.map(\.consumption).reduce(0, +))
                    #expect(year.gdp == parts.compactMap(\.gdp).reduce(0, +))
                    // Displayed values agree too, because rounding happens only at the end.
                    let displayed = DecimalText.format(parts.map(\.territorial).reduce(0, +), places: 3)
                    #expect(DecimalText.format(year.territorial, places: 3) == displayed)
                }
            }
            let clamped = try RegionalAccounting.calculate(
                Self.model(shape: shape, values: values, grid: grid, policy: .clampToZero), factors: nil)
            for node in clamped.nodes {
                for year in node.years {
                    #expect(year.consumption >= year.territorial)
                    #expect(year.territorial == credited.node(node.id)?.year(year.year)?.territorial)
                }
            }
        }
    }
}
