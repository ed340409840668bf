//! What the hospital prints on its papers about itself, set by the IT
//! admin: where documents are sent (the liaison office, 地域医療連携室).
//! Shared by the patient's papers and the letters reception prints.

/// Where papers are sent to the hospital: its liaison office's FAX number
/// and postal address, shown only when set (`--liaison-fax`,
/// `--postal-address`). The pages find it in their context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Liaison {
    pub fax: Option<String>,
    pub postal_address: Option<String>,
}
