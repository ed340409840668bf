//! The hospital's recent figures where the pages use them: the history of
//! step durations the server holds (read from the database at start and
//! every ten minutes), the forecast of one case, and the words that say a
//! forecast to the patient. The rules themselves are `domain::forecast`.

use domain::forecast::{Basis, Expected, Stage, Typical};
use serde::{Deserialize, Serialize};

use crate::format;
use crate::i18n::{Locale, td_string};

/// What the home page says of recent requests: how long booking took, when
/// enough cases made the step (`None`: too few, the rule is said instead).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentFigures {
    pub booking: Option<Typical>,
    pub report: Option<Typical>,
}

impl RecentFigures {
    /// The figures in the page's context (none where there are none).
    pub fn of_page() -> Self {
        leptos::prelude::use_context::<Self>().unwrap_or_default()
    }
}

/// One expected step in the patient's words: "your appointment: most
/// likely between 12 and 19 January".
pub fn expected_words(locale: Locale, expected: &Expected) -> (String, String) {
    let step = match expected.stage {
        Stage::Review => td_string!(locale, forecast.step_review),
        Stage::Documents => td_string!(locale, forecast.step_documents),
        Stage::Booking => td_string!(locale, forecast.step_booking),
        Stage::Visit => td_string!(locale, forecast.step_visit),
        Stage::Report => td_string!(locale, forecast.step_report),
    };
    let from = format::date(locale, expected.from);
    let to = format::date(locale, expected.to);
    let when = match (expected.basis, expected.stage) {
        (Basis::Booked, _) => td_string!(locale, forecast.booked_on, day = from).to_string(),
        (_, Stage::Report) => td_string!(locale, forecast.by, day = to).to_string(),
        _ if expected.from == expected.to => {
            td_string!(locale, forecast.likely_on, day = from).to_string()
        }
        _ => td_string!(locale, forecast.likely_between, from = from, to = to).to_string(),
    };
    (step.to_owned(), when)
}

/// Where the days come from, said once under them.
pub fn basis_words(locale: Locale, expected: &[Expected]) -> Option<String> {
    let recent = expected
        .iter()
        .filter_map(|e| match e.basis {
            Basis::Recent(cases) => Some(cases),
            _ => None,
        })
        .min();
    let guessed = expected.iter().any(|e| e.basis != Basis::Booked);
    match recent {
        Some(cases) => Some(td_string!(locale, forecast.from_recent, cases = cases).to_string()),
        None if guessed => Some(td_string!(locale, forecast.from_rules).to_owned()),
        None => None,
    }
}

/// The steps still to come as a list a screen reader reads as one.
#[leptos::component]
pub fn ExpectedSteps(expected: Vec<Expected>) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let locale = crate::use_locale();
    let basis = basis_words(locale, &expected);
    view! {
        <ul class="expected" data-testid="expected">
            {expected
                .iter()
                .map(|each| {
                    let (step, when) = expected_words(locale, each);
                    view! {
                        <li data-stage=each.stage.code()>
                            <span class="step">{step}</span> ": " <strong class="when">{when}</strong>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        {basis.map(|basis| view! { <p class="hint" data-testid="expected-basis">{basis}</p> })}
    }
}

/// Reads a stored moment (RFC 3339) as its day in Japan.
#[cfg(feature = "ssr")]
pub fn day_in_japan(stored: &str) -> Option<chrono::NaiveDate> {
    chrono::DateTime::parse_from_rfc3339(stored)
        .ok()
        .map(|moment| domain::japan_time(&moment).date())
}

#[cfg(feature = "ssr")]
mod store;

#[cfg(feature = "ssr")]
pub use known::KnownHistory;
#[cfg(feature = "ssr")]
pub use store::{CaseFacts, load_facts};

#[cfg(feature = "ssr")]
mod known {
    use std::sync::{Arc, RwLock};

    use chrono::{Duration, NaiveDate};
    use domain::case::CaseStatus;
    use domain::forecast::{Course, Expected, HISTORY_DAYS, History, Stage, forecast};
    use domain::reference::Reference;
    use sqlx::AnyPool;

    use super::RecentFigures;
    use super::store::load_facts;

    /// The history of step durations the server holds, and the report days
    /// its rules count with.
    #[derive(Debug, Clone)]
    pub struct KnownHistory {
        history: Arc<RwLock<Arc<History>>>,
        report_days: u32,
    }

    impl KnownHistory {
        pub fn new(report_days: u32) -> Self {
            Self {
                history: Arc::default(),
                report_days,
            }
        }

        /// The history as last read.
        pub fn current(&self) -> Arc<History> {
            self.history
                .read()
                .map_or_else(|poisoned| poisoned.into_inner().clone(), |h| h.clone())
        }

        /// What the home page says.
        pub fn figures(&self) -> RecentFigures {
            let history = self.current();
            RecentFigures {
                booking: history.typical(Stage::Booking),
                report: history.typical(Stage::Report),
            }
        }

        /// Reads the history again, as of `today`.
        pub async fn refresh(&self, pool: &AnyPool, today: NaiveDate) -> Result<(), sqlx::Error> {
            let calendar = crate::store::calendar(pool).await?;
            // A step that ended in the last 180 days began at most a few
            // months before: a year of receipts holds every one.
            let since = today - Duration::days(HISTORY_DAYS + 365);
            let facts = load_facts(pool, Some((since, today)), None).await?;
            let history = History::of(facts.iter().map(|f| &f.course), today, &calendar);
            match self.history.write() {
                Ok(mut known) => *known = Arc::new(history),
                Err(poisoned) => *poisoned.into_inner() = Arc::new(history),
            }
            Ok(())
        }

        /// The days the remaining steps of the case `reference` are
        /// expected on (none for a case closed, or unknown).
        pub async fn forecast(
            &self,
            pool: &AnyPool,
            reference: &Reference,
            today: NaiveDate,
        ) -> Result<Vec<Expected>, sqlx::Error> {
            let Some(facts) = load_facts(pool, None, Some(reference)).await?.pop() else {
                return Ok(Vec::new());
            };
            if !matches!(
                facts.status,
                CaseStatus::Received
                    | CaseStatus::UnderReview
                    | CaseStatus::Scheduled
                    | CaseStatus::Seen
            ) {
                return Ok(Vec::new());
            }
            let calendar = crate::store::calendar(pool).await?;
            Ok(forecast(
                &facts.course,
                &self.current(),
                today,
                &calendar,
                self.report_days,
            ))
        }

        /// The forecast of a request received on `receipt` and nothing
        /// more (the confirmation and the "received" message).
        pub fn for_new_request(
            &self,
            receipt: NaiveDate,
            today: NaiveDate,
            calendar: &domain::Calendar,
        ) -> Vec<Expected> {
            forecast(
                &Course::received(receipt),
                &self.current(),
                today,
                calendar,
                self.report_days,
            )
        }
    }
}
