import CarbonCore
import Foundation

/// Something that tells people about committed transitions: one `.individual([transition])` per
/// transition, or one `.flood(summary)` in place of many (see `AlarmFloodWindow`). Called on a
/// serial queue of its own, after the commit, so a slow notifier delays only its own messages,
/// never evaluation nor the other notifiers. It reports its own failures; it never throws.
protocol AlarmNotifier: Sendable {
    func deliver(_ notification: AlarmNotification)
}

/// Writes one line per notification (standard error by default, a test's collector otherwise).
struct LogAlarmNotifier: AlarmNotifier {
    let write: @Sendable (String) -> Void

    init(write: @escaping @Sendable (String) -> Void = LogAlarmNotifier.standardError) {
        self.write = write
    }

    func deliver(_ notification: AlarmNotification) {
        switch notification {
        case .individual(let transitions):
            for transition in transitions { write(Self.line(transition)) }
        case .flood(let summary):
            write(Self.line(summary))
        }
    }

    /// `alarm stack1.co2 HH normal -> unacknowledged_active (condition) priority=critical value=125 limit=120 at …`
    static func line(_ transition: AlarmTransition) -> String {
        var parts = [
            "alarm", transition.tag, transition.kind.rawValue,
            "\(transition.from) -> \(transition.to)", "(\(transition.cause))", "priority=\(transition.priority)",
        ]
        if let value = transition.value { parts.append("value=\(DecimalText.plain(value))") }
        if let limit = transition.limit { parts.append("limit=\(DecimalText.plain(limit))") }
        if let quality = transition.quality, !quality.isGood { parts.append("quality=\(quality)") }
        parts.append("at \(AlarmWire.timestamp(transition.time))")
        if let name = transition.operatorName { parts.append("by \(name)") }
        if let comment = transition.comment { parts.append("comment=\(Self.quoted(comment))") }
        return parts.joined(separator: " ")
    }

    /// `alarm flood: 57 transitions (40 raised) on 12 tags from … to …; highest critical; most urgent: a HH, b LL`
    static func line(_ summary: AlarmFloodSummary) -> String {
        let from = AlarmWire.timestamp(summary.from), to = AlarmWire.timestamp(summary.to)
        var text = "alarm flood: \(summary.transitions) transitions (\(summary.raised) raised) on "
            + "\(summary.tags.count) tags from \(from) to \(to)"
        if let highest = summary.highestPriority { text += "; highest \(highest)" }
        if !summary.mostUrgent.isEmpty {
            let named = summary.mostUrgent.prefix(10).map { "\($0.tag) \($0.kind)" }
            text += "; most urgent: " + named.joined(separator: ", ")
            if summary.mostUrgent.count > 10 { text += ", …" }
        }
        return text
    }

    /// Operator text on one line, whatever it contains.
    private static func quoted(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
        return "\"\(escaped)\""
    }

    @Sendable static func standardError(_ line: String) {
        FileHandle.standardError.write(Data(("edge-agent: " + line + "\n").utf8))
    }
}
