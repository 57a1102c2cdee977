import CarbonCore
import Foundation

/// The reply to a batch, written exactly as CarbonCore's `BatchReply` reads it (whose memberwise
/// initialiser is internal to CarbonCore; a test decodes every reply as a `BatchReply`). Stored
/// with the range in `ingest_ranges.reply`, so a replay gets the identical outcome back.
struct IngestReply: Codable, Sendable, Equatable {
    struct Rejected: Codable, Sendable, Equatable {
        let seq: Int64
        let reason: String
    }

    var status: String
    let firstSeq: Int64
    let lastSeq: Int64
    let contentSHA256: String
    var rejected: [Rejected]
    var watermark: Int64

    enum CodingKeys: String, CodingKey {
        case status, rejected, watermark
        case firstSeq = "first_seq", lastSeq = "last_seq", contentSHA256 = "content_sha256"
    }

    static let accepted = BatchReply.Status.accepted.rawValue
    static let duplicate = BatchReply.Status.duplicate.rawValue

    /// Reasons a reading is kept apart instead of stored with the series.
    enum Reason {
        static let timeInFuture = "time_in_future"
        static let timeTooOld = "time_before_2000"
        static let unitChanged = "unit_changed"
    }

    static let schema = JSONSchema.object(
        ["status": .string(values: [accepted, duplicate]), "first_seq": .integer(minimum: 1),
         "last_seq": .integer(minimum: 1), "content_sha256": .string(pattern: "^[0-9a-f]{64}$"),
         "rejected": .array(.object(["seq": .integer(minimum: 1), "reason": .string()], required: ["seq", "reason"])),
         "watermark": .integer(minimum: 0)],
        required: ["status", "first_seq", "last_seq", "content_sha256", "rejected", "watermark"])

    /// The stored text: sorted keys, so equal replies are equal bytes.
    var stored: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func decodeStored(_ text: String) throws -> IngestReply {
        do {
            return try JSONDecoder().decode(IngestReply.self, from: Data(text.utf8))
        } catch {
            throw DatabaseError(.decoding, "ingest_ranges.reply is not a stored reply: \(error)")
        }
    }
}

/// The wire format as a request schema for `/openapi.json`. Unknown keys are ignored rather than
/// refused: the format is versioned by `format`, and the hash covers only the known content.
enum ReadingBatchSchema {
    static let schema = JSONSchema.object(
        ["format": .string(values: [ReadingBatch.format]), "agent_id": .string(maxLength: IngestBody.maximumTagLength),
         "store_epoch": .uuid, "first_seq": .integer(minimum: 1), "last_seq": .integer(minimum: 1),
         "readings": .array(.object(
            ["seq": .integer(minimum: 1), "tag": .string(maxLength: IngestBody.maximumTagLength),
             "unit": .string(maxLength: IngestBody.maximumUnitLength), "time_ms": .integer(), "value": .decimal,
             "quality": .string(values: ReadingQuality.allCases.map(\.rawValue))],
            required: ["seq", "tag", "unit", "time_ms", "value", "quality"], additional: true)),
         "gaps": .array(.object(
            ["first_seq": .integer(minimum: 1), "last_seq": .integer(minimum: 1),
             "reason": .string(maxLength: IngestBody.maximumReasonLength)],
            required: ["first_seq", "last_seq", "reason"], additional: true)),
         "rollups": .array(.object(
            ["first_seq": .integer(minimum: 1), "last_seq": .integer(minimum: 1),
             "tag": .string(maxLength: IngestBody.maximumTagLength),
             "unit": .string(maxLength: IngestBody.maximumUnitLength), "from_ms": .integer(), "to_ms": .integer(),
             "count": .integer(minimum: 0), "sum": .decimal, "min": .decimal, "max": .decimal, "first": .decimal,
             "last": .decimal],
            required: ["first_seq", "last_seq", "tag", "unit", "from_ms", "to_ms", "count", "sum", "min", "max",
                       "first", "last"], additional: true)),
         "content_sha256": .string(pattern: "^[0-9a-f]{64}$")],
        required: ["format", "agent_id", "store_epoch", "first_seq", "last_seq", "readings", "gaps", "rollups",
                   "content_sha256"],
        additional: true)
}
