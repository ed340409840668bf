//! The words for the domain's codes, in the page's language. Each `match` is
//! exhaustive and each key is checked at compile time in every locale, so a
//! code cannot lack its words.

use domain::Document;
use leptos::prelude::*;

use crate::i18n::{t, use_i18n};

/// A document to bring, in words.
#[component]
pub fn DocumentText(document: Document) -> impl IntoView {
    let i18n = use_i18n();
    match document {
        Document::RequestForm => t!(i18n, document.request_form).into_any(),
        Document::ReferralLetter => t!(i18n, document.referral_letter).into_any(),
        Document::TestRecords => t!(i18n, document.test_records).into_any(),
        Document::PatientConsentForm => t!(i18n, document.patient_consent_form).into_any(),
        Document::RelationshipIdentification => {
            t!(i18n, document.relationship_identification).into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// Every key path of a locale file, such as `home.title`.
    fn keys(json: &str) -> BTreeSet<String> {
        fn walk(prefix: &str, value: &serde_json::Value, out: &mut BTreeSet<String>) {
            if let Some(object) = value.as_object() {
                for (key, child) in object {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(&path, child, out);
                }
            } else {
                out.insert(prefix.to_owned());
            }
        }
        let value: serde_json::Value = serde_json::from_str(json).expect("locale file is JSON");
        let mut out = BTreeSet::new();
        walk("", &value, &mut out);
        out
    }

    #[test]
    fn japanese_and_english_have_the_same_keys() {
        let ja = keys(include_str!("../locales/ja.json"));
        let en = keys(include_str!("../locales/en.json"));
        assert_eq!(
            ja.symmetric_difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new()
        );
    }
}
