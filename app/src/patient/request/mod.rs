//! `/request`: the form in short sections, the live panel beside it, the
//! check-answers step and Send.
//!
//! One `<form method="post" action="/request">` serves both ways of using
//! the page: its buttons post the form and the server (`posted`)
//! answers with this page rendered from the posted answers (the errors,
//! the check step) or a redirect to the confirmation, so nothing typed is
//! lost. With JavaScript, the island (`page::RequestForm`) adds what needs
//! the browser: the live panel, the questions revealed as they apply,
//! marks cleared as the answers change, and the draft (unless "This is a
//! shared computer" is ticked).
//!
//! `state` holds the page's state, which every other part reads; `page`
//! puts the parts together (`fields`, `check`, `panel`, `draft`).

mod check;
pub mod draft;
mod fields;
pub mod page;
mod panel;
#[cfg(feature = "ssr")]
pub mod posted;
pub mod state;

pub use page::RequestPage;
pub use state::{FormPage, KEEP_NOTHING, Stage, check_answers, new_submission_id};
