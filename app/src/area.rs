//! The diagnosis area as a code: what a case stores in its `area` column,
//! what reception filters the queue by, and what `words` names.

use domain::DiagnosisArea;

/// One of the four areas the form offers; an area the patient described in
/// their own words is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaCode {
    Cancer,
    Cardiovascular,
    Cerebrovascular,
    Other,
}

domain::codes!(AreaCode {
    Cancer => "cancer",
    Cardiovascular => "cardiovascular",
    Cerebrovascular => "cerebrovascular",
    Other => "other",
});

impl AreaCode {
    /// The code of a request's area; an unanswered area counts as `Other`.
    pub const fn of(area: Option<&DiagnosisArea>) -> Self {
        match area {
            Some(DiagnosisArea::Cancer) => Self::Cancer,
            Some(DiagnosisArea::Cardiovascular) => Self::Cardiovascular,
            Some(DiagnosisArea::Cerebrovascular) => Self::Cerebrovascular,
            Some(DiagnosisArea::Other(_)) | None => Self::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_area_reads_back_from_its_code() {
        for area in AreaCode::ALL {
            assert_eq!(AreaCode::from_code(area.code()), Some(*area));
        }
        assert_eq!(AreaCode::from_code("oncology"), None);
    }
}
