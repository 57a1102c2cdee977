import Foundation

/// One entry of the tamper-evident audit log (B4): who did what to which target, with what
/// outcome, when and from where. Records form a hash chain: each `hash` covers the record's
/// fields and the previous record's hash, so editing, deleting or reordering any record breaks
/// every later link.
public struct AuditRecord: Codable, Hashable, Sendable {
    /// 1-based and gap-free: a missing number is a deleted record.
    public var sequence: Int64
    public var id: String
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var time: Int64
    public var actorID: String?
    public var actorKind: String
    public var organisationID: String?
    public var action: String
    public var target: String?
    /// `success`, `denied` or `failure`.
    public var outcome: String
    public var requestID: String
    public var sourceAddress: String
    public var details: [String: String]
    public var previousHash: String
    public var hash: String

    public init(sequence: Int64, id: String, time: Int64, actorID: String?, actorKind: String, organisationID: String?,
                action: String, target: String?, outcome: String, requestID: String, sourceAddress: String,
                details: [String: String], previousHash: String, hash: String) {
        self.sequence = sequence
        self.id = id
        self.time = time
        self.actorID = actorID
        self.actorKind = actorKind
        self.organisationID = organisationID
        self.action = action
        self.target = target
        self.outcome = outcome
        self.requestID = requestID
        self.sourceAddress = sourceAddress
        self.details = details
        self.previousHash = previousHash
        self.hash = hash
    }

    enum CodingKeys: String, CodingKey {
        case sequence, id, time, action, target, outcome, details, hash
        case actorID = "actor_id"
        case actorKind = "actor_kind"
        case organisationID = "organisation_id"
        case requestID = "request_id"
        case sourceAddress = "source_address"
        case previousHash = "previous_hash"
    }
}
