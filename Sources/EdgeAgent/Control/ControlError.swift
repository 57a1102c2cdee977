import Glibc

/// Why the control socket could not be set up or served. The CalculationError shape; a failed C
/// call keeps its function name and errno, as NIO's `IOError` does.
struct ControlError: Error, Hashable, Sendable, CustomStringConvertible {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable { case system, pathTooLong, pathInUse, unknownGroup }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A system call failed; `function` and `errno` say which and why.
        static let system = Code(.system)
        /// A Unix socket path holds at most 107 bytes.
        static let pathTooLong = Code(.pathTooLong)
        /// Something that is not a stale socket of ours is at the path (a file, or a live server).
        static let pathInUse = Code(.pathInUse)
        /// The configured group does not exist.
        static let unknownGroup = Code(.unknownGroup)
        var description: String { base.rawValue }
    }

    var code: Code
    var message: String
    var function: String?
    var errno: Int32?

    init(_ code: Code, _ message: String, function: String? = nil, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.function = function
        self.errno = errno
    }

    /// The failure of `function`, with the errno it left.
    static func system(_ function: String, _ message: String, errno: Int32 = Glibc.errno) -> ControlError {
        ControlError(.system, message, function: function, errno: errno)
    }

    var description: String {
        guard let function, let errno else { return "\(code): \(message)" }
        return "\(code): \(message) (\(function): \(String(cString: strerror(errno))), errno \(errno))"
    }
}
