import CarbonCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Reading an agent's batch off the wire: the body (optionally gzip), then the JSON, then the
/// format's own checks. Every refusal names what was wrong and nothing has been written yet.
enum IngestBody {
    /// The largest batch accepted, compressed or inflated: 1,000,000 readings of ~30 bytes fit.
    static let maximumBytes = 32 * 1024 * 1024
    /// Text fields are bounded so one batch cannot plant megabyte tags in the series registry.
    static let maximumTagLength = 200
    static let maximumUnitLength = 32
    static let maximumReasonLength = 200
    static let maximumSeq: Int64 = 1 << 53

    /// The JSON bytes: gzip inflated with the size cap (413 beyond it, 400 `invalid_encoding` when
    /// it is not gzip), identity passed through, any other encoding refused (415).
    static func read(_ request: Request) async throws -> [UInt8] {
        let buffer = try await JSONBody.collect(request, limit: maximumBytes)
        let bytes = buffer.readableBytesView
        let encoding = request.headers[.contentEncoding]?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        switch encoding {
        case "", "identity":
            return Array(bytes)
        case "gzip", "x-gzip":
            do {
                return try Gzip.inflate(bytes, limit: maximumBytes)
            } catch let error as Gzip.Failure {
                switch error.kind {
                case .tooLarge: throw APIError(.contentTooLarge, "body_too_large", error.message)
                case .malformed: throw APIError.badRequest(error.message, code: "invalid_encoding")
                }
            }
        default:
            throw APIError(.unsupportedMediaType, "unsupported_encoding",
                           "Content-Encoding '\(encoding)' is not supported; send gzip or no encoding")
        }
    }

    /// The batch as sent: 400 for what is not JSON, 422 naming the field for a value of the wrong
    /// type. `validate` checks its content once the sender is known to be its agent.
    static func decode(_ bytes: [UInt8]) throws -> ReadingBatch {
        guard !bytes.isEmpty else { throw APIError.badRequest("a JSON body is required", code: "invalid_json") }
        if let batch = bytes.withUnsafeBytes(ReadingBatch.decodeCommonShape) { return batch }
        let batch: ReadingBatch
        do {
            batch = try JSONDecoder().decode(ReadingBatch.self, from: Data(bytes))
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                throw APIError.badRequest("the body is not valid JSON", code: "invalid_json")
            }
            if case .typeMismatch(_, let context) = error, context.codingPath.isEmpty {
                throw APIError.badRequest("the body must be a JSON object", code: "invalid_json")
            }
            throw JSONBody.apiError(for: error)
        } catch let error as CalculationError {
            throw APIError.invalidField(error.field ?? "readings", error.message)
        }
        return batch
    }

    /// 422 naming the field for text the storage cannot hold and for a batch whose format, tiling
    /// or hash does not hold (`ReadingBatch.validate`).
    static func validate(_ batch: ReadingBatch) throws {
        // Sequences count up from 1; this bound keeps `seq + 1` arithmetic far from overflow.
        guard batch.lastSeq <= maximumSeq else {
            throw APIError.invalidField("last_seq", "sequences above \(maximumSeq) are not accepted")
        }
        try checkText(batch)
        do {
            try batch.validate()
        } catch {
            throw APIError.invalidField(error.field ?? "content_sha256", error.message)
        }
    }

    /// Tags, units (empty for a dimensionless value) and reasons are stored as text on both
    /// backends: PostgreSQL text cannot hold NUL, and control characters would corrupt CSV exports.
    static func checkText(_ batch: ReadingBatch) throws {
        func check(_ text: String, max: Int, field: @autoclosure () -> String, emptyAllowed: Bool = false) throws {
            // Printable ASCII within the bound is the common case, decided from the bytes alone.
            let bytes = text.utf8
            if bytes.count <= max, emptyAllowed || !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return }
            let field = field()
            let length = bytes.count <= max ? bytes.count : text.count  // bytes bound characters
            guard emptyAllowed || length > 0, length <= max else {
                throw APIError.invalidField(field, "'\(field)' must have \(emptyAllowed ? 0 : 1) to \(max) characters")
            }
            guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7f...0x9f).contains($0.value) }) else {
                throw APIError.invalidField(field, "'\(field)' must not contain control characters")
            }
        }
        try check(batch.agentID, max: maximumTagLength, field: "agent_id")
        for (index, reading) in batch.readings.enumerated() {
            try check(reading.tag, max: maximumTagLength, field: "readings[\(index)].tag")
            try check(reading.unit, max: maximumUnitLength, field: "readings[\(index)].unit", emptyAllowed: true)
        }
        for (index, gap) in batch.gaps.enumerated() {
            try check(gap.reason, max: maximumReasonLength, field: "gaps[\(index)].reason")
        }
        for (index, rollup) in batch.rollups.enumerated() {
            try check(rollup.tag, max: maximumTagLength, field: "rollups[\(index)].tag")
            try check(rollup.unit, max: maximumUnitLength, field: "rollups[\(index)].unit", emptyAllowed: true)
            for (name, text) in [("sum", rollup.sum), ("min", rollup.min), ("max", rollup.max),
                                 ("first", rollup.first), ("last", rollup.last)] {
                guard (try? DecimalText.parse(text)) != nil else {
                    throw APIError.invalidField("rollups[\(index)].\(name)", "'\(name)' must be a decimal string")
                }
            }
            guard rollup.count >= 0, rollup.fromMilliseconds <= rollup.toMilliseconds else {
                throw APIError.invalidField("rollups[\(index)]", "a roll-up needs count >= 0 and from_ms <= to_ms")
            }
        }
    }
}
