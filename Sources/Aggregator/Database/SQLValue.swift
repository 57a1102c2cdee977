/// A value crossing the database boundary. Only four storage classes, because both backends
/// represent everything this service stores with them: ids and decimals as text (exact), times as
/// integer microseconds since the epoch (UTC), flags as integers, digests as blobs.
enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])

    init(_ text: String?) { self = text.map(SQLValue.text) ?? .null }
    init(_ integer: Int64?) { self = integer.map(SQLValue.integer) ?? .null }
    init(_ integer: Int?) { self = integer.map { .integer(Int64($0)) } ?? .null }
    init(_ flag: Bool) { self = .integer(flag ? 1 : 0) }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    init(stringLiteral value: String) { self = .text(value) }
    init(integerLiteral value: Int64) { self = .integer(value) }
    init(nilLiteral: ()) { self = .null }
}

/// One result row; columns are looked up by name so a query can change its column order safely.
struct SQLRow: Sendable {
    let columns: [String]
    let values: [SQLValue]

    subscript(_ name: String) -> SQLValue {
        guard let index = columns.firstIndex(of: name) else { return .null }
        return values[index]
    }

    func text(_ name: String) throws(DatabaseError) -> String {
        switch self[name] {
        case .text(let value): return value
        case .integer(let value): return String(value)
        default: throw DatabaseError(.decoding, "column '\(name)' is not text")
        }
    }

    func optionalText(_ name: String) throws(DatabaseError) -> String? {
        if case .null = self[name] { return nil }
        return try text(name)
    }

    func int64(_ name: String) throws(DatabaseError) -> Int64 {
        switch self[name] {
        case .integer(let value): return value
        case .text(let value):
            guard let parsed = Int64(value) else { throw DatabaseError(.decoding, "column '\(name)' is not an integer") }
            return parsed
        default: throw DatabaseError(.decoding, "column '\(name)' is not an integer")
        }
    }

    func optionalInt64(_ name: String) throws(DatabaseError) -> Int64? {
        if case .null = self[name] { return nil }
        return try int64(name)
    }

    func bool(_ name: String) throws(DatabaseError) -> Bool { try int64(name) != 0 }

    func blob(_ name: String) throws(DatabaseError) -> [UInt8] {
        switch self[name] {
        case .blob(let bytes): return bytes
        case .text(let text): return Array(text.utf8)
        default: throw DatabaseError(.decoding, "column '\(name)' is not a blob")
        }
    }
}
