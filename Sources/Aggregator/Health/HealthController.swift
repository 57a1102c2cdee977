import Hummingbird

/// Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database answers and
/// its schema is the one this build expects), the split Kubernetes and load balancers rely on.
struct HealthController {
    let database: any Database
    let expectedSchemaVersion: Int

    struct Status: Encodable, Sendable {
        let status: String
        let database: String?
        let schemaVersion: Int?
        enum CodingKeys: String, CodingKey {
            case status, database
            case schemaVersion = "schema_version"
        }
    }

    static let statusSchema = JSONSchema.object(
        ["status": .string(values: ["ok", "unavailable"]), "database": .string(), "schema_version": .integer()],
        required: ["status"])

    func register(in routes: RouteRegistry) {
        routes.add(.get, "/healthz", access: .publicRoute, tag: "health", summary: "Liveness",
                   response: Self.statusSchema) { _, _ in
            JSONReply(Status(status: "ok", database: nil, schemaVersion: nil))
        }
        let database = self.database, expected = expectedSchemaVersion
        routes.add(.get, "/readyz", access: .publicRoute, tag: "health", summary: "Readiness",
                   response: Self.statusSchema) { _, _ in
            let reachable = await database.isReachable()
            let version = reachable ? try? await Migrator.all.currentVersion(database) : nil
            let ready = reachable && version == expected
            return JSONReply(
                Status(status: ready ? "ok" : "unavailable", database: database.dialect.rawValue, schemaVersion: version),
                status: ready ? .ok : .serviceUnavailable)
        }
    }
}
