//! The charts, drawn as SVG by small functions (no chart crate: three shapes
//! are all the screen needs). Each is an image with a label that sums it up;
//! every mark has a `<title>` with its exact value, and the page offers the
//! same numbers as a table (`chart_card.rs`).

use yew::prelude::*;

// About the size it is shown at, so its 12-unit text reads as ~11 px.
const W: i64 = 420;
const H: i64 = 180;
/// Room for the value axis on the left and the labels at the bottom.
const LEFT: i64 = 40;
const BOTTOM: i64 = 22;
const TOP: i64 = 10;

/// One bar or point: its label on the axis, its value, and that value in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub label: String,
    pub value: Option<i64>,
    pub text: String,
}

/// Every `step`-th label is drawn, so 30 days stay readable.
fn label_step(n: usize) -> usize {
    if n <= 10 { 1 } else { n.div_ceil(8) }
}

fn y_of(v: i64, max: i64) -> i64 {
    let plot = H - BOTTOM - TOP;
    H - BOTTOM - v * plot / max.max(1)
}

/// The value axis: the top value and zero.
fn axis(max_text: &str) -> Html {
    html! {
        <>
            <line class="axis" x1={LEFT.to_string()} y1={(H - BOTTOM).to_string()} x2={W.to_string()} y2={(H - BOTTOM).to_string()} />
            <text x={(LEFT - 6).to_string()} y={(TOP + 4).to_string()} text-anchor="end">{ max_text.to_owned() }</text>
            <text x={(LEFT - 6).to_string()} y={(H - BOTTOM).to_string()} text-anchor="end">{ "0" }</text>
        </>
    }
}

fn x_labels(points: &[Point], slot: i64) -> Html {
    let step = label_step(points.len());
    html! {
        { for points.iter().enumerate().filter(|(i, _)| i % step == 0).map(|(i, p)| {
            let x = LEFT + slot * i as i64 + slot / 2;
            html! { <text x={x.to_string()} y={(H - 6).to_string()} text-anchor="middle">{ p.label.clone() }</text> }
        }) }
    }
}

/// Vertical bars (`max_text`: the highest value in words).
pub fn bars(label: &str, points: &[Point], max_text: &str) -> Html {
    let max = points.iter().filter_map(|p| p.value).max().unwrap_or(0);
    let slot = (W - LEFT) / points.len().max(1) as i64;
    let width = (slot * 7 / 10).max(2);
    html! {
        <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={label.to_owned()}>
            { axis(max_text) }
            { for points.iter().enumerate().map(|(i, p)| {
                let v = p.value.unwrap_or(0);
                let (x, y) = (LEFT + slot * i as i64 + (slot - width) / 2, y_of(v, max));
                html! {
                    <rect class="bar" x={x.to_string()} y={y.to_string()} width={width.to_string()}
                        height={(H - BOTTOM - y).to_string()}>
                        <title>{ format!("{}: {}", p.label, p.text) }</title>
                    </rect>
                }
            }) }
            { x_labels(points, slot) }
        </svg>
    }
}

/// A line through the points that have a value, a dot on each.
pub fn line(label: &str, points: &[Point], max_text: &str) -> Html {
    let max = points.iter().filter_map(|p| p.value).max().unwrap_or(0);
    let slot = (W - LEFT) / points.len().max(1) as i64;
    let at = |i: usize, v: i64| (LEFT + slot * i as i64 + slot / 2, y_of(v, max));
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.value.map(|v| at(i, v)))
        .map(|(x, y)| format!("{x},{y}"))
        .collect();
    html! {
        <svg viewBox={format!("0 0 {W} {H}")} role="img" aria-label={label.to_owned()}>
            { axis(max_text) }
            <polyline class="line" points={path.join(" ")} />
            { for points.iter().enumerate().filter_map(|(i, p)| p.value.map(|v| (i, v, p))).map(|(i, v, p)| {
                let (x, y) = at(i, v);
                html! {
                    <circle class="bar" cx={x.to_string()} cy={y.to_string()} r="4">
                        <title>{ format!("{}: {}", p.label, p.text) }</title>
                    </circle>
                }
            }) }
            { x_labels(points, slot) }
        </svg>
    }
}

/// Weekdays down, hours across; the darker, the more conversations.
pub fn heatmap(label: &str, counts: &[Vec<u64>], weekdays: &[&str; 7]) -> Html {
    const CELL: i64 = 16;
    const LEFT_H: i64 = 40;
    const TOP_H: i64 = 16;
    let max = counts.iter().flatten().copied().max().unwrap_or(0).max(1);
    let (w, h) = (LEFT_H + CELL * 24, TOP_H + CELL * 7);
    html! {
        <svg viewBox={format!("0 0 {w} {h}")} role="img" aria-label={label.to_owned()}>
            { for (0..24).step_by(3).map(|hour| html! {
                <text x={(LEFT_H + CELL * hour + CELL / 2).to_string()} y="12" text-anchor="middle">{ hour }</text>
            }) }
            { for counts.iter().take(7).enumerate().map(|(d, row)| html! {
                <>
                    <text x={(LEFT_H - 6).to_string()} y={(TOP_H + CELL * d as i64 + 12).to_string()} text-anchor="end">
                        { weekdays[d] }
                    </text>
                    { for row.iter().take(24).enumerate().map(|(hour, &n)| {
                        // At least a trace of colour, so an empty hour still shows as a cell.
                        let pct = 6 + 94 * n / max;
                        let opacity = format!("{}.{:02}", pct / 100, pct % 100);
                        html! {
                            <rect class="cell" x={(LEFT_H + CELL * hour as i64).to_string()}
                                y={(TOP_H + CELL * d as i64).to_string()} width={(CELL - 2).to_string()}
                                height={(CELL - 2).to_string()} fill-opacity={opacity}>
                                <title>{ format!("{} {hour}:00: {n}", weekdays[d]) }</title>
                            </rect>
                        }
                    }) }
                </>
            }) }
        </svg>
    }
}
