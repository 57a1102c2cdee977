import CarbonCore
import Foundation
import HTTPTypes

/// Field rules of products and suppliers. Every refusal names the field, so a client can point at
/// it; nothing is written before all of them pass.
enum ProductValidation {
    /// Names and free text: trimmed, bounded, and without control characters (they would make
    /// the label's SVG and the canonical hash text awkward for people to check).
    static func text(_ value: String, field: String, max: Int = 200) throws -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...max).contains(trimmed.count) else {
            throw APIError.invalidField(field, "'\(field)' has 1 to \(max) characters")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.invalidField(field, "'\(field)' may not contain control characters")
        }
        return trimmed
    }

    static func optionalText(_ value: String?, field: String, max: Int = 10_000) throws -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return try text(value, field: field, max: max)
    }

    static func code(_ value: String, field: String = "code") throws -> String {
        guard (1...64).contains(value.count),
              value.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) })
        else { throw APIError.invalidField(field, "'\(field)' has 1 to 64 letters, digits, '.', '_' or '-'") }
        return value
    }

    static func key(_ value: String, field: String) throws -> String {
        guard (1...64).contains(value.count),
              value.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" })
        else { throw APIError.invalidField(field, "'\(field)' has 1 to 64 lower-case letters, digits, '_' or '-'") }
        return value
    }

    /// A decimal string; `positive` refuses zero too.
    static func decimal(_ value: String, field: String, positive: Bool = false) throws -> Decimal {
        let number = try APIError.decimal(value, field: field)
        guard positive ? number > 0 : number >= 0 else {
            throw APIError.invalidField(field, "'\(field)' must be \(positive ? "greater than zero" : "zero or more")")
        }
        return number
    }

    static func unit(_ value: String, field: String) throws -> CarbonCore.Unit {
        do { return try CarbonCore.Unit.parse(value) } catch {
            throw APIError.invalidField(field, "'\(field)': \(error.message)")
        }
    }

    /// A footprint per unit of something (`kgCO2e/kg`, `kgCO2e/unit`): CO2e over the activity unit.
    static func rate(_ value: String, field: String) throws -> (CarbonCore.Unit, CarbonCore.Unit) {
        let halves = value.split(separator: "/", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard halves.count == 2 else {
            throw APIError.invalidField(field, "'\(field)' must be CO2e per unit, e.g. kgCO2e/kg")
        }
        let numerator = try unit(halves[0], field: field)
        guard numerator.dimension == .co2e || numerator.dimension == .co2 else {
            throw APIError.invalidField(field, "'\(field)' must state CO2e (kgCO2e/…), not \(numerator.symbol)")
        }
        var denominator = halves[1]
        if denominator.hasPrefix("("), denominator.hasSuffix(")") { denominator = String(denominator.dropFirst().dropLast()) }
        return (numerator, try unit(denominator, field: field))
    }

    static func stage(_ value: String?, field: String, default fallback: LifecycleStage) throws -> LifecycleStage {
        guard let value else { return fallback }
        guard let stage = LifecycleStage(rawValue: value) else {
            throw APIError.invalidField(field, "'\(field)' must be one of: "
                                        + LifecycleStage.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return stage
    }

    static func id(_ value: String, field: String) throws -> String {
        guard UUID(uuidString: value) != nil else { throw APIError.invalidField(field, "'\(field)' must be a UUID") }
        return value.lowercased()
    }

    /// A CarbonCore refusal as the API's 422, with the field path translated by `locate`.
    static func calculationError(_ error: CalculationError, locate: (String) -> String) -> APIError {
        let field = locate(error.field ?? "")
        return APIError(.unprocessableContent, "invalid_field", error.message, field: field.isEmpty ? nil : field)
    }
}

extension ProductService {
    /// The body's definition, validated field by field (CarbonCore's own check follows once the
    /// supplier products are known).
    static func definition(_ body: ProductBody) throws -> ProductDefinition {
        typealias V = ProductValidation
        let name = try V.text(body.name, field: "name")
        let code = try V.code(body.code)
        let description = try V.optionalText(body.description, field: "description")
        let fuAmount = body.functionalUnit.amount
        _ = try V.decimal(fuAmount, field: "functional_unit.amount", positive: true)
        _ = try V.unit(body.functionalUnit.unit, field: "functional_unit.unit")
        let functionalUnit = FunctionalUnitBody(
            amount: fuAmount, unit: body.functionalUnit.unit,
            description: try V.optionalText(body.functionalUnit.description, field: "functional_unit.description"))
        let components = body.components ?? [], processes = body.processes ?? []
        if body.model != nil, !components.isEmpty || !processes.isEmpty {
            throw APIError.invalidField("model", "give either a model or components and processes, not both")
        }
        var checkedComponents: [ComponentBody] = []
        for (index, component) in components.enumerated() {
            let at = "components[\(index)]"
            guard ComponentBody.kinds.contains(component.kind) else {
                throw APIError.invalidField("\(at).kind", "'\(at).kind' must be material or supplier_product")
            }
            _ = try V.decimal(component.quantity, field: "\(at).quantity")
            _ = try V.unit(component.unit, field: "\(at).unit")
            var supplierProductID: String? = nil
            if component.kind == "material" {
                guard let factor = component.factor else {
                    throw APIError.invalidField("\(at).factor", "a material needs its emission factor (value + unit)")
                }
                guard component.supplierProductID == nil else {
                    throw APIError.invalidField("\(at).supplier_product_id", "a material names no supplier product")
                }
                _ = try V.decimal(factor.value, field: "\(at).factor.value")
                _ = try V.rate(factor.unit, field: "\(at).factor.unit")
            } else {
                guard component.factor == nil else {
                    throw APIError.invalidField("\(at).factor", "a supplier product's factor is its declared footprint")
                }
                guard let id = component.supplierProductID else {
                    throw APIError.invalidField("\(at).supplier_product_id", "a supplier product component names its id")
                }
                supplierProductID = try V.id(id, field: "\(at).supplier_product_id")
            }
            let stage = try V.stage(component.stage, field: "\(at).stage", default: .rawMaterial)
            checkedComponents.append(ComponentBody(
                kind: component.kind, name: try V.text(component.name, field: "\(at).name"), quantity: component.quantity,
                unit: component.unit, factor: component.kind == "material" ? component.factor : nil,
                supplierProductID: supplierProductID, stage: stage.rawValue))
        }
        var keys: Set<String> = []
        var checkedProcesses: [ProcessBody] = []
        for (index, process) in processes.enumerated() {
            let at = "processes[\(index)]"
            let key = try V.key(process.key, field: "\(at).key")
            guard keys.insert(key).inserted else { throw APIError.invalidField("\(at).key", "'\(key)' is used twice") }
            let stage = try V.stage(process.stage, field: "\(at).stage", default: .production)
            checkedProcesses.append(ProcessBody(key: key, name: try V.text(process.name, field: "\(at).name"),
                                                stage: stage.rawValue, emissions: process.emissions))
        }
        return ProductDefinition(name: name, code: code, description: description, functionalUnit: functionalUnit,
                                 components: checkedComponents, processes: checkedProcesses, uploadedModel: body.model)
    }
}
