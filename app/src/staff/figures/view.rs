//! The figures page: a range form, then each picture with its table (the
//! table's cells carry the same `data-series`/`data-category` as the
//! picture's bars), and the CSV of the same tables.

use domain::forecast::Stage;
use leptos::prelude::*;
use leptos_meta::Title;

use super::svg::{Chart, Series};
use super::{AGE_GROUPS, Figures};
use crate::Erase;
use crate::area::AreaCode;
use crate::i18n::{Locale, td_string};
use crate::staff::frame::day;
use crate::staff::words as staff_words;

/// The age groups' codes, for `data-series`.
const AGE_CODES: [&str; 4] = ["age-0", "age-3", "age-8", "age-15"];

/// Colours told apart by most colour-blind readers (Okabe and Ito).
const COLOURS: [&str; 5] = ["#0072B2", "#D55E00", "#009E73", "#6b6b6b", "#CC79A7"];

fn stage_words(locale: Locale, stage: Stage) -> &'static str {
    match stage {
        Stage::Review => td_string!(locale, staff.figures_stage_review),
        Stage::Documents => td_string!(locale, staff.figures_stage_documents),
        Stage::Booking => td_string!(locale, staff.figures_stage_booking),
        Stage::Visit => td_string!(locale, staff.figures_stage_visit),
        Stage::Report => td_string!(locale, staff.figures_stage_report),
    }
}

fn age_words(group: (u32, u32)) -> String {
    match group {
        (low, u32::MAX) => format!("{low}+"),
        (low, high) => format!("{low}–{high}"),
    }
}

/// A week's first day, short, under its bar ("15 Jun", "6/15").
fn week_words(locale: Locale, start: chrono::NaiveDate) -> String {
    match locale {
        Locale::ja => start.format("%-m/%-d").to_string(),
        Locale::en => start.format("%-d %b").to_string(),
    }
}

fn month_words(locale: Locale, start: chrono::NaiveDate) -> String {
    match locale {
        Locale::ja => start.format("%Y年%-m月").to_string(),
        Locale::en => start.format("%b %Y").to_string(),
    }
}

/// The weeks chart: requests per week, stacked by area.
fn weeks_chart(locale: Locale, figures: &Figures) -> Chart {
    Chart {
        id: "received",
        title: td_string!(locale, staff.figures_received_heading).to_owned(),
        description: td_string!(locale, staff.figures_chart_received).to_owned(),
        categories: figures
            .weeks
            .iter()
            .map(|w| week_words(locale, w.start))
            .collect(),
        category_codes: figures.weeks.iter().map(|w| w.start.to_string()).collect(),
        series: AreaCode::ALL
            .iter()
            .enumerate()
            .map(|(i, area)| Series {
                name: staff_words::area(locale, *area).to_owned(),
                code: area.code(),
                colour: COLOURS[i],
                values: figures.weeks.iter().map(|w| w.by_area[i]).collect(),
            })
            .collect(),
        stacked: true,
        marks: None,
        horizontal: false,
    }
}

fn declined_chart(locale: Locale, figures: &Figures) -> Chart {
    Chart {
        id: "declined",
        title: td_string!(locale, staff.figures_declined_heading).to_owned(),
        description: td_string!(locale, staff.figures_declined_heading).to_owned(),
        categories: figures
            .declined
            .iter()
            .map(|(reason, _)| crate::words::decline(locale, *reason).to_owned())
            .collect(),
        category_codes: figures
            .declined
            .iter()
            .map(|(r, _)| r.code().to_owned())
            .collect(),
        series: vec![Series {
            name: td_string!(locale, staff.figures_count).to_owned(),
            code: "declined",
            colour: COLOURS[1],
            values: figures.declined.iter().map(|(_, n)| *n).collect(),
        }],
        stacked: false,
        marks: None,
        horizontal: true,
    }
}

fn stage_chart(locale: Locale, figures: &Figures, stage: Stage) -> Chart {
    let index = stage as usize;
    Chart {
        id: match stage {
            Stage::Review => "stage-review",
            Stage::Documents => "stage-documents",
            Stage::Booking => "stage-booking",
            Stage::Visit => "stage-visit",
            Stage::Report => "stage-report",
        },
        title: stage_words(locale, stage).to_owned(),
        description: td_string!(locale, staff.figures_chart_durations).to_owned(),
        categories: figures
            .months
            .iter()
            .map(|m| month_words(locale, m.start))
            .collect(),
        category_codes: figures.months.iter().map(|m| m.start.to_string()).collect(),
        series: vec![Series {
            name: td_string!(locale, staff.figures_median).to_owned(),
            code: "median",
            colour: COLOURS[0],
            values: figures
                .months
                .iter()
                .map(|m| m.stages[index].map_or(0, |t| t.median))
                .collect(),
        }],
        stacked: false,
        marks: Some(Series {
            name: td_string!(locale, staff.figures_p80).to_owned(),
            code: "p80",
            colour: COLOURS[1],
            values: figures
                .months
                .iter()
                .map(|m| m.stages[index].map_or(0, |t| t.p80))
                .collect(),
        }),
        horizontal: false,
    }
}

fn open_chart(locale: Locale, figures: &Figures) -> Chart {
    Chart {
        id: "open",
        title: td_string!(locale, staff.figures_open_heading).to_owned(),
        description: td_string!(locale, staff.figures_chart_open).to_owned(),
        categories: figures
            .open
            .iter()
            .map(|(s, _)| staff_words::status(locale, *s).to_owned())
            .collect(),
        category_codes: figures
            .open
            .iter()
            .map(|(s, _)| s.code().to_owned())
            .collect(),
        series: AGE_GROUPS
            .iter()
            .enumerate()
            .map(|(i, group)| Series {
                name: age_words(*group),
                code: AGE_CODES[i],
                colour: COLOURS[i],
                values: figures.open.iter().map(|(_, ages)| ages[i]).collect(),
            })
            .collect(),
        stacked: true,
        marks: None,
        horizontal: false,
    }
}

fn late_chart(locale: Locale, figures: &Figures) -> Chart {
    Chart {
        id: "late",
        title: td_string!(locale, staff.figures_late_heading).to_owned(),
        description: td_string!(locale, staff.figures_chart_late).to_owned(),
        categories: figures
            .months
            .iter()
            .map(|m| month_words(locale, m.start))
            .collect(),
        category_codes: figures.months.iter().map(|m| m.start.to_string()).collect(),
        series: vec![
            Series {
                name: td_string!(locale, staff.figures_reports_late).to_owned(),
                code: "reports-late",
                colour: COLOURS[1],
                values: figures.months.iter().map(|m| m.reports_late).collect(),
            },
            Series {
                name: td_string!(locale, staff.figures_no_shows).to_owned(),
                code: "no-shows",
                colour: COLOURS[3],
                values: figures.months.iter().map(|m| m.no_shows).collect(),
            },
        ],
        stacked: false,
        marks: None,
        horizontal: false,
    }
}

/// A picture, its legend (when it has more than one series) and nothing
/// else: the table under it says the numbers.
#[component]
fn Picture(chart: Chart) -> impl IntoView {
    let legend = (chart.series.len() > 1 || chart.marks.is_some()).then(|| {
        let items = chart
            .series
            .iter()
            .chain(chart.marks.iter())
            .map(|s| {
                // A presentation attribute, not a style: the pages' policy
                // allows no inline style.
                view! {
                    <li>
                        <svg class="swatch" viewBox="0 0 14 14" aria-hidden="true"><rect width="14" height="14" fill=s.colour></rect></svg>
                        {s.name.clone()}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="legend" aria-hidden="true">{items}</ul> }
    });
    let svg = chart.render();
    view! {
        <figure class="chart-figure">
            <div inner_html=svg></div>
            {legend}
        </figure>
    }
}

/// The name of a table's scrolling region: not its section's, which
/// names the section.
fn table_label(locale: Locale, name: &str) -> String {
    td_string!(locale, staff.figures_table, name = name).to_string()
}

/// A number cell the tests (and a reader's eye) match with a bar.
fn cell(series: &'static str, category: String, value: u32) -> impl IntoView {
    view! { <td data-series=series data-category=category class="number">{value}</td> }
}

#[component]
pub fn FiguresPage(figures: Figures) -> impl IntoView {
    let locale = crate::use_locale();
    let csv_link = format!("/staff/figures.csv?from={}&to={}", figures.from, figures.to);
    view! {
        <Title text=td_string!(locale, staff.figures_title).to_owned() />
        <h1>{td_string!(locale, staff.figures_title)}</h1>
        <p>{td_string!(locale, staff.figures_intro)}</p>
        <p data-testid="figures-range">
            {td_string!(locale, staff.figures_range, from = day(locale, figures.from), to = day(locale, figures.to)).to_string()}
        </p>
        {figures.bad_range.then(|| view! { <p class="flag" role="alert" data-testid="bad-range">{td_string!(locale, staff.figures_bad_range)}</p> })}
        <form method="get" action="/staff/figures" class="filters no-print">
            <div class="field">
                <label for="from">{td_string!(locale, staff.figures_from)}</label>
                <input type="date" id="from" name="from" value=figures.from.to_string() />
            </div>
            <div class="field">
                <label for="to">{td_string!(locale, staff.figures_to)}</label>
                <input type="date" id="to" name="to" value=figures.to.to_string() />
            </div>
            <button type="submit" class="button">{td_string!(locale, staff.figures_show)}</button>
        </form>
        <p class="no-print"><a href=csv_link data-testid="figures-csv">{td_string!(locale, staff.figures_csv)}</a></p>
        <ReceivedSection figures=figures.clone() />
        <DurationsSection figures=figures.clone() />
        <OpenSection figures=figures.clone() />
        <LateSection figures />
    }
    .erase()
}

/// Requests per week by area, and the declined by reason.
#[component]
fn ReceivedSection(figures: Figures) -> impl IntoView {
    let locale = crate::use_locale();
    let weeks = figures
        .weeks
        .iter()
        .map(|w| {
            let code = w.start.to_string();
            view! {
                <tr>
                    <th scope="row">{day(locale, w.start)}</th>
                    {AreaCode::ALL.iter().enumerate().map(|(i, a)| cell(a.code(), code.clone(), w.by_area[i])).collect_view()}
                    <td class="number" data-total=code.clone()>{w.total()}</td>
                    <td class="number">{w.declined}</td>
                </tr>
            }
        })
        .collect_view();
    let declined = figures
        .declined
        .iter()
        .map(|(reason, n)| {
            view! {
                <tr>
                    <th scope="row">{crate::words::decline(locale, *reason)}</th>
                    {cell("declined", reason.code().to_owned(), *n)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="received-heading" class="figures-section">
            <h2 id="received-heading">{td_string!(locale, staff.figures_received_heading)}</h2>
            <Picture chart=weeks_chart(locale, &figures) />
            <div class="table-scroll" tabindex="0" role="region" aria-label=table_label(locale, td_string!(locale, staff.figures_received_heading))>
                <table class="figures-table" data-table="received">
                    <caption class="visually-hidden">{td_string!(locale, staff.figures_received_heading)}</caption>
                    <thead><tr>
                        <th scope="col">{td_string!(locale, staff.figures_week)}</th>
                        {AreaCode::ALL.iter().map(|a| view! { <th scope="col">{staff_words::area(locale, *a)}</th> }).collect_view()}
                        <th scope="col">{td_string!(locale, staff.figures_total)}</th>
                        <th scope="col">{td_string!(locale, staff.figures_declined)}</th>
                    </tr></thead>
                    <tbody>{weeks}</tbody>
                </table>
            </div>
            <h3>{td_string!(locale, staff.figures_declined_heading)}</h3>
            <Picture chart=declined_chart(locale, &figures) />
            <div class="table-scroll" tabindex="0" role="region" aria-label=table_label(locale, td_string!(locale, staff.figures_declined_heading))>
            <table class="figures-table" data-table="declined">
                <thead><tr>
                    <th scope="col">{td_string!(locale, staff.figures_reason)}</th>
                    <th scope="col">{td_string!(locale, staff.figures_count)}</th>
                </tr></thead>
                <tbody>{declined}</tbody>
            </table>
            </div>
        </section>
    }
}

/// Each step's median and 80th percentile per month: a picture and a
/// table per step.
#[component]
fn DurationsSection(figures: Figures) -> impl IntoView {
    let locale = crate::use_locale();
    let stages = Stage::ALL
        .iter()
        .map(|stage| {
            let rows = figures
                .months
                .iter()
                .map(|m| {
                    let typical = m.stages[*stage as usize];
                    let code = m.start.to_string();
                    view! {
                        <tr>
                            <th scope="row">{month_words(locale, m.start)}</th>
                            {cell("median", code.clone(), typical.map_or(0, |t| t.median))}
                            {cell("p80", code.clone(), typical.map_or(0, |t| t.p80))}
                            <td class="number">{typical.map_or(0, |t| t.cases)}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="stage-figure" data-stage=stage.code()>
                    <Picture chart=stage_chart(locale, &figures, *stage) />
                    <div class="table-scroll" tabindex="0" role="region" aria-label=table_label(locale, stage_words(locale, *stage))>
                    <table class="figures-table" data-table=format!("stage-{}", stage.code())>
                        <caption>{stage_words(locale, *stage)}</caption>
                        <thead><tr>
                            <th scope="col">{td_string!(locale, staff.figures_month)}</th>
                            <th scope="col">{td_string!(locale, staff.figures_median)}</th>
                            <th scope="col">{td_string!(locale, staff.figures_p80)}</th>
                            <th scope="col">{td_string!(locale, staff.figures_cases)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                    </div>
                </div>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="durations-heading" class="figures-section">
            <h2 id="durations-heading">{td_string!(locale, staff.figures_durations_heading)}</h2>
            <div class="stage-figures">{stages}</div>
        </section>
    }
}

/// The cases open now, by status and age.
#[component]
fn OpenSection(figures: Figures) -> impl IntoView {
    let locale = crate::use_locale();
    let open = figures
        .open
        .iter()
        .map(|(status, ages)| {
            let code = status.code().to_owned();
            view! {
                <tr>
                    <th scope="row">{staff_words::status(locale, *status)}</th>
                    {(0..4).map(|i| cell(AGE_CODES[i], code.clone(), ages[i])).collect_view()}
                    <td class="number">{ages.iter().sum::<u32>()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="open-heading" class="figures-section">
            <h2 id="open-heading">{td_string!(locale, staff.figures_open_heading)}</h2>
            <Picture chart=open_chart(locale, &figures) />
            <div class="table-scroll" tabindex="0" role="region" aria-label=table_label(locale, td_string!(locale, staff.figures_open_heading))>
            <table class="figures-table" data-table="open">
                <thead><tr>
                    <th scope="col">{td_string!(locale, staff.figures_status)}</th>
                    {AGE_GROUPS.iter().map(|g| view! { <th scope="col">{format!("{} ({})", age_words(*g), td_string!(locale, staff.figures_age))}</th> }).collect_view()}
                    <th scope="col">{td_string!(locale, staff.figures_total)}</th>
                </tr></thead>
                <tbody>{open}</tbody>
            </table>
            </div>
        </section>
    }
}

/// Reports sent late and no-shows per month, and the reports late now.
#[component]
fn LateSection(figures: Figures) -> impl IntoView {
    let locale = crate::use_locale();
    let late = figures
        .months
        .iter()
        .map(|m| {
            let code = m.start.to_string();
            view! {
                <tr>
                    <th scope="row">{month_words(locale, m.start)}</th>
                    <td class="number">{m.reports_sent}</td>
                    {cell("reports-late", code.clone(), m.reports_late)}
                    {cell("no-shows", code.clone(), m.no_shows)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="late-heading" class="figures-section">
            <h2 id="late-heading">{td_string!(locale, staff.figures_late_heading)}</h2>
            <p>{td_string!(locale, staff.figures_reports_late_now)} ": " <strong data-testid="late-now">{figures.late_now}</strong></p>
            <Picture chart=late_chart(locale, &figures) />
            <div class="table-scroll" tabindex="0" role="region" aria-label=table_label(locale, td_string!(locale, staff.figures_late_heading))>
            <table class="figures-table" data-table="late">
                <thead><tr>
                    <th scope="col">{td_string!(locale, staff.figures_month)}</th>
                    <th scope="col">{td_string!(locale, staff.figures_reports_sent)}</th>
                    <th scope="col">{td_string!(locale, staff.figures_reports_late)}</th>
                    <th scope="col">{td_string!(locale, staff.figures_no_shows)}</th>
                </tr></thead>
                <tbody>{late}</tbody>
            </table>
            </div>
        </section>
    }
}

/// The figures as CSV: each table under its heading, in the reader's
/// language (the queue's quoting and formula guard).
pub fn csv(locale: Locale, figures: &Figures) -> String {
    let mut csv = String::from("\u{feff}");
    csv.push_str(&line(&[
        text(td_string!(locale, staff.figures_title)),
        figures.from.to_string(),
        figures.to.to_string(),
    ]));
    csv_received(&mut csv, locale, figures);
    csv_durations(&mut csv, locale, figures);
    csv_open_and_late(&mut csv, locale, figures);
    csv
}

use crate::staff::queue::csv_line as line;

fn text(s: &str) -> String {
    s.to_owned()
}

fn csv_received(csv: &mut String, locale: Locale, figures: &Figures) {
    csv.push_str(&line(&[text(td_string!(
        locale,
        staff.figures_received_heading
    ))]));
    let mut heading = vec![text(td_string!(locale, staff.figures_week))];
    heading.extend(
        AreaCode::ALL
            .iter()
            .map(|a| text(staff_words::area(locale, *a))),
    );
    heading.push(text(td_string!(locale, staff.figures_total)));
    heading.push(text(td_string!(locale, staff.figures_declined)));
    csv.push_str(&line(&heading));
    for week in &figures.weeks {
        let mut cells = vec![week.start.to_string()];
        cells.extend(week.by_area.iter().map(u32::to_string));
        cells.push(week.total().to_string());
        cells.push(week.declined.to_string());
        csv.push_str(&line(&cells));
    }
    csv.push_str(&line(&[text(td_string!(
        locale,
        staff.figures_declined_heading
    ))]));
    for (reason, n) in &figures.declined {
        csv.push_str(&line(&[
            text(crate::words::decline(locale, *reason)),
            n.to_string(),
        ]));
    }
}

fn csv_durations(csv: &mut String, locale: Locale, figures: &Figures) {
    csv.push_str(&line(&[text(td_string!(
        locale,
        staff.figures_durations_heading
    ))]));
    let mut heading = vec![text(td_string!(locale, staff.figures_month))];
    for stage in Stage::ALL {
        let name = stage_words(locale, *stage);
        heading.push(format!(
            "{name}: {}",
            td_string!(locale, staff.figures_median)
        ));
        heading.push(format!("{name}: {}", td_string!(locale, staff.figures_p80)));
        heading.push(format!(
            "{name}: {}",
            td_string!(locale, staff.figures_cases)
        ));
    }
    csv.push_str(&line(&heading));
    for month in &figures.months {
        let mut cells = vec![month.start.format("%Y-%m").to_string()];
        for typical in month.stages {
            let (median, p80, cases) = typical.map_or((0, 0, 0), |t| (t.median, t.p80, t.cases));
            cells.extend([median.to_string(), p80.to_string(), cases.to_string()]);
        }
        csv.push_str(&line(&cells));
    }
}

fn csv_open_and_late(csv: &mut String, locale: Locale, figures: &Figures) {
    csv.push_str(&line(&[text(td_string!(
        locale,
        staff.figures_open_heading
    ))]));
    let mut heading = vec![text(td_string!(locale, staff.figures_status))];
    heading.extend(AGE_GROUPS.iter().map(|g| age_words(*g)));
    heading.push(text(td_string!(locale, staff.figures_total)));
    csv.push_str(&line(&heading));
    for (status, ages) in &figures.open {
        let mut cells = vec![text(staff_words::status(locale, *status))];
        cells.extend(ages.iter().map(u32::to_string));
        cells.push(ages.iter().sum::<u32>().to_string());
        csv.push_str(&line(&cells));
    }
    csv.push_str(&line(&[text(td_string!(
        locale,
        staff.figures_late_heading
    ))]));
    csv.push_str(&line(&[
        text(td_string!(locale, staff.figures_month)),
        text(td_string!(locale, staff.figures_reports_sent)),
        text(td_string!(locale, staff.figures_reports_late)),
        text(td_string!(locale, staff.figures_no_shows)),
    ]));
    for month in &figures.months {
        csv.push_str(&line(&[
            month.start.format("%Y-%m").to_string(),
            month.reports_sent.to_string(),
            month.reports_late.to_string(),
            month.no_shows.to_string(),
        ]));
    }
    csv.push_str(&line(&[
        text(td_string!(locale, staff.figures_reports_late_now)),
        figures.late_now.to_string(),
    ]));
}
