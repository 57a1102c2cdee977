/// Where a value sits in a JSON payload: `value`, `data.co2`, `readings[0].value`, or
/// `readings[*].value` (every element of the `readings` array, one reading each). The empty path
/// is the payload itself (a bare `21.5` is valid JSON). Member names may hold any character but
/// `.`, `[`, `]`, `{` and `}`; at most one `[*]` per path (two would make a cross product, which no
/// meter means).
struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case member(String)
        case index(Int)
        /// `[*]`: every element of the array.
        case each
    }

    let text: String
    let segments: [Segment]

    init(_ text: String) throws(MQTTMappingError) {
        func fail(_ message: String) -> MQTTMappingError {
            MQTTMappingError(.invalidMapping, "'\(text)' is not a field path: \(message)")
        }
        var segments: [Segment] = []
        var rest = Substring(text)
        var afterDot = false
        while let first = rest.first {
            if first == "[" {
                guard !afterDot else { throw fail("'.' must be followed by a member name") }
                guard let close = rest.firstIndex(of: "]") else { throw fail("'[' without ']'") }
                let inside = rest[rest.index(after: rest.startIndex)..<close]
                if inside == "*" {
                    segments.append(.each)
                } else if !inside.isEmpty, inside.allSatisfy({ $0.isASCII && $0.isNumber }), let position = Int(inside)
                {
                    segments.append(.index(position))
                } else {
                    throw fail("'[\(inside)]' is neither an index like [0] nor [*]")
                }
                rest = rest[rest.index(after: close)...]
            } else if first == "." {
                guard !segments.isEmpty, !afterDot else { throw fail("a '.' needs a member name before it") }
                afterDot = true
                rest = rest.dropFirst()
                guard !rest.isEmpty else { throw fail("it ends with '.'") }
                continue
            } else {
                guard segments.isEmpty || afterDot else { throw fail("member names are separated by '.'") }
                let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                let name = rest[..<end]
                guard !name.contains(where: { "]{}".contains($0) }) else {
                    throw fail("member names cannot contain ']', '{' or '}'")
                }
                segments.append(.member(String(name)))
                rest = rest[end...]
            }
            afterDot = false
        }
        guard segments.count(where: { $0 == .each }) <= 1 else { throw fail("only one [*] is allowed") }
        self.text = text
        self.segments = segments
    }

    private init(text: String, segments: [Segment]) {
        self.text = text
        self.segments = segments
    }

    var description: String { text.isEmpty ? "(the whole payload)" : text }

    var hasEach: Bool { segments.contains(.each) }

    /// For a path with `[*]`: the path of the array, and the path inside each element.
    var eachSplit: (array: FieldPath, element: FieldPath)? {
        guard let position = segments.firstIndex(of: .each) else { return nil }
        let array = Array(segments[..<position])
        let element = Array(segments[(position + 1)...])
        return (
            FieldPath(text: Self.render(array), segments: array),
            FieldPath(text: Self.render(element), segments: element)
        )
    }

    /// The value at this path, or nil when a member or index is absent or a step meets a value
    /// of the wrong kind. Only for paths without `[*]` (split those with `eachSplit` first).
    func resolve(in root: JSONValue) -> JSONValue? {
        var value = root
        for segment in segments {
            switch (segment, value) {
            case (.member(let name), .object(let members)):
                guard let member = members[name] else { return nil }
                value = member
            case (.index(let position), .array(let elements)):
                guard position < elements.count else { return nil }
                value = elements[position]
            default:
                return nil
            }
        }
        return value
    }

    private static func render(_ segments: [Segment]) -> String {
        var text = ""
        for segment in segments {
            switch segment {
            case .member(let name): text += (text.isEmpty ? "" : ".") + name
            case .index(let position): text += "[\(position)]"
            case .each: text += "[*]"
            }
        }
        return text
    }
}
