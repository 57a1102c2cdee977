import CarbonCore
import HTTPTypes
import Foundation
import HummingbirdTesting
import Testing

@testable import Aggregator

/// PDF through headless Chromium, read back with poppler's `pdftotext`. scripts/setup installs
/// both; without them the rendering test is skipped (and says why), the 503 test still runs.
@Suite struct ReportPDFTests {
    static var chromium: Bool { PDFRenderer().executable != nil }
    static var pdftotext: String? { PDFRenderer(command: "pdftotext").executable }

    @Test(.enabled(if: chromium && pdftotext != nil, "needs chromium and pdftotext (scripts/setup installs them)"),
          arguments: TestBackend.enabled)
    func aReportIsRenderedToPDFAndKeptOnceItIsPublished(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.person("reviewer", .administrator, at: app.rootID)
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            let reviewer = try await client.login("reviewer", TestApp.adminPassword)
            let planID = try await ReportFixtures.plan(client, token: admin, organisationID: app.rootID)
            let id = try #require(try await ReportFixtures.report(client, token: admin, planID: planID)["id"] as? String)
            for (action, token) in [("submit", admin), ("approve", reviewer), ("publish", admin)] {
                let reply = try await client.json(.post, "/api/v1/reports/\(id)/\(action)", token: token)
                #expect(reply.status == .ok, "\(action): \(reply.raw)")
            }
            let pdf = try await ReportFixtures.raw(client, "/api/v1/reports/\(id)/content.pdf", token: admin)
            #expect(pdf.status == .ok && pdf.headers[.contentType] == "application/pdf")
            #expect(pdf.bytes.starts(with: Array("%PDF".utf8)))
            let text = try Self.text(of: pdf.bytes)
            #expect(text.contains("Verification Report"), "\(text.prefix(400))")
            #expect(text.contains("Missing calibration certificate") && text.contains("GB/T 32150-2015"))
            #expect(text.contains("<script>alert('x')</script>"), "hostile text shows as text")
            if FileManager.default.fileExists(atPath: "/usr/share/fonts/opentype/noto") {  // fonts-noto-cjk
                #expect(text.contains("核查报告"), "the Chinese headings are real text in the PDF")
            }
            // Published: the same PDF bytes every time, pinned by its digest.
            let again = try await ReportFixtures.raw(client, "/api/v1/reports/\(id)/content.pdf", token: admin)
            #expect(again.bytes == pdf.bytes)
            let metadata = try await client.json(.get, "/api/v1/reports/\(id)", token: admin)
            #expect(field(metadata.body, "pdf_sha256") as? String == ReportDigest.sha256(pdf.bytes))
        }
        await app.close()
    }

    @Test func withoutARendererThePDFIs503AndHTMLAndCSVStillWork() async throws {
        let made = try await TestApp.make()
        var dependencies = made.dependencies
        dependencies.pdfRenderer = "/nonexistent/chromium"
        let app = TestApp(directory: made.directory, database: made.database, dependencies: dependencies,
                          clock: made.clock, rootID: made.rootID, adminID: made.adminID)
        try await app.application().test(.router) { client in
            let admin = try await client.login("admin", TestApp.adminPassword)
            let planID = try await ReportFixtures.plan(client, token: admin, organisationID: app.rootID)
            let id = try #require(try await ReportFixtures.report(client, token: admin, planID: planID)["id"] as? String)
            let pdf = try await client.json(.get, "/api/v1/reports/\(id)/content.pdf", token: admin)
            #expect(pdf.status == .serviceUnavailable)
            #expect((field(pdf.body, "error", "message") as? String ?? "").contains("--pdf-renderer"))
            #expect(try await ReportFixtures.raw(client, "/api/v1/reports/\(id)/content.html", token: admin).status == .ok)
            #expect(try await ReportFixtures.raw(client, "/api/v1/reports/\(id)/content.csv", token: admin).status == .ok)
        }
        await app.close()
    }

    static func text(of pdf: [UInt8]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pdftext-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.pdf"), output = directory.appendingPathComponent("out.txt")
        try Data(pdf).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(pdftotext))
        process.arguments = [input.path, output.path]
        try process.run()
        process.waitUntilExit()
        // Table cells wrap: compare with runs of white space as one space.
        return try String(contentsOf: output, encoding: .utf8)
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
