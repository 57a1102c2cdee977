import Foundation

/// A product footprint per functional unit. Values are unrounded `Decimal`s; the JSON form
/// rounds once, half-up: CO2e and percentages to 3 places, per-unit intensities to 6.
public struct FootprintResult: Hashable, Sendable {
    public struct StageSubtotal: Hashable, Sendable {
        public var stage: LifecycleStage
        public var emissions: Decimal
        /// Percent of the total; nil when the total is zero.
        public var sharePercent: Decimal? = nil
    }

    public struct ProcessContribution: Hashable, Sendable {
        public var processID: String
        public var name: String
        public var stage: LifecycleStage
        /// The product this (allocated) process column makes.
        public var product: String
        /// Runs of the process per functional unit (s in A·s = f).
        public var scaling: Decimal
        /// How much of `product` the system makes per functional unit.
        public var supplied: Quantity
        public var emissions: Decimal
        public var sharePercent: Decimal? = nil
    }

    public struct GasContribution: Hashable, Sendable {
        public var gas: String
        public var gwp: Decimal
        /// CO2e from this gas.
        public var emissions: Decimal
        public var sharePercent: Decimal? = nil
    }

    public var name: String?
    public var functionalProduct: String
    public var functionalUnit: Quantity
    public var functionalUnitDescription: String?
    /// The CO2e unit of every emission figure (`kgCO2e`).
    public var unit: Unit
    public var gwpEdition: CharacterisationMap.Edition
    public var total: Decimal
    /// All five stages, in lifecycle order, zero ones included.
    public var stages: [StageSubtotal]
    public var hotspotStage: LifecycleStage?
    /// Process columns that run for this functional unit, in input order.
    public var processes: [ProcessContribution]
    public var hotspotProcess: String?
    public var gases: [GasContribution]
    public var allocations: [AllocationReport]
    public var trail: FormulaTrail

    /// The subtotal of one stage.
    public func subtotal(_ stage: LifecycleStage) -> StageSubtotal {
        stages.first { $0.stage == stage } ?? StageSubtotal(stage: stage, emissions: 0)
    }

    /// CO2e from one gas (`CH4_fossil`), zero when absent.
    public func emissions(ofGas gas: String) -> Decimal {
        gases.first { $0.gas.lowercased() == gas.lowercased() }?.emissions ?? 0
    }

    /// Places CO2e figures and percentages are written with in JSON (3 by default, as the
    /// reference cases are; a caller footprinting per gram of product may want more).
    public var places = 3
    public static let perUnitPlaces = 6
}

extension FootprintResult: Encodable {
    enum Keys: String, CodingKey {
        case name, unit, total, stages, processes, gases, allocations, trail, stage, emissions, product, scaling
        case supplied, gas, gwp, method, justification, shares, amount, basis, share, steps, factors, description
        case functionalUnit = "functional_unit", gwpEdition = "gwp_edition", hotspotStage = "hotspot_stage"
        case hotspotProcess = "hotspot_process", sharePercent = "share_percent", processID = "process_id"
        case hierarchyStep = "hierarchy_step", processEmissions = "process_emissions"
        case allocatedEmissions = "allocated_emissions", perUnit = "per_unit"
    }

    func text(_ value: Decimal, _ places: Int? = nil) -> String { DecimalText.format(value, places: places ?? self.places) }

    public func encode(to encoder: any Encoder) throws {
        var root = encoder.container(keyedBy: Keys.self)
        try root.encodeIfPresent(name, forKey: .name)
        var fu = root.nestedContainer(keyedBy: Keys.self, forKey: .functionalUnit)
        try fu.encode(functionalProduct, forKey: .product)
        try fu.encode(DecimalText.plain(functionalUnit.value), forKey: .amount)
        try fu.encode(functionalUnit.unit.symbol, forKey: .unit)
        try fu.encodeIfPresent(functionalUnitDescription, forKey: .description)
        try root.encode(unit.symbol, forKey: .unit)
        try root.encode(gwpEdition.rawValue, forKey: .gwpEdition)
        try root.encode(text(total), forKey: .total)
        var stageList = root.nestedUnkeyedContainer(forKey: .stages)
        for item in stages {
            var entry = stageList.nestedContainer(keyedBy: Keys.self)
            try entry.encode(item.stage.rawValue, forKey: .stage)
            try entry.encode(text(item.emissions), forKey: .emissions)
            try entry.encodeIfPresent(item.sharePercent.map { text($0) }, forKey: .sharePercent)
        }
        try root.encodeIfPresent(hotspotStage?.rawValue, forKey: .hotspotStage)
        var processList = root.nestedUnkeyedContainer(forKey: .processes)
        for item in processes {
            var entry = processList.nestedContainer(keyedBy: Keys.self)
            try entry.encode(item.processID, forKey: .processID)
            try entry.encode(item.name, forKey: .name)
            try entry.encode(item.stage.rawValue, forKey: .stage)
            try entry.encode(item.product, forKey: .product)
            try entry.encode(DecimalText.plain(item.scaling), forKey: .scaling)
            try entry.encode(item.supplied.description, forKey: .supplied)
            try entry.encode(text(item.emissions), forKey: .emissions)
            try entry.encodeIfPresent(item.sharePercent.map { text($0) }, forKey: .sharePercent)
        }
        try root.encodeIfPresent(hotspotProcess, forKey: .hotspotProcess)
        var gasList = root.nestedUnkeyedContainer(forKey: .gases)
        for item in gases {
            var entry = gasList.nestedContainer(keyedBy: Keys.self)
            try entry.encode(item.gas, forKey: .gas)
            try entry.encode(DecimalText.plain(item.gwp), forKey: .gwp)
            try entry.encode(text(item.emissions), forKey: .emissions)
            try entry.encodeIfPresent(item.sharePercent.map { text($0) }, forKey: .sharePercent)
        }
        var allocationList = root.nestedUnkeyedContainer(forKey: .allocations)
        for report in allocations { try encode(report, into: allocationList.nestedContainer(keyedBy: Keys.self)) }
        var trailEntry = root.nestedContainer(keyedBy: Keys.self, forKey: .trail)
        try trailEntry.encode(trail.steps, forKey: .steps)
        try trailEntry.encode(trail.factors, forKey: .factors)
    }

    private func encode(_ report: AllocationReport, into container: KeyedEncodingContainer<Keys>) throws {
        var entry = container
        try entry.encode(report.processID, forKey: .processID)
        try entry.encode(report.method.rawValue, forKey: .method)
        try entry.encode(report.hierarchyStep, forKey: .hierarchyStep)
        try entry.encodeIfPresent(report.justification, forKey: .justification)
        try entry.encode(text(report.processEmissions), forKey: .processEmissions)
        var shareList = entry.nestedUnkeyedContainer(forKey: .shares)
        for share in report.shares {
            var item = shareList.nestedContainer(keyedBy: Keys.self)
            try item.encode(share.product, forKey: .product)
            try item.encode(share.amount.description, forKey: .amount)
            try item.encode(share.basis.description, forKey: .basis)
            try item.encode(DecimalText.plain(share.share), forKey: .share)
            try item.encode(text(share.allocatedEmissions), forKey: .allocatedEmissions)
            try item.encode(text(share.perUnit, Self.perUnitPlaces), forKey: .perUnit)
        }
    }
}
