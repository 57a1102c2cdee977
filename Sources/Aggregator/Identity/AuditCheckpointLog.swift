import CarbonCore
import Foundation
import Logging

/// Signed checkpoints of the audit chain, kept OUTSIDE the database (a file in the state
/// directory, one JSON line each) with the HMAC key beside it (mode 0600). Someone who can rewrite
/// the database can recompute every hash of a truncated or edited chain, but cannot forge a
/// checkpoint without the key, so `carbonctl audit verify` detects truncation too.
struct AuditCheckpointLog: Sendable {
    let fileURL: URL
    let key: [UInt8]

    /// Opens the log in `directory`, creating the key on first use.
    init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        fileURL = directory.appendingPathComponent("audit-checkpoints.jsonl")
        key = try Self.loadOrCreateKey(at: directory.appendingPathComponent("audit-checkpoint.key"))
    }

    static func loadOrCreateKey(at url: URL) throws -> [UInt8] {
        if let text = try? String(contentsOf: url, encoding: .utf8),
           let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count >= 32 {
            return Array(data)
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let created = FileManager.default.createFile(
            atPath: url.path, contents: Data((Data(bytes).base64EncodedString() + "\n").utf8),
            attributes: [.posixPermissions: 0o600])
        guard created else { throw APIError.unavailable("cannot write the audit checkpoint key at \(url.path)") }
        return bytes
    }

    /// Appends a signed checkpoint for the chain head when it moved since the last checkpoint.
    /// Returns the checkpoint written, if any.
    @discardableResult
    func checkpoint(_ database: any Database, now: Int64) async throws -> AuditCheckpoint? {
        let head = try await database.read { connection -> (Int64, String)? in
            guard let row = try connection.first("SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1")
            else { return nil }
            return (try row.int64("sequence"), try row.text("hash"))
        }
        guard let (sequence, hash) = head else { return nil }
        if let last = try readAll().last, last.sequence >= sequence { return nil }
        let checkpoint = AuditCheckpoint.signed(sequence: sequence, hash: hash, time: now, key: key)
        let handle = try FileHandle(forWritingTo: try ensureFile())
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((checkpoint.line + "\n").utf8))
        try handle.synchronize()  // a checkpoint the operator relies on must survive power loss
        return checkpoint
    }

    func readAll() throws -> [AuditCheckpoint] {
        guard let text = try? String(contentsOf: fileURL, encoding: .utf8) else { return [] }
        return try AuditCheckpoint.parseLines(text)
    }

    private func ensureFile() throws -> URL {
        if !FileManager.default.fileExists(atPath: fileURL.path) {
            FileManager.default.createFile(atPath: fileURL.path, contents: nil, attributes: [.posixPermissions: 0o640])
        }
        return fileURL
    }
}
