import HTTPTypes
import CarbonCore
import Foundation

/// A value a report template can show. Sendable (unlike mustache's `Any` contexts), so a source
/// can build it inside a database read and hand it across tasks; converted to `Any` only to render.
/// Numbers travel as text: decimals are already rounded and formatted by the source.
indirect enum ReportValue: Sendable, Equatable {
    case text(String)
    case flag(Bool)
    case list([ReportValue])
    case object([String: ReportValue])

    /// What swift-mustache walks: dictionaries, arrays, strings and booleans (sections on a `false`
    /// or an empty list render nothing; inverted sections render then).
    var mustache: Any {
        switch self {
        case .text(let text): return text
        case .flag(let flag): return flag
        case .list(let items): return items.map(\.mustache)
        case .object(let fields): return fields.mapValues(\.mustache)
        }
    }

    /// The value with `extra` merged in at the top level (objects only).
    func merging(_ extra: [String: ReportValue]) -> ReportValue {
        guard case .object(var fields) = self else { return self }
        fields.merge(extra) { _, new in new }
        return .object(fields)
    }
}

/// The tabular part of a report (what `/content.csv` serves): one header and rows of text cells.
struct ReportTable: Sendable, Equatable {
    var columns: [String]
    var rows: [[String]]
}

/// What a source hands the report engine for one object: whose it is (for access checks and for
/// the report's own organisation), a default title, the template context and the table.
struct ReportData: Sendable {
    let organisation: OrganisationRef
    let organisationName: String
    let title: String
    let context: ReportValue
    let table: ReportTable
}

/// A kind of thing reports are made from (a verification plan, an inventory version, a product
/// footprint version…). `load` checks that the caller may read the object, with the same
/// answer (404) for a missing object and one outside the caller's organisations.
///
/// An inventory version fits as: context `{inventory: {name, version, period, method}, totals:
/// [{label, value, unit}], rows: [{source, activity, unit, factor, emissions, formula}]}` and a
/// table with one row per source including its formula trail (see `BuiltInTemplates.inventory`).
protocol ReportSource: Sendable {
    /// The `source.kind` clients name (`verification`, `inventory`, `product_footprint`).
    var kind: String { get }
    /// Who may approve or return a report of this kind (four eyes: never its author).
    var reviewPermission: Permission { get }
    func load(id: String, scope: AccessScope) async throws -> ReportData
}

/// The sources the report engine knows, by kind. To add one: write a `ReportSource` and add one
/// line to `ReportSourceRegistry.standard`.
struct ReportSourceRegistry: Sendable {
    private(set) var sources: [String: any ReportSource] = [:]

    mutating func register(_ source: any ReportSource) { sources[source.kind] = source }

    func source(_ kind: String) -> (any ReportSource)? { sources[kind] }

    var kinds: [String] { sources.keys.sorted() }

    /// Every source the aggregator ships.
    static func standard(database: any Database) -> ReportSourceRegistry {
        var registry = ReportSourceRegistry()
        registry.register(VerificationReportSource(database: database))
        registry.register(InventoryReportSource(database: database))
        registry.register(ProductFootprintReportSource(database: database))
        return registry
    }
}
