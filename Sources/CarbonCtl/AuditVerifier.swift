import CarbonCore
import Foundation

/// Offline verification of an audit export (JSON lines of `AuditRecord`) against the signed
/// checkpoints kept outside the database. The hash chain finds an edited, reordered or deleted
/// record; the checkpoints find a chain cut short or rewritten from some point on.
enum AuditVerifier {
    struct Verdict: Equatable {
        let intact: Bool
        let line: String
    }

    static func verify(export: Data, checkpoints: [AuditCheckpoint], key: [UInt8]) -> Verdict {
        var records: [AuditRecord] = []
        let decoder = JSONDecoder()
        var lineNumber = 0
        for line in export.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) else { continue }
            guard let record = try? decoder.decode(AuditRecord.self, from: Data(line)) else {
                // A line cut in the middle (a truncated download) or damaged: name where the chain stops.
                let sequence = (records.last?.sequence ?? 0) + 1
                return Verdict(intact: false, line: "broken at sequence \(sequence): malformed: line \(lineNumber) "
                                   + "is not an audit record; the export is damaged or cut short")
            }
            records.append(record)
        }
        switch AuditChain.verify(records: records, checkpoints: checkpoints, key: key) {
        case .intact(let count, let last, _):
            return Verdict(intact: true, line: "ok: \(count) records, last sequence \(last)")
        case .broken(let sequence, let code, let message):
            return Verdict(intact: false, line: "broken at sequence \(sequence): \(code.rawValue): \(message)")
        }
    }

    /// The checkpoint key as the aggregator writes it: base64 text of at least 32 bytes.
    static func key(_ data: Data, file: String) throws(Failure) -> [UInt8] {
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Data(base64Encoded: text), bytes.count >= 32 else {
            throw Failure("\(file): not an audit checkpoint key (base64 text of at least 32 bytes)")
        }
        return Array(bytes)
    }

    static func checkpoints(_ data: Data, file: String) throws(Failure) -> [AuditCheckpoint] {
        do {
            return try AuditCheckpoint.parseLines(String(decoding: data, as: UTF8.self))
        } catch {
            throw Failure("\(file): not a checkpoint file (one signed JSON checkpoint per line)")
        }
    }
}
