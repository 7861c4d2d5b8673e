//! The Analytics screen's stylesheet, added to the page the first time the
//! screen opens (the inbox's stylesheet does not carry it; the console's CSP
//! allows inline styles, see the relay's `console_index`).

use crate::web::dom;

const ID: &str = "natter-analytics-css";

const CSS: &str = "\
.analytics .period{display:flex;gap:6px;align-items:center;flex-wrap:wrap}\
.analytics .period button[aria-pressed=true]{background:var(--accent);border-color:var(--accent);color:var(--accent-text)}\
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:10px;margin:0;padding:0;list-style:none}\
.kpi{border:1px solid var(--line);border-radius:var(--radius);padding:10px 12px;background:var(--panel)}\
.kpi .name{color:var(--muted);font-size:12.5px;display:block}\
.kpi .value{font-size:22px;font-weight:600;display:block}\
.kpi .sub{font-size:12px;color:var(--muted);display:block}\
.status{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;margin-right:6px}\
.status.green{background:#e3f4e8;color:#0f5c27}.status.yellow{background:#fff1c9;color:#6b4700}.status.red{background:var(--err-bg);color:var(--err)}\
.chart-head{display:flex;align-items:center;gap:10px;justify-content:space-between;flex-wrap:wrap}\
.chart svg{width:100%;height:auto;max-height:260px;display:block}\
.chart svg text{font-size:12px;fill:#3d434a}\
.chart .bar{fill:var(--accent)}.chart .line{fill:none;stroke:var(--accent);stroke-width:2}\
.chart .axis{stroke:var(--line)}.chart .cell{fill:var(--accent)}\
.table-wrap{overflow-x:auto}\
.analytics table{border-collapse:collapse;width:100%;font-size:13px}\
.analytics th,.analytics td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}\
.analytics td.num,.analytics th.num{text-align:right;font-variant-numeric:tabular-nums}\
.analytics .grid-2{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:12px}\
.exports .row-line{display:flex;gap:8px;flex-wrap:wrap;align-items:end}\
";

/// Adds the stylesheet once.
pub fn ensure() {
    let Some(doc) = dom::document() else { return };
    if doc.get_element_by_id(ID).is_some() {
        return;
    }
    if let (Ok(style), Some(head)) = (doc.create_element("style"), doc.head()) {
        style.set_id(ID);
        style.set_text_content(Some(CSS));
        let _ = head.append_child(&style);
    }
}
