import CarbonCore
import Foundation

/// Builds the request's `AccessScope`: the principal from the context and the ABAC policies from
/// the database (read per request, so a policy change applies at once on every replica).
struct ScopeFactory: Sendable {
    let database: any Database
    let clock: ServiceClock

    func scope(for context: AppRequestContext) async throws -> AccessScope {
        let principal = try context.requirePrincipal()
        let policies = try await database.read { try PolicyStore.all(on: $0) }
        return AccessScope(principal: principal, policies: policies, now: clock.now(),
                           sourceAddress: context.sourceAddress)
    }
}
