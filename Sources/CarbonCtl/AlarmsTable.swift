/// The `--format table` rendering of alarm listings and transitions: left-aligned text columns,
/// the agent's own words for states and causes, times as the agent sent them (UTC).
enum AlarmsTable {
    static func alarms(_ alarms: [AlarmsWire.Alarm]) -> String {
        guard !alarms.isEmpty else { return "no alarms\n" }
        let rows = alarms.map { alarm in
            [
                alarm.tag, alarm.kind, alarm.state, alarm.priority, alarm.value ?? "-", alarm.limit ?? "-",
                alarm.since ?? "-", note(alarm),
            ]
        }
        return table(["TAG", "KIND", "STATE", "PRIORITY", "VALUE", "LIMIT", "SINCE", "NOTE"], rows)
    }

    static func transitions(_ transitions: [AlarmsWire.Transition], emptyMessage: String) -> String {
        guard !transitions.isEmpty else { return emptyMessage + "\n" }
        let rows = transitions.map { t in
            [
                String(t.id), t.time, t.tag, t.kind, "\(t.from) -> \(t.to)", t.cause, t.value ?? "-", t.limit ?? "-",
                operatorText(t), oneLine(t.comment ?? ""),
            ]
        }
        return table(["ID", "TIME", "TAG", "KIND", "CHANGE", "CAUSE", "VALUE", "LIMIT", "OPERATOR", "COMMENT"], rows)
    }

    private static func note(_ alarm: AlarmsWire.Alarm) -> String {
        var notes: [String] = []
        if let shelf = alarm.shelf {
            notes.append(
                "shelved by \(shelf.by) until \(shelf.until)" + (shelf.comment.map { ": \(oneLine($0))" } ?? ""))
        }
        if let reason = alarm.suppression { notes.append("suppressed: \(oneLine(reason))") }
        if alarm.latched { notes.append("latched") }
        if alarm.state != "normal" && alarm.conditionActive == false && alarm.shelf == nil && alarm.suppression == nil {
            notes.append("condition cleared")
        }
        return notes.joined(separator: "; ")
    }

    private static func operatorText(_ transition: AlarmsWire.Transition) -> String {
        guard let name = transition.operatorName else { return "-" }
        return transition.operatorUID.map { "\(name) (uid \($0))" } ?? name
    }

    /// Operator text may hold newlines and tabs; a table row may not.
    private static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }
            var text = padded.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        return all.map(line).joined()
    }
}
