import CMosquitto
import Foundation

/// A failed libmosquitto call, or a broker that refused us: which function, its `MOSQ_ERR_*`
/// code (or the CONNACK/SUBACK code), and `errno` when the code is `MOSQ_ERR_ERRNO`. The
/// CalculationError shape: an opaque `Code`, so codes can be added without breaking a `switch`.
struct MosquittoError: Error, Hashable, Sendable, CustomStringConvertible {
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidConfiguration, connection, refused, tls, library, state
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A setting libmosquitto (or this wrapper) refuses: empty client id, a TLS file that cannot be read…
        static let invalidConfiguration = Code(.invalidConfiguration)
        /// The broker could not be reached or the link broke (refused, lost, DNS, keepalive timeout).
        static let connection = Code(.connection)
        /// The broker answered and said no: CONNACK refused (credentials, client id) or a SUBACK failure.
        static let refused = Code(.refused)
        /// The TLS handshake or certificate check failed.
        static let tls = Code(.tls)
        /// Anything else libmosquitto reports (out of memory, protocol error…).
        static let library = Code(.library)
        /// The client was used out of order (started twice, published after stop).
        static let state = Code(.state)
        var description: String { base.rawValue }
    }

    var code: Code
    var message: String
    /// The libmosquitto function, e.g. `mosquitto_tls_set`; `CONNACK`/`SUBACK` for broker answers.
    var function: String?
    /// Its `MOSQ_ERR_*` result, or the CONNACK / SUBACK return code.
    var returnCode: Int32?
    var errno: Int32?

    init(_ code: Code, _ message: String, function: String? = nil, returnCode: Int32? = nil, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.function = function
        self.returnCode = returnCode
        self.errno = errno
    }

    /// The error for a `MOSQ_ERR_*` result; reads `errno` right away for `MOSQ_ERR_ERRNO`.
    static func call(_ function: String, _ result: Int32, context: String = "") -> MosquittoError {
        let number: Int32? = result == MOSQ_ERR_ERRNO.rawValue ? Foundation.errno : nil
        let text =
            number.map { String(cString: strerror($0)) } ?? String(cString: mosquitto_strerror(result))
        let code: Code
        switch mosq_err_t(rawValue: result) {
        case MOSQ_ERR_INVAL, MOSQ_ERR_NOT_SUPPORTED, MOSQ_ERR_MALFORMED_UTF8: code = .invalidConfiguration
        case MOSQ_ERR_NO_CONN, MOSQ_ERR_CONN_LOST, MOSQ_ERR_ERRNO, MOSQ_ERR_EAI, MOSQ_ERR_KEEPALIVE, MOSQ_ERR_LOOKUP,
            MOSQ_ERR_PROXY, MOSQ_ERR_TIMEOUT:
            code = .connection
        case MOSQ_ERR_CONN_REFUSED, MOSQ_ERR_AUTH, MOSQ_ERR_ACL_DENIED: code = .refused
        case MOSQ_ERR_TLS, MOSQ_ERR_TLS_HANDSHAKE, MOSQ_ERR_OCSP: code = .tls
        default: code = .library
        }
        return MosquittoError(
            code, context.isEmpty ? text : "\(context): \(text)", function: function, returnCode: result, errno: number)
    }

    /// The broker's CONNACK refusal (MQTT 3.1.1 return codes 1–5).
    static func connack(_ result: Int32) -> MosquittoError {
        MosquittoError(
            .refused, "the broker refused the connection: \(String(cString: mosquitto_connack_string(result)))",
            function: "CONNACK", returnCode: result)
    }

    var description: String {
        guard let function, let returnCode else { return "\(code): \(message)" }
        return "\(code): \(message) (\(function) returned \(returnCode))"
    }
}
