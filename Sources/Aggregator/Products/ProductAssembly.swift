import CarbonCore
import Foundation

/// A product's definition after validation, as stored: either a bill of materials with processes,
/// or an uploaded CarbonCore model.
struct ProductDefinition: Sendable {
    var name: String
    var code: String
    var description: String?
    var functionalUnit: FunctionalUnitBody
    var components: [ComponentBody]
    var processes: [ProcessBody]
    var uploadedModel: FootprintModel?

    var source: String { uploadedModel == nil ? "bill_of_materials" : "uploaded_model" }
}

/// Turns a bill of materials and processes into the CarbonCore `FootprintModel` the calculator
/// takes, so the aggregator never computes a footprint itself:
/// - component i becomes process `component-i` (its stage, default raw_material) making 1 of its
///   unit with emissions `1 unit × factor` (the material's factor, or the supplier's declared
///   footprint per unit);
/// - each process becomes `process-KEY`, making one functional unit with the given emissions;
/// - process `assembly` (production, no direct emissions) makes the functional unit from
///   `quantity` of every component and one functional unit's worth of every process.
enum ProductAssembly {
    /// Declared footprints of the supplier products a bill of materials names, by id.
    typealias SupplierFactors = [String: RateBody]

    /// CarbonCore's model types have no public memberwise initialisers: the model is written as
    /// its JSON form and read back through `FootprintModel.decode`, the same path an upload takes.
    static func model(_ definition: ProductDefinition, supplierFactors: SupplierFactors) throws(CalculationError)
        -> FootprintModel
    {
        if let uploaded = definition.uploadedModel { return uploaded }
        let fu = definition.functionalUnit
        let functionalProduct = "product:\(definition.code)"
        func s(_ text: String) -> JSONValue { .string(text) }
        func amount(_ value: String, _ unit: String) -> JSONValue { .object(["amount": s(value), "unit": s(unit)]) }
        var processes: [JSONValue] = []
        var inputs: [JSONValue] = []
        for (index, component) in definition.components.enumerated() {
            let id = "component-\(index + 1)"
            let factor = component.kind == "supplier_product"
                ? supplierFactors[component.supplierProductID ?? ""] : component.factor
            var factorObject: [String: JSONValue] = [:]
            if let factor { factorObject = ["value": s(factor.value), "unit": s(factor.unit)] }
            let flow: JSONValue = .object(["label": s(component.name), "activity": amount("1", component.unit),
                                           "factor": .object(factorObject)])
            processes.append(.object([
                "id": s(id), "name": s(component.name), "stage": s(component.stage ?? LifecycleStage.rawMaterial.rawValue),
                "product": .object(["product": s(id), "amount": s("1"), "unit": s(component.unit)]),
                "emissions": .array([flow]),
            ]))
            inputs.append(.object(["product": s(id), "amount": s(component.quantity), "unit": s(component.unit)]))
        }
        for process in definition.processes {
            let id = "process-\(process.key)"
            let emissions: JSONValue
            do { emissions = try JSONValue.from(process.emissions) } catch {
                throw CalculationError(.invalidInput, "\(error)", field: "processes")
            }
            processes.append(.object([
                "id": s(id), "name": s(process.name), "stage": s(process.stage),
                "product": .object(["product": s(id), "amount": s(fu.amount), "unit": s(fu.unit)]),
                "emissions": emissions,
            ]))
            inputs.append(.object(["product": s(id), "amount": s(fu.amount), "unit": s(fu.unit)]))
        }
        processes.append(.object([
            "id": s("assembly"), "name": s("Assembly of \(definition.name)"), "stage": s(LifecycleStage.production.rawValue),
            "product": .object(["product": s(functionalProduct), "amount": s(fu.amount), "unit": s(fu.unit)]),
            "inputs": .array(inputs),
        ]))
        var functionalUnit: [String: JSONValue] = ["product": s(functionalProduct), "amount": s(fu.amount), "unit": s(fu.unit)]
        if let description = fu.description { functionalUnit["description"] = s(description) }
        let document: JSONValue = .object(["name": s(definition.name), "functional_unit": .object(functionalUnit),
                                           "processes": .array(processes)])
        return try FootprintModel.decode(json: Data(CanonicalJSON.text(document).utf8))
    }

    /// Where a CarbonCore field path of an assembled model points in the request body.
    static func bodyField(_ coreField: String, _ definition: ProductDefinition) -> String {
        if definition.uploadedModel != nil { return coreField.isEmpty ? "model" : "model.\(coreField)" }
        guard coreField.hasPrefix("processes["), let close = coreField.firstIndex(of: "]"),
              let index = Int(coreField[coreField.index(coreField.startIndex, offsetBy: 10)..<close])
        else { return coreField.hasPrefix("functional_unit") ? coreField : "functional_unit" }
        let rest = String(coreField[coreField.index(after: close)...])
        let components = definition.components.count
        if index < components {
            // The component's single flow is built from its own fields.
            let tail = rest.contains("factor") ? ".factor" : rest.contains("activity") ? ".unit" : ""
            return "components[\(index)]\(tail)"
        }
        if index < components + definition.processes.count { return "processes[\(index - components)]\(rest)" }
        return "components"
    }

    /// Checks the model with CarbonCore (the same call the footprint route makes), so a definition
    /// that cannot be calculated is refused when it is saved, naming the field.
    static func validate(_ definition: ProductDefinition, supplierFactors: SupplierFactors) throws {
        do {
            _ = try FootprintCalculator.calculate(try model(definition, supplierFactors: supplierFactors))
        } catch {
            throw ProductValidation.calculationError(error) { bodyField($0, definition) }
        }
    }
}
