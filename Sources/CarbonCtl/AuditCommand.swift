import ArgumentParser
import Foundation

// `carbonctl audit verify`: checks an audit export offline.
//
//   carbonctl audit verify --export FILE|- --checkpoints FILE --key FILE
//   carbonctl audit verify --server URL [--token-file F] --checkpoints FILE --key FILE
//
// The checkpoints and key are the aggregator's STATE_DIR/audit-checkpoints.jsonl and
// STATE_DIR/audit-checkpoint.key: copy them from the server over a channel you trust. Prints
// `ok: N records, last sequence S` (status 0) or `broken at sequence N: CODE: message` (status 1);
// an unreadable input is one line on standard error and status 2.

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify the aggregator's tamper-evident audit log.", subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify an audit export's hash chain against the signed checkpoints.",
            discussion: "Give --export (a file, or - for standard input) or --server (the export is fetched).")
        @Option(help: "The export: JSON lines from GET /api/v1/audit/export, or - for standard input.")
        var export: String?
        @Option(help: "Fetch the export from this aggregator instead (needs audit:export at a root).")
        var server: String?
        @Option(name: .customLong("token-file"), help: "The session token for --server (default as for admin).")
        var tokenFile: String?
        @Option(help: "The signed checkpoints (STATE_DIR/audit-checkpoints.jsonl).") var checkpoints: String
        @Option(help: "The checkpoint key (STATE_DIR/audit-checkpoint.key).") var key: String

        func run() throws {
            var verdict: AuditVerifier.Verdict?
            try reportingFailures {
                let exportData: Data
                switch (export, server) {
                case (let file?, nil): exportData = try readInput(file)
                case (nil, let server?):
                    let token = try TokenStore(path: tokenFile).read(explicit: tokenFile != nil)
                    exportData = try AdminClient(server: server, token: token).send("GET", "/api/v1/audit/export")
                case (nil, nil): throw Failure("give --export FILE (or -) or --server URL")
                case (.some, .some): throw Failure("give --export or --server, not both")
                }
                let checkpointList = try AuditVerifier.checkpoints(try readInput(checkpoints), file: checkpoints)
                let keyBytes = try AuditVerifier.key(try readInput(key), file: key)
                verdict = AuditVerifier.verify(export: exportData, checkpoints: checkpointList, key: keyBytes)
            }
            guard let verdict else { return }
            print(verdict.line)
            if !verdict.intact { throw ExitCode(1) }
        }
    }
}
