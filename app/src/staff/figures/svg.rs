//! Bar charts as SVG text, drawn on the server: stacked or side by side,
//! with an optional mark per bar (a percentile), a title and a description
//! for screen readers, and each bar's number in its own `<title>` and in
//! `data-value` (what the page's tables must match). Hand-written: a
//! charting crate would bring a renderer, fonts or a script for four kinds
//! of bars; this is a few rectangles.

use std::fmt::Write;

/// One series of bars: its name, its colour and a value per category.
pub struct Series {
    pub name: String,
    /// A code for `data-series` (stable, not translated).
    pub code: &'static str,
    pub colour: &'static str,
    pub values: Vec<u32>,
}

/// A chart: categories along the bottom, one or more series.
pub struct Chart {
    /// The `id` prefix of its title and description.
    pub id: &'static str,
    pub title: String,
    pub description: String,
    /// A label per category (a week, a month, a status).
    pub categories: Vec<String>,
    /// A code per category for `data-category` (a date, a status code).
    pub category_codes: Vec<String>,
    pub series: Vec<Series>,
    /// Stacked (parts of a whole) or side by side.
    pub stacked: bool,
    /// A mark drawn over each bar of the series with the same index (the
    /// 80th percentile over the median's bar).
    pub marks: Option<Series>,
    /// One row per category, its label at the left and its bar to the
    /// right (for long labels, such as reasons); one series only.
    pub horizontal: bool,
}

const WIDTH: u32 = 720;
const HEIGHT: u32 = 240;
const LEFT: u32 = 40;
const RIGHT: u32 = 8;
const TOP: u32 = 12;
const BOTTOM: u32 = 36;

/// Text as SVG and HTML read it.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// The top of the scale: the highest bar (or mark), rounded up to 1, 2 or
/// 5 times a power of ten, so that the four lines of the grid fall on
/// round numbers.
fn scale_top(highest: u32) -> u32 {
    let mut step = 1u32;
    loop {
        for factor in [1u32, 2, 5] {
            let top = step.saturating_mul(factor).saturating_mul(4);
            if top >= highest.max(4) {
                return top;
            }
        }
        step = step.saturating_mul(10);
    }
}

impl Chart {
    fn highest(&self) -> u32 {
        let n = self.categories.len();
        let bars = (0..n).map(|i| {
            let values = self
                .series
                .iter()
                .map(|s| s.values.get(i).copied().unwrap_or(0));
            if self.stacked {
                values.sum()
            } else {
                values.max().unwrap_or(0)
            }
        });
        let marks = self.marks.iter().flat_map(|m| m.values.iter().copied());
        bars.chain(marks).max().unwrap_or(0)
    }

    /// The chart as an `<svg>` element.
    pub fn render(&self) -> String {
        if self.horizontal {
            return self.render_rows();
        }
        let top = scale_top(self.highest());
        let plot_width = WIDTH - LEFT - RIGHT;
        let plot_height = HEIGHT - TOP - BOTTOM;
        let y = |value: u32| {
            let height = u64::from(value) * u64::from(plot_height) / u64::from(top);
            TOP + plot_height
                - u32::try_from(height)
                    .unwrap_or(plot_height)
                    .min(plot_height)
        };
        let n = u32::try_from(self.categories.len()).unwrap_or(1).max(1);
        let slot = plot_width / n;
        let gap = (slot / 5).max(1);
        let lanes = if self.stacked {
            1
        } else {
            u32::try_from(self.series.len()).unwrap_or(1).max(1)
        };
        let bar_width = ((slot - gap) / lanes).max(1);
        let mut svg = self.open(HEIGHT);
        // The grid and its numbers.
        for step in 0..=4 {
            let value = top / 4 * step;
            let at = y(value);
            let _ = write!(
                svg,
                r##"<line x1="{LEFT}" x2="{}" y1="{at}" y2="{at}" stroke="#d0d4da" stroke-width="1"/><text x="{}" y="{}" text-anchor="end" font-size="11" fill="#444">{value}</text>"##,
                WIDTH - RIGHT,
                LEFT - 4,
                at + 4,
            );
        }
        // The bars, and each category's label: every few, so that labels
        // (about 6.5 units a character at this size) never overlap.
        let longest = self
            .categories
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(1);
        let label_width = u32::try_from(longest).unwrap_or(20) * 13 / 2 + 8;
        let every = label_width.div_ceil(slot.max(1)).max(1);
        for (i, label) in self.categories.iter().enumerate() {
            let i32_ = u32::try_from(i).unwrap_or(0);
            let x0 = LEFT + i32_ * slot + gap / 2;
            let code = self.category_codes.get(i).map_or("", String::as_str);
            let mut base = 0u32;
            for (lane, series) in self.series.iter().enumerate() {
                let value = series.values.get(i).copied().unwrap_or(0);
                let lane = u32::try_from(lane).unwrap_or(0);
                let (x, from) = if self.stacked {
                    (x0, base)
                } else {
                    (x0 + lane * bar_width, 0)
                };
                let (y_top, y_bottom) = (y(from + value), y(from));
                let _ = write!(
                    svg,
                    r#"<rect x="{x}" y="{y_top}" width="{bar_width}" height="{}" fill="{}" data-series="{}" data-category="{}" data-value="{value}"><title>{}: {}, {value}</title></rect>"#,
                    y_bottom - y_top,
                    series.colour,
                    series.code,
                    escape(code),
                    escape(label),
                    escape(&series.name),
                );
                if self.stacked {
                    base += value;
                }
            }
            if let Some(marks) = &self.marks
                && let Some(value) = marks.values.get(i).copied().filter(|v| *v > 0)
            {
                let at = y(value);
                let _ = write!(
                    svg,
                    r#"<rect x="{x0}" y="{}" width="{bar_width}" height="3" fill="{}" data-series="{}" data-category="{}" data-value="{value}"><title>{}: {}, {value}</title></rect>"#,
                    at.saturating_sub(1),
                    marks.colour,
                    marks.code,
                    escape(code),
                    escape(label),
                    escape(&marks.name),
                );
            }
            if i32_ % every == 0 {
                let _ = write!(
                    svg,
                    r##"<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#444">{}</text>"##,
                    x0 + (slot - gap) / 2,
                    HEIGHT - BOTTOM + 16,
                    escape(label),
                );
            }
        }
        svg.push_str("</svg>");
        svg
    }
}

impl Chart {
    /// The `<svg>` element's opening, its title and its description.
    fn open(&self, height: u32) -> String {
        let mut svg = String::new();
        let _ = write!(
            svg,
            r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}-title {id}-desc" data-chart="{id}" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#,
            id = self.id,
            title = escape(&self.title),
            desc = escape(&self.description),
        );
        svg
    }

    /// One row per category: the label, the bar, its number.
    fn render_rows(&self) -> String {
        const ROW: u32 = 26;
        const LABEL: u32 = 330;
        let Some(series) = self.series.first() else {
            return String::new();
        };
        let n = u32::try_from(self.categories.len()).unwrap_or(0);
        let height = TOP + n * ROW + 8;
        let top = scale_top(self.highest());
        let width = WIDTH - LABEL - 48;
        let mut svg = self.open(height);
        for (i, label) in self.categories.iter().enumerate() {
            let y = TOP + u32::try_from(i).unwrap_or(0) * ROW;
            let value = series.values.get(i).copied().unwrap_or(0);
            let length = u32::try_from(u64::from(value) * u64::from(width) / u64::from(top))
                .unwrap_or(width);
            let code = self.category_codes.get(i).map_or("", String::as_str);
            let _ = write!(
                svg,
                r##"<text x="{}" y="{}" text-anchor="end" font-size="12" fill="#333">{}</text><rect x="{LABEL}" y="{}" width="{length}" height="{}" fill="{}" data-series="{}" data-category="{}" data-value="{value}"><title>{}: {value}</title></rect><text x="{}" y="{}" font-size="12" fill="#333">{value}</text>"##,
                LABEL - 8,
                y + 16,
                escape(label),
                y + 4,
                ROW - 8,
                series.colour,
                series.code,
                escape(code),
                escape(label),
                LABEL + length + 6,
                y + 16,
            );
        }
        svg.push_str("</svg>");
        svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_ends_on_a_round_number() {
        assert_eq!(scale_top(0), 4);
        assert_eq!(scale_top(7), 8);
        assert_eq!(scale_top(9), 20);
        assert_eq!(scale_top(37), 40);
        assert_eq!(scale_top(161), 200);
    }

    #[test]
    fn each_bar_carries_its_value_and_text_is_escaped() {
        let chart = Chart {
            id: "test",
            title: "A <chart>".into(),
            description: "bars & marks".into(),
            categories: vec!["1 Feb".into(), "8 Feb".into()],
            category_codes: vec!["2027-02-01".into(), "2027-02-08".into()],
            series: vec![
                Series {
                    name: "Cancer".into(),
                    code: "cancer",
                    colour: "#0072B2",
                    values: vec![3, 0],
                },
                Series {
                    name: "Other".into(),
                    code: "other",
                    colour: "#999999",
                    values: vec![1, 2],
                },
            ],
            stacked: true,
            marks: None,
            horizontal: false,
        };
        let svg = chart.render();
        assert!(svg.contains("<title id=\"test-title\">A &lt;chart&gt;</title>"));
        assert!(svg.contains("bars &amp; marks"));
        assert!(svg.contains(r#"data-series="cancer" data-category="2027-02-01" data-value="3""#));
        assert!(svg.contains(r#"data-series="other" data-category="2027-02-08" data-value="2""#));
        assert_eq!(svg.matches("<rect").count(), 4);
    }
}
