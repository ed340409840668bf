//! The reference a patient is given for their request: 8 characters from an
//! alphabet without look-alikes, shown as `XXXX-XXXX`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Digits and capitals without 0, O, 1, I and L, which are read for each other.
pub const REFERENCE_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const REFERENCE_LENGTH: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reference(String);

impl Reference {
    /// Reads a reference as a person types it, or a barcode scanner types
    /// it through a Japanese input method: any case, full-width or not,
    /// with or without the dash or spaces.
    pub fn parse(text: &str) -> Option<Self> {
        let compact: String = text
            .chars()
            .map(half_width)
            .filter(|c| !matches!(c, '-' | ' ' | '‐' | '‑' | '–' | '−' | 'ー'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let valid = compact.len() == REFERENCE_LENGTH
            && compact.bytes().all(|b| REFERENCE_ALPHABET.contains(&b));
        valid.then_some(Self(compact))
    }

    /// Builds a reference from 8 indices into the alphabet (each below 31),
    /// as drawn by the server's secure random source.
    pub fn from_indices(indices: [usize; REFERENCE_LENGTH]) -> Option<Self> {
        let text: Option<String> = indices
            .iter()
            .map(|&i| REFERENCE_ALPHABET.get(i).map(|&b| char::from(b)))
            .collect();
        text.map(Self)
    }

    /// The 8 characters without the dash, as stored.
    pub fn compact(&self) -> &str {
        &self.0
    }
}

/// A full-width form (`Ａ`, `２`, `－`, the ideographic space) as its ASCII
/// character; any other character as it is.
fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// `XXXX-XXXX`.
impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (first, second) = self.0.split_at(REFERENCE_LENGTH / 2);
        write!(f, "{first}-{second}")
    }
}

impl TryFrom<String> for Reference {
    type Error = &'static str;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text).ok_or("not a reference")
    }
}

impl From<Reference> for String {
    fn from(reference: Reference) -> String {
        reference.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_shown_with_a_dash_and_read_however_typed() {
        let reference = Reference::parse("abcd-2345").expect("valid");
        assert_eq!(reference.to_string(), "ABCD-2345");
        assert_eq!(reference.compact(), "ABCD2345");
        assert_eq!(Reference::parse(" ABCD 2345 "), Some(reference));
    }

    #[test]
    fn a_reference_typed_through_a_japanese_input_method_is_read() {
        let reference = Reference::parse("ABCD-2345");
        assert!(reference.is_some());
        for typed in [
            "ＡＢＣＤ－２３４５",
            "ａｂｃｄ２３４５",
            "ＡＢＣＤ　２３４５",
            "abcd−2345",
            "ABCDー2345",
        ] {
            assert_eq!(Reference::parse(typed), reference, "{typed}");
        }
    }

    #[test]
    fn every_full_width_reference_character_is_read() {
        let alphabet = std::str::from_utf8(REFERENCE_ALPHABET).expect("ASCII");
        for chunk in alphabet
            .as_bytes()
            .chunks(8)
            .filter(|chunk| chunk.len() == 8)
        {
            let ascii = std::str::from_utf8(chunk).expect("ASCII");
            let wide: String = ascii
                .chars()
                .map(|c| char::from_u32(u32::from(c) + 0xFEE0).expect("full width"))
                .collect();
            assert_eq!(Reference::parse(&wide), Reference::parse(ascii), "{wide}");
            assert!(Reference::parse(ascii).is_some());
        }
    }

    #[test]
    fn look_alike_characters_are_not_in_a_reference() {
        for look_alike in ["0", "O", "1", "I", "L"] {
            assert!(!REFERENCE_ALPHABET.contains(&look_alike.as_bytes()[0]));
            assert_eq!(Reference::parse(&format!("ABCD234{look_alike}")), None);
        }
        assert_eq!(Reference::parse("ABC-2345"), None);
    }

    #[test]
    fn a_reference_is_built_from_alphabet_indices() {
        assert_eq!(
            Reference::from_indices([0, 1, 2, 3, 30, 29, 28, 27]).map(|r| r.to_string()),
            Some("2345-ZYXW".to_owned())
        );
        assert_eq!(Reference::from_indices([31, 0, 0, 0, 0, 0, 0, 0]), None);
    }
}
