import CarbonCore
import CarbonData
import Foundation

/// The factor library a calculation of one organisation uses: the shipped library with the
/// factors of the organisation and of its ancestors layered on top (nearest last, so a site's own
/// factor wins over its group's). Each organisation factor is a CarbonCore factor record (the
/// columns of the shipped CSV), in the set `org:<organisation id>`.
enum AccountingFactors {
    private static let shippedLibrary: Result<FactorLibrary, any Error> = Result { try FactorSeed.library() }

    static func shipped() throws -> FactorLibrary {
        do { return try shippedLibrary.get() } catch {
            throw APIError.unavailable("the shipped factor library cannot be read: \(error)", retryAfter: 60)
        }
    }

    static func library(for organisation: OrganisationRef, on connection: any SQLConnection) throws -> FactorLibrary {
        var library = try shipped()
        let ids = organisation.path.ids
        var parameters: [SQLValue] = []
        let list = ids.map { id -> String in
            parameters.append(.text(id))
            return "$\(parameters.count)"
        }.joined(separator: ", ")
        let rows = try connection.query(
            "SELECT organisation_id, record FROM organisation_factors WHERE organisation_id IN (\(list)) ORDER BY created_at, id",
            parameters)
        var byOwner: [String: [EmissionFactor]] = [:]
        for row in rows {
            let owner = try row.text("organisation_id")
            guard let record = try? JSONDecoder().decode([String: String].self, from: Data(try row.text("record").utf8)),
                  let factor = try? FactorLibrary.makeFactor(record, factorSet: "org:\(owner)")
            else { continue }
            byOwner[owner, default: []].append(factor)
        }
        for id in ids { if let factors = byOwner[id] { library = library.overlaying(factors) } }
        return library
    }
}
