/** The report page's stylesheet (inlined): light theme, system fonts, responsive card grid. */
export const REPORT_CSS = `
:root {
  --ink: #1e293b; --muted: #64748b; --faint: #94a3b8; --line: #e6ebf1; --bg: #f5f7fb; --card: #ffffff;
  --accent: #4e79a7; --good: #2f8f5b; --bad: #c2410c; --radius: 14px;
  --font: ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.55 var(--font); -webkit-font-smoothing: antialiased; }
.wrap { max-width: 1240px; margin: 0 auto; padding: 0 28px; }
header.hero { background: linear-gradient(135deg, #eaf1fb 0%, #f4f0fb 55%, #fdf3ea 100%); border-bottom: 1px solid var(--line); padding: 36px 0 30px; }
.eyebrow { text-transform: uppercase; letter-spacing: .12em; font-size: 12px; font-weight: 700; color: var(--accent); }
h1 { font-size: 32px; line-height: 1.2; margin: 6px 0 8px; letter-spacing: -.015em; }
.meta { color: var(--muted); margin: 0 0 22px; font-size: 14px; }
.kpi-intro { margin: 0 0 10px; color: var(--muted); font-size: 14px; }
.kpi-intro strong { color: var(--ink); }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 14px; }
.kpi { background: rgba(255,255,255,.85); border: 1px solid var(--line); border-radius: var(--radius); padding: 14px 18px; box-shadow: 0 1px 2px rgba(15,23,42,.04); }
.kpi-label { font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .06em; }
.kpi-value { font-size: 30px; font-weight: 700; letter-spacing: -.02em; font-variant-numeric: tabular-nums; margin: 2px 0; }
.kpi.good .kpi-value { color: var(--good); }
.kpi.bad .kpi-value { color: var(--bad); }
.kpi-note { font-size: 13px; color: var(--muted); }
main { padding: 8px 0 40px; }
section { margin-top: 34px; }
h2 { font-size: 20px; margin: 0 0 4px; letter-spacing: -.01em; }
.lead { color: var(--muted); margin: 0 0 16px; font-size: 14px; max-width: 80ch; }
h3 { font-size: 15px; margin: 0; display: flex; align-items: center; gap: 8px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 18px 20px; box-shadow: 0 1px 3px rgba(15,23,42,.05); }
.card > h3 { margin-bottom: 10px; }
.grid { display: grid; gap: 18px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr)); }
.grid.small { grid-template-columns: repeat(auto-fit, minmax(min(100%, 380px), 1fr)); }
.grid.two { grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); }
.chart-card { margin: 0; display: flex; flex-direction: column; }
.chart-card.wide { grid-column: 1 / -1; }
figcaption { margin-bottom: 10px; }
figcaption p { margin: 2px 0 0; color: var(--muted); font-size: 13px; }
.chart-box { position: relative; height: 340px; }
.chart-box.chart-history { height: 270px; }
.chart-box.chart-sparsity, .chart-box.chart-sensitivity, .chart-box.chart-tune-importance, .chart-box.chart-energy { height: 280px; }
.chart-error { color: var(--bad); font-size: 14px; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; flex: none; margin-right: 8px; vertical-align: baseline; }
h3 .dot { margin-right: 0; }
.pipeline { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; align-items: stretch; gap: 10px; }
.step { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 12px 14px; display: flex; gap: 4px; min-width: 170px; max-width: 250px; flex: 1 1 170px; box-shadow: 0 1px 2px rgba(15,23,42,.04); }
.step .dot { margin-top: 6px; }
.step-name { font-weight: 700; }
.step-from, .step-file { font-size: 12px; color: var(--faint); }
.step-file { font-family: var(--mono); margin-top: 4px; word-break: break-all; }
.step-desc { font-size: 13px; color: var(--muted); margin: 4px 0 6px; }
.step-figs { display: flex; gap: 10px; font-size: 13px; font-weight: 600; font-variant-numeric: tabular-nums; }
.arrow { align-self: center; color: var(--faint); font-size: 20px; }
.table-wrap { overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); box-shadow: 0 1px 3px rgba(15,23,42,.05); }
.table-wrap.scroll { max-height: 460px; overflow-y: auto; }
table.data { border-collapse: collapse; width: 100%; font-size: 14px; font-variant-numeric: tabular-nums; }
table.data th { position: sticky; top: 0; background: #f8fafc; text-align: left; font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; padding: 10px 14px; border-bottom: 1px solid var(--line); white-space: nowrap; }
table.data td { padding: 10px 14px; border-bottom: 1px solid #eef2f6; white-space: nowrap; }
table.data tr:last-child td { border-bottom: 0; }
table.data tbody tr:hover { background: #f8fafc; }
table.data.compact td { padding: 6px 12px; font-size: 13px; }
table.data .num { text-align: right; }
table.data td.num { position: relative; }
td.name { font-weight: 600; }
.bar { position: absolute; right: 8px; top: 50%; height: 20px; transform: translateY(-50%); background: rgba(78,121,167,.12); border-radius: 4px; max-width: calc(100% - 16px); }
.val { position: relative; }
tr.best td { background: #fff7ed; }
.tag { display: inline-block; font-size: 11px; font-weight: 600; color: #7c3aed; background: #f3e8ff; border-radius: 999px; padding: 1px 8px; margin-left: 6px; vertical-align: 1px; }
.state { display: inline-block; font-size: 12px; font-weight: 600; border-radius: 999px; padding: 1px 8px; background: #e2e8f0; color: #334155; }
.state.complete { background: #dcfce7; color: #166534; }
.state.pruned { background: #e0e7ff; color: #3730a3; }
.state.failed, .state.fail { background: #fee2e2; color: #991b1b; }
.state.running, .state.waiting { background: #fef9c3; color: #854d0e; }
.chips { display: flex; flex-wrap: wrap; gap: 8px; margin: 0 0 16px; }
.chip { background: var(--card); border: 1px solid var(--line); border-radius: 999px; padding: 4px 12px; font-size: 13px; }
.callout { border-radius: var(--radius); padding: 14px 18px; margin-bottom: 18px; border: 1px solid; }
.callout p { margin: 0; }
.callout p + p { margin-top: 6px; }
.callout.rapl { background: #f0fdf4; border-color: #bbf7d0; }
.callout.estimate { background: #fffbeb; border-color: #fde68a; }
.muted { color: var(--muted); font-size: 14px; }
.footnote { color: var(--muted); font-size: 13px; margin: 8px 2px 0; }
table.kv { border-collapse: collapse; width: 100%; font-size: 14px; }
table.kv th { text-align: left; font-weight: 500; color: var(--muted); padding: 6px 16px 6px 0; width: 38%; vertical-align: top; }
table.kv td { padding: 6px 0; font-family: var(--mono); font-size: 13px; word-break: break-word; }
table.kv tr + tr th, table.kv tr + tr td { border-top: 1px solid #eef2f6; }
h3.sub { margin: 26px 0 10px; }
footer { color: var(--faint); font-size: 13px; padding: 20px 0 36px; }
@media (max-width: 640px) { .wrap { padding: 0 16px; } h1 { font-size: 26px; } .arrow { display: none; } .step { max-width: none; } }
@media print { body { background: #fff; } .card, .table-wrap, .kpi { box-shadow: none; } }
`;
