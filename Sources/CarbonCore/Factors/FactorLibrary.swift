import Foundation

/// The emission factor library: the shipped defaults plus any user factor sets layered on top.
/// Lookup follows one rule: filter by what the query names, then take the latest data year not
/// after the requested one; nothing fitting is an error, and more than one fitting is an error
/// that lists the candidates (a silent pick would change reported figures without anyone deciding).
public struct FactorLibrary: FactorResolving, Sendable {
    public private(set) var factors: [EmissionFactor]

    public init(factors: [EmissionFactor]) { self.factors = factors }

    /// Every factor with this id (a user set may have replaced a default one of the same id).
    public func factor(id: String) -> EmissionFactor? { factors.first { $0.factorID == id } }

    /// All factors matching the query's fields, ignoring the year rule (for listings and exports).
    public func matching(_ query: FactorQuery) -> [EmissionFactor] {
        factors.filter { factor in
            func fits(_ wanted: String?, _ actual: String?) -> Bool {
                guard let wanted else { return true }
                return actual?.caseInsensitiveCompare(wanted) == .orderedSame
            }
            return fits(query.factorID, factor.factorID) && fits(query.category, factor.category)
                && fits(query.parameter, factor.parameter) && fits(query.subject, factor.subject)
                && fits(query.gas, factor.gas) && fits(query.region, factor.region) && fits(query.scope, factor.scope)
                && (query.year.map { year in factor.dataYear.map { $0 <= year } ?? true } ?? true)
        }
    }

    public func resolve(_ query: FactorQuery) throws(CalculationError) -> EmissionFactor {
        if let id = query.factorID {
            guard let factor = factor(id: id) else {
                throw CalculationError(.noFactor, "no factor with factor_id '\(id)' in the library")
            }
            return factor
        }
        var candidates = matching(query)
        if query.year != nil, candidates.contains(where: { $0.dataYear != nil }) {
            // Latest data year not after the requested one; undated factors yield to dated ones.
            let latest = candidates.compactMap(\.dataYear).max()
            candidates = candidates.filter { $0.dataYear == latest }
        }
        guard !candidates.isEmpty else {
            throw CalculationError(.noFactor, "no factor in the library fits \(query)")
        }
        guard candidates.count == 1 else {
            let list = candidates.map { "\($0.factorID) (scope \($0.scope), year \($0.dataYear.map(String.init) ?? "-"))" }
            throw CalculationError(
                .ambiguousFactor,
                "\(candidates.count) factors fit \(query): \(list.joined(separator: ", ")); name one with factor_id or narrow the query")
        }
        return candidates[0]
    }

    /// The library with a user set layered on top. A user factor replaces the default with the
    /// same factor_id, or else the default with the same parameter, subject, gas, region, scope and
    /// data year; each replacement is recorded in `overrides`, so results say which default they left.
    public func overlaying(_ userFactors: [EmissionFactor]) -> FactorLibrary {
        var result = factors
        for var user in userFactors {
            let replaced = result.firstIndex { $0.factorID == user.factorID }
                ?? result.firstIndex { $0.factorSet == "default" && $0.sameSlot(as: user) }
            if let replaced {
                user.overrides = result[replaced].factorID
                result[replaced] = user
            } else {
                result.append(user)
            }
        }
        return FactorLibrary(factors: result)
    }
}

extension EmissionFactor {
    func sameSlot(as other: EmissionFactor) -> Bool {
        parameter == other.parameter && subject == other.subject && gas == other.gas && region == other.region
            && scope == other.scope && dataYear == other.dataYear
    }
}
