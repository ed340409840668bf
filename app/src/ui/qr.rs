//! The reference as a QR code, drawn on the server as inline SVG with the
//! `qrcode` crate (nothing is fetched from elsewhere). A scanner at
//! reception counter 1 reads it as `ABCD-2345` and types it into the
//! queue's scan box. A signed report carries its verification address the
//! same way.

use domain::reference::Reference;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The reference's QR code for a printed page: error correction M.
pub fn reference_svg(reference: &Reference) -> String {
    svg_of(reference, EcLevel::M)
}

/// The reference's QR code for a FAX: the highest error correction (H),
/// which still reads with a quarter of the code smudged; the page draws it
/// large, so that each module spans many of a FAX's 8 dots per millimetre.
pub fn fax_svg(reference: &Reference) -> String {
    svg_of(reference, EcLevel::H)
}

/// A link's QR code (a report's verification address): error correction M.
pub fn url_svg(url: &str) -> String {
    svg_of_text(url, EcLevel::M)
}

fn svg_of(reference: &Reference, level: EcLevel) -> String {
    svg_of_text(&reference.to_string(), level)
}

fn svg_of_text(text: &str, level: EcLevel) -> String {
    let Ok(code) = QrCode::with_error_correction_level(text, level) else {
        // A reference is 9 alphanumeric characters and a verification
        // address well under a hundred: they always fit.
        return String::new();
    };
    let image = code
        .render::<svg::Color<'_>>()
        .module_dimensions(1, 1)
        .quiet_zone(true)
        .build();
    // Inline in HTML: no XML declaration; sized by the page's styles.
    image
        .trim_start_matches(r#"<?xml version="1.0" standalone="yes"?>"#)
        .replacen(
            "<svg ",
            r#"<svg class="qr" aria-hidden="true" focusable="false" "#,
            1,
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codes_are_inline_svg_of_the_reference() {
        let reference = Reference::parse("ABCD-2345").expect("a reference");
        for svg in [reference_svg(&reference), fax_svg(&reference)] {
            assert!(svg.starts_with("<svg class=\"qr\""), "{svg}");
            assert!(svg.ends_with("</svg>"));
            assert!(svg.contains("<path"));
        }
        // The same 21 modules a side (a reference fits version 1 even at
        // H), with other error correction: another pattern.
        assert_ne!(fax_svg(&reference), reference_svg(&reference));
        assert!(fax_svg(&reference).contains("width=\"29\""));
    }
}
