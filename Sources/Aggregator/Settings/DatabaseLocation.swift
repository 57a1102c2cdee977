import Foundation

/// Where the data lives: a SQLite file (the default, under the state directory) or a PostgreSQL
/// URL. Parsed once at start-up so a typo fails there, not at the first request.
enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    init(_ text: String) throws {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else if text.contains("://") {
            throw ValidationFailure("--database: expected a file path, sqlite:PATH or postgres://…, got a URL of another kind")
        } else {
            self = .sqlite(path: text)
        }
    }

    func open() throws -> any Database {
        switch self {
        case .sqlite(let path):
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            return try SQLiteDatabase(path: path)
        case .postgres(let url):
            return try PostgresDatabase(url: url)
        }
    }

    /// For logs: never the password.
    var redacted: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "postgres://…" }
            if components.password != nil { components.password = "***" }
            return components.string ?? "postgres://…"
        }
    }
}

/// A start-up configuration error: one readable line, exit status 2.
struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
