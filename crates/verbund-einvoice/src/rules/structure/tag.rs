//! The element names the hand-written checks (`special.rs`, `recorded.rs`) test, as an enum:
//! the checker gives every open element its [`Tag`] and [`Suffixes`] once, from a table per
//! interned name, and the checks compare small values instead of strings.

/// Local-name suffixes the checks test (`ends-with(name(), 'Amount')` …).
pub(super) type Suffixes = u8;

/// The name ends with `Amount`.
pub(super) const S_AMOUNT: Suffixes = 1;
/// … with `PriceAmount`.
pub(super) const S_PRICE_AMOUNT: Suffixes = 1 << 1;
/// … with `Quantity`.
pub(super) const S_QUANTITY: Suffixes = 1 << 2;
/// … with `ReferencedDocument`.
pub(super) const S_REFERENCED_DOCUMENT: Suffixes = 1 << 3;
/// … with `TradeTax`.
pub(super) const S_TRADE_TAX: Suffixes = 1 << 4;

/// The suffix bits of a local name.
pub(super) fn suffixes(local: &str) -> Suffixes {
    [
        ("Amount", S_AMOUNT),
        ("PriceAmount", S_PRICE_AMOUNT),
        ("Quantity", S_QUANTITY),
        ("ReferencedDocument", S_REFERENCED_DOCUMENT),
        ("TradeTax", S_TRADE_TAX),
    ]
    .into_iter()
    .filter(|(suffix, _)| local.ends_with(suffix))
    .fold(0, |bits, (_, bit)| bits | bit)
}

macro_rules! tags {
    ($($tag:ident),* $(,)?) => {
        /// A local name the hand-written checks test; `Other` for every other name. The
        /// namespace is compared separately (`cbc:ID` and `ram:ID` are both [`Tag::ID`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        #[expect(clippy::upper_case_acronyms, reason = "the variants are the names as written")]
        pub(super) enum Tag {
            #[default]
            Other,
            $($tag),*
        }

        impl Tag {
            /// The tag of a local name.
            pub(super) fn of(local: &str) -> Self {
                match local {
                    $(stringify!($tag) => Self::$tag,)*
                    _ => Self::Other,
                }
            }

            /// Every tagged local name.
            #[cfg(test)]
            pub(super) const NAMES: &[&str] = &[$(stringify!($tag)),*];
        }
    };
}

tags! {
    AccountingCustomerParty,
    AccountingSupplierParty,
    ActualAmount,
    AdditionalDocumentReference,
    AdditionalReferencedDocument,
    AllowanceCharge,
    AllowanceChargeReason,
    AllowanceTotalAmount,
    Amount,
    ApplicableHeaderTradeAgreement,
    ApplicableHeaderTradeDelivery,
    ApplicableHeaderTradeSettlement,
    ApplicableTradeTax,
    AppliedTradeAllowanceCharge,
    Attachment,
    AttachmentBinaryObject,
    BaseAmount,
    BasisQuantity,
    BilledQuantity,
    BillingSpecifiedPeriod,
    CategoryCode,
    ChargeIndicator,
    ChargeTotalAmount,
    ClassifiedTaxCategory,
    CompanyID,
    CrossIndustryInvoice,
    DateTimeString,
    DeliveryLocation,
    DocumentDescription,
    DocumentReference,
    DocumentTypeCode,
    DueDateTypeCode,
    EmbeddedDocumentBinaryObject,
    EndDateTime,
    EndpointID,
    ExternalReference,
    GlobalID,
    GrossPriceProductTradePrice,
    ID,
    IncludedSupplyChainTradeLineItem,
    Indicator,
    InvoiceLine,
    Item,
    LineExtensionAmount,
    Name,
    NetPriceProductTradePrice,
    Note,
    OriginTradeCountry,
    ParentLineID,
    Party,
    PartyIdentification,
    PartyLegalEntity,
    PartyName,
    PartyTaxScheme,
    PayableAmount,
    PayableRoundingAmount,
    PayeeParty,
    PaymentID,
    PaymentMeans,
    PaymentMeansCode,
    PrepaidAmount,
    Price,
    PriceAmount,
    ReferenceTypeCode,
    RegistrationName,
    ShipToTradeParty,
    SpecifiedLineTradeAgreement,
    SpecifiedLineTradeDelivery,
    SpecifiedLineTradeSettlement,
    SpecifiedTaxRegistration,
    SpecifiedTradeProduct,
    SpecifiedTradeSettlementPaymentMeans,
    StandardItemIdentification,
    StartDateTime,
    SubInvoiceLine,
    SubjectCode,
    SupplyChainTradeTransaction,
    TaxAmount,
    TaxExclusiveAmount,
    TaxInclusiveAmount,
    TaxScheme,
    TaxTotalAmount,
    TaxableAmount,
    TypeCode,
    UBLVersionID,
    URI,
    URIID,
    URIUniversalCommunication,
}

#[cfg(test)]
mod tests {
    use super::{S_AMOUNT, S_PRICE_AMOUNT, S_QUANTITY, Tag, suffixes};

    #[test]
    fn every_name_has_its_own_tag_and_others_have_none() {
        for name in Tag::NAMES {
            assert_ne!(Tag::of(name), Tag::Other, "{name}");
            assert_eq!(format!("{:?}", Tag::of(name)), *name);
        }
        assert_eq!(Tag::of("Id"), Tag::Other);
        assert_eq!(Tag::of(""), Tag::Other);
    }

    #[test]
    fn suffixes_are_tested_on_the_local_name() {
        assert_eq!(suffixes("PriceAmount"), S_AMOUNT | S_PRICE_AMOUNT);
        assert_eq!(suffixes("BilledQuantity"), S_QUANTITY);
        assert_eq!(suffixes("AmountX"), 0);
    }
}
