/// A configuration problem, located: the file, the key path (`tags[3].order`) and, where it can be
/// found, the line. `edge-agent check-config` prints one per line; the agent refuses to start.
struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    var file: String?
    var line: Int?
    var keyPath: String?
    var message: String

    init(file: String? = nil, line: Int? = nil, keyPath: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = message
    }

    /// `devices.d/stack.toml:14: tags[1].order: 'ABDC' is not …`
    var description: String {
        var place = file ?? "config"
        if let line { place += ":\(line)" }
        if let keyPath { return "\(place): \(keyPath): \(message)" }
        return "\(place): \(message)"
    }
}

/// Every problem found in one pass, so an operator fixes them all at once.
struct ConfigErrors: Error, Sendable {
    var errors: [ConfigError]
}
