import CarbonCore
import Foundation

/// The functional unit a product's footprint is stated for (`1 unit`, `1 kg`).
struct FunctionalUnitBody: Codable, Sendable, Equatable {
    let amount: String
    let unit: String
    let description: String?
}

/// A value per unit (`6.15` `kgCO2e/kg`): a material's emission factor or a declared footprint.
struct RateBody: Codable, Sendable, Equatable {
    let value: String
    let unit: String
}

/// One line of the bill of materials, per functional unit: a material with its own emission factor,
/// or a supplier's product whose declared footprint is the factor.
struct ComponentBody: Codable, Sendable, Equatable {
    let kind: String
    let name: String
    let quantity: String
    let unit: String
    let factor: RateBody?
    let supplierProductID: String?
    let stage: String?

    enum CodingKeys: String, CodingKey {
        case kind, name, quantity, unit, factor, stage
        case supplierProductID = "supplier_product_id"
    }
    static let kinds = ["material", "supplier_product"]
}

/// A process of a later stage (production energy, distribution, use, end of life), with its
/// emissions per functional unit in CarbonCore's elementary-flow form.
struct ProcessBody: Codable, Sendable, Equatable {
    let key: String
    let name: String
    let stage: String
    let emissions: [FootprintModel.ElementaryFlow]
}

/// Create (with `organisation_id`) or replace (PUT, without it) a product's definition: either a
/// bill of materials and processes, or a complete CarbonCore model uploaded as-is.
struct ProductBody: RequestBody {
    let organisationID: String?
    let name: String
    let code: String
    let description: String?
    let functionalUnit: FunctionalUnitBody
    let components: [ComponentBody]?
    let processes: [ProcessBody]?
    let model: FootprintModel?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, code, description, components, processes, model
        case organisationID = "organisation_id"
        case functionalUnit = "functional_unit"
    }
    typealias Keys = CodingKeys

    static let unitText = JSONSchema.string(pattern: "\\S", maxLength: 64, minLength: 1)
    static let stage = JSONSchema.string(values: LifecycleStage.allCases.map(\.rawValue))
    static let rate = JSONSchema.object(["value": .decimal, "unit": unitText], required: ["value", "unit"])
    static let functionalUnitSchema = JSONSchema.object(
        ["amount": .decimal, "unit": unitText, "description": .text], required: ["amount", "unit"])
    static let componentSchema = JSONSchema.object(
        ["kind": .string(values: ComponentBody.kinds), "name": .name, "quantity": .decimal, "unit": unitText,
         "factor": rate, "supplier_product_id": .uuid, "stage": stage],
        required: ["kind", "name", "quantity", "unit"])
    /// CarbonCore's elementary flow; its own rules (amount + unit, or activity × factor) are checked
    /// by CarbonCore, which names the field.
    static let flowSchema = JSONSchema.object(
        ["label": .text, "gas": .string(maxLength: 64), "amount": .decimal, "unit": unitText,
         "activity": .object(["amount": .decimal, "unit": unitText], required: ["amount", "unit"]),
         "distance": .object(["amount": .decimal, "unit": unitText], required: ["amount", "unit"]),
         "factor": .object(["value": .decimal, "unit": unitText, "factor_id": .string(maxLength: 200)], required: [])],
        required: [])
    static let processSchema = JSONSchema.object(
        ["key": .string(pattern: "^[a-z0-9_-]{1,64}$"), "name": .name, "stage": stage, "emissions": .array(flowSchema)],
        required: ["key", "name", "stage", "emissions"])

    static func schema(create: Bool) -> JSONSchema {
        var properties: [String: JSONSchema] = [
            "name": .name, "code": .string(pattern: "^[A-Za-z0-9._-]{1,64}$"), "description": .text,
            "functional_unit": functionalUnitSchema, "components": .array(componentSchema),
            "processes": .array(processSchema),
            // A whole CarbonCore FootprintModel (see Sources/CarbonCore/Footprint/FootprintModel.swift).
            "model": .object([:], required: [], additional: true),
        ]
        if create { properties["organisation_id"] = .uuid }
        return .object(properties, required: (create ? ["organisation_id"] : []) + ["name", "code", "functional_unit"])
    }
}

/// A product as the API shows it, with its definition and the model assembled from it.
struct Product: Encodable, Sendable {
    let id: String
    let organisationID: String
    let name: String
    let code: String
    let description: String?
    let functionalUnit: FunctionalUnitBody
    let components: [ComponentBody]
    let processes: [ProcessBody]
    /// "bill_of_materials" or "uploaded_model": where the footprint model comes from.
    let source: String
    let model: FootprintModel
    let createdAt: String
    let updatedAt: String
    let ref: OrganisationRef

    enum CodingKeys: String, CodingKey {
        case id, name, code, description, components, processes, source, model
        case organisationID = "organisation_id"
        case functionalUnit = "functional_unit"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    static let schema = JSONSchema.object(
        ["id": .uuid, "organisation_id": .uuid, "name": .text, "code": .text, "description": .nullable(.text),
         "functional_unit": .any, "components": .array(.any), "processes": .array(.any),
         "source": .string(values: ["bill_of_materials", "uploaded_model"]), "model": .any,
         "created_at": .timestamp, "updated_at": .timestamp],
        required: ["id", "organisation_id", "name", "code", "functional_unit", "components", "processes", "source",
                   "model", "created_at", "updated_at"])
}

/// A product in lists: no definition.
struct ProductSummary: Encodable, Sendable {
    let id: String
    let organisationID: String
    let name: String
    let code: String
    let functionalUnit: FunctionalUnitBody
    let ref: OrganisationRef

    enum CodingKeys: String, CodingKey {
        case id, name, code
        case organisationID = "organisation_id"
        case functionalUnit = "functional_unit"
    }

    static let schema = JSONSchema.object(
        ["id": .uuid, "organisation_id": .uuid, "name": .text, "code": .text, "functional_unit": .any],
        required: ["id", "organisation_id", "name", "code", "functional_unit"])
}
