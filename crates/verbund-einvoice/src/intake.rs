//! The decisions of invoice intake that need no I/O: what an inbox shows of an invoice, when
//! two invoices are the same invoice, and which status changes are allowed.
//!
//! The platform stores the original, the report and the status; the rules for them live here
//! so that they are the same for the API, the web UI and the command line.

use std::fmt;

use crate::model::Invoice;

/// What an inbox lists of an invoice: a few business terms, as written (amounts keep their
/// written scale).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// BT-1 Invoice number.
    pub number: Option<String>,
    /// BT-2 Invoice issue date, `YYYY-MM-DD`.
    pub issue_date: Option<String>,
    /// BT-3 Invoice type code.
    pub type_code: Option<String>,
    /// BT-5 Invoice currency code.
    pub currency: Option<String>,
    /// BT-10 Buyer reference: the Leitweg-ID in XRechnung.
    pub buyer_reference: Option<String>,
    /// BT-27 Seller name.
    pub seller_name: Option<String>,
    /// Who the seller is for duplicate detection, see [`Summary::seller_key`].
    pub seller_key: Option<String>,
    /// BT-44 Buyer name.
    pub buyer_name: Option<String>,
    /// BT-112 Invoice total amount with VAT.
    pub total_amount: Option<String>,
    /// BT-115 Amount due for payment.
    pub amount_due: Option<String>,
}

impl Summary {
    /// The summary of a parsed invoice.
    #[must_use]
    pub fn of(invoice: &Invoice) -> Self {
        let nonblank = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Self {
            number: nonblank(&invoice.number),
            issue_date: invoice.issue_date.map(|d| d.to_string()),
            type_code: nonblank(&invoice.type_code),
            currency: nonblank(&invoice.currency_code),
            buyer_reference: nonblank(&invoice.buyer_reference),
            seller_name: nonblank(&invoice.seller.name),
            seller_key: Self::seller_key(invoice),
            buyer_name: nonblank(&invoice.buyer.name),
            total_amount: invoice.totals.total_with_vat.map(|d| d.to_string()),
            amount_due: invoice.totals.amount_due.map(|d| d.to_string()),
        }
    }

    /// The seller, as strongly as the invoice identifies it: the VAT identifier (BT-31), else
    /// the legal registration identifier (BT-30), else the first seller identifier (BT-29),
    /// else the name (BT-27). Blanks are removed and letters folded to upper case, so that
    /// `DE 123456789` and `de123456789` are one seller.
    #[must_use]
    pub fn seller_key(invoice: &Invoice) -> Option<String> {
        let seller = &invoice.seller;
        let (kind, value) = [
            ("vat", seller.vat_id.as_deref()),
            (
                "reg",
                seller
                    .legal_registration_id
                    .as_ref()
                    .map(|i| i.value.as_str()),
            ),
            ("id", seller.identifiers.first().map(|i| i.value.as_str())),
            ("name", seller.name.as_deref()),
        ]
        .into_iter()
        .find_map(|(kind, value)| {
            let folded: String = value?
                .chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_uppercase)
                .collect();
            (!folded.is_empty()).then_some((kind, folded))
        })?;
        Some(format!("{kind}:{value}"))
    }

    /// Whether two invoices count as the same invoice: same seller, invoice number and issue
    /// date (all three known).
    #[must_use]
    pub fn duplicate_key(&self) -> Option<(&str, &str, &str)> {
        Some((
            self.seller_key.as_deref()?,
            self.number.as_deref()?,
            self.issue_date.as_deref()?,
        ))
    }
}

/// Where an invoice is in its processing.
///
/// `received` → `validated` or `rejected` → `in_review` → `approved` → `paid` or `disputed`;
/// a disputed invoice can be reviewed again. An invoice whose validation has no result
/// (verdict undefined) stays `received` until someone looks at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Taken in; validation has no result yet, or had none.
    Received,
    /// The validation accepted it.
    Validated,
    /// The validation rejected it; the sender gets the report.
    Rejected,
    /// A clerk is checking it against order and delivery.
    InReview,
    /// Factually and arithmetically correct; released for payment.
    Approved,
    /// Paid.
    Paid,
    /// Objected to; the sender must correct it.
    Disputed,
}

impl Status {
    /// Every status, in workflow order.
    pub const ALL: [Self; 7] = [
        Self::Received,
        Self::Validated,
        Self::Rejected,
        Self::InReview,
        Self::Approved,
        Self::Paid,
        Self::Disputed,
    ];

    /// The stable name used in storage and the API.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Validated => "validated",
            Self::Rejected => "rejected",
            Self::InReview => "in_review",
            Self::Approved => "approved",
            Self::Paid => "paid",
            Self::Disputed => "disputed",
        }
    }

    /// The German label for the UI.
    #[must_use]
    pub fn label_de(self) -> &'static str {
        match self {
            Self::Received => "Eingegangen",
            Self::Validated => "Geprüft (gültig)",
            Self::Rejected => "Abgelehnt",
            Self::InReview => "In sachlicher Prüfung",
            Self::Approved => "Freigegeben",
            Self::Paid => "Bezahlt",
            Self::Disputed => "Beanstandet",
        }
    }

    /// The status after a validation with this verdict.
    #[must_use]
    pub fn after_validation(verdict: crate::Verdict) -> Self {
        match verdict {
            crate::Verdict::Accept => Self::Validated,
            crate::Verdict::Reject => Self::Rejected,
            crate::Verdict::Undefined => Self::Received,
        }
    }

    /// The actions a clerk may take from this status.
    #[must_use]
    pub fn actions(self) -> &'static [Action] {
        match self {
            Self::Validated | Self::Disputed => &[Action::Review],
            Self::InReview => &[Action::Approve, Action::Dispute],
            Self::Approved => &[Action::Pay, Action::Dispute],
            Self::Received | Self::Rejected | Self::Paid => &[],
        }
    }

    /// Where `action` leads from this status, if it is allowed here.
    #[must_use]
    pub fn apply(self, action: Action) -> Option<Self> {
        self.actions().contains(&action).then_some(action.target())
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Status {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        by_name(Self::ALL, Self::as_str, s)
    }
}

/// A step of the processing workflow, taken by a clerk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Start the factual review (`validated`/`disputed` → `in_review`).
    Review,
    /// Release for payment (`in_review` → `approved`).
    Approve,
    /// Record the payment (`approved` → `paid`).
    Pay,
    /// Object to the invoice (`in_review`/`approved` → `disputed`); needs a reason.
    Dispute,
}

impl Action {
    /// Every action.
    pub const ALL: [Self; 4] = [Self::Review, Self::Approve, Self::Pay, Self::Dispute];

    /// The stable name used in the API and the audit log.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Review => "review",
            Self::Approve => "approve",
            Self::Pay => "pay",
            Self::Dispute => "dispute",
        }
    }

    /// The German button label.
    #[must_use]
    pub fn label_de(self) -> &'static str {
        match self {
            Self::Review => "Sachliche Prüfung beginnen",
            Self::Approve => "Freigeben",
            Self::Pay => "Als bezahlt buchen",
            Self::Dispute => "Beanstanden",
        }
    }

    /// Whether the action needs a reason (shown to the sender).
    #[must_use]
    pub fn needs_reason(self) -> bool {
        self == Self::Dispute
    }

    fn target(self) -> Status {
        match self {
            Self::Review => Status::InReview,
            Self::Approve => Status::Approved,
            Self::Pay => Status::Paid,
            Self::Dispute => Status::Disputed,
        }
    }
}

impl std::str::FromStr for Action {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        by_name(Self::ALL, Self::as_str, s)
    }
}

fn by_name<T: Copy, const N: usize>(
    all: [T; N],
    name: fn(T) -> &'static str,
    s: &str,
) -> Result<T, UnknownName> {
    all.into_iter()
        .find(|v| name(*v) == s)
        .ok_or_else(|| UnknownName(s.to_owned()))
}

/// A status or action name that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown name {0:?}")]
pub struct UnknownName(pub String);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Verdict;

    #[test]
    fn the_workflow_allows_exactly_the_documented_steps() {
        use Action::{Approve, Dispute, Pay, Review};
        use Status::{Approved, Disputed, InReview, Paid, Received, Rejected, Validated};
        let allowed = [
            (Validated, Review, InReview),
            (Disputed, Review, InReview),
            (InReview, Approve, Approved),
            (InReview, Dispute, Disputed),
            (Approved, Pay, Paid),
            (Approved, Dispute, Disputed),
        ];
        for from in Status::ALL {
            for action in Action::ALL {
                let expected = allowed
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|(_, _, to)| *to);
                assert_eq!(from.apply(action), expected, "{from} {}", action.as_str());
            }
        }
        assert_eq!(Status::after_validation(Verdict::Accept), Validated);
        assert_eq!(Status::after_validation(Verdict::Reject), Rejected);
        assert_eq!(Status::after_validation(Verdict::Undefined), Received);
        for status in [Received, Rejected, Paid] {
            assert!(status.actions().is_empty(), "{status} is final or manual");
        }
    }

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>(), Ok(s));
        }
        for a in Action::ALL {
            assert_eq!(a.as_str().parse::<Action>(), Ok(a));
        }
        assert!("deleted".parse::<Status>().is_err());
    }

    #[test]
    fn the_seller_is_identified_as_strongly_as_the_invoice_allows() {
        let mut invoice = Invoice::default();
        assert_eq!(Summary::seller_key(&invoice), None);
        invoice.seller.name = Some("Muster GmbH".into());
        assert_eq!(
            Summary::seller_key(&invoice).as_deref(),
            Some("name:MUSTERGMBH")
        );
        invoice.seller.vat_id = Some(" de 123 456 789".into());
        assert_eq!(
            Summary::seller_key(&invoice).as_deref(),
            Some("vat:DE123456789")
        );
        invoice.seller.vat_id = Some("   ".into());
        assert_eq!(
            Summary::seller_key(&invoice).as_deref(),
            Some("name:MUSTERGMBH")
        );
    }
}
