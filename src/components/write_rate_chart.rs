//! "Write rate": writes sent per second over the last two minutes, against Graph's write
//! quota, so the admin sees the run holding the ceiling. Both axes are labelled (writes
//! per second; time from two minutes ago to now), the quota line says what it is, and the
//! text under the chart (also the chart's accessible name) gives the peak, the average
//! and how long throttling held the run. The drawing keeps its proportions, so its words
//! stay readable on a phone. Inline SVG only: no script, no styles the CSP would block.

use leptos::prelude::*;
use license_desk_core::wording::bulk as words;

const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 150.0;
/// The plot area inside the drawing: room on the left for the values, below for times.
const LEFT: f64 = 34.0;
const RIGHT: f64 = 312.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 122.0;

fn y_of(value: f64, top: f64) -> f64 {
    BOTTOM - (value / top).clamp(0.0, 1.0) * (BOTTOM - TOP)
}

/// The polyline points for `series` scaled to `top` writes/s, across the plot area.
fn points(series: &[f64], top: f64) -> String {
    if series.is_empty() || top <= 0.0 {
        return String::new();
    }
    let step = (RIGHT - LEFT) / (series.len().max(2) - 1) as f64;
    series
        .iter()
        .enumerate()
        .map(|(i, value)| format!("{:.1},{:.1}", LEFT + i as f64 * step, y_of(*value, top)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The top of the value axis: a round number above the quota and the peak.
fn axis_top(series: &[f64], budget: f64) -> f64 {
    let highest = series
        .iter()
        .copied()
        .fold(budget * 1.25, f64::max)
        .max(1.0);
    let step = if highest <= 10.0 { 2.0 } else { 5.0 };
    (highest / step).ceil() * step
}

#[component]
pub fn WriteRateChart(
    /// Writes sent per second per second, oldest first.
    #[prop(into)]
    series: Signal<Vec<f64>>,
    /// Graph's write quota in writes per second.
    budget: f64,
    /// Applied writes per second since the start.
    #[prop(into)]
    average: Signal<f64>,
    /// How long throttling held the run, in words ("12 s").
    #[prop(into)]
    throttled: Signal<String>,
) -> impl IntoView {
    let top = Memo::new(move |_| series.with(|s| axis_top(s, budget)));
    let quota_y = move || y_of(budget, top.get());
    let summary = move || {
        let peak = series.with(|s| s.iter().copied().fold(0.0, f64::max));
        words::chart_summary(peak, average.get(), &throttled.get(), budget)
    };
    let label = |y: f64| format!("{:.0}", y);
    view! {
        <figure class="rate-chart">
            <p class="axis-title" aria-hidden="true">"Writes per second"</p>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby="rate-chart-summary" font-size="11">
                <line class="axis" x1=LEFT x2=LEFT y1=TOP y2=BOTTOM/>
                <line class="axis" x1=LEFT x2=RIGHT y1=BOTTOM y2=BOTTOM/>
                <text class="tick" x=LEFT - 4.0 y=BOTTOM + 4.0 text-anchor="end">"0"</text>
                <text class="tick" x=LEFT - 4.0 y=TOP + 4.0 text-anchor="end">{move || label(top.get())}</text>
                <line class="quota" x1=LEFT x2=RIGHT y1=quota_y y2=quota_y/>
                <text class="quota-label" x=RIGHT y=move || quota_y() - 4.0 text-anchor="end">{format!("Quota {budget:.0}/s")}</text>
                <polyline class="rate" points=move || series.with(|s| points(s, top.get()))/>
                <text class="tick" x=LEFT y=BOTTOM + 16.0 text-anchor="start">"2 min ago"</text>
                <text class="tick" x=(LEFT + RIGHT) / 2.0 y=BOTTOM + 16.0 text-anchor="middle">"1 min ago"</text>
                <text class="tick" x=RIGHT y=BOTTOM + 16.0 text-anchor="end">"now"</text>
                <text class="axis-label" x=(LEFT + RIGHT) / 2.0 y=HEIGHT - 2.0 text-anchor="middle">"Time"</text>
            </svg>
            <figcaption id="rate-chart-summary" class="hint">{summary}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::{axis_top, points};

    #[test]
    fn points_span_the_plot_and_scale_to_the_top() {
        let p = points(&[0.0, 10.0, 20.0], 20.0);
        assert_eq!(p, "34.0,122.0 173.0,68.0 312.0,14.0");
        assert_eq!(points(&[], 20.0), "");
    }

    #[test]
    fn the_value_axis_ends_on_a_round_number_above_quota_and_peak() {
        assert_eq!(axis_top(&[3.0, 18.0], 20.0), 25.0);
        assert_eq!(axis_top(&[31.0], 20.0), 35.0);
        assert_eq!(axis_top(&[], 2.0), 4.0);
    }
}
