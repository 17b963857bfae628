//! A small live chart of writes per second over the last two minutes, with the write
//! budget drawn as a line, so the admin sees the run holding Graph's ceiling. Inline SVG
//! only: no script, no styles in attributes the CSP would block.

use leptos::prelude::*;

const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 90.0;

/// The polyline points for `series` scaled to `top` writes/s.
fn points(series: &[f64], top: f64) -> String {
    if series.is_empty() || top <= 0.0 {
        return String::new();
    }
    let step = WIDTH / (series.len().max(2) - 1) as f64;
    series
        .iter()
        .enumerate()
        .map(|(i, value)| {
            let y = HEIGHT - (value / top).min(1.0) * HEIGHT;
            format!("{:.1},{:.1}", i as f64 * step, y)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
pub fn WriteRateChart(
    /// Writes per second per second, oldest first.
    #[prop(into)]
    series: Signal<Vec<f64>>,
    /// The write budget in writes per second.
    budget: f64,
) -> impl IntoView {
    let top = move || series.with(|s| s.iter().copied().fold(budget * 1.25, f64::max));
    let quota_y = move || HEIGHT - (budget / top()) * HEIGHT;
    let description = move || {
        let peak = series.with(|s| s.iter().copied().fold(0.0, f64::max));
        format!("Writes per second over the last two minutes; peak {peak:.1}, budget {budget:.1}.")
    };
    view! {
        <figure class="rate-chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=description preserveAspectRatio="none">
                <line class="quota" x1="0" x2=WIDTH y1=quota_y y2=quota_y/>
                <polyline class="rate" points=move || series.with(|s| points(s, top()))/>
            </svg>
            <figcaption class="hint">{format!("Writes per second; the dashed line is the budget ({budget:.0}/s).")}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::points;

    #[test]
    fn points_span_the_width_and_scale_to_the_top() {
        let p = points(&[0.0, 10.0, 20.0], 20.0);
        assert_eq!(p, "0.0,90.0 180.0,45.0 360.0,0.0");
        assert_eq!(points(&[], 20.0), "");
    }
}
