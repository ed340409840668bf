//! The consultation fee, as data. Money is a whole number of yen.

use serde::{Deserialize, Serialize};

/// An amount of money in Japanese yen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Yen(pub u32);

/// The terms of a second-opinion consultation's fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    /// The price before consumption tax.
    pub before_tax: Yen,
    /// Japan's consumption tax rate, in percent.
    pub consumption_tax_percent: u32,
    /// The longest consultation the fee covers.
    pub max_minutes: u32,
    /// Second opinions are private care (自費診療), outside health insurance.
    pub covered_by_health_insurance: bool,
    /// The fee is paid at the hospital on the day of the consultation.
    pub paid_on_the_day: bool,
}

/// The hospital's fee for one second-opinion consultation. A price change is
/// a change to `before_tax`.
pub const SECOND_OPINION_FEE: Fee = Fee {
    before_tax: Yen(30_000),
    consumption_tax_percent: 10,
    max_minutes: 60,
    covered_by_health_insurance: false,
    paid_on_the_day: true,
};

impl Fee {
    /// The consumption tax, rounded down to the yen as Japanese invoices do.
    pub const fn consumption_tax(&self) -> Yen {
        Yen(self.before_tax.0 * self.consumption_tax_percent / 100)
    }

    /// What the patient pays, tax included.
    pub const fn total(&self) -> Yen {
        Yen(self.before_tax.0 + self.consumption_tax().0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fee_is_33000_yen_including_3000_yen_tax() {
        assert_eq!(SECOND_OPINION_FEE.consumption_tax(), Yen(3_000));
        assert_eq!(SECOND_OPINION_FEE.total(), Yen(33_000));
        assert_eq!(SECOND_OPINION_FEE.max_minutes, 60);
        const { assert!(!SECOND_OPINION_FEE.covered_by_health_insurance) };
        const { assert!(SECOND_OPINION_FEE.paid_on_the_day) };
    }

    #[test]
    fn tax_is_rounded_down_to_the_yen() {
        let fee = Fee {
            before_tax: Yen(12_345),
            ..SECOND_OPINION_FEE
        };
        assert_eq!(fee.consumption_tax(), Yen(1_234));
        assert_eq!(fee.total(), Yen(13_579));
    }
}
