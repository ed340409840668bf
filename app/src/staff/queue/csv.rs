//! The queue as CSV for Excel: UTF-8 with a byte-order mark (so that Excel
//! in Japan reads it as UTF-8), headings and values in the reader's
//! language, every cell quoted, and formula injection neutralised.

use super::QueueRow;
use crate::i18n::{Locale, td_string};
use crate::staff::words as staff_words;

/// A CSV cell, quoted. A cell that a spreadsheet would read as a formula
/// (`=`, `+`, `-`, `@`, a tab or a carriage return first, also in their
/// full-width forms `＝＋－＠` and after spaces, which Excel in Japan reads
/// the same) starts with an apostrophe, so it is shown as text and never
/// run.
pub fn cell(text: &str) -> String {
    let first = text
        .chars()
        .map(half_width)
        .find(|c| !matches!(c, ' ' | '\u{3000}' | '\n'));
    let text = if first.is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// A full-width form (`＝`, `＋`…) as its ASCII character; anything else as
/// it is.
fn half_width(c: char) -> char {
    match u32::from(c) {
        code @ 0xFF01..=0xFF5E => char::from_u32(code - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// A CSV line of quoted cells, ended by CRLF.
pub fn line(cells: &[String]) -> String {
    let mut line = cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// The rows of the queue, with a heading line.
pub fn queue(locale: Locale, rows: Vec<QueueRow>) -> String {
    let headings = [
        td_string!(locale, staff.reference),
        td_string!(locale, staff.patient),
        td_string!(locale, staff.reading),
        td_string!(locale, staff.date_of_birth),
        td_string!(locale, staff.area),
        td_string!(locale, staff.contact_first),
        td_string!(locale, staff.status),
        td_string!(locale, staff.receipt_day),
        td_string!(locale, staff.age),
        td_string!(locale, staff.urgency),
        td_string!(locale, staff.appointment),
        td_string!(locale, staff.next_step),
        td_string!(locale, staff.step_due_day),
        td_string!(locale, staff.step_timeliness),
    ]
    .map(str::to_owned);
    let mut csv = String::from("\u{feff}");
    csv.push_str(&line(&headings));
    for row in rows {
        let cells = [
            row.reference.to_string(),
            row.patient_name,
            row.patient_name_reading.unwrap_or_default(),
            row.patient_date_of_birth
                .map(|born| crate::format::birth_date(locale, born))
                .unwrap_or_default(),
            staff_words::area(locale, row.area).to_owned(),
            if row.contact_first {
                td_string!(locale, common.yes)
            } else {
                ""
            }
            .to_owned(),
            staff_words::status(locale, row.status).to_owned(),
            row.receipt_day.to_string(),
            row.age.to_string(),
            staff_words::urgency(locale, row.urgency).to_owned(),
            row.appointment
                .map(|(day, start)| format!("{day} {}", start.format("%H:%M")))
                .unwrap_or_default(),
            row.next
                .map(|next| staff_words::next_step(locale, next.step).to_owned())
                .unwrap_or_default(),
            row.next
                .map(|next| next.due.to_string())
                .unwrap_or_default(),
            row.next
                .map(|next| staff_words::timeliness(locale, next.timeliness).to_owned())
                .unwrap_or_default(),
        ];
        csv.push_str(&line(&cells));
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+81"), "\"'+81\"");
        assert_eq!(cell("-1"), "\"'-1\"");
        assert_eq!(cell("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(cell("\tx"), "\"'\tx\"");
        assert_eq!(cell("山田 花子"), "\"山田 花子\"");
        // Full-width, and after spaces (half- or full-width): Excel reads
        // them as formulas too.
        assert_eq!(cell("＝1+1"), "\"'＝1+1\"");
        assert_eq!(cell("＋81"), "\"'＋81\"");
        assert_eq!(cell("－1"), "\"'－1\"");
        assert_eq!(cell("＠SUM(A1)"), "\"'＠SUM(A1)\"");
        assert_eq!(cell("  =1+1"), "\"'  =1+1\"");
        assert_eq!(cell("\u{3000}=1+1"), "\"'\u{3000}=1+1\"");
        assert_eq!(cell(" 山田"), "\" 山田\"");
    }

    #[test]
    fn the_file_starts_with_a_bom_and_headings_in_the_reader_s_language() {
        let ja = queue(Locale::ja, Vec::new());
        assert!(ja.starts_with("\u{feff}\"受付番号\""), "{ja}");
        assert!(queue(Locale::en, Vec::new()).starts_with("\u{feff}\"Reference\""));
    }
}
