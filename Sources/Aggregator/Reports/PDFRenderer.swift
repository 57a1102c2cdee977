import HTTPTypes
import Dispatch
import Foundation
import NIOPosix

/// Turns a report's HTML into PDF with headless Chromium (Debian's `chromium`), as a subprocess.
/// The blocking wait runs on NIO's thread pool, never on Swift's cooperative pool, and a watchdog
/// ends a render that takes longer than `timeout`. Chromium gets no network (a proxy that does not
/// exist, loopback included) and a Content-Security-Policy without scripts: a template can only lay
/// out its own data. (`--blink-settings=scriptEnabled=false` would be simpler, but Chromium then
/// writes no PDF at all.)
struct PDFRenderer: Sendable {
    /// `chromium` (looked up on PATH) or a path; `aggregator serve --pdf-renderer PATH`.
    var command: String = "chromium"
    var timeout: TimeInterval = 60

    /// The executable, or nil when it is not installed.
    var executable: String? {
        if command.contains("/") { return FileManager.default.isExecutableFile(atPath: command) ? command : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(command)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func render(html: String) async throws -> [UInt8] {
        guard let executable else {
            throw APIError.unavailable(
                "PDF rendering is not available: '\(command)' was not found (install Debian's chromium, or start the "
                    + "aggregator with --pdf-renderer PATH); the HTML and CSV content still work", retryAfter: 3600)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = directory.appendingPathComponent("report.html"), output = directory.appendingPathComponent("report.pdf")
        try Data(Self.withoutScripts(html).utf8).write(to: page)
        let arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-pdf-header-footer",
            "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
            "--user-data-dir=\(directory.appendingPathComponent("profile").path)",
            "--print-to-pdf=\(output.path)", page.absoluteString,
        ]
        let timeout = self.timeout
        let outcome = try await NIOThreadPool.singleton.runIfActive { () throws -> (Int32, Bool) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let pid = process.processIdentifier
            let expired = ExpiryFlag()
            let watchdog = DispatchWorkItem {
                expired.set()
                kill(pid, SIGKILL)
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
            process.waitUntilExit()
            watchdog.cancel()
            return (process.terminationStatus, expired.isSet)
        }
        if outcome.1 {
            throw APIError.unavailable("the PDF renderer did not finish within \(Int(timeout)) s", retryAfter: 5)
        }
        guard outcome.0 == 0, let bytes = try? Data(contentsOf: output), bytes.starts(with: Array("%PDF".utf8)) else {
            throw APIError(.internalServerError, "pdf_failed", "the PDF renderer failed (exit status \(outcome.0))")
        }
        return Array(bytes)
    }
}

extension PDFRenderer {
    static let policy = #"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data: file:; font-src file:">"#

    /// The page with a no-script policy as the first thing in its head (a policy applies to what follows it).
    static func withoutScripts(_ html: String) -> String {
        guard let head = html.range(of: "<head>", options: .caseInsensitive) else { return policy + html }
        var page = html
        page.insert(contentsOf: policy, at: head.upperBound)
        return page
    }
}

/// Set by the watchdog when it ends a render, read after the process exits.
private final class ExpiryFlag: @unchecked Sendable {
    // @unchecked: the one stored value is guarded by `lock`.
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
