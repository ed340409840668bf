//! The rules of the hospital's second-opinion service, in one pure crate that
//! runs in the browser (as WebAssembly) and on the server alike.
//!
//! Nothing here reads a clock, a file, the network or a database: "today",
//! the moment a request was received and the hospital's extra closure days
//! are arguments. That is what lets the browser and the server reach the same
//! answer from the same inputs.

/// Gives a fieldless enum `ALL` (every value, in order), `code()` (its
/// stable machine-readable code; for the domain's types the same as its
/// serde name) and `from_code()` (the value a code names). Exported, so
/// that the app's own codes (an area, a role, the name of a posted action)
/// are declared the same way.
#[macro_export]
macro_rules! codes {
    ($kind:ident { $($variant:ident => $code:literal,)+ }) => {
        impl $kind {
            /// Every value, in order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The stable machine-readable code.
            pub const fn code(self) -> &'static str {
                match self { $(Self::$variant => $code,)+ }
            }

            /// The value whose code is `code`, or `None` for any other text.
            pub fn from_code(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

/// Sorts a short list in place (a year's holidays, a form's few dates) by
/// insertion: a fraction of the code of the standard library's sorts, which
/// the browser downloads with every rule that sorts.
pub(crate) fn sort_short<T: Ord>(items: &mut [T]) {
    for sorted in 1..items.len() {
        let mut at = sorted;
        while at > 0 && items[at - 1] > items[at] {
            items.swap(at - 1, at);
            at -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_short_sort_sorts_as_the_standard_library_does(mut items in proptest::collection::vec(any::<u16>(), 0..64)) {
            let mut expected = items.clone();
            expected.sort_unstable();
            super::sort_short(&mut items);
            prop_assert_eq!(items, expected);
        }
    }
}

pub mod calendar;
pub mod case;
pub mod contact;
pub mod documents;
pub mod eligibility;
pub mod era;
pub mod fee;
pub mod fields;
pub mod forecast;
pub mod form;
pub mod reference;
pub mod report;
pub mod request;
pub mod retention;
pub mod visit;
pub mod window;

pub use calendar::{
    Calendar, Closure, DayKind, Holiday, HolidayKind, national_holiday, national_holidays,
};
pub use case::{
    APPOINTMENT_MINUTES, CaseStatus, DeclineReason, FIRST_START, LAST_START, RefusedStep,
    ScheduleProblem, Step, Urgency, check_appointment, proposed_days, queue_age,
};
pub use documents::{Arrival, Document, documents_to_bring};
pub use eligibility::{ContactReason, Question, RefusalReason, Verdict, assess};
pub use fee::{Fee, SECOND_OPINION_FEE, Yen};
pub use request::{Attendance, DiagnosisArea, Purpose, Request, Requester};
pub use window::{AppointmentWindow, appointment_window, japan_time, receipt_day};
