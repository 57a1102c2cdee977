import HTTPTypes
import Crypto

/// SHA-256 in lower-case hex: what a published report's rendered bytes are pinned by.
enum ReportDigest {
    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
