import Foundation

/// A signed statement "the chain had record `sequence` with hash `hash` at `time`", kept outside
/// the database. Whoever rewrites the database cannot forge one without the key, so a truncated
/// or recomputed chain no longer matches its checkpoints.
public struct AuditCheckpoint: Codable, Hashable, Sendable {
    public var sequence: Int64
    public var hash: String
    public var time: Int64
    /// HMAC-SHA256 (hex) over `sequence|hash|time`.
    public var signature: String

    public init(sequence: Int64, hash: String, time: Int64, signature: String) {
        self.sequence = sequence
        self.hash = hash
        self.time = time
        self.signature = signature
    }

    public static func signed(sequence: Int64, hash: String, time: Int64, key: [UInt8]) -> AuditCheckpoint {
        AuditCheckpoint(sequence: sequence, hash: hash, time: time,
                        signature: HMACSHA256.hex(key: key, message: Array("\(sequence)|\(hash)|\(time)".utf8)))
    }

    public func isValid(key: [UInt8]) -> Bool {
        let expected = HMACSHA256.hex(key: key, message: Array("\(sequence)|\(hash)|\(time)".utf8))
        // Constant time over the hex text.
        return expected.utf8.count == signature.utf8.count
            && zip(expected.utf8, signature.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// One JSON object per line, keys sorted.
    public var line: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    public static func parseLines(_ text: String) throws -> [AuditCheckpoint] {
        try text.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }.map {
            try JSONDecoder().decode(AuditCheckpoint.self, from: Data($0.utf8))
        }
    }
}

/// HMAC (RFC 2104) with SHA-256, on CarbonCore's own SHA-256.
public enum HMACSHA256 {
    public static func hex(key: [UInt8], message: [UInt8]) -> String {
        let blockSize = 64
        var keyBlock = key.count > blockSize ? digest(key) : key
        keyBlock += Array(repeating: 0, count: blockSize - keyBlock.count)
        var inner = SHA256()
        inner.update(keyBlock.map { $0 ^ 0x36 })
        inner.update(message)
        let innerDigest = bytes(fromHex: inner.finalize())
        var outer = SHA256()
        outer.update(keyBlock.map { $0 ^ 0x5c })
        outer.update(innerDigest)
        return outer.finalize()
    }

    private static func digest(_ data: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data)
        return bytes(fromHex: hasher.finalize())
    }

    private static func bytes(fromHex hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            result.append(nibble(high) << 4 | nibble(low))
        }
        return result
    }

    private static func nibble(_ c: UInt8) -> UInt8 { c >= 97 ? c - 87 : (c >= 65 ? c - 55 : c - 48) }
}
