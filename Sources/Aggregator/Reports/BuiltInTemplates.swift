/// The templates every installation has, with bilingual (Chinese/English) headings. Fixed ids, so
/// every replica and installation agrees; organisations copy and change them as their own
/// templates. Every value is written `{{name}}`, which HTML-escapes it.
///
/// Every template also gets `report`: `{title, organisation, generated_at, source_kind, source_id,
/// template}` from the engine.
enum BuiltInTemplates {
    struct Entry: Sendable {
        let id: String
        let name: String
        let description: String
        let sourceKind: String?
        let body: String
    }

    static let verificationID = "00000000-0000-4000-8200-000000000001"
    static let inventoryID = "00000000-0000-4000-8200-000000000002"
    static let productFootprintID = "00000000-0000-4000-8200-000000000003"

    static let all: [Entry] = [
        Entry(id: verificationID, name: "verification-report", description: "核查报告 Verification report (M7)",
              sourceKind: "verification", body: verification),
        Entry(id: inventoryID, name: "inventory-report", description: "温室气体排放报告 GHG inventory report",
              sourceKind: "inventory", body: inventory),
        Entry(id: productFootprintID, name: "product-footprint-report",
              description: "产品碳足迹报告 Product carbon footprint report (ISO 14067)",
              sourceKind: "product_footprint", body: productFootprint),
    ]

    static func entry(_ id: String) -> Entry? { all.first { $0.id == id.lowercased() } }

    static let style = """
        <style>
        body { font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; margin: 2em; color: #222; }
        h1 { font-size: 1.6em; border-bottom: 2px solid #2b6a4a; } h2 { font-size: 1.2em; color: #2b6a4a; }
        table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1.5em; font-size: 0.9em; }
        th, td { border: 1px solid #bbb; padding: 4px 6px; text-align: left; vertical-align: top; }
        th { background: #eef4f0; } .meta { color: #555; font-size: 0.9em; }
        </style>
        """

    static let header = """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>{{report.title}}</title>
        """

    static let verification = header + style + """
        </head><body>
        <h1>核查报告 Verification Report</h1>
        <p class="meta">{{report.title}} · {{report.organisation}} · 生成时间 Generated {{report.generated_at}}</p>
        {{#plan}}
        <h2>核查计划 Verification plan</h2>
        <table>
        <tr><th>核查对象 Subject</th><td>{{subject_kind}} {{subject_id}}</td></tr>
        <tr><th>核查范围 Scope</th><td>{{scope}}</td></tr>
        <tr><th>核查方法 Method</th><td>{{method}}</td></tr>
        <tr><th>依据标准 Standard</th><td>{{standard}}</td></tr>
        <tr><th>核查期间 Period</th><td>{{starts_on}} – {{ends_on}}</td></tr>
        </table>
        <h2>核查组 Verifier team</h2>
        <table><tr><th>姓名 Name</th><th>职责 Role</th></tr>
        {{#team}}<tr><td>{{name}}</td><td>{{role}}</td></tr>
        {{/team}}</table>
        <h2>日程 Schedule</h2>
        {{#schedule}}<p>{{date}} — {{activity}}</p>
        {{/schedule}}
        {{/plan}}
        <h2>数据收集 Data collection</h2>
        {{^data_collection}}<p>无 None</p>{{/data_collection}}
        {{#data_collection}}<p><b>{{occurred_on}} {{title}}</b><br>{{description}}{{#evidence}} [{{reference}}]{{/evidence}}</p>
        {{/data_collection}}
        <h2>现场核查 Site checks</h2>
        {{^site_checks}}<p>无 None</p>{{/site_checks}}
        {{#site_checks}}<p><b>{{occurred_on}} {{title}}</b><br>{{description}}{{#evidence}} [{{reference}}]{{/evidence}}</p>
        {{/site_checks}}
        <h2>核查发现 Findings</h2>
        <table><tr><th>日期 Date</th><th>发现 Finding</th><th>严重程度 Severity</th><th>状态 Status</th><th>处理 Resolution</th></tr>
        {{#findings}}<tr><td>{{occurred_on}}</td><td>{{title}}<br>{{description}}</td><td>{{severity}}</td><td>{{resolution}}</td><td>{{resolution_note}}</td></tr>
        {{/findings}}</table>
        {{#summary}}
        <h2>核查结论 Conclusion</h2>
        <p>过程记录 Records: {{records}}; 发现 Findings: {{findings}}; 未关闭 Open: {{open_findings}}</p>
        {{#all_resolved}}<p>所有发现均已关闭。All findings are closed.</p>{{/all_resolved}}
        {{^all_resolved}}<p>尚有未关闭的发现。Some findings are still open.</p>{{/all_resolved}}
        {{/summary}}
        </body></html>
        """
}
