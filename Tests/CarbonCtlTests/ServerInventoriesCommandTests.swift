import Foundation
import Testing

@testable import CarbonCtl

/// `carbonctl inventories` and `carbonctl reports` end to end against a real aggregator process:
/// an inventory made from the example input is calculated on the server to the same total as
/// `carbonctl account` computes locally from the same file, then rendered as a report and fetched.
@Suite struct ServerInventoriesCommandTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/inventory.json").path

    func json(_ text: String) -> Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test(.enabled(if: FileManager.default.fileExists(
        atPath: CommandRun.productsDirectory.appendingPathComponent("aggregator").path)))
    func calculatesAnInventoryAndFetchesItsReport() throws {
        let session = try AdminSession("carbonctl-inv")
        let directory = session.directory, root = session.rootID
        let connection = ["--server", session.server.url, "--token-file", session.tokenFile, "--format", "json"]

        let created = try CommandRun.run("carbonctl", ["inventories", "create", "--organisation", root, "--name", "Plant A",
                                                       "--year", "2024", "--file", Self.example] + connection)
        let inventory = try #require((json(created.stdout) as? [String: Any])?["id"] as? String, "\(created.stderr)")
        let calculated = try CommandRun.run("carbonctl", ["inventories", "calculate", inventory] + connection)
        let reply = try #require(json(calculated.stdout) as? [String: Any], "\(calculated.stderr)")
        let version = try #require(reply["version"] as? [String: Any])
        let local = try CommandRun.run("carbonctl", ["account", Self.example, "--format", "json"])
        let localTotal = (json(local.stdout) as? [String: Any])?["total_tco2e"] as? String
        #expect(reply["created"] as? Bool == true && version["number"] as? Int == 1)
        #expect(version["total_tco2e"] as? String == localTotal && localTotal != nil, "\(version["total_tco2e"] ?? "-")")

        let table = try CommandRun.run("carbonctl", ["inventories", "version", inventory, "1", "--server", session.server.url,
                                                     "--token-file", session.tokenFile])
        #expect(table.status == 0 && table.stdout.hasPrefix("version 1: \(localTotal ?? "?") tCO2e")
                && table.stdout.contains("boiler"), "\(table.stdout)\(table.stderr)")
        let again = try CommandRun.run("carbonctl", ["inventories", "calculate", inventory] + connection)
        #expect((json(again.stdout) as? [String: Any])?["created"] as? Bool == false)

        let templates = try CommandRun.run("carbonctl", ["reports", "templates"] + connection)
        let template = try #require((json(templates.stdout) as? [[String: Any]])?
            .first { $0["source_kind"] as? String == "inventory" }?["id"] as? String, "\(templates.stdout)")
        let report = try CommandRun.run("carbonctl", ["reports", "create", "--template", template, "--source-kind",
                                                      "inventory", "--source-id", "\(inventory):1", "--title", "Plant A 2024"]
                                        + connection)
        let reportID = try #require((json(report.stdout) as? [String: Any])?["id"] as? String, "\(report.stderr)")
        let html = directory.appendingPathComponent("report.html").path
        let fetched = try CommandRun.run("carbonctl", ["reports", "get", reportID, "--as", "html", "--output", html,
                                                       "--server", session.server.url, "--token-file", session.tokenFile])
        #expect(fetched.status == 0, "\(fetched.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains(localTotal ?? "?") && page.contains("Plant A 2024"))

        let bad = try CommandRun.run("carbonctl", ["reports", "get", reportID, "--as", "docx", "--output", html,
                                                   "--server", session.server.url, "--token-file", session.tokenFile])
        #expect(bad.status == 2 && bad.stderr.split(separator: "\n").count == 1 && bad.stderr.contains("--as"))
    }
}
