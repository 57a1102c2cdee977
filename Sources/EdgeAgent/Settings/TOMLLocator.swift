/// Finds the line of a key path (`tags[3].order`, `serial.baud`) in TOML text, for error messages:
/// the parser gives lines only for syntax errors. It understands `[table]`, `[[array]]` headers and
/// `key = value` lines, which is what the agent's files use; when unsure it returns nil.
enum TOMLLocator {
    /// With `exact`, only the key's own line counts (nil when the key is absent), not its table's.
    static func line(of keyPath: String, in text: String, exact: Bool = false) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var components: [(name: String, index: Int?)] = []
        for part in keyPath.split(separator: ".") {
            if let open = part.firstIndex(of: "["), let close = part.firstIndex(of: "]"), open < close {
                components.append((String(part[..<open]), Int(part[part.index(after: open)..<close])))
            } else {
                components.append((String(part), nil))
            }
        }
        guard let last = components.last else { return nil }
        // The table that holds the key: its header's line, then the key within it.
        var start = 0
        var header = ""
        for component in components.dropLast() {
            header = header.isEmpty ? component.name : header + "." + component.name
            let target = component.index.map { _ in "[[\(header)]]" } ?? "[\(header)]"
            var seen = -1
            var found: Int? = nil
            for index in lines.indices.dropFirst(start) where lines[index].trimmed == target {
                seen += 1
                if seen == (component.index ?? 0) { found = index; break }
            }
            guard let found else { return nil }
            start = found + 1
        }
        for index in lines.indices.dropFirst(start) {
            let line = lines[index].trimmed
            if line.hasPrefix("[") { break }
            if line.hasPrefix(last.name + " ") || line.hasPrefix(last.name + "=") { return index + 1 }
        }
        return start > 0 && !exact ? start : nil
    }
}

extension String {
    fileprivate var trimmed: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" || text.last == "\r" { text = text.dropLast() }
        return String(text)
    }
}
