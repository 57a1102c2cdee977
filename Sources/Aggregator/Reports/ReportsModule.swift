/// Wires verification (M7) and the report engine into the route table.
struct ReportsModule {
    let dependencies: AppDependencies
    let auditor: Auditor

    func register(in routes: RouteRegistry) {
        let database = dependencies.database, clock = dependencies.clock
        let scopes = ScopeFactory(database: database, clock: clock)
        VerificationController(service: VerificationService(database: database, auditor: auditor, clock: clock),
                               scopes: scopes).register(in: routes)
        let templates = ReportTemplateService(database: database, auditor: auditor, clock: clock)
        let reports = ReportService(database: database, auditor: auditor, clock: clock,
                                    sources: ReportSourceRegistry.standard(database: database), templates: templates,
                                    pdf: PDFRenderer(command: dependencies.pdfRenderer))
        ReportsController(service: reports, templates: templates, scopes: scopes).register(in: routes)
    }
}
