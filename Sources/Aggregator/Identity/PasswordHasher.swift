import Crypto
import Foundation
import _CryptoExtras

/// PBKDF2-HMAC-SHA256 with a per-user random salt. The parameters are stored with each hash
/// (`pbkdf2-sha256$<iterations>$<salt>$<key>`, base64), so they can be raised later: a login that
/// verifies against weaker parameters than the current ones re-hashes the password.
struct PasswordHasher: Sendable {
    /// OWASP's minimum for PBKDF2-HMAC-SHA256 (Password Storage Cheat Sheet, 2023).
    static let owaspMinimumIterations = 600_000
    static let saltBytes = 16
    static let keyBytes = 32

    let iterations: Int

    /// The production hasher. Tests that create hundreds of users use `testingOnly(iterations:)`.
    static let standard = PasswordHasher(iterations: owaspMinimumIterations)

    private init(iterations: Int) { self.iterations = iterations }

    /// Weaker parameters, never reachable from configuration: only test code calls this.
    static func testingOnly(iterations: Int) -> PasswordHasher { PasswordHasher(iterations: iterations) }

    static func validate(_ password: String, field: String = "password") throws {
        guard password.count >= 12 else { throw APIError.invalidField(field, "a password needs at least 12 characters") }
        guard password.utf8.count <= 1024 else { throw APIError.invalidField(field, "a password is at most 1024 bytes") }
    }

    func hash(_ password: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let key = try derive(password, salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(Data(salt).base64EncodedString())$\(Data(key).base64EncodedString())"
    }

    struct Verification: Sendable {
        let matches: Bool
        /// True when the stored hash used weaker parameters than this hasher's.
        let needsRehash: Bool
    }

    func verify(_ password: String, against stored: String) -> Verification {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds > 0,
              let salt = Data(base64Encoded: parts[2]), let expected = Data(base64Encoded: parts[3]),
              let key = try? derive(password, salt: Array(salt), iterations: rounds)
        else { return Verification(matches: false, needsRehash: false) }
        // Constant time: compare every byte regardless of where the first difference is.
        let matches = key.count == expected.count && zip(key, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        return Verification(matches: matches, needsRehash: matches && rounds < iterations)
    }

    /// A hash of a random password, so that logins for unknown users cost the same time as for
    /// known ones (no user enumeration by timing).
    func dummyVerify(_ password: String) {
        _ = try? derive(password, salt: Array(repeating: 0, count: Self.saltBytes), iterations: iterations)
    }

    private func derive(_ password: String, salt: [UInt8], iterations: Int) throws -> [UInt8] {
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: Self.keyBytes,
            unsafeUncheckedRounds: iterations)
        return key.withUnsafeBytes { Array($0) }
    }
}
