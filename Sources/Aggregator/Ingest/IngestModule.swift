/// Wires ingest (agents in) and readings (people out) into the route table.
struct IngestModule {
    let dependencies: AppDependencies
    let auditor: Auditor

    func register(in routes: RouteRegistry) {
        let database = dependencies.database, clock = dependencies.clock
        let scopes = ScopeFactory(database: database, clock: clock)
        IngestController(service: IngestService(database: database, auditor: auditor, clock: clock))
            .register(in: routes)
        ReadingsController(service: ReadingsService(database: database), scopes: scopes, auditor: auditor, clock: clock)
            .register(in: routes)
    }
}
