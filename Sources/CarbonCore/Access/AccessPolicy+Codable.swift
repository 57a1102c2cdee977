import Foundation  // Codable, JSONDecoder

// The JSON shape is documented on `AccessPolicy`. Decoding is strict and validates, so a decoded
// policy is usable; every error is an `AccessError` naming the field, relative to the document
// (`[2].conditions[1].local_time.from`), because a policy typo silently ignored is a hole.

extension AccessPolicy: Codable {
    enum Keys: String, CodingKey, CaseIterable {
        case id, description, effect, permissions, roles, subjects, conditions
        case subjectKinds = "subject_kinds"
    }

    public init(from decoder: any Decoder) throws {
        try AccessJSON.rejectUnknownKeys(decoder, Keys.self)
        let c = try decoder.container(keyedBy: Keys.self)
        let id = try AccessJSON.requiredText(c, .id)
        let description = try AccessJSON.requiredText(c, .description)
        let effectText = try AccessJSON.requiredText(c, .effect)
        guard let effect = Effect(rawValue: effectText) else {
            throw AccessError(.invalidValue, "unknown effect '\(effectText)'; accepted: permit, deny",
                              field: AccessJSON.path(c, .effect))
        }
        let patterns = try AccessJSON.list(c, .permissions) { text throws(AccessError) in try PermissionPattern(text) }
        guard let patterns else { throw AccessError(.missingInput, "is required", field: AccessJSON.path(c, .permissions)) }
        let roles = try AccessJSON.list(c, .roles) { text throws(AccessError) in try Self.word(text) }
        let subjects = try AccessJSON.list(c, .subjects) { text throws(AccessError) in try Self.word(text) }
        let kinds = try AccessJSON.list(c, .subjectKinds) { text throws(AccessError) in
            guard let kind = AccessSubject.Kind(rawValue: text) else {
                throw AccessError(.invalidValue, "unknown subject kind '\(text)'; accepted: user, agent")
            }
            return kind
        }
        var conditions: [PolicyCondition] = []
        if c.contains(.conditions), try !c.decodeNil(forKey: .conditions) {
            guard var list = try? c.nestedUnkeyedContainer(forKey: .conditions) else {
                throw AccessError(.invalidValue, "expected an array of conditions", field: AccessJSON.path(c, .conditions))
            }
            while !list.isAtEnd { conditions.append(try list.decode(PolicyCondition.self)) }
        }
        self = try AccessJSON.located(AccessJSON.path(decoder.codingPath)) { () throws(AccessError) in
            try AccessPolicy(
                id: id, description: description, effect: effect, permissions: patterns,
                roles: roles.map(Set.init), subjects: subjects.map(Set.init), subjectKinds: kinds.map(Set.init),
                conditions: conditions)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encode(description, forKey: .description)
        try c.encode(effect, forKey: .effect)
        try c.encode(permissions, forKey: .permissions)
        try c.encodeIfPresent(roles?.sorted(), forKey: .roles)
        try c.encodeIfPresent(subjects?.sorted(), forKey: .subjects)
        try c.encodeIfPresent(subjectKinds.map { kinds in AccessSubject.Kind.allCases.filter(kinds.contains) },
                              forKey: .subjectKinds)
        try c.encode(conditions, forKey: .conditions)
    }

    /// Decodes one policy, every failure as an `AccessError` with its field.
    public init(fromJSON data: Data) throws(AccessError) {
        do {
            self = try JSONDecoder().decode(AccessPolicy.self, from: data)
        } catch {
            throw AccessJSON.accessError(error)
        }
    }

    /// Decodes a JSON array of policies, refusing two with one id (`[3].id`).
    public static func policies(fromJSON data: Data) throws(AccessError) -> [AccessPolicy] {
        let policies: [AccessPolicy]
        do {
            policies = try JSONDecoder().decode([AccessPolicy].self, from: data)
        } catch {
            throw AccessJSON.accessError(error)
        }
        try PolicyEngine.checkUniqueIDs(policies)
        return policies
    }

    private static func word(_ text: String) throws(AccessError) -> String {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw AccessError(.missingInput, "an empty name matches nobody")
        }
        return text
    }
}

extension PolicyCondition: Codable {
    /// Each condition is an object with exactly one of these keys.
    enum Keys: String, CodingKey, CaseIterable {
        case organisation, owner, amount, weekday
        case localTime = "local_time", subjectAttribute = "subject_attribute"
        case resourceAttribute = "resource_attribute", requestAttribute = "request_attribute"
    }

    enum AttributeKeys: String, CodingKey, CaseIterable { case key, equals }
    enum WindowKeys: String, CodingKey, CaseIterable { case from, to }

    public init(from decoder: any Decoder) throws {
        try AccessJSON.rejectUnknownKeys(decoder, Keys.self)
        let c = try decoder.container(keyedBy: Keys.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw AccessError(
                .invalidValue,
                "a condition has exactly one of: \(Keys.allCases.map(\.stringValue).joined(separator: ", "))",
                field: AccessJSON.path(decoder.codingPath))
        }
        func word(_ accepted: [String: PolicyCondition]) throws -> PolicyCondition {
            let text = try AccessJSON.requiredText(c, key)
            guard let condition = accepted[text] else {
                throw AccessError(.invalidValue, "unknown value '\(text)'; accepted: \(accepted.keys.sorted().joined(separator: ", "))",
                                  field: AccessJSON.path(c, key))
            }
            return condition
        }
        switch key {
        case .organisation:
            self = try word(["within_grants": .organisationWithinGrants, "outside_grants": .organisationOutsideGrants])
        case .owner:
            self = try word(["subject": .ownerIsSubject, "not_subject": .ownerIsNotSubject])
        case .amount:
            self = .amount(try c.decode(AmountBound.self, forKey: key))
        case .weekday:
            let days = try AccessJSON.list(c, key) { text throws(AccessError) in
                guard let day = Weekday(rawValue: text) else {
                    throw AccessError(.invalidValue, "unknown weekday '\(text)'; write it in full, lowercase (monday)")
                }
                return day
            }
            guard let days, !days.isEmpty else {
                throw AccessError(.missingInput, "name at least one weekday", field: AccessJSON.path(c, key))
            }
            self = .weekday(Set(days))
        case .localTime:
            let nested = try c.superDecoder(forKey: key)
            try AccessJSON.rejectUnknownKeys(nested, WindowKeys.self)
            let window = try nested.container(keyedBy: WindowKeys.self)
            let from = try AccessJSON.requiredText(window, .from)
            let to = try AccessJSON.requiredText(window, .to)
            self = .localTime(try AccessJSON.located(AccessJSON.path(nested.codingPath)) { () throws(AccessError) in
                try LocalTimeWindow(from: from, to: to)
            })
        case .subjectAttribute, .resourceAttribute, .requestAttribute:
            let nested = try c.superDecoder(forKey: key)
            try AccessJSON.rejectUnknownKeys(nested, AttributeKeys.self)
            let pair = try nested.container(keyedBy: AttributeKeys.self)
            let name = try AccessJSON.requiredText(pair, .key)
            guard let value = try AccessJSON.text(pair, .equals) else {
                throw AccessError(.missingInput, "is required", field: AccessJSON.path(pair, .equals))
            }
            self = key == .subjectAttribute ? .subjectAttribute(name, equals: value)
                : key == .resourceAttribute ? .resourceAttribute(name, equals: value)
                : .requestAttribute(name, equals: value)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        func pair(_ key: Keys, _ name: String, _ value: String) throws {
            var nested = c.nestedContainer(keyedBy: AttributeKeys.self, forKey: key)
            try nested.encode(name, forKey: .key)
            try nested.encode(value, forKey: .equals)
        }
        switch self {
        case .organisationWithinGrants: try c.encode("within_grants", forKey: .organisation)
        case .organisationOutsideGrants: try c.encode("outside_grants", forKey: .organisation)
        case .ownerIsSubject: try c.encode("subject", forKey: .owner)
        case .ownerIsNotSubject: try c.encode("not_subject", forKey: .owner)
        case .amount(let bound): try c.encode(bound, forKey: .amount)
        case .weekday(let days): try c.encode(Weekday.allCases.filter(days.contains), forKey: .weekday)
        case .localTime(let window):
            var nested = c.nestedContainer(keyedBy: WindowKeys.self, forKey: .localTime)
            try nested.encode(LocalTimeWindow.text(window.startMinute), forKey: .from)
            try nested.encode(LocalTimeWindow.text(window.endMinute), forKey: .to)
        case .subjectAttribute(let name, let value): try pair(.subjectAttribute, name, value)
        case .resourceAttribute(let name, let value): try pair(.resourceAttribute, name, value)
        case .requestAttribute(let name, let value): try pair(.requestAttribute, name, value)
        }
    }
}
