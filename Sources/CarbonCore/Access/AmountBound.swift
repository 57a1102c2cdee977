import Foundation  // Decimal

/// A bound on the amount a request carries (tonnes in a trade, a project's budget in tCO2e),
/// used as a grant limit ("may approve projects below 10,000 tCO2e") and as a policy condition.
/// `atMost` and `below` differ only at the bound itself, which is exactly where approval rules
/// are argued about, so both are spelt out. Decimal, never Double: 9999.999 must stay below 10000.
///
/// JSON: an object with exactly one key and the number as a string, `{"below": "10000"}`.
public enum AmountBound: Hashable, Sendable, CustomStringConvertible {
    case atMost(Decimal)
    case below(Decimal)
    case atLeast(Decimal)
    case above(Decimal)

    /// The amount is on the allowed side of the bound.
    public func admits(_ amount: Decimal) -> Bool {
        switch self {
        case .atMost(let bound): amount <= bound
        case .below(let bound): amount < bound
        case .atLeast(let bound): amount >= bound
        case .above(let bound): amount > bound
        }
    }

    public var description: String {
        switch self {
        case .atMost(let bound): "at most \(DecimalText.plain(bound))"
        case .below(let bound): "below \(DecimalText.plain(bound))"
        case .atLeast(let bound): "at least \(DecimalText.plain(bound))"
        case .above(let bound): "above \(DecimalText.plain(bound))"
        }
    }
}

extension AmountBound: Codable {
    enum Keys: String, CodingKey, CaseIterable {
        case atMost = "at_most", below, atLeast = "at_least", above
    }

    public init(from decoder: any Decoder) throws {
        try AccessJSON.rejectUnknownKeys(decoder, Keys.self)
        let c = try decoder.container(keyedBy: Keys.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw AccessError(
                .invalidValue, "an amount bound has exactly one of: at_most, below, at_least, above",
                field: AccessJSON.path(decoder.codingPath))
        }
        let value = try AccessJSON.decimal(c, key)
        switch key {
        case .atMost: self = .atMost(value)
        case .below: self = .below(value)
        case .atLeast: self = .atLeast(value)
        case .above: self = .above(value)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .atMost(let bound): try c.encode(DecimalText.plain(bound), forKey: .atMost)
        case .below(let bound): try c.encode(DecimalText.plain(bound), forKey: .below)
        case .atLeast(let bound): try c.encode(DecimalText.plain(bound), forKey: .atLeast)
        case .above(let bound): try c.encode(DecimalText.plain(bound), forKey: .above)
        }
    }
}
