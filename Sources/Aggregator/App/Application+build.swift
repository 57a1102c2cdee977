import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import NIOCore
import Synchronization

/// Everything the service needs from outside, injected: `serve` passes the configured database,
/// the system clock and the production password hasher; tests pass a temporary database, a clock
/// they move, and a cheaper hasher.
struct AppDependencies: Sendable {
    let database: any Database
    let checkpoints: AuditCheckpointLog
    var clock: ServiceClock = .system
    var passwordHasher: PasswordHasher = .standard
    var sessionLifetimeSeconds: Int64 = 12 * 3600
    var throttle: LoginThrottle.Settings = .standard
    var version: String = AggregatorVersion.current
    var metrics = AggregatorMetrics()
    /// The HTML-to-PDF renderer for reports (`--pdf-renderer`): a command on PATH or a path.
    var pdfRenderer: String = "chromium"
}

enum AggregatorVersion {
    static let current = "0.2.0"
}

/// The router and its route table. Every module adds its routes here, one line each.
func buildRouter(_ dependencies: AppDependencies) throws -> (router: Router<AppRequestContext>, catalogue: RouteCatalogue) {
    let router = Router(context: AppRequestContext.self)
    let auditor = Auditor(database: dependencies.database, clock: dependencies.clock)
    let authenticator = Authenticator(database: dependencies.database, clock: dependencies.clock)
    let routes = RouteRegistry(router: router, authenticator: authenticator, auditor: auditor)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: MetricsMiddleware(metrics: dependencies.metrics))
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: MethodNotAllowedMiddleware(patterns: routes.patterns))

    HealthController(database: dependencies.database, expectedSchemaVersion: Migrator.all.latestVersion)
        .register(in: routes)
    IdentityModule(dependencies: dependencies, auditor: auditor).register(in: routes)
    IngestModule(dependencies: dependencies, auditor: auditor).register(in: routes)
    AlarmModule(dependencies: dependencies, auditor: auditor).register(in: routes)
    ProductsModule(dependencies: dependencies, auditor: auditor).register(in: routes)
    ReportsModule(dependencies: dependencies, auditor: auditor).register(in: routes)
    ImportModule(dependencies: dependencies, auditor: auditor).register(in: routes)
    AccountingModule(dependencies: dependencies, auditor: auditor).register(in: routes)
    RegionalModule(dependencies: dependencies, auditor: auditor).register(in: routes)
    AlarmRuleModule(dependencies: dependencies, auditor: auditor).register(in: routes)

    let document = OpenAPIDocumentBox()
    routes.add(.get, "/openapi.json", access: .publicRoute, tag: "meta", summary: "This OpenAPI document",
               response: .any) { _, _ in document.response() }
    document.set(try OpenAPIDocument.json(for: routes.catalogue, version: dependencies.version))
    return (router, routes.catalogue)
}

func buildApplication(_ dependencies: AppDependencies, host: String, port: Int, metricsHost: String?,
                      metricsPort: Int, logger: Logger) throws -> some ApplicationProtocol
{
    let (router, _) = try buildRouter(dependencies)
    var services: [any Service] = [
        AuditCheckpointService(log: dependencies.checkpoints, database: dependencies.database,
                               clock: dependencies.clock, logger: logger),
        AlarmRuleEvaluationService(evaluator: AlarmRuleEvaluator(database: dependencies.database, logger: logger),
                                   clock: dependencies.clock, logger: logger),
    ]
    if let metricsHost {
        services.append(metricsApplication(dependencies.metrics, host: metricsHost, port: metricsPort, logger: logger))
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(host, port: port), serverName: "carbon-aggregator"),
        services: services,
        logger: logger)
}

/// `GET /metrics` (Prometheus text format) on its own listener, loopback by default.
func metricsApplication(_ metrics: AggregatorMetrics, host: String, port: Int, logger: Logger) -> some Service {
    let router = Router()
    router.get("/metrics") { _, _ -> Response in
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
    }
    return Application(router: router, configuration: .init(address: .hostname(host, port: port)), logger: logger)
}

/// Holds the generated document; set once after every route is registered.
final class OpenAPIDocumentBox: Sendable {
    private let data = Mutex(Data())
    func set(_ value: Data) { data.withLock { $0 = value } }
    func response() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data.withLock { $0 })))
    }
}
