//! The hospital's recent figures where the pages use them: the history of
//! step durations the server holds (read from the database at start and
//! every ten minutes), the forecast of one case, and the words that say a
//! forecast to the patient. The rules themselves are `domain::forecast`.

use chrono::NaiveDate;
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
pub fn day_in_japan(stored: &str) -> Option<NaiveDate> {
    chrono::DateTime::parse_from_rfc3339(stored)
        .ok()
        .map(|moment| domain::japan_time(&moment).date())
}

#[cfg(feature = "ssr")]
pub use known::{CaseFacts, KnownHistory, load_facts};

#[cfg(feature = "ssr")]
mod known {
    use std::sync::{Arc, RwLock};

    use chrono::{Duration, NaiveDate};
    use domain::case::{CaseStatus, DeclineReason};
    use domain::forecast::{Course, Expected, HISTORY_DAYS, History, Stage, forecast};
    use domain::reference::Reference;
    use sqlx::AnyPool;

    use super::{RecentFigures, day_in_japan};
    use crate::area::AreaCode;

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

    /// What the figures and the forecast know of a case: its status, area,
    /// why it was declined, the days of its course, and the day of its last
    /// appointment (a no-show's day).
    #[derive(Debug, Clone)]
    pub struct CaseFacts {
        pub status: CaseStatus,
        pub area: AreaCode,
        pub decline_reason: Option<DeclineReason>,
        pub course: Course,
        pub last_appointment: Option<NaiveDate>,
    }

    #[derive(sqlx::FromRow)]
    struct FactsRow {
        status: String,
        area: String,
        decline_reason: Option<String>,
        receipt_day: String,
        reviewed_at: Option<String>,
        documents_in: Option<String>,
        booked_at: Option<String>,
        appointment: Option<String>,
        last_appointment: Option<String>,
        visit: Option<String>,
        report_due: Option<String>,
        report_sent: Option<String>,
    }

    /// The documents every request needs (the request form, the referral
    /// letter, the test records): "all documents in" is the day the last of
    /// them arrived. (The family's two come with them on the day.)
    const CORE_DOCUMENTS: &str = "('request_form', 'referral_letter', 'test_records')";

    /// The facts of the cases received within `received` (first and last
    /// day, inclusive), or of the case `reference`: one query, its steps as
    /// correlated look-ups on the case's own indexes.
    pub async fn load_facts(
        pool: &AnyPool,
        received: Option<(NaiveDate, NaiveDate)>,
        reference: Option<&Reference>,
    ) -> Result<Vec<CaseFacts>, sqlx::Error> {
        let mut sql = format!(
            "SELECT c.status, c.area, c.decline_reason, c.receipt_day, \
             (SELECT MIN(u.at) FROM audit u WHERE u.case_id = c.id AND u.action = 'status_changed' \
              AND u.after = 'under_review') AS reviewed_at, \
             (SELECT CASE WHEN COUNT(*) = 3 THEN MAX(d.received_on) END FROM case_documents d \
              WHERE d.case_id = c.id AND d.document IN {CORE_DOCUMENTS}) AS documents_in, \
             (SELECT MIN(a.booked_at) FROM appointments a WHERE a.case_id = c.id) AS booked_at, \
             (SELECT MAX(a.day) FROM appointments a WHERE a.case_id = c.id AND a.ended_at IS NULL) AS appointment, \
             (SELECT MAX(a.day) FROM appointments a WHERE a.case_id = c.id \
              AND (a.ended_how IS NULL OR a.ended_how <> 'cancelled')) AS last_appointment, \
             (SELECT MAX(h.day) FROM visits v JOIN appointments h ON h.id = v.appointment_id \
              WHERE v.case_id = c.id AND v.held_recorded_at IS NOT NULL) AS visit, \
             (SELECT MAX(v.report_due_on) FROM visits v WHERE v.case_id = c.id) AS report_due, \
             (SELECT MIN(s.sent_on) FROM report_sendings s WHERE s.case_id = c.id \
              AND s.recipient = 'present_doctor') AS report_sent \
             FROM cases c"
        );
        let mut binds = Vec::new();
        if let Some((first, last)) = received {
            sql.push_str(" WHERE c.receipt_day >= $1 AND c.receipt_day <= $2");
            binds.extend([first.to_string(), last.to_string()]);
        } else if let Some(reference) = reference {
            sql.push_str(" WHERE c.reference = $1");
            binds.push(reference.compact().to_string());
        }
        let mut query = sqlx::query_as::<_, FactsRow>(&sql);
        for bind in binds {
            query = query.bind(bind);
        }
        let rows = query.fetch_all(pool).await?;
        let day = |text: Option<String>| text.and_then(|t| t.parse::<NaiveDate>().ok());
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                Some(CaseFacts {
                    status: CaseStatus::from_code(&row.status)?,
                    area: AreaCode::from_code(&row.area).unwrap_or(AreaCode::Other),
                    decline_reason: row
                        .decline_reason
                        .as_deref()
                        .and_then(DeclineReason::from_code),
                    course: Course {
                        receipt: row.receipt_day.parse().ok()?,
                        reviewed: row.reviewed_at.as_deref().and_then(day_in_japan),
                        documents_in: day(row.documents_in),
                        booked: row.booked_at.as_deref().and_then(day_in_japan),
                        appointment: day(row.appointment),
                        visit: day(row.visit),
                        report_due: day(row.report_due),
                        report_sent: day(row.report_sent),
                    },
                    last_appointment: day(row.last_appointment),
                })
            })
            .collect())
    }
}
