import CarbonCore
import Foundation

/// Manual activity data imported into a draft (CSV `source_id,value,unit` with a header, or JSON
/// `{"rows": [{"source_id", "value", "unit"}]}`): each row is checked on its own and reported;
/// the accepted rows replace the quantities of the manual sources they name (several rows of one
/// source, e.g. monthly meter readings, become its `quantities`, summed unrounded by CarbonCore).
struct ActivityImportReport: Encodable, Sendable {
    struct Rejected: Encodable, Sendable { let row: Int; let field: String?; let reason: String }
    let accepted: Int
    let rejected: [Rejected]
    let sourcesUpdated: [String]
    enum CodingKeys: String, CodingKey { case accepted, rejected, sourcesUpdated = "sources_updated" }

    static let schema = JSONSchema.object(
        ["accepted": .integer(minimum: 0),
         "rejected": .array(.object(["row": .integer(), "field": .nullable(.string()), "reason": .string()],
                                    required: ["row", "reason"])),
         "sources_updated": .array(.string())],
        required: ["accepted", "rejected", "sources_updated"])
}

struct ActivityRows: RequestBody {
    struct Row: Decodable, Sendable { let sourceID: String?; let value: String?; let unit: String?
        enum CodingKeys: String, CodingKey { case value, unit, sourceID = "source_id" } }
    let rows: [Row]
    enum CodingKeys: String, CodingKey, CaseIterable { case rows }
    typealias Keys = CodingKeys
    static let schema = JSONSchema.object(
        ["rows": .array(.object(["source_id": .string(), "value": .string(), "unit": .string()], required: []))],
        required: ["rows"])

    /// `source_id,value,unit` with a header line; quoted fields are not needed for these columns.
    static func csv(_ text: String) throws -> ActivityRows {
        var lines = text.split(whereSeparator: \.isNewline).map { String($0) }.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !lines.isEmpty else { throw APIError.badRequest("the CSV is empty", code: "invalid_csv") }
        let header = lines.removeFirst().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard header == ["source_id", "value", "unit"] else {
            throw APIError.badRequest("the CSV header must be source_id,value,unit", code: "invalid_csv")
        }
        return ActivityRows(rows: lines.map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            return Row(sourceID: cells.count > 0 ? cells[0] : nil, value: cells.count > 1 ? cells[1] : nil,
                       unit: cells.count > 2 ? cells[2] : nil)
        })
    }
}

extension InventoryService {
    static let maximumImportRows = 10_000

    func importActivity(_ id: String, _ rows: ActivityRows, scope: AccessScope, context: AppRequestContext) async throws
        -> ActivityImportReport
    {
        let inventory = try await get(id, scope: scope, permission: .inventoriesCreate)
        guard rows.rows.count <= Self.maximumImportRows else {
            throw APIError.invalidField("rows", "at most \(Self.maximumImportRows) rows per import")
        }
        let manual = Set(inventory.sources.compactMap { $0["id"]?.string })
        var rejected: [ActivityImportReport.Rejected] = []
        var quantities: [String: [JSONValue]] = [:]
        for (index, row) in rows.rows.enumerated() {
            let number = index + 1
            guard let source = row.sourceID, !source.isEmpty else {
                rejected.append(.init(row: number, field: "source_id", reason: "source_id is empty")); continue
            }
            guard manual.contains(source) else {
                rejected.append(.init(row: number, field: "source_id", reason: "no manual source '\(source)' in this inventory"))
                continue
            }
            guard let value = row.value, let unit = row.unit else {
                rejected.append(.init(row: number, field: row.value == nil ? "value" : "unit", reason: "value and unit are required"))
                continue
            }
            do {
                let quantity = try Quantity(value: value, unit: unit)
                guard quantity.value >= 0 else {
                    rejected.append(.init(row: number, field: "value", reason: "an activity quantity is not negative")); continue
                }
            } catch {
                rejected.append(.init(row: number, field: error.field ?? "value", reason: error.message)); continue
            }
            quantities[source, default: []].append(JSONValue.quantity(value, unit))
        }
        let sources = inventory.sources.map { source -> JSONValue in
            guard var object = source.object, let id = object["id"]?.string, let list = quantities[id] else { return source }
            object["quantity"] = nil
            object["quantities"] = nil
            if list.count == 1 { object["quantity"] = list[0] } else { object["quantities"] = .array(list) }
            return .object(object)
        }
        let updated = quantities.keys.sorted()
        if !updated.isEmpty {
            try InventoryDocument.check(sources: sources, production: inventory.production, gwp: inventory.gwp,
                                        field: "sources", index: true)
            let text = try Self.text(sources), now = clock.micros, auditor = self.auditor
            let accepted = rows.rows.count - rejected.count, rejectedCount = rejected.count
            try await database.write { connection in
                try connection.execute("UPDATE inventories SET sources = $2, updated_at = $3 WHERE id = $1",
                                       .text(inventory.id), .text(text), .integer(now))
                try auditor.append(.init(action: "inventories.activity_import", target: inventory.id,
                                         organisationID: inventory.organisationID,
                                         details: ["accepted": String(accepted), "rejected": String(rejectedCount),
                                                   "sources": updated.joined(separator: ",")]),
                                   context: context, on: connection)
            }
        }
        return ActivityImportReport(accepted: rows.rows.count - rejected.count, rejected: rejected, sourcesUpdated: updated)
    }
}
