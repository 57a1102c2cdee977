import Foundation  // Codable

// The JSON shape is documented on `AlarmRule`. Decoding validates, so a decoded rule is usable;
// validation errors from a nested rule are relocated under the decoder's path (`rules[3].h.limit`).

extension AlarmRule: Codable {
    enum Keys: String, CodingKey, CaseIterable {
        case tag, deadband, hh, h, l, ll, stale, comm, supersede
        case onDelay = "on_delay", offDelay = "off_delay", rateOfChange = "rate_of_change"
    }

    public init(from decoder: any Decoder) throws {
        try AlarmJSON.rejectUnknownKeys(decoder, Keys.self)
        let c = try decoder.container(keyedBy: Keys.self)
        // Field errors while decoding carry their full path; validation errors are rule-relative
        // (`h.limit`), so only the `AlarmRule.init` call is relocated under the decoder's path.
        let tag = try AlarmJSON.requiredString(c, .tag)
        let hh = try AlarmJSON.object(AlarmLimit.self, c, .hh)
        let h = try AlarmJSON.object(AlarmLimit.self, c, .h)
        let l = try AlarmJSON.object(AlarmLimit.self, c, .l)
        let ll = try AlarmJSON.object(AlarmLimit.self, c, .ll)
        let rate = try AlarmJSON.object(AlarmLimit.self, c, .rateOfChange)
        let stale = try AlarmJSON.object(StaleAlarm.self, c, .stale)
        let comm = try AlarmJSON.object(CommAlarm.self, c, .comm)
        let deadband = try AlarmJSON.decimal(c, .deadband) ?? 0
        let onDelay = try AlarmJSON.duration(c, .onDelay) ?? .zero
        let offDelay = try AlarmJSON.duration(c, .offDelay) ?? .zero
        let supersede = try AlarmJSON.bool(c, .supersede) ?? true
        self = try AlarmJSON.located(AlarmJSON.path(decoder.codingPath)) { () throws(CalculationError) in
            try AlarmRule(
                tag: tag, hh: hh, h: h, l: l, ll: ll, rateOfChange: rate, stale: stale, comm: comm,
                deadband: deadband, onDelay: onDelay, offDelay: offDelay, supersede: supersede)
        }
    }

    /// Decodes a JSON array of rules (one per tag), turning every decoding failure into a
    /// `CalculationError` with its field (`[2].h.limit`). Two rules for one tag are refused.
    public static func rules(fromJSON data: Data) throws(CalculationError) -> [AlarmRule] {
        let rules: [AlarmRule]
        do {
            rules = try JSONDecoder().decode([AlarmRule].self, from: data)
        } catch {
            throw AlarmJSON.calculationError(error)
        }
        var seen: Set<String> = []
        for (index, rule) in rules.enumerated() where !seen.insert(rule.tag).inserted {
            throw CalculationError(.invalidInput, "a second rule for tag '\(rule.tag)'", field: "[\(index)].tag")
        }
        return rules
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(tag, forKey: .tag)
        try c.encodeIfPresent(hh, forKey: .hh)
        try c.encodeIfPresent(h, forKey: .h)
        try c.encodeIfPresent(l, forKey: .l)
        try c.encodeIfPresent(ll, forKey: .ll)
        try c.encodeIfPresent(rateOfChange, forKey: .rateOfChange)
        try c.encodeIfPresent(stale, forKey: .stale)
        try c.encodeIfPresent(comm, forKey: .comm)
        try c.encode(DecimalText.plain(deadband), forKey: .deadband)
        try c.encode(onDelay.secondsText, forKey: .onDelay)
        try c.encode(offDelay.secondsText, forKey: .offDelay)
        try c.encode(supersede, forKey: .supersede)
    }
}

extension AlarmLimit: Codable {
    enum Keys: String, CodingKey, CaseIterable {
        case limit, priority, deadband, latched
        case onDelay = "on_delay", offDelay = "off_delay"
    }

    public init(from decoder: any Decoder) throws {
        try AlarmJSON.rejectUnknownKeys(decoder, Keys.self)
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            limit: try AlarmJSON.required(try AlarmJSON.decimal(c, .limit), c, .limit),
            priority: try AlarmJSON.choice(AlarmPriority.self, c, .priority),
            deadband: try AlarmJSON.decimal(c, .deadband),
            onDelay: try AlarmJSON.duration(c, .onDelay),
            offDelay: try AlarmJSON.duration(c, .offDelay),
            latched: try AlarmJSON.bool(c, .latched) ?? false)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(DecimalText.plain(limit), forKey: .limit)
        try c.encodeIfPresent(priority, forKey: .priority)
        try c.encodeIfPresent(deadband.map(DecimalText.plain), forKey: .deadband)
        try c.encodeIfPresent(onDelay?.secondsText, forKey: .onDelay)
        try c.encodeIfPresent(offDelay?.secondsText, forKey: .offDelay)
        try c.encode(latched, forKey: .latched)
    }
}

extension StaleAlarm: Codable {
    enum Keys: String, CodingKey, CaseIterable { case timeout, priority, latched }

    public init(from decoder: any Decoder) throws {
        try AlarmJSON.rejectUnknownKeys(decoder, Keys.self)
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            timeout: try AlarmJSON.required(try AlarmJSON.duration(c, .timeout), c, .timeout),
            priority: try AlarmJSON.choice(AlarmPriority.self, c, .priority),
            latched: try AlarmJSON.bool(c, .latched) ?? false)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(timeout.secondsText, forKey: .timeout)
        try c.encodeIfPresent(priority, forKey: .priority)
        try c.encode(latched, forKey: .latched)
    }
}

extension CommAlarm: Codable {
    enum Keys: String, CodingKey, CaseIterable {
        case priority, latched
        case onDelay = "on_delay", offDelay = "off_delay"
    }

    public init(from decoder: any Decoder) throws {
        try AlarmJSON.rejectUnknownKeys(decoder, Keys.self)
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            priority: try AlarmJSON.choice(AlarmPriority.self, c, .priority),
            onDelay: try AlarmJSON.duration(c, .onDelay),
            offDelay: try AlarmJSON.duration(c, .offDelay),
            latched: try AlarmJSON.bool(c, .latched) ?? false)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encodeIfPresent(priority, forKey: .priority)
        try c.encodeIfPresent(onDelay?.secondsText, forKey: .onDelay)
        try c.encodeIfPresent(offDelay?.secondsText, forKey: .offDelay)
        try c.encode(latched, forKey: .latched)
    }
}
