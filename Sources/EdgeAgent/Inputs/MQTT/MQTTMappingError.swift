/// Why a topic mapping cannot be used (configuration, `field` names the key), or why one message
/// was rejected (run time, `topic` names the message's topic). The CalculationError shape: an
/// opaque `Code`, so codes can be added without breaking anyone's `switch`.
struct MQTTMappingError: Error, Hashable, Sendable, CustomStringConvertible {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidMapping, noMapping, payloadTooLarge, notJSON, missingField, notANumber, invalidTag
            case invalidTimestamp, unstorable
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A filter, field path, tag template or timestamp setting is unusable (found at start-up).
        static let invalidMapping = Code(.invalidMapping)
        /// No mapping's filter matches the message's topic.
        static let noMapping = Code(.noMapping)
        /// The payload is larger than the mapper accepts.
        static let payloadTooLarge = Code(.payloadTooLarge)
        /// The payload is not one well-formed JSON value.
        static let notJSON = Code(.notJSON)
        /// A configured field is absent, or a path walks through something that is not an object or array.
        static let missingField = Code(.missingField)
        /// A value field holds no exact decimal (a boolean, an object, "n/a", more than 38 digits…).
        static let notANumber = Code(.notANumber)
        /// The tag template could not be filled (a missing topic level, a non-scalar field, an empty tag).
        static let invalidTag = Code(.invalidTag)
        /// The configured timestamp field is missing or unreadable.
        static let invalidTimestamp = Code(.invalidTimestamp)
        /// The reading cannot be stored at all (the store refused its value or time as invalid).
        static let unstorable = Code(.unstorable)
        var description: String { base.rawValue }
    }

    var code: Code
    var message: String
    /// The key the error is about (`mappings[2].fields[0].tag`), for configuration errors.
    var field: String?
    /// The topic of the rejected message, for run-time rejections.
    var topic: String?

    init(_ code: Code, _ message: String, field: String? = nil, topic: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.topic = topic
    }

    var description: String {
        if let field { return "\(field): \(message)" }
        if let topic { return "topic '\(topic)': \(message)" }
        return message
    }
}
