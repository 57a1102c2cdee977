import CarbonCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Aggregator

/// Reports made from real calculated results: an inventory version calculated from telemetry and
/// a product footprint version, both built through the API. Every figure in the HTML, CSV and PDF
/// is the exact decimal string the calculation API returned.
@Suite struct SourceReportTests {
    @Test(arguments: TestBackend.enabled)
    func anInventoryVersionReportShowsItsFiguresAndTrails(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            var plant = try await AccountingFixture.make(app, client: client)
            try await plant.deliverFirst(client: client)
            try await plant.mapGasAndPower(client: client)
            let inventoryID = try await plant.createInventory(year: 2026, client: client)
            let calculated = try await client.json(.post, "/api/v1/inventories/\(inventoryID)/calculate", token: plant.token)
            #expect(calculated.status == .ok, "\(calculated.raw)")
            let total = try #require(field(calculated.body, "version", "total_tco2e") as? String)
            let sources = try #require(field(calculated.body, "version", "result", "report", "sources") as? [[String: Any]])
            #expect(sources.count == 3)

            let created = try await client.json(.post, "/api/v1/reports", token: plant.token, body: [
                "template_id": BuiltInTemplates.inventoryID, "source_kind": "inventory", "source_id": "\(inventoryID):1",
            ])
            #expect(created.status == .created, "\(created.raw)")
            let id = try #require(field(created.body, "id") as? String)
            #expect(field(created.body, "title") as? String == "Plant 2026 v1")

            let html = String(decoding: try await ReportFixtures.raw(client, "/api/v1/reports/\(id)/content.html",
                                                                     token: plant.token).bytes, as: UTF8.self)
            #expect(html.contains("温室气体排放报告 GHG Inventory Report") && html.contains("计算过程 Formula trails"))
            #expect(html.contains("<td>\(total)</td>"), "the total as calculated")
            for source in sources {
                let figure = try #require(source["tco2e"] as? String)
                #expect(html.contains("<td>\(figure)</td>"), "\(source["id"] ?? "") \(figure)")
                let steps = try #require(source["trail"] as? [[String: Any]])
                #expect(!steps.isEmpty)
                for step in steps {
                    let result = try #require(step["result"] as? String)
                    #expect(html.contains(Self.escaped(result)), "trail step \(step)")
                }
            }
            #expect(html.contains("2026-01"), "the monthly trend")

            // CSV: one row per source, the same figures, the trail in words.
            let csv = String(decoding: try await ReportFixtures.raw(client, "/api/v1/reports/\(id)/content.csv",
                                                                    token: plant.token).bytes, as: UTF8.self)
            let table = Self.parseCSV(csv)
            #expect(table.first == InventoryReportView.columns)
            let rows = Array(table.dropFirst())
            #expect(rows.count == sources.count)
            for source in sources {
                let row = try #require(rows.first { $0.first == source["id"] as? String }, "\(source)")
                #expect(row[3] == source["tco2e"] as? String)
                let first = try #require((source["trail"] as? [[String: Any]])?.first)
                #expect(row[9].contains(first["formula"] as? String ?? "?"), "\(row[9])")
            }
            #expect(rows.first { $0[0] == "grid" }?[2] == "scope_2")
            #expect(rows.first { $0[0] == "boiler" }?[5] == "1100")

            if ReportPDFTests.chromium && ReportPDFTests.pdftotext != nil {
                let pdf = try await ReportFixtures.raw(client, "/api/v1/reports/\(id)/content.pdf", token: plant.token)
                #expect(pdf.status == .ok)
                let text = try ReportPDFTests.text(of: pdf.bytes)
                #expect(text.contains(total), "\(text.prefix(600))")
                #expect(text.contains("GHG Inventory Report"))
            }
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func anInventoryOfAnotherOrganisationIsAnUnknownSource(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            var plant = try await AccountingFixture.make(app, client: client)
            try await plant.deliverFirst(client: client)
            try await plant.mapGasAndPower(client: client)
            let inventoryID = try await plant.createInventory(year: 2026, client: client)
            #expect(try await client.json(.post, "/api/v1/inventories/\(inventoryID)/calculate", token: plant.token).status == .ok)
            let other = try await app.organisation("Other group", under: app.rootID, kind: "group")
            try await app.person("outsider", .administrator, at: other)
            let outsider = try await client.login("outsider", TestApp.adminPassword)
            var answers: [String] = []
            for sourceID in ["\(inventoryID):1", "\(UUID().uuidString):1", "\(inventoryID):9", "\(inventoryID)", "x:y"] {
                let reply = try await client.json(.post, "/api/v1/reports", token: outsider, body: [
                    "template_id": BuiltInTemplates.inventoryID, "source_kind": "inventory", "source_id": sourceID,
                ])
                #expect(reply.status == .unprocessableContent, "\(sourceID): \(reply.raw)")
                #expect(field(reply.body, "error", "field") as? String == "source_id")
                answers.append(field(reply.body, "error", "message") as? String ?? "")
            }
            #expect(Set(answers).count == 1, "the same answer for hidden and missing: \(answers)")
            // The owner can; a missing version is unknown to the owner too.
            let missing = try await client.json(.post, "/api/v1/reports", token: plant.token, body: [
                "template_id": BuiltInTemplates.inventoryID, "source_kind": "inventory", "source_id": "\(inventoryID):2",
            ])
            #expect(missing.status == .unprocessableContent)
            #expect(try await app.count("reports") == 0)
        }
        await app.close()
    }

    @Test(arguments: TestBackend.enabled)
    func aProductFootprintReportShowsStagesGasesAndPerUnitFigures(_ backend: TestBackend) async throws {
        let app = try await TestApp.make(backend)
        try await app.application().test(.router) { client in
            let token = try await client.login("admin", TestApp.adminPassword)
            let maker = try await app.organisation("Kettle maker", under: app.rootID)
            let (_, supplierProductID) = try await ProductFixture.supplier(client, token: token, organisationID: maker)
            let product = try await client.json(.post, "/api/v1/products", token: token,
                                                body: ProductFixture.kettle(organisationID: maker,
                                                                            supplierProductID: supplierProductID))
            let productID = try #require(field(product.body, "id") as? String, "\(product.raw)")
            let footprint = try await client.json(.post, "/api/v1/products/\(productID)/footprints", token: token)
            #expect(footprint.status == .ok, "\(footprint.raw)")
            let footprintID = try #require(field(footprint.body, "id") as? String)
            let total = try #require(field(footprint.body, "total") as? String)
            let stages = try #require(field(footprint.body, "result", "stages") as? [[String: Any]])
            let gases = try #require(field(footprint.body, "result", "gases") as? [[String: Any]])

            let created = try await client.json(.post, "/api/v1/reports", token: token, body: [
                "template_id": BuiltInTemplates.productFootprintID, "source_kind": "product_footprint",
                "source_id": footprintID,
            ])
            #expect(created.status == .created, "\(created.raw)")
            let id = try #require(field(created.body, "id") as? String)
            let html = String(decoding: try await ReportFixtures.raw(client, "/api/v1/reports/\(id)/content.html",
                                                                     token: token).bytes, as: UTF8.self)
            #expect(html.contains("产品碳足迹报告 Product Carbon Footprint Report"))
            #expect(html.contains("Electric kettle &lt;1.7 L&gt; &amp; lid"), "names are escaped")
            #expect(!html.contains("<1.7 L>"))
            #expect(html.contains("<td>\(total)</td>"))
            #expect(html.contains("<td>9.695</td>") && html.contains("<td>1.610</td>"), "raw material and production")
            for stage in stages { #expect(html.contains("<td>\(stage["emissions"] as? String ?? "?")</td>")) }
            for gas in gases { #expect(html.contains("<td>\(gas["gas"] as? String ?? "?")</td>")) }
            #expect(html.contains("1 unit"), "per functional unit")

            let table = Self.parseCSV(String(decoding: try await ReportFixtures.raw(
                client, "/api/v1/reports/\(id)/content.csv", token: token).bytes, as: UTF8.self))
            #expect(table.first == ProductFootprintReportView.columns)
            #expect(table.dropFirst().first { $0[0] == "total" }?[4] == total)
            for stage in stages {
                #expect(table.first { $0[0] == "stage" && $0[1] == stage["stage"] as? String }?[4] == stage["emissions"] as? String)
            }
            #expect(table.filter { $0[0] == "gas" }.count == gases.count)
            #expect(table.filter { $0[0] == "process" }.count == (field(footprint.body, "result", "processes") as? [Any])?.count)

            if ReportPDFTests.chromium && ReportPDFTests.pdftotext != nil {
                let pdf = try await ReportFixtures.raw(client, "/api/v1/reports/\(id)/content.pdf", token: token)
                #expect(pdf.status == .ok)
                let text = try ReportPDFTests.text(of: pdf.bytes)
                #expect(text.contains(total) && text.contains("Product Carbon Footprint Report"), "\(text.prefix(600))")
            }

            // Another organisation's user: the footprint is unknown, as a random id is.
            let other = try await app.organisation("Other maker", under: app.rootID)
            try await app.person("outsider", .administrator, at: other)
            let outsider = try await client.login("outsider", TestApp.adminPassword)
            for sourceID in [footprintID, UUID().uuidString, "not-a-uuid"] {
                let reply = try await client.json(.post, "/api/v1/reports", token: outsider, body: [
                    "template_id": BuiltInTemplates.productFootprintID, "source_kind": "product_footprint",
                    "source_id": sourceID,
                ])
                #expect(reply.status == .unprocessableContent && field(reply.body, "error", "field") as? String == "source_id",
                        "\(reply.raw)")
            }
            // The inventory template does not fit a footprint.
            let mismatch = try await client.json(.post, "/api/v1/reports", token: token, body: [
                "template_id": BuiltInTemplates.inventoryID, "source_kind": "product_footprint", "source_id": footprintID,
            ])
            #expect(mismatch.status == .unprocessableContent && field(mismatch.body, "error", "field") as? String == "template_id")
        }
        await app.close()
    }

    /// As swift-mustache escapes `{{name}}`.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    /// RFC 4180, enough for the report tables (quoted cells with commas, quotes and line breaks).
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], cell = "", quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" { cell.append("\""); characters.removeFirst() } else { quoted = false }
                } else { cell.append(character) }
            } else if character == "\"" { quoted = true }
            else if character == "," { row.append(cell); cell = "" }
            else if character == "\r\n" || character == "\n" { row.append(cell); rows.append(row); row = []; cell = "" }
            else { cell.append(character) }
        }
        if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
        return rows
    }
}
