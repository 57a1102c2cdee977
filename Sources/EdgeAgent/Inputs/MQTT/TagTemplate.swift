/// A tag name with placeholders, filled per message: `{N}` is level N of the message's topic
/// (counted from 0: on `plant/p1/stack/s2/co2`, `{1}.{3}.co2` gives `p1.s2.co2`), `{path}` is a
/// payload field holding a string or a number (`{device}`, `{readings[*].name}` for the current
/// element of an array mapping), and `{{` / `}}` are literal braces.
struct TagTemplate: Sendable, Hashable, CustomStringConvertible {
    enum Part: Sendable, Hashable {
        case text(String)
        case topicLevel(Int)
        case field(FieldPath)
    }

    let text: String
    let parts: [Part]

    init(_ text: String) throws(MQTTMappingError) {
        func fail(_ message: String) -> MQTTMappingError {
            MQTTMappingError(.invalidMapping, "'\(text)' is not a tag template: \(message)")
        }
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(text)
        while let first = rest.first {
            if rest.hasPrefix("{{") || rest.hasPrefix("}}") {
                literal.append(first)
                rest = rest.dropFirst(2)
            } else if first == "{" {
                guard let close = rest.firstIndex(of: "}") else { throw fail("'{' without '}'") }
                let inside = rest[rest.index(after: rest.startIndex)..<close]
                guard !inside.isEmpty else { throw fail("'{}' names nothing") }
                if !literal.isEmpty { parts.append(.text(literal)) }
                literal = ""
                if inside.allSatisfy({ $0.isASCII && $0.isNumber }), let level = Int(inside) {
                    parts.append(.topicLevel(level))
                } else {
                    parts.append(.field(try FieldPath(String(inside))))
                }
                rest = rest[rest.index(after: close)...]
            } else if first == "}" {
                throw fail("'}' without '{' (write '}}' for a brace)")
            } else {
                literal.append(first)
                rest = rest.dropFirst()
            }
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        guard !parts.isEmpty else { throw fail("it is empty") }
        self.text = text
        self.parts = parts
    }

    var description: String { text }

    var fieldPaths: [FieldPath] {
        parts.compactMap { if case .field(let path) = $0 { path } else { nil } }
    }

    var highestTopicLevel: Int? {
        parts.compactMap { if case .topicLevel(let level) = $0 { level } else { nil } }.max()
    }

    /// The tag for one reading. `element` is the current array element when the reading comes
    /// from a `[*]` path; placeholders with `[*]` are read inside it, the others from `root`.
    func render(topicLevels: [Substring], root: JSONValue, element: JSONValue?) throws(MQTTMappingError) -> String {
        var tag = ""
        for part in parts {
            switch part {
            case .text(let literal):
                tag += literal
            case .topicLevel(let level):
                guard level < topicLevels.count else {
                    throw MQTTMappingError(
                        .invalidTag, "tag '\(text)' needs topic level {\(level)}; the topic has \(topicLevels.count)")
                }
                tag += topicLevels[level]
            case .field(let path):
                let value: JSONValue?
                if let split = path.eachSplit {
                    value = element.flatMap { split.element.resolve(in: $0) }
                } else {
                    value = path.resolve(in: root)
                }
                switch value {
                case .string(let string): tag += string
                case .number(let number): tag += number
                case nil:
                    throw MQTTMappingError(.invalidTag, "tag '\(text)' needs field '\(path)', which is missing")
                case let other?:
                    throw MQTTMappingError(
                        .invalidTag, "tag '\(text)' needs field '\(path)' to be a string or number, not \(other.kind)")
                }
            }
        }
        guard !tag.isEmpty else { throw MQTTMappingError(.invalidTag, "tag '\(text)' came out empty") }
        return tag
    }
}
