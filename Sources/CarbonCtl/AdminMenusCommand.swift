import ArgumentParser
import Foundation

/// `carbonctl admin menus`: the menu tree as the server filters it for you (an entry whose
/// permission you lack is left out, and so is a group left empty), indented by depth.
struct AdminMenusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "menus", abstract: "Your menu tree, with the Chinese and English names of each entry.")
    @OptionGroup var connection: AdminConnection

    func run() throws {
        try reportingFailures {
            let (client, format) = try connection.start()
            let reply = try client.json("GET", "/api/v1/menus")
            let menus = (reply as? [String: Any])?["menus"] as? [[String: Any]] ?? []
            AdminOutput.emit(reply, format: format) { Self.tree(menus) }
        }
    }

    /// One line per entry: the Chinese name indented two spaces a level, the English name, the
    /// link, each column aligned by how wide the text shows in a terminal.
    static func tree(_ menus: [[String: Any]]) -> String {
        var rows: [[String]] = []
        func walk(_ nodes: [[String: Any]], depth: Int) {
            for node in nodes {
                rows.append([String(repeating: "  ", count: depth) + AdminOutput.cell(node["name_zh"]),
                             AdminOutput.cell(node["name_en"]), AdminOutput.cell(node["link"])])
                walk(node["children"] as? [[String: Any]] ?? [], depth: depth + 1)
            }
        }
        walk(menus, depth: 0)
        guard !rows.isEmpty else { return "no menu entries\n" }
        let all = [["NAME", "ENGLISH", "LINK"]] + rows
        let widths = (0..<2).map { column in all.map { displayWidth($0[column]) }.max() ?? 0 }
        return all.map { cells in
            (0..<2).map { cells[$0] + String(repeating: " ", count: widths[$0] - displayWidth(cells[$0])) + "  " }
                .joined() + cells[2] + "\n"
        }.joined()
    }

    /// Columns a terminal gives the text: two for CJK ideographs, kana, hangul and full-width
    /// forms, one for everything else (menu names hold no combining marks or emoji).
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
                 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                return width + 2
            default:
                return width + 1
            }
        }
    }
}
