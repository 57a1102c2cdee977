/// The built-in templates for calculated results: an inventory version (`InventoryReportView`)
/// and a product footprint version (`ProductFootprintReportView`). Figures arrive as text,
/// already rounded once by CarbonCore, and are printed as they are.
extension BuiltInTemplates {
    /// Context: `inventory`, `totals`, `rows` (each with `steps` and `factors` of its formula trail),
    /// `structure`, `trend`/`has_trend`, `intensities`, and `year_on_year` when there is a previous year.
    static let inventory = header + style + """
        </head><body>
        <h1>温室气体排放报告 GHG Inventory Report</h1>
        <p class="meta">{{report.title}} · {{report.organisation}} · 生成时间 Generated {{report.generated_at}}</p>
        {{#inventory}}
        <table>
        <tr><th>报告主体 Organisation</th><td>{{organisation}}</td></tr>
        <tr><th>盘查 Inventory</th><td>{{name}}</td></tr>
        <tr><th>版本 Version</th><td>{{version}} ({{status}}){{#approved}} · 批准 approved {{approved_at}}{{/approved}}</td></tr>
        <tr><th>报告期 Period</th><td>{{period}}</td></tr>
        <tr><th>方法 Method</th><td>{{method}}</td></tr>
        <tr><th>计算时间 Calculated</th><td>{{calculated_at}}</td></tr>
        <tr><th>输入哈希 Input hash</th><td>{{input_hash}}</td></tr>
        </table>
        {{#stale}}<p><b>注意：当前数据计算结果已不同于此版本。Note: today's data would calculate a different version.</b></p>{{/stale}}
        {{/inventory}}
        <h2>排放总量 Totals</h2>
        <table><tr><th>项目 Item</th><th>排放量 Emissions</th><th>单位 Unit</th></tr>
        {{#totals}}<tr><td>{{label}}</td><td>{{value}}</td><td>{{unit}}</td></tr>
        {{/totals}}</table>
        {{#year_on_year}}
        <h2>同比 Year on year</h2>
        <p>上年 Previous year (v{{previous_version}}, {{previous_status}}): {{previous_total_tco2e}} tCO2e;
        变化 Change: {{change_tco2e}} tCO2e ({{change_percent}} %)</p>
        {{/year_on_year}}
        <h2>排放结构 Structure</h2>
        <table><tr><th>类别 Category</th><th>排放量 Emissions (tCO2e)</th><th>占比 Share (%)</th></tr>
        {{#structure}}<tr><td>{{label}}</td><td>{{tco2e}}</td><td>{{percent}}</td></tr>
        {{/structure}}</table>
        <h2>排放源 Sources</h2>
        <table><tr><th>排放源 Source</th><th>类别 Category</th><th>范围 Scope</th><th>活动数据 Activity</th><th>温室气体 Gases</th><th>排放量 Emissions (tCO2e)</th></tr>
        {{#rows}}<tr><td>{{source}}</td><td>{{kind}}</td><td>{{scope}}</td><td>{{activity}} {{unit}}</td><td>{{gases}}</td><td>{{emissions}}</td></tr>
        {{/rows}}</table>
        <h2>计算过程 Formula trails</h2>
        {{#rows}}
        <h3>{{source}} — {{emissions}} tCO2e</h3>
        <table><tr><th>量 Quantity</th><th>公式 Formula</th><th>代入 Substitution</th><th>结果 Result</th></tr>
        {{#steps}}<tr><td>{{label}}</td><td>{{formula}}</td><td>{{substitution}}</td><td>{{result}} {{note}}</td></tr>
        {{/steps}}</table>
        {{#has_factors}}<table><tr><th>参数 Parameter</th><th>数值 Value</th><th>单位 Unit</th><th>来源 Source</th><th>状态 Status</th></tr>
        {{/has_factors}}{{#factors}}<tr><td>{{parameter}}</td><td>{{value}}</td><td>{{unit}}</td><td>{{source}}</td><td>{{verification_status}}</td></tr>
        {{/factors}}{{#has_factors}}</table>{{/has_factors}}
        {{/rows}}
        {{#has_intensities}}<h2>排放强度 Intensities</h2><table><tr><th>指标 Indicator</th><th>数值 Value</th><th>单位 Unit</th></tr>
        {{/has_intensities}}{{#intensities}}<tr><td>{{name}}</td><td>{{value}}</td><td>{{unit}}</td></tr>
        {{/intensities}}{{#has_intensities}}</table>{{/has_intensities}}
        {{#has_trend}}
        <h2>月度趋势 Monthly trend (telemetry sources)</h2>
        <table><tr><th>月份 Month</th><th>排放量 Emissions (tCO2e)</th></tr>
        {{#trend}}<tr><td>{{month}}</td><td>{{total_tco2e}}{{error}}</td></tr>
        {{/trend}}</table>
        {{/has_trend}}
        </body></html>
        """

    /// Context: `product`, `totals`, `stages`, `processes`, `gases`, `allocations`, `trail`.
    static let productFootprint = header + style + """
        </head><body>
        <h1>产品碳足迹报告 Product Carbon Footprint Report</h1>
        <p class="meta">{{report.title}} · {{report.organisation}} · 生成时间 Generated {{report.generated_at}}</p>
        {{#product}}
        <table>
        <tr><th>产品 Product</th><td>{{name}} ({{code}})</td></tr>
        <tr><th>功能单位 Functional unit</th><td>{{functional_unit}} {{functional_unit_description}}</td></tr>
        <tr><th>版本 Version</th><td>{{version}}</td></tr>
        <tr><th>方法 Method</th><td>ISO 14067 · GWP {{gwp_edition}}</td></tr>
        <tr><th>计算时间 Calculated</th><td>{{calculated_at}}</td></tr>
        <tr><th>输入哈希 Input hash</th><td>{{input_hash}}</td></tr>
        </table>
        {{/product}}
        <h2>碳足迹 Footprint</h2>
        <table><tr><th>项目 Item</th><th>数值 Value</th><th>单位 Unit</th></tr>
        {{#totals}}<tr><td>{{label}}</td><td>{{value}}</td><td>{{unit}}</td></tr>
        {{/totals}}</table>
        <h2>生命周期阶段 Lifecycle stages</h2>
        <table><tr><th>阶段 Stage</th><th>排放量 Emissions ({{product.unit}})</th><th>占比 Share (%)</th></tr>
        {{#stages}}<tr><td>{{label}}</td><td>{{emissions}}</td><td>{{share}}</td></tr>
        {{/stages}}</table>
        <h2>过程 Processes</h2>
        <table><tr><th>过程 Process</th><th>阶段 Stage</th><th>运行量 Scaling</th><th>排放量 Emissions ({{product.unit}})</th><th>占比 Share (%)</th></tr>
        {{#processes}}<tr><td>{{name}}</td><td>{{stage}}</td><td>{{scaling}}</td><td>{{emissions}}</td><td>{{share}}</td></tr>
        {{/processes}}</table>
        <h2>温室气体 Gases</h2>
        <table><tr><th>气体 Gas</th><th>GWP</th><th>排放量 Emissions ({{product.unit}})</th><th>占比 Share (%)</th></tr>
        {{#gases}}<tr><td>{{gas}}</td><td>{{gwp}}</td><td>{{emissions}}</td><td>{{share}}</td></tr>
        {{/gases}}</table>
        {{#has_allocations}}<h2>分配 Allocation</h2><table><tr><th>过程 Process</th><th>方法 Method</th><th>产品 Product</th><th>份额 Share</th><th>分配排放 Allocated</th></tr>
        {{/has_allocations}}{{#allocations}}<tr><td>{{process_id}}</td><td>{{method}}</td><td>{{product}}</td><td>{{share}}</td><td>{{allocated}}</td></tr>
        {{/allocations}}{{#has_allocations}}</table>{{/has_allocations}}
        <h2>计算过程 Formula trail</h2>
        <table><tr><th>量 Quantity</th><th>公式 Formula</th><th>代入 Substitution</th><th>结果 Result</th></tr>
        {{#trail}}<tr><td>{{label}}</td><td>{{formula}}</td><td>{{substitution}}</td><td>{{result}} {{note}}</td></tr>
        {{/trail}}</table>
        </body></html>
        """
}
