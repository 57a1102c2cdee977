/// Wires the identity module's services and controllers into the route table.
struct IdentityModule {
    let dependencies: AppDependencies
    let auditor: Auditor

    func register(in routes: RouteRegistry) {
        let database = dependencies.database, clock = dependencies.clock
        let scopes = ScopeFactory(database: database, clock: clock)
        SessionController(
            service: SessionService(database: database, auditor: auditor, clock: clock, hasher: dependencies.passwordHasher,
                                    throttle: LoginThrottle(settings: dependencies.throttle),
                                    sessionLifetimeSeconds: dependencies.sessionLifetimeSeconds),
            scopes: scopes, database: database
        ).register(in: routes)
        OrganisationController(service: OrganisationService(database: database, auditor: auditor, clock: clock),
                               scopes: scopes).register(in: routes)
        UserController(dependencies: dependencies, auditor: auditor, scopes: scopes).register(in: routes)
        MembershipController(service: MembershipService(database: database, auditor: auditor, clock: clock), scopes: scopes).register(in: routes)
        RoleController(service: RoleService(database: database, auditor: auditor, clock: clock), scopes: scopes).register(in: routes)
        PolicyController(service: PolicyService(database: database, auditor: auditor, clock: clock), scopes: scopes).register(in: routes)
        MenuController(service: MenuService(database: database, auditor: auditor, clock: clock), scopes: scopes).register(in: routes)
        AgentController(service: AgentService(database: database, auditor: auditor, clock: clock), scopes: scopes).register(in: routes)
        AuditController(service: AuditService(database: database, auditor: auditor, clock: clock), scopes: scopes).register(in: routes)
    }
}
