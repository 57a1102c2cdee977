import CarbonCore

/// Why the alarm service could not do what was asked. The CalculationError shape: a struct with an
/// opaque `Code`. `field` names the request field at fault (`kind`, `until`, `operator`) so the
/// control socket can point at it; `store` keeps what SQLite said when the store failed.
struct AlarmServiceError: Error, Hashable, Sendable, CustomStringConvertible {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unknownTag, invalidRequest, store, notAnAlarmStore, newerSchema, corruptState, closed
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// No rule watches this tag.
        static let unknownTag = Code(.unknownTag)
        /// The engine refused the action (an alarm the rule does not configure, a shelve that ends
        /// before it starts, no operator name).
        static let invalidRequest = Code(.invalidRequest)
        /// SQLite failed; `store` says how.
        static let store = Code(.store)
        /// The file is some other database.
        static let notAnAlarmStore = Code(.notAnAlarmStore)
        /// The file was written by a newer agent.
        static let newerSchema = Code(.newerSchema)
        /// A saved engine state could not be decoded: refused rather than silently reset, because a
        /// reset would forget acknowledgements and shelves.
        static let corruptState = Code(.corruptState)
        /// The service was closed.
        static let closed = Code(.closed)
        var description: String { base.rawValue }
    }

    var code: Code
    var message: String
    var field: String?
    var store: StoreError?

    init(_ code: Code, _ message: String, field: String? = nil, store: StoreError? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.store = store
    }

    init(_ error: StoreError) {
        self.init(.store, "the alarm store failed", store: error)
    }

    /// An engine refusal, with the engine's field names mapped to the request's (`by` → `operator`).
    init(_ error: CalculationError) {
        let field = error.field.map { $0 == "by" ? "operator" : $0 }
        self.init(.invalidRequest, error.message, field: field)
    }

    var description: String {
        var text = "\(code): \(message)"
        if let field { text += " (field \(field))" }
        if let store { text += ": \(store)" }
        return text
    }
}
