import Foundation

/// The ISO 14067 / PAS 2050 stage a process belongs to. Stage subtotals are reported in this
/// order, and a tie for the hotspot goes to the earlier stage, so results are deterministic.
public enum LifecycleStage: String, CaseIterable, Codable, Hashable, Sendable {
    case rawMaterial = "raw_material"
    case production
    case transport
    case use
    case endOfLife = "end_of_life"

    /// Unknown stages are refused with the accepted list, rather than silently dropped.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let stage = LifecycleStage(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown stage '\(text)'; accepted: "
                    + LifecycleStage.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        self = stage
    }
}

/// How a multi-output process shares its inputs and emissions among its products. ISO 14044
/// 4.3.4.2 prefers avoiding allocation (model the sub-processes separately), then a physical
/// relationship (mass), and only then another relationship such as economic value.
public enum AllocationMethod: String, CaseIterable, Codable, Hashable, Sendable {
    case mass
    case economic

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let method = AllocationMethod(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown allocation method '\(text)'; accepted: mass, economic "
                    + "(to avoid allocation, model the sub-processes as separate processes)"))
        }
        self = method
    }

    /// The step of the ISO 14044 4.3.4.2 hierarchy this method belongs to, as reported.
    public var hierarchyStep: String {
        switch self {
        case .mass: "ISO 14044 4.3.4.2 step 2: physical relationship (mass)"
        case .economic: "ISO 14044 4.3.4.2 step 3: other relationship (economic value)"
        }
    }
}
