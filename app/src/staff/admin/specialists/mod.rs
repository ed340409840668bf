//! `/staff/specialists` (admins): the specialists, whom reception assigns
//! to cases, and the departments they belong to.

mod store;
mod view;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use leptos::prelude::*;

use super::{is_plain_name, record_change};
use crate::audit::AuditAction;
use crate::http::{Form, FormPairs, Site};
use crate::staff::{Department, Desk, Specialist, StaffError};

pub(super) fn routes() -> Router<Site> {
    Router::new().route("/staff/specialists", get(show).post(change))
}

/// `/staff/specialists` (admins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialistsPage {
    pub departments: Vec<Department>,
    pub specialists: Vec<Specialist>,
    pub problem: bool,
}

/// What the specialists page posts as `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecialistActionName {
    Add,
    Rename,
    Deactivate,
    Activate,
    AddDepartment,
    ToggleDepartment,
}

domain::codes!(SpecialistActionName {
    Add => "add",
    Rename => "rename",
    Deactivate => "deactivate",
    Activate => "activate",
    AddDepartment => "add_department",
    ToggleDepartment => "toggle_department",
});

/// A change to the specialists or departments posted by an admin, read
/// once from the form.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "FormPairs")]
pub enum SpecialistAction {
    Add {
        name: String,
        department: String,
    },
    Rename {
        id: Option<i64>,
        name: String,
    },
    /// Turns a specialist on (they can be assigned) or off.
    SetActive {
        id: Option<i64>,
        active: bool,
    },
    AddDepartment {
        code: String,
        name_ja: String,
        name_en: String,
    },
    ToggleDepartment {
        code: String,
    },
}

impl TryFrom<FormPairs> for SpecialistAction {
    type Error = StaffError;

    fn try_from(pairs: FormPairs) -> Result<Self, StaffError> {
        let text = |name: &str| pairs.value(name).to_owned();
        let id = || pairs.value("id").parse().ok();
        let Some(name) = SpecialistActionName::from_code(pairs.value("action")) else {
            return Err(StaffError::BadForm);
        };
        Ok(match name {
            SpecialistActionName::Add => Self::Add {
                name: text("name"),
                department: text("department"),
            },
            SpecialistActionName::Rename => Self::Rename {
                id: id(),
                name: text("name"),
            },
            SpecialistActionName::Deactivate => Self::SetActive {
                id: id(),
                active: false,
            },
            SpecialistActionName::Activate => Self::SetActive {
                id: id(),
                active: true,
            },
            SpecialistActionName::AddDepartment => Self::AddDepartment {
                code: text("code"),
                name_ja: text("name_ja"),
                name_en: text("name_en"),
            },
            SpecialistActionName::ToggleDepartment => Self::ToggleDepartment { code: text("code") },
        })
    }
}

/// The specialists page; with `refused`, again after a change whose values
/// could not be used.
async fn specialists_page(desk: Desk, refused: Option<StaffError>) -> Result<Response, StaffError> {
    let page = SpecialistsPage {
        departments: crate::staff::store::departments(desk.pool()).await?,
        specialists: crate::staff::store::specialists(desk.pool()).await?,
        problem: refused.is_some(),
    };
    let status = refused.as_ref().map_or(StatusCode::OK, StaffError::status);
    Ok(desk
        .render(status, move || {
            view! { <view::Specialists page=page.clone() /> }.into_any()
        })
        .await)
}

async fn show(desk: Desk) -> Result<Response, StaffError> {
    specialists_page(desk, None).await
}

async fn change(desk: Desk, Form(action): Form<SpecialistAction>) -> Result<Response, StaffError> {
    match apply(&desk, action).await {
        Ok(()) => Ok(Redirect::to("/staff/specialists").into_response()),
        Err(error @ StaffError::Unusable) => specialists_page(desk, Some(error)).await,
        Err(error) => Err(error),
    }
}

fn is_department_code(code: &str) -> bool {
    (1..=32).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// An admin's change to the specialists and departments, audited.
async fn apply(desk: &Desk, action: SpecialistAction) -> Result<(), StaffError> {
    use SpecialistAction as A;
    let pool = desk.pool();
    let (changed, audit_action, detail) = match action {
        A::Add { name, department } if is_plain_name(&name) => (
            store::add_specialist(pool, &name, &department).await?,
            AuditAction::SpecialistAdded,
            format!("{name} ({department})"),
        ),
        A::Rename { id: Some(id), name } if is_plain_name(&name) => (
            store::rename_specialist(pool, id, &name).await?,
            AuditAction::SpecialistRenamed,
            name,
        ),
        A::SetActive {
            id: Some(id),
            active,
        } => (
            store::set_specialist_active(pool, id, active).await?,
            if active {
                AuditAction::SpecialistActivated
            } else {
                AuditAction::SpecialistDeactivated
            },
            id.to_string(),
        ),
        A::AddDepartment {
            code,
            name_ja,
            name_en,
        } if is_department_code(&code) && is_plain_name(&name_ja) && is_plain_name(&name_en) => (
            store::add_department(pool, &code, &name_ja, &name_en).await?,
            AuditAction::DepartmentAdded,
            code,
        ),
        A::ToggleDepartment { code } => (
            store::toggle_department(pool, &code).await?,
            AuditAction::DepartmentToggled,
            code,
        ),
        _ => return Err(StaffError::Unusable),
    };
    record_change(
        pool,
        &desk.staff,
        changed,
        audit_action,
        &detail,
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
        assert_eq!(SpecialistAction::try_from(pairs), Err(StaffError::BadForm));
    }
}
