//! The code list rules whose context nodes the model does not keep: BR-CL-03 (the
//! `currencyID` of every amount), BR-CL-07 (the scheme of an object identifier), BR-CL-08 (the
//! subject code of a note) and BR-CL-11 (the scheme of a registration identifier). They are
//! tested as the elements stream past and their failures recorded for the model rules in
//! `rules/codes.rs` (`SyntaxFacts::recorded`).

use std::borrow::Cow;

use super::checker::{Checker, Family};
use super::special::{attr, is};
use crate::rules::codes::{listed, lists};
use crate::xml::Ns;

/// UBL amounts whose `currencyID` BR-CL-03 tests (its context, at any depth).
const UBL_AMOUNTS: [&str; 13] = [
    "Amount",
    "BaseAmount",
    "PriceAmount",
    "TaxAmount",
    "TaxableAmount",
    "LineExtensionAmount",
    "TaxExclusiveAmount",
    "TaxInclusiveAmount",
    "AllowanceTotalAmount",
    "ChargeTotalAmount",
    "PrepaidAmount",
    "PayableRoundingAmount",
    "PayableAmount",
];

/// What the checks keep between an element's start and a later close.
#[derive(Debug, Default)]
pub(super) struct Pending {
    /// UBL BR-CL-07: identifiers with an unlisted scheme, by the depth of their document
    /// reference, whose `cbc:DocumentTypeCode` (written after the identifier) decides.
    scheme_ids: Vec<(usize, String)>,
    /// Depths of the open document references whose type code is `130`.
    objects: Vec<usize>,
}

/// The parent of the element at `depth` is `cac:AdditionalDocumentReference` or
/// `cac:DocumentReference`.
fn in_document_reference(checker: &Checker<'_>, depth: usize) -> bool {
    depth.checked_sub(1).is_some_and(|p| {
        let parent = &checker.frames[p];
        is(parent, Ns::Cac, "AdditionalDocumentReference")
            || is(parent, Ns::Cac, "DocumentReference")
    })
}

/// Runs the checks on the element just opened at `depth`; returns whether its text is needed.
pub(super) fn open(
    checker: &mut Checker<'_>,
    depth: usize,
    attrs: &[(Cow<'_, str>, Cow<'_, str>)],
) -> bool {
    let frame = &checker.frames[depth];
    let (ns, name) = (frame.ns, frame.name.clone());
    let parent_is = |ns, name| {
        depth
            .checked_sub(1)
            .is_some_and(|p| is(&checker.frames[p], ns, name))
    };
    let unlisted = |name: &str, list: &[&str]| attr(attrs, name).is_some_and(|v| !listed(list, v));
    let failed = match checker.family {
        Family::Ubl => match (ns, name.as_ref()) {
            // A missing `currencyID` is '' to the test, which no list entry matches.
            (Ns::Cbc, name)
                if UBL_AMOUNTS.contains(&name)
                    && !listed(
                        &lists::UBL_CURRENCY,
                        attr(attrs, "currencyID").unwrap_or_default(),
                    ) =>
            {
                "BR-CL-03"
            }
            (Ns::Cbc, "CompanyID")
                if parent_is(Ns::Cac, "PartyLegalEntity") && unlisted("schemeID", &lists::ICD) =>
            {
                "BR-CL-11"
            }
            (Ns::Cbc, "ID")
                if in_document_reference(checker, depth)
                    && unlisted("schemeID", &lists::REFERENCE_SCHEME) =>
            {
                // Whether the reference is an object identifier is known at its close.
                let location = checker.location(depth);
                checker.codes.scheme_ids.push((depth - 1, location));
                return false;
            }
            (Ns::Cbc, "DocumentTypeCode") if in_document_reference(checker, depth) => return true,
            (Ns::Cbc, "Note") => return depth == 1,
            _ => return false,
        },
        Family::Cii => match (ns, name.as_ref()) {
            (Ns::Ram, "TaxTotalAmount") if unlisted("currencyID", &lists::CII_CURRENCY) => {
                "BR-CL-03"
            }
            (Ns::Ram, "ID")
                if unlisted("schemeID", &lists::ICD)
                    && !checker.frames[..depth]
                        .iter()
                        .any(|f| is(f, Ns::Ram, "SpecifiedTaxRegistration")) =>
            {
                "BR-CL-11"
            }
            (Ns::Ram, "ReferenceTypeCode" | "SubjectCode") => return true,
            _ => return false,
        },
    };
    checker.record(failed, depth);
    false
}

/// Runs the checks on the element at `depth` as it closes; `text` is its text if [`open`] (or
/// another check) asked for it.
pub(super) fn close(checker: &mut Checker<'_>, depth: usize, text: &str) {
    let frame = &checker.frames[depth];
    let (ns, name) = (frame.ns, frame.name.clone());
    match checker.family {
        Family::Ubl => match (ns, name.as_ref()) {
            // `cbc:DocumentTypeCode = '130'` compares the text as written.
            (Ns::Cbc, "DocumentTypeCode")
                if text == "130" && in_document_reference(checker, depth) =>
            {
                checker.codes.objects.push(depth - 1);
            }
            (Ns::Cac, "AdditionalDocumentReference" | "DocumentReference") => {
                let object = checker.codes.objects.contains(&depth);
                let pending = &mut checker.codes;
                pending.objects.retain(|&d| d != depth);
                let (due, kept) = std::mem::take(&mut pending.scheme_ids)
                    .into_iter()
                    .partition(|(d, _)| *d == depth);
                pending.scheme_ids = kept;
                if object {
                    for (_, location) in due {
                        checker.record_at("BR-CL-07", location);
                    }
                }
            }
            (Ns::Cbc, "Note") if depth == 1 && ubl_note_subject_unlisted(text) => {
                checker.record("BR-CL-08", depth);
            }
            _ => {}
        },
        Family::Cii => match (ns, name.as_ref()) {
            (Ns::Ram, "ReferenceTypeCode") if !listed(&lists::REFERENCE_SCHEME, text) => {
                checker.record("BR-CL-07", depth);
            }
            (Ns::Ram, "SubjectCode") if !listed(&lists::CII_NOTE_SUBJECT, text) => {
                checker.record("BR-CL-08", depth);
            }
            _ => {}
        },
    }
}

/// UBL BR-CL-08 fails on a note whose text between its first two `#` has three characters
/// that do not occur in the list string (a substring test, not a token test).
fn ubl_note_subject_unlisted(note: &str) -> bool {
    let Some((_, after)) = note.split_once('#') else {
        return false;
    };
    let Some((code, _)) = after.split_once('#') else {
        return false;
    };
    code.chars().count() == 3 && !lists::UBL_NOTE_SUBJECTS.contains(code)
}

#[cfg(test)]
mod tests {
    use super::ubl_note_subject_unlisted;

    #[test]
    fn ubl_note_subject_is_a_substring_test() {
        assert!(!ubl_note_subject_unlisted("no code"));
        assert!(!ubl_note_subject_unlisted("#AAI#Text"));
        assert!(ubl_note_subject_unlisted("#XYZ#Text"));
        // Not three characters between the first two `#`: the test passes.
        assert!(!ubl_note_subject_unlisted("#XYZW#Text"));
        assert!(!ubl_note_subject_unlisted("#XYZ"));
        // "A A" is no code, but it occurs in " AAA AAB …".
        assert!(!ubl_note_subject_unlisted("#A A#Text"));
        assert!(ubl_note_subject_unlisted("#ÄÖÜ#Text"));
    }
}
