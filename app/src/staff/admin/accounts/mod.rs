//! `/staff/accounts` (admins): every member with their second factor and
//! live sessions, which an admin can end; a specialist's account linked to
//! the specialist of the list it is; and the acknowledgement of the
//! sign-in alerts every admin page shows.

mod view;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use leptos::prelude::*;

use crate::http::{Form, FormPairs, Site};
use crate::staff::auth::{self, MemberRow};
use crate::staff::frame::AdminAccountActionName;
use crate::staff::{Department, Desk, Specialist, StaffError};

pub(super) fn routes() -> Router<Site> {
    Router::new().route("/staff/accounts", get(show).post(change))
}

/// `/staff/accounts` (admins): every member, with their live sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountsPage {
    pub members: Vec<MemberRow>,
    /// Every specialist of the list, for the accounts' links.
    pub specialists: Vec<Specialist>,
    pub departments: Vec<Department>,
    pub notice: bool,
}

/// A post of the admins' accounts page or of a sign-in alert.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "FormPairs")]
pub enum AdminAccountAction {
    EndSessions {
        login: String,
    },
    AcknowledgeAlert {
        id: Option<i64>,
    },
    LinkSpecialist {
        login: String,
        specialist: Option<i64>,
    },
}

impl TryFrom<FormPairs> for AdminAccountAction {
    type Error = StaffError;

    fn try_from(pairs: FormPairs) -> Result<Self, StaffError> {
        let Some(name) = AdminAccountActionName::from_code(pairs.value("action")) else {
            return Err(StaffError::BadForm);
        };
        Ok(match name {
            AdminAccountActionName::EndSessions => Self::EndSessions {
                login: pairs.value("login").to_owned(),
            },
            AdminAccountActionName::AcknowledgeAlert => Self::AcknowledgeAlert {
                id: pairs.value("alert").parse().ok(),
            },
            AdminAccountActionName::LinkSpecialist => Self::LinkSpecialist {
                login: pairs.value("login").to_owned(),
                specialist: pairs.value("specialist").parse().ok(),
            },
        })
    }
}

async fn show(desk: Desk) -> Result<Response, StaffError> {
    let notice = desk.query().0.iter().any(|(k, _)| k == "done");
    let members = auth::members(desk.pool(), desk.now()).await?;
    let specialists = crate::staff::store::specialists(desk.pool()).await?;
    let departments = crate::staff::store::departments(desk.pool()).await?;
    let page = AccountsPage {
        members,
        specialists,
        departments,
        notice,
    };
    Ok(desk
        .render(StatusCode::OK, move || {
            view! { <view::Accounts page=page.clone() /> }.into_any()
        })
        .await)
}

async fn change(
    desk: Desk,
    Form(action): Form<AdminAccountAction>,
) -> Result<Response, StaffError> {
    let (pool, staff, now) = (desk.pool(), &desk.staff, desk.now());
    let found = match action {
        AdminAccountAction::EndSessions { login } => {
            auth::end_sessions_of(pool, staff, &login, now).await?
        }
        AdminAccountAction::AcknowledgeAlert { id } => {
            let id = id.ok_or(StaffError::BadForm)?;
            auth::acknowledge_alert(pool, staff, id, now).await?
        }
        AdminAccountAction::LinkSpecialist { login, specialist } => {
            let specialist = specialist.ok_or(StaffError::BadForm)?;
            auth::link_specialist(pool, staff, &login, specialist, now).await?
        }
    };
    if !found {
        return Err(StaffError::NotFound);
    }
    Ok(Redirect::to("/staff/accounts?done=1").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_the_page_does_not_send_is_a_bad_form() {
        let pairs = FormPairs(vec![("action".to_owned(), String::new())]);
        assert_eq!(
            AdminAccountAction::try_from(pairs),
            Err(StaffError::BadForm)
        );
    }
}
