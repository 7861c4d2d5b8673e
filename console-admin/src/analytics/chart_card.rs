//! A chart with its title and a "Show as table" switch: the SVG, or a real
//! table of the same numbers.

use natter_console_kit::state::analytics::Chart;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Unique on the page (ids are derived from it).
    pub id: AttrValue,
    pub title: AttrValue,
    pub chart: Chart,
    pub as_table: bool,
    pub show_table_label: AttrValue,
    pub on_table: Callback<(Chart, bool)>,
    pub svg: Html,
    pub table: Html,
}

#[component]
pub fn ChartCard(p: &Props) -> Html {
    let heading = format!("{}-title", p.id);
    let table_label = heading.clone();
    let toggle = format!("{}-as-table", p.id);
    let onchange = {
        let (on_table, chart) = (p.on_table.clone(), p.chart);
        Callback::from(move |e: Event| on_table.emit((chart, e.target_unchecked_into::<HtmlInputElement>().checked())))
    };
    html! {
        <section class="card chart" id={p.id.clone()} aria-labelledby={heading.clone()}>
            <div class="chart-head">
                <h3 id={heading}>{ p.title.clone() }</h3>
                <label class="check" for={toggle.clone()}>
                    <input id={toggle} type="checkbox" checked={p.as_table} {onchange} />
                    { p.show_table_label.clone() }
                </label>
            </div>
            if p.as_table {
                // Focusable, so a keyboard can scroll a wide table (the heatmap's 24 hours).
                <div class="table-wrap" tabindex="0" role="region" aria-labelledby={table_label}>{ p.table.clone() }</div>
            } else {
                { p.svg.clone() }
            }
        </section>
    }
}
