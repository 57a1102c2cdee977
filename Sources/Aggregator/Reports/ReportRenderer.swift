import HTTPTypes
import Foundation
import Mustache

/// Compiles templates and renders report documents: HTML through swift-mustache (every `{{name}}`
/// is HTML-escaped), CSV by hand (RFC 4180 quoting, and cells that a spreadsheet would run as a
/// formula are neutralised).
enum ReportRenderer {
    static let maxTemplateBytes = 200_000

    /// Compiles an organisation's template, or says which line is wrong (422 on `field`).
    /// Constructs that would print data unescaped or change the rules are refused: triple
    /// mustaches and `{{&…}}` (raw output), `{{%…}}` pragmas (content type), `{{=…=}}` (new
    /// delimiters would hide the others from this check) and partials (`{{>…}}`, `{{<…}}`).
    static func compile(_ body: String, field: String = "body") throws -> MustacheTemplate {
        guard body.utf8.count <= maxTemplateBytes else {
            throw APIError.invalidField(field, "a template has at most \(maxTemplateBytes) bytes")
        }
        guard !body.utf8.contains(0) else { throw APIError.invalidField(field, "the template contains a NUL character") }
        for (index, line) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let range = line.range(of: #"\{\{\s*[{&%=><]"#, options: .regularExpression) {
                let column = line.distance(from: line.startIndex, to: range.lowerBound) + 1
                throw APIError.invalidField(
                    field, "template line \(index + 1), column \(column): '\(line[range])' is not allowed (raw output, "
                        + "pragmas, delimiter changes and partials are refused; use {{name}}, which escapes HTML)")
            }
        }
        do {
            return try MustacheTemplate(string: body)
        } catch let error as MustacheTemplate.ParserError {
            let near = error.context.line.trimmingCharacters(in: .whitespaces).prefix(80)
            throw APIError.invalidField(
                field, "template line \(error.context.lineNumber), column \(error.context.columnNumber): "
                    + "\(describe(error.error)) near '\(near)'")
        }
    }

    /// Built-in templates are ours and checked by tests; they may not fail at run time.
    static func compileBuiltIn(_ body: String) -> MustacheTemplate {
        do { return try MustacheTemplate(string: body) } catch { preconditionFailure("built-in template: \(error)") }
    }

    static func html(_ template: MustacheTemplate, context: ReportValue) -> String {
        template.render(context.mustache)
    }

    static func csv(_ table: ReportTable) -> String {
        var lines = [table.columns.map(cell).joined(separator: ",")]
        lines += table.rows.map { $0.map(cell).joined(separator: ",") }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// One CSV cell: quoted when it holds a separator, quote or line break; a leading `=`, `+`,
    /// `@`, tab or CR (or `-` not starting a number) gets a `'` so a spreadsheet shows it as text
    /// instead of running it (CSV injection).
    static func cell(_ value: String) -> String {
        var text = value
        if let first = text.first {
            let isNumber = Double(text) != nil
            if "=+@\t\r".contains(first) || (first == "-" && !isNumber) { text = "'" + text }
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "\(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "a section is closed with a different name than it was opened"
        case .unfinishedName: return "a tag is not closed with }}"
        case .expectedSectionEnd: return "a section is opened and never closed"
        case .invalidSetDelimiter: return "bad delimiter change"
        default: return "\(error)"
        }
    }
}
