import CarbonCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

@testable import Aggregator

/// A clock tests can move (session expiry, lock-outs).
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_764_064_800))  // 2025-11-25T10:00:00Z
    var now: Date { current.withLock { $0 } }
    func advance(seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var serviceClock: ServiceClock { ServiceClock { [self] in self.now } }
}

/// Which storage a test app runs on. Route suites run on both (`@Test(arguments: TestBackend.enabled)`):
/// SQLite always, PostgreSQL when the test script started a server and passed its URL in
/// `CARBON_TEST_POSTGRES_URL` (otherwise those cases are not generated, so a plain `swift test`
/// needs no server; `scripts/test` always starts one).
enum TestBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    static var enabled: [TestBackend] { PostgresTestEnvironment.url == nil ? [.sqlite] : [.sqlite, .postgres] }
    var testDescription: String { rawValue }
}

/// One aggregator over a fresh SQLite file in a temporary directory (or a fresh PostgreSQL database
/// on the test server), with the first
/// administrator created. Password hashing is cheap here (1,000 rounds instead of 600,000: tests
/// create many users); the production parameters are asserted in `PasswordHasherTests`.
struct TestApp {
    static let adminPassword = "correct horse battery staple"
    let directory: URL
    let database: any Database
    let dependencies: AppDependencies
    let clock: TestClock
    let rootID: String
    let adminID: String
    /// The PostgreSQL database to drop at `close`.
    var postgresDatabase: String? = nil

    static func url(_ base: String, database: String) -> String {
        guard var components = URLComponents(string: base) else { return base }
        components.path = "/" + database
        return components.string ?? base
    }

    static func make(_ backend: TestBackend = .sqlite, throttle: LoginThrottle.Settings = .standard) async throws
        -> TestApp
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aggregator-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database: any Database
        var postgresDatabase: String?
        switch backend {
        case .sqlite:
            database = try SQLiteDatabase(path: directory.appendingPathComponent("aggregator.sqlite").path)
        case .postgres:
            // A database of its own per test (not a schema): ingest takes database-wide advisory
            // locks and names partitions, which must not meet another test's.
            guard let base = PostgresTestEnvironment.url else { try Test.cancel("CARBON_TEST_POSTGRES_URL is not set") }
            let name = "t_" + UUID().uuidString.lowercased().filter { $0 != "-" }
            try PostgresConnection(url: base).execute("CREATE DATABASE \(name)", [])
            database = try PostgresDatabase(url: Self.url(base, database: name), poolSize: 4)
            postgresDatabase = name
        }
        let clock = TestClock()
        try await Migrator.all.migrate(database, now: clock.serviceClock.micros)
        let hasher = PasswordHasher.testingOnly(iterations: 1_000)
        let result = try await Bootstrap.createFirstAdministrator(
            database, username: "admin", displayName: "Administrator", password: adminPassword,
            organisationName: "Platform", timeZone: "Asia/Shanghai", hasher: hasher, now: clock.serviceClock.micros)
        var dependencies = AppDependencies(
            database: database, checkpoints: try AuditCheckpointLog(directory: directory), clock: clock.serviceClock)
        dependencies.passwordHasher = hasher
        dependencies.throttle = throttle
        return TestApp(directory: directory, database: database, dependencies: dependencies, clock: clock,
                       rootID: result.organisationID, adminID: result.userID, postgresDatabase: postgresDatabase)
    }

    func application() throws -> some ApplicationProtocol {
        let (router, _) = try buildRouter(dependencies)
        return Application(router: router, logger: Logger(label: "test"))
    }

    func catalogue() throws -> RouteCatalogue { try buildRouter(dependencies).catalogue }

    /// Rows of `table` matching `condition`: "nothing was written" checks compare it before and after.
    func count(_ table: String, where condition: String = "1 = 1") async throws -> Int64 {
        try await database.read { try $0.first("SELECT count(*) AS n FROM \(table) WHERE \(condition)")?.int64("n") ?? 0 }
    }

    func close() async {
        await database.close()
        try? FileManager.default.removeItem(at: directory)
        if let postgresDatabase, let base = PostgresTestEnvironment.url {
            _ = try? PostgresConnection(url: base).execute("DROP DATABASE IF EXISTS \(postgresDatabase) WITH (FORCE)", [])
        }
    }
}

/// JSON helpers for route tests.
extension TestClientProtocol {
    @discardableResult
    func json(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: Any? = nil,
              headers extra: HTTPFields = [:]) async throws -> (status: HTTPResponse.Status, body: Any, raw: String) {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body, options: [.fragmentsAllowed]))
        }
        return try await execute(uri: uri, method: method, headers: headers, body: buffer) { response in
            let raw = String(buffer: response.body)
            let parsed = raw.isEmpty ? NSNull() : (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) ?? NSNull()
            return (response.status, parsed, raw)
        }
    }

    func login(_ username: String, _ password: String) async throws -> String {
        let reply = try await json(.post, "/api/v1/auth/login", body: ["username": username, "password": password])
        #expect(reply.status == .ok, "login of \(username): \(reply.raw)")
        return (reply.body as? [String: Any])?["token"] as? String ?? ""
    }
}

/// `value["a"]["b"]` for parsed JSON in tests.
func field(_ value: Any, _ path: String...) -> Any? {
    var current: Any? = value
    for key in path {
        if let index = Int(key), let array = current as? [Any] {
            current = index < array.count ? array[index] : nil
        } else {
            current = (current as? [String: Any])?[key]
        }
    }
    return current
}
