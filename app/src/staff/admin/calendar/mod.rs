//! `/staff/calendar` (admins): the hospital's own closure days, on top of
//! the national holidays and the year-end; the windows the patients' pages
//! show count them from the next page on.

mod store;
mod view;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::NaiveDate;
use leptos::prelude::*;

use super::{is_plain_name, record_change};
use crate::audit::AuditAction;
use crate::http::{Form, FormPairs, Site};
use crate::staff::{Desk, StaffError};

pub(super) fn routes() -> Router<Site> {
    Router::new().route("/staff/calendar", get(show).post(change))
}

/// `/staff/calendar` (admins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarPage {
    pub closures: Vec<(NaiveDate, String, String)>,
    pub problem: bool,
    pub today: NaiveDate,
}

/// What the closure days page posts as `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosureActionName {
    Add,
    Remove,
}

domain::codes!(ClosureActionName {
    Add => "add",
    Remove => "remove",
});

/// A change to the hospital's closure days posted by an admin.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "FormPairs")]
pub enum ClosureAction {
    Add {
        day: Option<NaiveDate>,
        name: String,
    },
    Remove {
        day: Option<NaiveDate>,
    },
}

impl TryFrom<FormPairs> for ClosureAction {
    type Error = StaffError;

    fn try_from(pairs: FormPairs) -> Result<Self, StaffError> {
        let day = pairs.value("day").parse().ok();
        let Some(name) = ClosureActionName::from_code(pairs.value("action")) else {
            return Err(StaffError::BadForm);
        };
        Ok(match name {
            ClosureActionName::Add => Self::Add {
                day,
                name: pairs.value("name").to_owned(),
            },
            ClosureActionName::Remove => Self::Remove { day },
        })
    }
}

/// The closure days page; with `refused`, again after a change whose values
/// could not be used.
async fn calendar_page(desk: Desk, refused: Option<StaffError>) -> Result<Response, StaffError> {
    let page = CalendarPage {
        closures: crate::store::closures(desk.pool()).await?,
        problem: refused.is_some(),
        today: desk.today(),
    };
    let status = refused.as_ref().map_or(StatusCode::OK, StaffError::status);
    Ok(desk
        .render(status, move || {
            view! { <view::ClosureDays page=page.clone() /> }.into_any()
        })
        .await)
}

async fn show(desk: Desk) -> Result<Response, StaffError> {
    calendar_page(desk, None).await
}

async fn change(desk: Desk, Form(action): Form<ClosureAction>) -> Result<Response, StaffError> {
    match apply(&desk, action).await {
        Ok(()) => {
            // The patients' pages count the change from the next one on.
            if desk.site.closures.refresh(desk.pool()).await.is_err() {
                tracing::warn!(
                    "closure days changed but not yet read back for the patients' pages"
                );
            }
            Ok(Redirect::to("/staff/calendar").into_response())
        }
        Err(error @ StaffError::Unusable) => calendar_page(desk, Some(error)).await,
        Err(error) => Err(error),
    }
}

/// An admin's change to the hospital's closure days, audited.
async fn apply(desk: &Desk, action: ClosureAction) -> Result<(), StaffError> {
    let pool = desk.pool();
    let (changed, audit_action, day) = match action {
        ClosureAction::Add {
            day: Some(day),
            name,
        } if is_plain_name(&name) => {
            // A day with appointments booked cannot close: they would stay on
            // a closed day. Reception moves them first.
            if store::appointments_on(pool, day).await? > 0 {
                return Err(StaffError::Unusable);
            }
            let added = store::add_closure(pool, day, &name, &desk.staff.login, desk.now()).await?;
            (added, AuditAction::ClosureAdded, day)
        }
        ClosureAction::Remove { day: Some(day) } => (
            store::remove_closure(pool, day).await?,
            AuditAction::ClosureRemoved,
            day,
        ),
        _ => return Err(StaffError::Unusable),
    };
    record_change(
        pool,
        &desk.staff,
        changed,
        audit_action,
        &day.to_string(),
        desk.now(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_the_page_does_not_send_is_a_bad_form() {
        let pairs = FormPairs(vec![("action".to_owned(), "drop".to_owned())]);
        assert_eq!(ClosureAction::try_from(pairs), Err(StaffError::BadForm));
    }
}
