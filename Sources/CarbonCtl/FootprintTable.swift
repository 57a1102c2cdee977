import Foundation
import CarbonCore

/// A product footprint for people: stages with shares, the hotspot, then each process.
enum FootprintTable {
    static func render(_ result: FootprintResult) -> String {
        func figure(_ value: Decimal) -> String { DecimalText.format(value, places: 3) }
        func share(_ value: Decimal?) -> String { value.map { DecimalText.format($0, places: 3) + " %" } ?? "" }
        let unit = result.unit.symbol
        var out = "\(result.name ?? result.functionalProduct): \(figure(result.total)) \(unit) per \(result.functionalUnit)"
        out += " (\(result.gwpEdition))\n"
        if let description = result.functionalUnitDescription { out += "Functional unit: \(description)\n" }
        out += "\n" + InventoryTable.table(["Lifecycle stage", unit, "share"],
                                           result.stages.map { [$0.stage.rawValue, figure($0.emissions), share($0.sharePercent)] })
        if let hotspot = result.hotspotStage { out += "Hotspot stage: \(hotspot.rawValue)\n" }
        out += "\n" + InventoryTable.table(["Process", "stage", unit, "share"],
                                           result.processes.map { [$0.processID, $0.stage.rawValue, figure($0.emissions), share($0.sharePercent)] })
        return out
    }
}
