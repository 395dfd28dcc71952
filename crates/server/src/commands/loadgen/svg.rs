//! The plot, as a hand-written SVG: the latency distribution of each point, and p50 / p99
//! against the number of concurrent calls.

use std::fmt::Write;

use super::metrics::PointReport;

const PANEL_W: f64 = 420.0;
const PANEL_H: f64 = 300.0;
const MARGIN: f64 = 50.0;
const COLOURS: [&str; 8] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
];

/// Three panels: voice-to-voice CDF per point; voice-to-voice p50/p99 by calls;
/// server-added p50/p99 by calls.
pub fn render(points: &[PointReport]) -> String {
    let width = 3.0 * PANEL_W;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{PANEL_H}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
"#
    );
    distribution(&mut svg, points);
    by_calls(
        &mut svg,
        PANEL_W,
        "voice-to-voice latency (ms)",
        points,
        |p| (p.voice_to_voice_ms.p50, p.voice_to_voice_ms.p99),
    );
    by_calls(
        &mut svg,
        2.0 * PANEL_W,
        "server-added latency (ms)",
        points,
        |p| (p.server_added_ms.p50, p.server_added_ms.p99),
    );
    svg.push_str("</svg>\n");
    svg
}

/// A nice upper bound for an axis.
fn ceiling(max: f64) -> f64 {
    let max = max.max(1.0);
    let step = 10f64.powf(max.log10().floor());
    (max / step).ceil() * step
}

fn frame(svg: &mut String, x0: f64, title: &str, x_label: &str, y_max: f64, y_label: &str) {
    let (left, top) = (x0 + MARGIN, 30.0);
    let (w, h) = (PANEL_W - 1.5 * MARGIN, PANEL_H - 30.0 - MARGIN);
    let _ = write!(
        svg,
        r##"<text x="{}" y="18" text-anchor="middle" font-weight="bold">{title}</text>
<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="none" stroke="#444"/>
<text x="{}" y="{}" text-anchor="middle">{x_label}</text>
<text x="{}" y="{}" text-anchor="middle" transform="rotate(-90 {} {})">{y_label}</text>
"##,
        x0 + PANEL_W / 2.0,
        left + w / 2.0,
        PANEL_H - 12.0,
        x0 + 12.0,
        top + h / 2.0,
        x0 + 12.0,
        top + h / 2.0,
    );
    for i in 0..=4 {
        let value = y_max * f64::from(i) / 4.0;
        let y = top + h - h * f64::from(i) / 4.0;
        let _ = writeln!(
            svg,
            r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="#ddd"/><text x="{}" y="{}" text-anchor="end">{value:.0}</text>"##,
            left + w,
            left - 4.0,
            y + 4.0
        );
    }
}

fn distribution(svg: &mut String, points: &[PointReport]) {
    let x_max = ceiling(
        points
            .iter()
            .filter_map(|p| p.voice_to_voice_samples.last().copied())
            .fold(0.0, f64::max),
    );
    frame(
        svg,
        0.0,
        "voice-to-voice latency distribution",
        "ms (caller end of speech to first agent audio)",
        100.0,
        "% of turns at or below",
    );
    let (left, top) = (MARGIN, 30.0);
    let (w, h) = (PANEL_W - 1.5 * MARGIN, PANEL_H - 30.0 - MARGIN);
    for i in 0..=4 {
        let x = left + w * f64::from(i) / 4.0;
        let _ = writeln!(
            svg,
            r#"<text x="{x}" y="{}" text-anchor="middle">{:.0}</text>"#,
            top + h + 14.0,
            x_max * f64::from(i) / 4.0
        );
    }
    for (index, point) in points.iter().enumerate() {
        let samples = &point.voice_to_voice_samples;
        if samples.is_empty() {
            continue;
        }
        let colour = COLOURS[index % COLOURS.len()];
        let step = (samples.len() / 400).max(1);
        let path: Vec<String> = samples
            .iter()
            .enumerate()
            .step_by(step)
            .chain(std::iter::once((
                samples.len() - 1,
                &samples[samples.len() - 1],
            )))
            .map(|(i, &v)| {
                let x = left + w * (v / x_max).clamp(0.0, 1.0);
                let y = top + h - h * (i + 1) as f64 / samples.len() as f64;
                format!("{x:.1},{y:.1}")
            })
            .collect();
        let _ = writeln!(
            svg,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{}"/><text x="{}" y="{}" fill="{colour}">{} calls</text>"#,
            path.join(" "),
            left + 8.0,
            top + 14.0 + 13.0 * index as f64,
            point.calls
        );
    }
}

fn by_calls(
    svg: &mut String,
    x0: f64,
    title: &str,
    points: &[PointReport],
    values: impl Fn(&PointReport) -> (f64, f64),
) {
    let y_max = ceiling(points.iter().map(|p| values(p).1).fold(0.0, f64::max));
    frame(svg, x0, title, "concurrent calls", y_max, "ms");
    let (left, top) = (x0 + MARGIN, 30.0);
    let (w, h) = (PANEL_W - 1.5 * MARGIN, PANEL_H - 30.0 - MARGIN);
    let n = points.len().max(1) as f64;
    let x_of = |i: usize| left + w * (i as f64 + 0.5) / n;
    let y_of = |v: f64| top + h - h * (v.max(0.0) / y_max).min(1.0);
    for (i, point) in points.iter().enumerate() {
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
            x_of(i),
            top + h + 14.0,
            point.calls
        );
    }
    for (label, colour, pick) in [("p50", COLOURS[0], 0usize), ("p99", COLOURS[3], 1usize)] {
        let coords: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (p50, p99) = values(p);
                let v = if pick == 0 { p50 } else { p99 };
                format!("{:.1},{:.1}", x_of(i), y_of(v))
            })
            .collect();
        let _ = writeln!(
            svg,
            r#"<polyline fill="none" stroke="{colour}" stroke-width="2" points="{}"/><text x="{}" y="{}" fill="{colour}">{label}</text>"#,
            coords.join(" "),
            left + 8.0,
            top + 14.0 + 13.0 * pick as f64,
        );
        for coord in &coords {
            let (x, y) = coord.split_once(',').unwrap_or(("0", "0"));
            let _ = writeln!(svg, r#"<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>"#);
        }
    }
}
