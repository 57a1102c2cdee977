import Foundation

/// Builds and verifies the audit hash chain. The hash is SHA-256 over a canonical encoding in
/// which every field is length-prefixed in a fixed order (absent optionals marked apart from
/// empty strings), so no two different records encode to the same bytes.
public enum AuditChain {
    /// The `previousHash` of the first record.
    public static let genesisHash = String(repeating: "0", count: 64)

    public static func hash(of record: AuditRecord, previousHash: String) -> String {
        var hasher = SHA256()
        func field(_ text: String?) {
            guard let text else {
                hasher.update("-;")
                return
            }
            hasher.update("\(text.utf8.count):")
            hasher.update(text)
            hasher.update(";")
        }
        field("carbon-audit/1")
        field(String(record.sequence))
        field(record.id)
        field(String(record.time))
        field(record.actorID)
        field(record.actorKind)
        field(record.organisationID)
        field(record.action)
        field(record.target)
        field(record.outcome)
        field(record.requestID)
        field(record.sourceAddress)
        field(String(record.details.count))
        for key in record.details.keys.sorted() {
            field(key)
            field(record.details[key])
        }
        field(previousHash)
        return hasher.finalize()
    }

    /// The record with `previousHash` and `hash` filled in, to follow a record whose hash is `previous`.
    public static func seal(_ draft: AuditRecord, after previous: String) -> AuditRecord {
        var record = draft
        record.previousHash = previous
        record.hash = hash(of: record, previousHash: previous)
        return record
    }

    /// Checks `records` (in the order given) and the signed checkpoints. Returns the first break.
    /// `anchor` is the hash before the first record (genesis when the chain starts at 1).
    public static func verify(records: [AuditRecord], checkpoints: [AuditCheckpoint], key: [UInt8],
                              anchor: (sequence: Int64, hash: String)? = nil) -> AuditVerification {
        var expectedSequence = (anchor?.sequence ?? 0) + 1
        var previous = anchor?.hash ?? genesisHash
        var hashes: [Int64: String] = [:]
        let present = Set(records.map(\.sequence))
        for record in records {
            if record.sequence < expectedSequence {
                return .broken(sequence: record.sequence, code: .outOfOrder,
                               message: "record \(record.sequence) appears after \(expectedSequence - 1)")
            }
            if record.sequence > expectedSequence, present.contains(expectedSequence) {
                return .broken(sequence: expectedSequence, code: .outOfOrder,
                               message: "record \(expectedSequence) appears after record \(record.sequence)")
            }
            if record.sequence > expectedSequence {
                return .broken(sequence: expectedSequence, code: .sequenceGap,
                               message: "records \(expectedSequence)…\(record.sequence - 1) are missing")
            }
            if record.previousHash != previous {
                return .broken(sequence: record.sequence, code: .brokenLink,
                               message: "record \(record.sequence) does not follow the record before it")
            }
            if hash(of: record, previousHash: previous) != record.hash {
                return .broken(sequence: record.sequence, code: .edited,
                               message: "record \(record.sequence) was changed after it was written")
            }
            hashes[record.sequence] = record.hash
            previous = record.hash
            expectedSequence += 1
        }
        let last = expectedSequence - 1
        for checkpoint in checkpoints.sorted(by: { $0.sequence < $1.sequence }) {
            guard checkpoint.isValid(key: key) else {
                return .broken(sequence: checkpoint.sequence, code: .badCheckpointSignature,
                               message: "the checkpoint for record \(checkpoint.sequence) has a bad signature")
            }
            if checkpoint.sequence > last {
                return .broken(sequence: last + 1, code: .truncated,
                               message: "a checkpoint names record \(checkpoint.sequence) but the chain ends at \(last)")
            }
            if let stored = hashes[checkpoint.sequence], stored != checkpoint.hash {
                return .broken(sequence: checkpoint.sequence, code: .truncated,
                               message: "record \(checkpoint.sequence) differs from its checkpoint: the chain was rewritten")
            }
        }
        return .intact(count: records.count, lastSequence: last, lastHash: previous)
    }
}

/// The outcome of `AuditChain.verify`.
public enum AuditVerification: Hashable, Sendable {
    public enum Code: String, Hashable, Sendable {
        case edited, brokenLink = "broken_link", sequenceGap = "sequence_gap", outOfOrder = "out_of_order"
        case truncated, badCheckpointSignature = "bad_checkpoint_signature"
    }

    case intact(count: Int, lastSequence: Int64, lastHash: String)
    case broken(sequence: Int64, code: Code, message: String)
}
