import Foundation  // Decimal

// Condition evaluation in three values. `unknown` means the request lacks what the condition
// needs; `PolicyEngine` documents why unknown never permits and never spares a deny.

/// The truth of one condition for one request.
enum ConditionTruth: Sendable {
    case holds, fails, unknown

    init(_ value: Bool) { self = value ? .holds : .fails }
}

/// What the engine knows about a request; nil is "not known". `decide` knows everything but
/// what the request leaves out; `permissions(of:at:)` knows no object at all.
struct AccessFacts: Sendable {
    var organisation: OrganisationPath
    var ownerID: String?
    var amount: Decimal?
    var resourceAttributes: [String: String]?
    var context: AccessContext?

    init(request: AccessRequest) {
        organisation = request.organisation
        ownerID = request.ownerID
        amount = request.amount
        resourceAttributes = request.resourceAttributes
        context = request.context
    }

    init(organisation: OrganisationPath, context: AccessContext?) {
        self.organisation = organisation
        self.context = context
    }
}

extension PolicyEngine {
    func evaluate(_ condition: PolicyCondition, _ subject: AccessSubject, _ facts: AccessFacts) -> ConditionTruth {
        switch condition {
        case .organisationWithinGrants:
            return ConditionTruth(subject.grants.contains { $0.organisation.contains(facts.organisation) })
        case .organisationOutsideGrants:
            return ConditionTruth(!subject.grants.contains { $0.organisation.contains(facts.organisation) })
        case .ownerIsSubject:
            return facts.ownerID.map { ConditionTruth($0 == subject.id) } ?? .unknown
        case .ownerIsNotSubject:
            return facts.ownerID.map { ConditionTruth($0 != subject.id) } ?? .unknown
        case .amount(let bound):
            return facts.amount.map { ConditionTruth(bound.admits($0)) } ?? .unknown
        case .localTime(let window):
            return facts.context.map { ConditionTruth(window.contains(minuteOfDay: $0.localMinuteOfDay)) } ?? .unknown
        case .weekday(let days):
            return facts.context.map { ConditionTruth(days.contains($0.weekday)) } ?? .unknown
        case .subjectAttribute(let key, let value):
            return ConditionTruth(subject.attributes[key] == value)
        case .resourceAttribute(let key, let value):
            return facts.resourceAttributes.map { ConditionTruth($0[key] == value) } ?? .unknown
        case .requestAttribute(let key, let value):
            return facts.context.map { ConditionTruth($0.value(of: key) == value) } ?? .unknown
        }
    }
}
