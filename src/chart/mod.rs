//! Charts adapter: the weekly progress chart drawn with plotters (the only
//! module that imports it) into an SVG string. Top: sessions done each day
//! against the plan's band, the count printed on each bar. Bottom: the mean
//! range of motion per week for each foot, the value printed at each point.
//! PNG is rasterised by plotters' bitmap backend with DejaVu Sans shipped in
//! `assets/` (no system font libraries) and encoded with `png`.

use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordf64, RangedCoordu32};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use thiserror::Error;

use crate::core::plan::{format_iso_week, BandStatus, SideProgress, WeekReport};
use crate::sensor::capture::Side;

/// Chart size in SVG pixels.
pub const SIZE: (u32, u32) = (1200, 1000);

/// A chart that could not be drawn.
#[derive(Debug, Error)]
pub enum ChartError {
    #[error("cannot draw the chart: {0}")]
    Draw(String),
    #[error("cannot encode the chart as PNG: {0}")]
    Png(String),
}

/// The one font used for every label (DejaVu Sans; licence beside it).
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// Registers the shipped font as "sans-serif" (once per process).
fn ensure_font() -> Result<(), ChartError> {
    static REGISTERED: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font("sans-serif", FontStyle::Normal, FONT)
                .map_err(|_| "bad font file".to_string())
        })
        .clone()
        .map_err(ChartError::Draw)
}

fn draw_err<E: std::fmt::Debug>(e: E) -> ChartError {
    ChartError::Draw(format!("{e:?}"))
}

/// A day still short of the plan: a calm grey-blue, not an alarm red.
const BELOW: RGBColor = RGBColor(0x6B, 0x86, 0xA3);
const WITHIN: RGBColor = RGBColor(0x1B, 0x7F, 0x3B);
const ABOVE: RGBColor = RGBColor(0x0D, 0x3C, 0x73);
const BAND: RGBColor = RGBColor(0xA5, 0xD6, 0xA7);
const LEFT: RGBColor = RGBColor(0x15, 0x65, 0xC0);
const RIGHT: RGBColor = RGBColor(0xD8, 0x43, 0x15);
const INK: RGBColor = RGBColor(0x21, 0x21, 0x21);

fn side_color(side: Side) -> RGBColor {
    match side {
        Side::Left => LEFT,
        Side::Right => RIGHT,
    }
}

/// The title line: week, plan, adherence and streak in plain words.
pub fn title(r: &WeekReport) -> String {
    let a = &r.adherence;
    let pct = a
        .percent
        .map_or("no day passed yet".into(), |p| format!("{p:.0}% ({} of {} days)", a.days_met, a.days_elapsed));
    let feet = r.plan.sides.single().map_or("both feet".into(), |s| format!("{} foot", s.as_str()));
    let days = if r.streak.current == 1 { "day" } else { "days" };
    format!(
        "{} {}, {}: adherence {pct}, streak {} {days}",
        r.plan.preset.info().label,
        format_iso_week(a.week),
        feet,
        r.streak.current
    )
}

/// How the chart is laid out: its size and how its text scales.
#[derive(Debug, Clone, Copy)]
struct Layout {
    size: (u32, u32),
    /// Shown at this many CSS px per chart px (1.0: drawn for the screen's width).
    narrow: bool,
    scale: f64,
}

/// Text is never smaller than this on screen, CSS px.
pub const MIN_TEXT_PX: f64 = 13.0;
/// plotters' SVG backend writes `font-size` as the font's size divided by
/// 1.24 (its em box), so a size asked of plotters is this much larger than
/// what the browser draws.
const SVG_FONT_EM: f64 = 1.24;
/// Below this width the chart drops its title and shortens its labels.
const NARROW_PX: u32 = 700;

impl Layout {
    const PRINT: Layout = Layout { size: SIZE, narrow: false, scale: 1.0 };

    /// Drawn at `width` CSS px, to be shown at that width (text at least `MIN_TEXT_PX`).
    fn for_width(width: u32) -> Layout {
        if width == 0 {
            return Layout::PRINT;
        }
        let narrow = width < NARROW_PX;
        let height = if narrow { (width as f64 * 1.6) as u32 } else { (width as f64 * 0.75) as u32 };
        Layout { size: (width, height.max(420)), narrow, scale: width as f64 / SIZE.0 as f64 }
    }

    /// A font size given for the 1200 px print layout, for this layout.
    fn px(&self, print: u32) -> u32 {
        (print as f64 * self.scale).max(MIN_TEXT_PX * SVG_FONT_EM).ceil() as u32
    }
}

/// The weekly progress chart as an SVG document.
pub fn weekly_svg(report: &WeekReport) -> Result<String, ChartError> {
    svg_with(report, Layout::PRINT)
}

/// The chart drawn for a screen `width` CSS px wide (0: the print size), to be shown 1:1,
/// so its text stays at least `MIN_TEXT_PX` on a phone.
pub fn weekly_svg_for_width(report: &WeekReport, width: u32) -> Result<String, ChartError> {
    svg_with(report, Layout::for_width(width))
}

fn svg_with(report: &WeekReport, l: Layout) -> Result<String, ChartError> {
    ensure_font()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, l.size).into_drawing_area();
        draw(&root, report, l)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// The weekly progress chart as a PNG file's bytes.
pub fn weekly_png(report: &WeekReport) -> Result<Vec<u8>, ChartError> {
    ensure_font()?;
    let (w, h) = SIZE;
    let mut rgb = vec![0u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        draw(&root, report, Layout::PRINT)?;
        root.present().map_err(draw_err)?;
    }
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let png_err = |e: png::EncodingError| ChartError::Png(e.to_string());
    let mut writer = enc.write_header().map_err(png_err)?;
    writer.write_image_data(&rgb).map_err(png_err)?;
    writer.finish().map_err(png_err)?;
    Ok(out)
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    r: &WeekReport,
    l: Layout,
) -> Result<(), ChartError> {
    root.fill(&WHITE).map_err(draw_err)?;
    // On a phone the page's own heading names the week; the title would not fit.
    let root = if l.narrow {
        root.clone()
    } else {
        root.titled(&title(r), ("sans-serif", l.px(36)).into_font().color(&INK)).map_err(draw_err)?
    };
    let (top, bottom) = root.split_vertically(root.dim_in_pixel().1 / 2);
    draw_days(&top, r, l)?;
    draw_rom(&bottom, r, l)?;
    Ok(())
}

fn draw_days<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    r: &WeekReport,
    l: Layout,
) -> Result<(), ChartError> {
    let days = &r.adherence.days;
    let band = r.plan.sessions_per_day;
    let top = days.iter().map(|d| d.done).max().unwrap_or(0).max(band.max) as f64 + 1.0;
    let caption = if r.plan.per_hour() {
        format!("Waking hours with a session (plan {})", band.max)
    } else if l.narrow {
        format!("Sessions per day (plan {}–{})", band.min, band.max)
    } else {
        format!("Sessions per day (plan {}–{}, shaded): green within, dark blue above", band.min, band.max)
    };
    let fmt = if l.narrow { "%a" } else { "%a %d" };
    let day = |i: usize| days.get(i).map_or(String::new(), |d| d.date.format(fmt).to_string());
    let mut chart = segment_chart(area, caption, 6, top, &day, "sessions", Some(top as usize + 1), l)?;
    let band_rect = Rectangle::new(
        [(SegmentValue::Exact(0), f64::from(band.min) - 0.05), (SegmentValue::Last, f64::from(band.max) + 0.05)],
        BAND.mix(0.45).filled(),
    );
    chart.draw_series(std::iter::once(band_rect)).map_err(draw_err)?;
    for (status, color) in [(BandStatus::Below, BELOW), (BandStatus::Within, WITHIN), (BandStatus::Above, ABOVE)] {
        let bars =
            days.iter().enumerate().filter(|(_, d)| d.status == status).map(|(i, d)| (i as u32, f64::from(d.done)));
        let margin = (22.0 * l.scale).max(4.0) as u32;
        chart
            .draw_series(Histogram::vertical(&chart).style(color.filled()).margin(margin).data(bars))
            .map_err(draw_err)?;
    }
    let label = ("sans-serif", l.px(30)).into_font().color(&INK).pos(Pos::new(HPos::Center, VPos::Bottom));
    chart
        .draw_series(days.iter().enumerate().map(|(i, d)| {
            let text = if d.short > 0 { format!("{} (+{} short)", d.done, d.short) } else { d.done.to_string() };
            Text::new(text, (SegmentValue::CenterOf(i as u32), f64::from(d.done) + 0.08), label.clone())
        }))
        .map_err(draw_err)?;
    Ok(())
}

fn draw_rom<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    r: &WeekReport,
    l: Layout,
) -> Result<(), ChartError> {
    let progress: &[SideProgress] = &r.progress;
    let weeks: Vec<String> = progress.first().map_or(Vec::new(), |p| p.weeks.iter().map(|w| w.week.clone()).collect());
    let n = weeks.len().max(1) as u32;
    let max = progress.iter().flat_map(|p| p.weeks.iter().filter_map(|w| w.mean_rom_deg)).fold(0.0, f64::max);
    let top = ((max / 10.0).ceil() * 10.0 + 10.0).max(20.0);
    let trend: Vec<String> = progress
        .iter()
        .map(|p| match p.rom_trend_deg_per_week {
            Some(t) => format!("{} {:+.1}°/week", p.side.as_str(), t),
            None => format!("{} –", p.side.as_str()),
        })
        .collect();
    let caption = if l.narrow {
        "Range of motion per week".to_string()
    } else if trend.is_empty() {
        "Mean range of motion per week (no sessions yet)".to_string()
    } else {
        format!("Mean range of motion per week (trend: {})", trend.join(", "))
    };
    let this_week =
        chrono::NaiveDate::from_isoywd_opt(r.adherence.week.year(), r.adherence.week.week(), chrono::Weekday::Mon);
    let week = |i: usize| {
        let Some(w) = weeks.get(i) else { return String::new() };
        match (l.narrow, this_week, monday(w)) {
            // Narrow: every other week, newest kept, as its Monday ("24 Nov").
            (true, _, Some(m)) if (n as usize - 1 - i).is_multiple_of(2) => m.format("%-d %b").to_string(),
            (true, _, _) => String::new(),
            (false, Some(t), Some(m)) if l.size != SIZE => crate::core::words::week_name(m, t),
            _ => w.replace('-', " "),
        }
    };
    let mut chart = segment_chart(area, caption, n - 1, top, &week, "degrees", None, l)?;
    for p in progress {
        let color = side_color(p.side);
        let pts: Vec<(SegmentValue<u32>, f64)> = p
            .weeks
            .iter()
            .enumerate()
            .filter_map(|(i, w)| w.mean_rom_deg.map(|v| (SegmentValue::CenterOf(i as u32), v)))
            .collect();
        let name = format!("{} foot", p.side.as_str());
        chart
            .draw_series(LineSeries::new(pts.clone(), color.stroke_width(4)))
            .map_err(draw_err)?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 30, y)], color.stroke_width(4)));
        let dot = (7.0 * l.scale).max(4.0) as u32;
        chart.draw_series(pts.iter().map(|p| Circle::new(p.clone(), dot, color.filled()))).map_err(draw_err)?;
        let label = ("sans-serif", l.px(28)).into_font().color(&color).pos(Pos::new(HPos::Center, VPos::Bottom));
        chart
            .draw_series(
                pts.iter().map(|(x, y)| Text::new(format!("{y:.0}°"), (x.clone(), y + top * 0.03), label.clone())),
            )
            .map_err(draw_err)?;
    }
    if !progress.is_empty() {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .legend_area_size((45.0 * l.scale).max(24.0) as u32)
            .label_font(("sans-serif", l.px(26)).into_font().color(&INK))
            .background_style(WHITE.mix(0.9))
            .border_style(INK)
            .draw()
            .map_err(draw_err)?;
    }
    Ok(())
}

/// The Monday of an ISO week written "2026-W47".
fn monday(w: &str) -> Option<chrono::NaiveDate> {
    let w = crate::core::plan::parse_iso_week(w)?;
    chrono::NaiveDate::from_isoywd_opt(w.year(), w.week(), chrono::Weekday::Mon)
}

#[cfg(test)]
mod tests;

/// The chart both panels share: a caption, segments `0..=last` labelled by `label`
/// on x, `0..top` on y with whole-number labels, and a light horizontal grid.
#[allow(clippy::type_complexity, clippy::too_many_arguments)]
fn segment_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, plotters::coord::Shift>,
    caption: String,
    last: u32,
    top: f64,
    label: &dyn Fn(usize) -> String,
    y_desc: &str,
    y_labels: Option<usize>,
    l: Layout,
) -> Result<ChartContext<'a, DB, Cartesian2d<SegmentedCoord<RangedCoordu32>, RangedCoordf64>>, ChartError> {
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", l.px(30)).into_font().color(&INK))
        .margin((14.0 * l.scale).max(6.0) as u32)
        .x_label_area_size(l.px(50).max(l.px(26) * 2))
        .y_label_area_size(l.px(70).max(l.px(26) * 3))
        .build_cartesian_2d((0u32..last).into_segmented(), 0f64..top)
        .map_err(draw_err)?;
    let mut mesh = chart.configure_mesh();
    let x_label = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) => label(*i as usize),
        _ => String::new(),
    };
    let y_label = |y: &f64| format!("{y:.0}");
    mesh.disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(INK.mix(0.15))
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .y_desc(y_desc)
        .label_style(("sans-serif", l.px(26)).into_font().color(&INK))
        .axis_desc_style(("sans-serif", l.px(26)).into_font().color(&INK));
    if let Some(n) = y_labels {
        mesh.y_labels(n);
    }
    mesh.draw().map_err(draw_err)?;
    Ok(chart)
}
