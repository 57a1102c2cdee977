import CarbonCore
import ArgumentParser
import CLibPQ
import CSQLite
import Foundation
import Hummingbird
import Logging

@main
struct AggregatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregator",
        abstract: "The central REST service of the carbon platform.",
        subcommands: [Serve.self, Migrate.self, BootstrapAdmin.self, Backup.self, Restore.self, Permissions.self, Version.self],
        defaultSubcommand: Serve.self)
}

/// Options every subcommand that touches storage shares.
struct StorageOptions: ParsableArguments {
    @Option(help: "A SQLite file path (default: STATE_DIR/aggregator.sqlite) or postgres://user@host:port/db")
    var database: String?

    @Option(name: .customLong("state-dir"), help: "Directory for the SQLite file and the audit checkpoints")
    var stateDirectory: String = ProcessInfo.processInfo.environment["STATE_DIRECTORY"] ?? "state/aggregator"

    var location: DatabaseLocation {
        get throws { try DatabaseLocation(database ?? (stateDirectory + "/aggregator.sqlite")) }
    }

    /// Opens the database and brings its schema up to date (idempotent; safe with replicas).
    func openMigrated() async throws -> any Database {
        let database = try location.open()
        let now = ServiceClock.system.micros
        try await Migrator.all.migrate(database, now: now)
        try await Bootstrap.seed(database, now: now)
        return database
    }
}

extension AggregatorCommand {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the HTTP service.")
        @OptionGroup var storage: StorageOptions
        @Option(help: "Address to listen on (host:port)") var listen: String = "127.0.0.1:8080"
        @Option(name: .customLong("log-level")) var logLevel: String = "info"
        @Option(name: .customLong("metrics-listen"), help: "Prometheus /metrics listener (host:port), or 'off'")
        var metricsListen: String = "127.0.0.1:9466"
        @Option(name: .customLong("pdf-renderer"), help: "Headless Chromium for report PDFs: a command on PATH or a path")
        var pdfRenderer: String = "chromium"

        func run() async throws {
            var logger = Logger(label: "aggregator")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            let parts = listen.split(separator: ":")
            guard parts.count == 2, let port = Int(parts[1]), (0...65535).contains(port) else {
                throw ValidationError("--listen: expected host:port, got '\(listen)'")
            }
            let database = try await storage.openMigrated()
            var dependencies = AppDependencies(
                database: database,
                checkpoints: try AuditCheckpointLog(directory: URL(fileURLWithPath: storage.stateDirectory)))
            dependencies.pdfRenderer = pdfRenderer
            let redacted = try storage.location.redacted
            logger.info("aggregator starting", metadata: [LogKey.listen: .string(listen), LogKey.database: .string(redacted)])
            var metricsHost: String?, metricsPort = 0
            if metricsListen != "off" {
                let metricsParts = metricsListen.split(separator: ":")
                guard metricsParts.count == 2, let value = Int(metricsParts[1]), (0...65535).contains(value) else {
                    throw ValidationError("--metrics-listen: expected host:port or off, got '\(metricsListen)'")
                }
                metricsHost = String(metricsParts[0])
                metricsPort = value
            }
            let app = try buildApplication(dependencies, host: String(parts[0]), port: port, metricsHost: metricsHost,
                                           metricsPort: metricsPort, logger: logger)
            try await app.runService()
            await database.close()
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations and exit.")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let database = try storage.location.open()
            let applied = try await Migrator.all.migrate(database, now: ServiceClock.system.micros)
            print(applied.isEmpty ? "schema is current" : "applied migrations: \(applied.map(String.init).joined(separator: ", "))")
            await database.close()
        }
    }

    struct BootstrapAdmin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bootstrap-admin",
            abstract: "Create the root organisation and the first administrator (once; refused when users exist).")
        @OptionGroup var storage: StorageOptions
        @Option var username: String = "admin"
        @Option(name: .customLong("display-name")) var displayName: String = "Administrator"
        @Option(name: .customLong("organisation")) var organisationName: String = "Platform"
        @Option(name: .customLong("time-zone")) var timeZone: String = "Asia/Shanghai"
        @Option(name: .customLong("password-file"),
                help: "Read the password from this file; without it a random password is generated and printed once")
        var passwordFile: String?

        func run() async throws {
            let password: String
            if let passwordFile {
                guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                    throw ValidationError("--password-file: cannot read '\(passwordFile)'")
                }
                password = text.trimmingCharacters(in: .newlines)
            } else {
                password = String(SecretToken.generate(prefix: "").prefix(24))
            }
            let database = try await storage.openMigrated()
            do {
                let result = try await Bootstrap.createFirstAdministrator(
                    database, username: username, displayName: displayName, password: password,
                    organisationName: organisationName, timeZone: timeZone, hasher: .standard,
                    now: ServiceClock.system.micros)
                print("organisation \(result.organisationID)")
                print("administrator \(username) (\(result.userID))")
                if passwordFile == nil { print("password \(password)") }
            } catch let error as APIError {
                await database.close()
                FileHandle.standardError.write(Data("aggregator: \(error.message)\n".utf8))
                throw ExitCode(2)
            }
            await database.close()
        }
    }

    struct Permissions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every permission, what it allows and which built-in roles hold it (Markdown table).")

        func run() {
            print("| permission | allows | administrator | operator | analyst | auditor |")
            print("| --- | --- | :-: | :-: | :-: | :-: |")
            for entry in PermissionCatalogue.all.sorted(by: { $0.permission < $1.permission }) {
                let marks = BuiltInRole.allCases.map { $0.permissions.contains(entry.permission) ? "✓" : "" }
                print("| `\(entry.permission)` | \(entry.description) | " + marks.joined(separator: " | ") + " |")
            }
        }
    }

    struct Version: ParsableCommand {
        func run() {
            print("aggregator \(AggregatorVersion.current)")
            print("libpq \(PQlibVersion())")
            print("sqlite \(String(cString: sqlite3_libversion()))")
        }
    }
}
