//! The patient's journey: the hospital's information (`/`), the request
//! form with its live panel and check step (`/request`), the confirmation
//! (`/request/sent/<reference>`) and the status lookup (`/status`), with
//! their server functions, the same forms posted without JavaScript, and
//! their SQL. Nothing here imports reception (`staff`), nor is imported by it.

pub mod api;
pub mod home;
pub mod papers;
#[cfg(feature = "ssr")]
pub mod posted;
pub mod request;
pub mod respond;
pub mod sent;
pub mod status;
#[cfg(feature = "ssr")]
pub mod store;
