import Foundation

/// The carbon label as a self-contained SVG (no fonts or images fetched): a bilingual heading, the
/// figure with its unit per functional unit, the product, method, date, verifier and the start of
/// the verification hash. Every piece of text is XML-escaped.
enum LabelSVG {
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 allows tab, LF, CR and everything from U+0020; anything else is dropped.
                if scalar.value >= 0x20 || scalar == "\t" || scalar == "\n" || scalar == "\r" { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    static func render(_ label: CarbonLabel) -> String {
        func text(_ x: Int, _ y: Int, _ size: Int, _ content: String, weight: String = "normal", anchor: String = "start")
            -> String
        {
            "  <text x=\"\(x)\" y=\"\(y)\" font-size=\"\(size)\" font-weight=\"\(weight)\" text-anchor=\"\(anchor)\">"
                + escape(content) + "</text>\n"
        }
        let date = String(label.calculatedAt.prefix(10))
        var svg = """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" width="360" height="240" viewBox="0 0 360 240" \
            font-family="'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif" role="img" \
            aria-label="\(escape("Carbon footprint \(label.value) \(label.unit) per \(label.functionalUnit)"))">
              <rect x="1" y="1" width="358" height="238" rx="12" fill="#ffffff" stroke="#1b7f3b" stroke-width="2"/>
              <rect x="1" y="1" width="358" height="44" rx="12" fill="#1b7f3b"/>

            """
        svg += text(16, 30, 18, "产品碳足迹 Product Carbon Footprint", weight: "bold").replacingOccurrences(
            of: "<text ", with: "<text fill=\"#ffffff\" ")
        svg += text(16, 96, 40, label.value, weight: "bold")
        svg += text(344, 96, 14, "\(label.unit) / \(label.functionalUnit)", anchor: "end")
        svg += text(16, 124, 14, "产品 Product: \(label.productName) (\(label.productCode))")
        svg += text(16, 146, 12, "方法 Method: \(label.method)")
        svg += text(16, 166, 12, "核算日期 Calculated: \(date) · v\(label.footprintVersion)")
        svg += text(16, 186, 12, "核查机构 Verifier: \(label.verifier ?? "未核查 not verified")")
        svg += text(16, 216, 11, "校验码 Hash: \(label.verificationHash.prefix(16))… (\(label.hashAlgorithm))")
        svg += "</svg>\n"
        return svg
    }
}
