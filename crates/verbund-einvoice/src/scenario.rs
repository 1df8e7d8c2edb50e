//! Scenario selection as the KoSIT validator configuration for XRechnung 3.0.2 does it.
//!
//! `scenarios.xml` of validator-configuration-xrechnung (release 2026-01-31) has 11 scenarios.
//! Each matches on the root element (namespace and local name) and on an exact string
//! comparison of the specification identifier BT-24 (`/Invoice/cbc:CustomizationID` in UBL,
//! `/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext/
//! ram:GuidelineSpecifiedDocumentContextParameter/ram:ID` in CII). The comparison is XPath `=`
//! on strings: no trimming, no case folding, and any of several values may match. The table is
//! data here, so nothing is read at run time; a test checks it against `scenarios.xml`.

use std::fmt;

/// UBL 2.1 Invoice namespace.
pub const UBL_INVOICE_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
/// UBL 2.1 `CreditNote` namespace.
pub const UBL_CREDIT_NOTE_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";
/// UN/CEFACT Cross Industry Invoice D16B namespace.
pub const CII_NS: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";

/// The XML syntax of an invoice, told apart by its root element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Syntax {
    /// UBL 2.1 `Invoice`.
    UblInvoice,
    /// UBL 2.1 `CreditNote`.
    UblCreditNote,
    /// UN/CEFACT `CrossIndustryInvoice` D16B.
    Cii,
}

impl Syntax {
    /// Namespace URI of the root element.
    #[must_use]
    pub fn namespace(self) -> &'static str {
        match self {
            Self::UblInvoice => UBL_INVOICE_NS,
            Self::UblCreditNote => UBL_CREDIT_NOTE_NS,
            Self::Cii => CII_NS,
        }
    }

    /// Local name of the root element.
    #[must_use]
    pub fn root_name(self) -> &'static str {
        match self {
            Self::UblInvoice => "Invoice",
            Self::UblCreditNote => "CreditNote",
            Self::Cii => "CrossIndustryInvoice",
        }
    }

    /// The syntax whose root element this is, if any.
    #[must_use]
    pub fn from_root(namespace: Option<&str>, local_name: &str) -> Option<Self> {
        [Self::UblInvoice, Self::UblCreditNote, Self::Cii]
            .into_iter()
            .find(|s| namespace == Some(s.namespace()) && local_name == s.root_name())
    }
}

impl fmt::Display for Syntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UblInvoice => "UBL Invoice",
            Self::UblCreditNote => "UBL CreditNote",
            Self::Cii => "UN/CEFACT CII",
        })
    }
}

/// Which specification a scenario validates against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// CIUS XRechnung 3.0 (EN 16931 + XRechnung rules).
    XRechnung,
    /// XRechnung Extension 3.0 (sub-lines, third-party payments …).
    XRechnungExtension,
    /// CIUS XRechnung CVD 0.9 (Clean Vehicles Directive reporting).
    XRechnungCvd,
    /// Plain EN 16931 (CEN rules only).
    En16931,
}

/// The level a finding is reported at; a scenario may override a rule's own flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// Rejects the invoice (schematron flag `fatal`).
    Error,
    /// Reported, does not reject.
    Warning,
    /// Reported as a hint only.
    Information,
}

/// One validation scenario of the KoSIT XRechnung configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scenario {
    /// The scenario's `<name>` in `scenarios.xml`.
    pub name: &'static str,
    /// The root element it matches.
    pub syntax: Syntax,
    /// The BT-24 value it matches, compared exactly.
    pub specification_id: &'static str,
    /// The rule sets it applies.
    pub profile: Profile,
    /// `customLevel` overrides of rule flags, as (rule id, level), in file order. For example
    /// the CIUS raises UBL-CR-646 (sub-lines) to error, the Extension lowers it to information.
    pub custom_levels: &'static [(&'static str, Level)],
}

impl Scenario {
    /// True for the XRechnung scenarios (CIUS, Extension, CVD), false for plain EN 16931.
    #[must_use]
    pub fn is_xrechnung(&self) -> bool {
        self.profile != Profile::En16931
    }
}

const XR: &str = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0";
pub(crate) const XR_EXT: &str = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0";
pub(crate) const XR_CVD: &str = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0#compliant#urn:xeinkauf.de:kosit:xrechnung:cvd_0.9";
const EN: &str = "urn:cen.eu:en16931:2017";

const fn scenario(
    name: &'static str,
    syntax: Syntax,
    id: &'static str,
    profile: Profile,
    custom_levels: &'static [(&'static str, Level)],
) -> Scenario {
    Scenario {
        name,
        syntax,
        specification_id: id,
        profile,
        custom_levels,
    }
}

use Level::{Error as E, Information as I, Warning as W};

const UBL_XR: &[(&str, Level)] = &[("BR-CL-23", W), ("BR-CL-21", W), ("UBL-CR-646", E)];
#[rustfmt::skip]
const UBL_EXT: &[(&str, Level)] = &[
    ("BR-CL-21", I), ("BR-CL-23", W), ("BR-CL-24", I), ("BR-CL-10", I), ("BR-CL-11", I),
    ("BR-CL-25", I), ("BR-CL-26", I), ("BR-CO-16", I), ("UBL-CR-470", I), ("UBL-CR-646", I),
];
const UBL_CVD: &[(&str, Level)] = &[
    ("BR-CL-13", I),
    ("BR-CL-23", W),
    ("BR-CL-21", W),
    ("UBL-CR-646", E),
];
// Unlike the Invoice scenario, the KoSIT CreditNote CIUS scenario does not raise UBL-CR-646.
const UBL_CN_XR: &[(&str, Level)] = &[("BR-CL-23", W), ("BR-CL-21", W)];
#[rustfmt::skip]
const CII_XR: &[(&str, Level)] = &[
    ("BR-CL-23", W), ("BR-CL-21", W), ("CII-SR-452", E), ("CII-SR-453", E), ("CII-SR-454", E),
];
#[rustfmt::skip]
const CII_EXT: &[(&str, Level)] = &[
    ("BR-CL-23", W), ("BR-CL-21", I), ("BR-CL-11", I), ("BR-CL-10", I), ("BR-CL-24", I),
    ("BR-CL-25", I), ("BR-CL-26", I), ("CII-SR-452", E), ("CII-SR-453", E), ("CII-SR-454", E),
];
#[rustfmt::skip]
const CII_CVD: &[(&str, Level)] = &[
    ("BR-CL-13", I), ("BR-CL-23", W), ("BR-CL-21", W),
    ("CII-SR-452", E), ("CII-SR-453", E), ("CII-SR-454", E),
];

/// The 11 scenarios in the order of `scenarios.xml`. There is no XRechnung Extension scenario
/// for UBL `CreditNote`, as in the official configuration.
#[rustfmt::skip]
pub static SCENARIOS: [Scenario; 11] = [
    scenario("EN16931 XRechnung (UBL Invoice)", Syntax::UblInvoice, XR, Profile::XRechnung, UBL_XR),
    scenario("EN16931 XRechnung Extension (UBL Invoice)", Syntax::UblInvoice, XR_EXT, Profile::XRechnungExtension, UBL_EXT),
    scenario("EN16931 XRechnung CVD (UBL Invoice)", Syntax::UblInvoice, XR_CVD, Profile::XRechnungCvd, UBL_CVD),
    scenario("EN16931 XRechnung (UBL CreditNote)", Syntax::UblCreditNote, XR, Profile::XRechnung, UBL_CN_XR),
    scenario("EN16931 XRechnung CVD (UBL CreditNote)", Syntax::UblCreditNote, XR_CVD, Profile::XRechnungCvd, UBL_CVD),
    scenario("EN16931 XRechnung (CII)", Syntax::Cii, XR, Profile::XRechnung, CII_XR),
    scenario("EN16931 XRechnung Extension (CII)", Syntax::Cii, XR_EXT, Profile::XRechnungExtension, CII_EXT),
    scenario("EN16931 XRechnung CVD (CII)", Syntax::Cii, XR_CVD, Profile::XRechnungCvd, CII_CVD),
    scenario("EN16931 (UBL Invoice)", Syntax::UblInvoice, EN, Profile::En16931, &[]),
    scenario("EN16931 (UBL CreditNote)", Syntax::UblCreditNote, EN, Profile::En16931, &[]),
    scenario("EN16931 (CII)", Syntax::Cii, EN, Profile::En16931, &[]),
];

/// The scenario for a document of `syntax` whose BT-24 candidates are `specification_ids`
/// (all values found at the matched path; normally exactly one). Like the KoSIT validator, the
/// first scenario in table order whose value equals any candidate wins.
#[must_use]
pub fn scenario_select(syntax: Syntax, specification_ids: &[&str]) -> Option<&'static Scenario> {
    SCENARIOS
        .iter()
        .find(|s| s.syntax == syntax && specification_ids.contains(&s.specification_id))
}

#[cfg(test)]
mod tests {
    use super::{Profile, Syntax, scenario_select};

    #[test]
    fn selection_is_exact_and_per_syntax() {
        let xr = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0";
        let s = scenario_select(Syntax::Cii, &[xr]).map(|s| s.profile);
        assert_eq!(s, Some(Profile::XRechnung));
        assert!(scenario_select(Syntax::Cii, &[" urn:cen.eu:en16931:2017"]).is_none());
        assert!(
            scenario_select(
                Syntax::UblInvoice,
                &["urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_2.3"]
            )
            .is_none()
        );
        let ext = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0";
        assert!(scenario_select(Syntax::UblCreditNote, &[ext]).is_none());
        assert_eq!(
            scenario_select(Syntax::UblInvoice, &["x", ext]).map(|s| s.profile),
            Some(Profile::XRechnungExtension)
        );
    }
}
