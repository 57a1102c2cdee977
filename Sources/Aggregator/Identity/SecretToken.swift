import Crypto
import Foundation

/// Opaque bearer tokens: 256 random bits, base64url, with a prefix naming their kind so a leaked
/// token can be recognised by secret scanners. Only the SHA-256 of a token is stored: the token
/// has full entropy, so a slow KDF would add cost without adding safety.
enum SecretToken {
    static let sessionPrefix = "cps_"
    static let agentPrefix = "cpa_"

    static func generate(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()  // getrandom(2) on Linux
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> String {
        Crypto.SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func newID() -> String { UUID().uuidString.lowercased() }
}
