import Foundation  // Codable plumbing only; these are plain value types.

/// One alarm of a tag. The raw values are what operators see (`HH`, `ROC`), and the order of
/// `allCases` is the order transitions are reported in for one event.
public enum AlarmKind: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable,
    CustomStringConvertible
{
    case hh = "HH"
    case h = "H"
    case l = "L"
    case ll = "LL"
    /// |Δvalue/Δt| per minute between consecutive good readings.
    case rateOfChange = "ROC"
    /// No reading at all for longer than the timeout (seen only by `tick(at:)`).
    case stale = "STALE"
    /// A reading whose quality is not `good`.
    case comm = "COMM"

    /// The key that configures this alarm in a rule (`rate_of_change`).
    public var configKey: String {
        switch self {
        case .hh: "hh"
        case .h: "h"
        case .l: "l"
        case .ll: "ll"
        case .rateOfChange: "rate_of_change"
        case .stale: "stale"
        case .comm: "comm"
        }
    }

    /// The alarm that supersedes this one while it is active (HH over H, LL over L).
    var supersededBy: AlarmKind? {
        switch self {
        case .h: .hh
        case .l: .ll
        default: nil
        }
    }

    public var description: String { rawValue }
}

/// ISA-18.2 alarm states as the operator sees them. The first four are the annunciation cycle
/// (A–D in the standard); `shelved` and `suppressedByDesign` hide the alarm whatever its condition.
public enum AlarmState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case normal
    case unacknowledgedActive = "unacknowledged_active"
    case acknowledgedActive = "acknowledged_active"
    case returnedToNormalUnacknowledged = "returned_to_normal_unacknowledged"
    case shelved
    case suppressedByDesign = "suppressed_by_design"

    /// Shelved or suppressed: not annunciated, whatever the condition does.
    public var isHidden: Bool { self == .shelved || self == .suppressedByDesign }

    /// The operator still has something to acknowledge.
    public var isUnacknowledged: Bool { self == .unacknowledgedActive || self == .returnedToNormalUnacknowledged }

    public var description: String { rawValue }
}

/// How urgent an alarm is. Ordered: `critical` is the highest.
public enum AlarmPriority: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CodingKeyRepresentable,
    CustomStringConvertible
{
    case low, medium, high, critical

    public static func < (a: AlarmPriority, b: AlarmPriority) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    public var description: String { rawValue }
}

/// The quality flag a reading arrives with. Anything but `good` raises the `COMM` alarm and is
/// never compared with a value limit: a value we do not trust must not raise or clear HH.
public enum ReadingQuality: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case good
    case commFail = "comm_fail"
    case outOfRange = "out_of_range"
    case stale
    case clockUnsynced = "clock_unsynced"

    public var isGood: Bool { self == .good }
    public var description: String { rawValue }
}

/// Why a transition happened: the process (`condition`), the HH/H escalation, or an operator or
/// design action. Lets the caller word the notification without re-deriving it.
public enum AlarmCause: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A reading or a tick changed the alarm's condition.
    case condition
    /// HH (or LL) became active or inactive, hiding or showing H (or L).
    case escalation
    case acknowledge
    case shelve
    case unshelve
    /// The shelve time ran out; noticed at the first event at or after it.
    case shelfExpired = "shelf_expired"
    /// Suppression by design (plant-state logic), switched on or off.
    case suppress
    case unsuppress

    public var description: String { rawValue }
}
