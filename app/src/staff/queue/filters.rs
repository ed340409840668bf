//! The queue's filters and order, read from a link or a posted form and
//! written back into links (never a search: a name does not go in a URL).

use chrono::NaiveDate;
use domain::case::CaseStatus;

use crate::area::AreaCode;
use crate::http::FormPairs;

/// How the queue is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QueueSort {
    /// Longest waiting first (receipt day, then reference).
    #[default]
    Oldest,
    Newest,
    Reference,
    Name,
}

domain::codes!(QueueSort {
    Oldest => "oldest",
    Newest => "newest",
    Reference => "reference",
    Name => "name",
});

/// What a case still needs from reception or the specialist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// The written opinion is past its due day.
    ReportOverdue,
    /// The written opinion is due within two consultation days (or late).
    ReportDueSoon,
    /// The specialist asked for documents, and reception has not settled
    /// the request yet.
    DocumentsRequested,
    /// The case's next step is past its due day.
    StepLate,
    /// The case's next step is due within two consultation days (or late).
    StepDueSoon,
}

domain::codes!(Needs {
    ReportOverdue => "report_overdue",
    ReportDueSoon => "report_due_soon",
    DocumentsRequested => "documents_requested",
    StepLate => "step_late",
    StepDueSoon => "step_due_soon",
});

/// The queue's filters, read from and written to the URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilters {
    pub status: Option<CaseStatus>,
    pub area: Option<AreaCode>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub needs: Option<Needs>,
    /// A reference (with or without its dash) or part of a name or reading.
    pub search: String,
    pub sort: QueueSort,
    /// From 1.
    pub page: u32,
}

impl QueueFilters {
    /// Reads the filters from query (or form) pairs; anything unreadable
    /// is ignored.
    pub fn from_query(pairs: &FormPairs) -> Self {
        let value = |name: &str| Some(pairs.value(name)).filter(|value| !value.is_empty());
        Self {
            status: value("status").and_then(CaseStatus::from_code),
            area: value("area").and_then(AreaCode::from_code),
            from: value("from").and_then(|d| d.parse().ok()),
            to: value("to").and_then(|d| d.parse().ok()),
            needs: value("needs").and_then(Needs::from_code),
            search: value("q")
                .map(|q| q.chars().take(100).collect())
                .unwrap_or_default(),
            sort: value("sort")
                .and_then(QueueSort::from_code)
                .unwrap_or_default(),
            page: value("page")
                .and_then(|p| p.parse().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1),
        }
    }

    /// The query string of these filters (without `?`), `page` left out.
    pub fn to_query(&self) -> String {
        serde_urlencoded::to_string(self.pairs()).unwrap_or_default()
    }

    /// The filters as the form's name/value pairs, `page` left out.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = Vec::new();
        if let Some(status) = self.status {
            pairs.push(("status", status.code().to_owned()));
        }
        if let Some(area) = self.area {
            pairs.push(("area", area.code().to_owned()));
        }
        if let Some(from) = self.from {
            pairs.push(("from", from.to_string()));
        }
        if let Some(to) = self.to {
            pairs.push(("to", to.to_string()));
        }
        if let Some(needs) = self.needs {
            pairs.push(("needs", needs.code().to_owned()));
        }
        if !self.search.is_empty() {
            pairs.push(("q", self.search.clone()));
        }
        if self.sort != QueueSort::default() {
            pairs.push(("sort", self.sort.code().to_owned()));
        }
        pairs
    }

    /// A link to another page of the same list (never with a search: a
    /// name does not go in a URL; see `pairs`).
    pub fn page_link(&self, page: u32) -> String {
        let query = self.to_query();
        let page = format!("page={page}");
        if query.is_empty() {
            format!("/staff?{page}")
        } else {
            format!("/staff?{query}&{page}")
        }
    }
}
