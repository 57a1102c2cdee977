import CarbonCore
import Crypto
import Foundation

/// One calculation of a resolved inventory by CarbonCore, and what a version stores of it: the
/// report with formula trails, the factors used, the breakdowns (scope, source, gas, site,
/// structure) and the hash of inputs and factors that decides whether a recalculation is new.
struct InventoryRun: Sendable {
    let input: JSONValue
    let factors: [FactorUse]
    let total: Decimal
    let hash: String
    let result: InventoryResult
    let report: InventoryReport

    static func calculate(_ document: JSONValue, library: FactorLibrary) throws -> InventoryRun {
        let input = try InventoryDocument.decode(document)
        let result: InventoryResult
        do { result = try InventoryCalculator(library: library).calculate(input) } catch {
            throw InventoryDocument.apiError(error)
        }
        let report = InventoryReport(result)
        var seen = Set<FactorUse>(), factors: [FactorUse] = []
        for source in report.sources {
            for use in source.factors where seen.insert(use).inserted { factors.append(use) }
        }
        var digest = Crypto.SHA256()
        digest.update(data: try document.canonical())
        digest.update(data: try JSONValue.from(factors).canonical())
        let hash = digest.finalize().map { String(format: "%02x", $0) }.joined()
        return InventoryRun(input: document, factors: factors, total: result.total, hash: hash, result: result,
                            report: report)
    }

    /// GB/T 32150 kinds grouped as GHG Protocol scopes: direct emissions (scope 1) and energy
    /// bought or sold (scope 2); deductions count negative in their scope.
    static func scope(of kind: SourceResult.Kind) -> String {
        switch kind {
        case .purchasedElectricity, .exportedElectricity, .purchasedHeat, .exportedHeat: "scope_2"
        default: "scope_1"
        }
    }

    /// The breakdowns a result page shows, rounded once from unrounded figures.
    func breakdown(sites: [String: [(site: String, weight: Decimal)]], organisationID: String) -> JSONValue {
        func co2e(_ value: Decimal) -> JSONValue { .string(DecimalText.format(value, places: InventoryReport.co2ePlaces)) }
        var scopes: [String: Decimal] = [:], bySite: [String: Decimal] = [:], bySource: [String: JSONValue] = [:]
        for source in result.sources {
            let contribution = source.contribution
            scopes[Self.scope(of: source.kind), default: 0] += contribution
            bySource[source.id] = co2e(contribution)
            let owners = sites[source.id] ?? [(organisationID, 1)]
            let weight = owners.reduce(Decimal(0)) { $0 + $1.weight }
            for owner in owners {
                // Several meters of one source at different sites share it by their quantities.
                let share = weight == 0 ? Decimal(1) / Decimal(owners.count) : owner.weight / weight
                bySite[owner.site, default: 0] += contribution * share
            }
        }
        var structure: [String: JSONValue] = [:]
        if result.total != 0 {
            for (kind, value) in result.byKind {
                structure[kind.rawValue] = .string(DecimalText.format(value / result.total * 100, places: 3))
            }
        }
        return .object([
            "total_tco2e": co2e(result.total),
            "by_scope": .object(scopes.mapValues(co2e)),
            "by_source": .object(bySource),
            "by_kind": .object(Dictionary(uniqueKeysWithValues: result.byKind.map { ($0.0.rawValue, co2e($0.1)) })),
            "by_gas": .object(Dictionary(uniqueKeysWithValues: result.byGas.map {
                ($0.0.rawValue, .string(DecimalText.format($0.1, places: InventoryReport.gasPlaces)))
            })),
            "by_site": .object(bySite.mapValues(co2e)),
            "structure_percent": .object(structure),
        ])
    }
}
