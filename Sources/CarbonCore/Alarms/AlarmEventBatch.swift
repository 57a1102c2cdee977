import Foundation

/// The agent → aggregator wire format for alarm transitions (issue 3 "alarm state and history sync
/// upstream", issue 5 M3), shared by both sides so they read and write it identically. A batch
/// holds transitions of ONE alarm store (agent, store epoch) in increasing transition-id order;
/// the key of a transition upstream is (agent, epoch, id), so a replay is recognised exactly and
/// the same key with other content is a conflict, never an overwrite.
///
/// JSON (snake_case, decimals as strings, times as integer milliseconds since 1970 UTC):
/// ```json
/// {"format": "carbon-alarm-events/1", "agent_id": "gw-1", "store_epoch": "UUID",
///  "events": [{"id": 7, "tag": "stack1.co2", "kind": "HH", "priority": "high",
///              "from": "normal", "to": "unacknowledged_active", "cause": "condition",
///              "value": "131.5", "limit": "120", "quality": "good", "time_ms": 1764064800123,
///              "operator": null, "comment": null, "shelved_until_ms": null}]}
/// ```
/// The reply (`AlarmEventReply`) counts what was new and what was a replay, and gives the highest
/// transition id the aggregator holds for this epoch: the agent marks its rows synced up to it.
public struct AlarmEventBatch: Codable, Hashable, Sendable {
    public static let format = "carbon-alarm-events/1"
    /// Bounded so one request stays small and one transaction short.
    public static let maximumEvents = 1_000
    public static let maximumTextLength = 200
    public static let maximumCommentLength = 2_000

    public struct Event: Codable, Hashable, Sendable {
        /// The transition's id in the agent's alarm store (strictly increasing, never reused).
        public var id: Int64
        public var tag: String
        public var kind: AlarmKind
        public var priority: AlarmPriority
        public var from: AlarmState
        public var to: AlarmState
        public var cause: AlarmCause
        public var value: Decimal?
        public var limit: Decimal?
        public var quality: ReadingQuality?
        public var timeMilliseconds: Int64
        public var operatorName: String?
        public var comment: String?
        /// For a shelve: when the shelf ends, when the agent knows it.
        public var shelvedUntilMilliseconds: Int64?

        public init(id: Int64, transition t: AlarmTransition, shelvedUntil: Date? = nil) {
            self.init(id: id, tag: t.tag, kind: t.kind, priority: t.priority, from: t.from, to: t.to, cause: t.cause,
                      value: t.value, limit: t.limit, quality: t.quality,
                      timeMilliseconds: Self.milliseconds(t.time), operatorName: t.operatorName, comment: t.comment,
                      shelvedUntilMilliseconds: shelvedUntil.map(Self.milliseconds))
        }

        public init(id: Int64, tag: String, kind: AlarmKind, priority: AlarmPriority, from: AlarmState,
                    to: AlarmState, cause: AlarmCause, value: Decimal? = nil, limit: Decimal? = nil,
                    quality: ReadingQuality? = nil, timeMilliseconds: Int64, operatorName: String? = nil,
                    comment: String? = nil, shelvedUntilMilliseconds: Int64? = nil) {
            self.id = id
            self.tag = tag
            self.kind = kind
            self.priority = priority
            self.from = from
            self.to = to
            self.cause = cause
            self.value = value
            self.limit = limit
            self.quality = quality
            self.timeMilliseconds = timeMilliseconds
            self.operatorName = operatorName
            self.comment = comment
            self.shelvedUntilMilliseconds = shelvedUntilMilliseconds
        }

        static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

        enum CodingKeys: String, CodingKey {
            case id, tag, kind, priority, from, to, cause, value, limit, quality, comment
            case timeMilliseconds = "time_ms", operatorName = "operator", shelvedUntilMilliseconds = "shelved_until_ms"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(Int64.self, forKey: .id)
            tag = try c.decode(String.self, forKey: .tag)
            kind = try c.decode(AlarmKind.self, forKey: .kind)
            priority = try c.decode(AlarmPriority.self, forKey: .priority)
            from = try c.decode(AlarmState.self, forKey: .from)
            to = try c.decode(AlarmState.self, forKey: .to)
            cause = try c.decode(AlarmCause.self, forKey: .cause)
            value = try c.decodeIfPresent(String.self, forKey: .value).map { text throws in try Self.decimal(text, c, .value) }
            limit = try c.decodeIfPresent(String.self, forKey: .limit).map { text throws in try Self.decimal(text, c, .limit) }
            quality = try c.decodeIfPresent(ReadingQuality.self, forKey: .quality)
            timeMilliseconds = try c.decode(Int64.self, forKey: .timeMilliseconds)
            operatorName = try c.decodeIfPresent(String.self, forKey: .operatorName)
            comment = try c.decodeIfPresent(String.self, forKey: .comment)
            shelvedUntilMilliseconds = try c.decodeIfPresent(Int64.self, forKey: .shelvedUntilMilliseconds)
        }

        private static func decimal(_ text: String, _ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws
            -> Decimal
        {
            do { return try DecimalText.parse(text) } catch {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "'\(key.stringValue)' must be a decimal string")
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(tag, forKey: .tag)
            try c.encode(kind, forKey: .kind)
            try c.encode(priority, forKey: .priority)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
            try c.encode(cause, forKey: .cause)
            try c.encode(value.map(DecimalText.plain), forKey: .value)
            try c.encode(limit.map(DecimalText.plain), forKey: .limit)
            try c.encode(quality, forKey: .quality)
            try c.encode(timeMilliseconds, forKey: .timeMilliseconds)
            try c.encode(operatorName, forKey: .operatorName)
            try c.encode(comment, forKey: .comment)
            try c.encode(shelvedUntilMilliseconds, forKey: .shelvedUntilMilliseconds)
        }

        /// A canonical text of the content (one tab-separated line), hashed upstream to tell a
        /// replay from a different transition re-using the key.
        public var canonicalText: String {
            [String(id), tag, kind.rawValue, priority.rawValue, from.rawValue, to.rawValue, cause.rawValue,
             value.map(DecimalText.plain) ?? "", limit.map(DecimalText.plain) ?? "", quality?.rawValue ?? "",
             String(timeMilliseconds), operatorName ?? "", comment ?? "",
             shelvedUntilMilliseconds.map(String.init) ?? ""].joined(separator: "\t")
        }

        public var contentSHA256: String {
            var hasher = SHA256()
            hasher.update(canonicalText)
            return hasher.finalize()
        }
    }

    public var format: String = AlarmEventBatch.format
    public var agentID: String
    public var storeEpoch: UUID
    public var events: [Event]

    public init(agentID: String, storeEpoch: UUID, events: [Event]) {
        self.agentID = agentID
        self.storeEpoch = storeEpoch
        self.events = events
    }

    enum CodingKeys: String, CodingKey {
        case format, events
        case agentID = "agent_id", storeEpoch = "store_epoch"
    }

    public var lastID: Int64? { events.last?.id }

    /// What the receiver relies on: the format, 1…`maximumEvents` events with ids ≥ 1 in strictly
    /// increasing order, bounded texts, times after 2000-01-01. Names the offending field.
    public func validate() throws(CalculationError) {
        guard format == Self.format else {
            throw CalculationError(.invalidInput, "unknown format '\(format)'; expected \(Self.format)", field: "format")
        }
        guard !events.isEmpty, events.count <= Self.maximumEvents else {
            throw CalculationError(.invalidInput, "a batch holds 1 to \(Self.maximumEvents) events", field: "events")
        }
        var previous: Int64 = 0
        for (index, event) in events.enumerated() {
            let at = "events[\(index)]"
            guard event.id > previous else {
                throw CalculationError(.invalidInput, "ids must be ≥ 1 and strictly increasing", field: "\(at).id")
            }
            previous = event.id
            guard !event.tag.isEmpty, event.tag.count <= Self.maximumTextLength else {
                throw CalculationError(.invalidInput, "a tag is 1 to \(Self.maximumTextLength) characters", field: "\(at).tag")
            }
            if let name = event.operatorName, name.count > Self.maximumTextLength {
                throw CalculationError(.invalidInput, "at most \(Self.maximumTextLength) characters", field: "\(at).operator")
            }
            if let comment = event.comment, comment.count > Self.maximumCommentLength {
                throw CalculationError(.invalidInput, "at most \(Self.maximumCommentLength) characters", field: "\(at).comment")
            }
            guard event.timeMilliseconds >= 946_684_800_000, event.timeMilliseconds < 32_503_680_000_000 else {
                throw CalculationError(.invalidInput, "the time must be between 2000 and 3000", field: "\(at).time_ms")
            }
            if let until = event.shelvedUntilMilliseconds, until < 0 || until >= 32_503_680_000_000 {
                throw CalculationError(.invalidInput, "the shelve end must be before 3000", field: "\(at).shelved_until_ms")
            }
        }
    }
}

/// The aggregator's answer to an `AlarmEventBatch`.
public struct AlarmEventReply: Codable, Hashable, Sendable {
    /// Events stored by this request.
    public var accepted: Int
    /// Events already held with identical content (a replay).
    public var duplicates: Int
    /// The highest transition id held for this agent and epoch: everything the batch sent up to
    /// it is stored upstream.
    public var watermark: Int64

    public init(accepted: Int, duplicates: Int, watermark: Int64) {
        self.accepted = accepted
        self.duplicates = duplicates
        self.watermark = watermark
    }
}
