/// An MQTT topic filter (`plant/+/stack/+/co2`, `site/#`) and the broker's matching rule for it,
/// from MQTT 3.1.1 §4.7: `+` matches exactly one level (an empty one too), `#` matches the rest,
/// including nothing (`site/#` matches `site`), and a filter starting with a wildcard does not
/// match topics starting with `$` (`$SYS/…` is the broker's, not a meter's).
struct TopicFilter: Sendable, Hashable, CustomStringConvertible {
    enum Level: Sendable, Hashable {
        case literal(String)
        case single
        case multi
    }

    let text: String
    let levels: [Level]

    init(_ text: String) throws(MQTTMappingError) {
        func fail(_ message: String) -> MQTTMappingError {
            MQTTMappingError(.invalidMapping, "'\(text)' is not an MQTT topic filter: \(message)")
        }
        guard !text.isEmpty else { throw fail("it is empty") }
        guard text.utf8.count <= 65_535 else { throw fail("it is longer than 65535 bytes") }
        guard !text.unicodeScalars.contains("\0") else { throw fail("it contains NUL") }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        var levels: [Level] = []
        for (position, part) in parts.enumerated() {
            switch part {
            case "+": levels.append(.single)
            case "#":
                guard position == parts.count - 1 else { throw fail("'#' must be the last level") }
                levels.append(.multi)
            default:
                guard !part.contains("+"), !part.contains("#") else {
                    throw fail("a wildcard must fill a whole level ('a/+/b', not 'a/b+')")
                }
                levels.append(.literal(String(part)))
            }
        }
        self.text = text
        self.levels = levels
    }

    var description: String { text }

    /// The number of topic levels every matching topic has, or nil when the filter ends in `#`.
    var fixedLevelCount: Int? { levels.last == .multi ? nil : levels.count }

    /// The topic's levels when the filter matches it, else nil. Levels are what tag templates'
    /// `{N}` refer to, counted from 0 on the topic (not the filter).
    func match(_ topic: String) -> [Substring]? {
        let topicLevels = topic.split(separator: "/", omittingEmptySubsequences: false)
        if topic.hasPrefix("$"), let first = levels.first, first == .single || first == .multi { return nil }
        for (position, level) in levels.enumerated() {
            switch level {
            case .multi:
                return topicLevels
            case .single:
                guard position < topicLevels.count else { return nil }
            case .literal(let literal):
                guard position < topicLevels.count, topicLevels[position] == literal else { return nil }
            }
        }
        return topicLevels.count == levels.count ? topicLevels : nil
    }
}
