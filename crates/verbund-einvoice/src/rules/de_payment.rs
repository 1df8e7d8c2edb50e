//! The XRechnung payment rules: BR-DE-18 (Skonto lines in the payment terms), BR-DE-19/-20
//! (IBAN shape and check digits), BR-DE-23 … -25 (what each payment means must and must not
//! carry) and BR-DE-30/-31 (a direct debit needs BT-90 and BT-91), with the regular expressions of the XRechnung schematron written out as code.

use super::{Input, Where, root_if};
use crate::model::PaymentMeans;
use crate::scenario::Syntax;

const XML_SPACE: [char; 4] = [' ', '\t', '\r', '\n'];

/// `^#SKONTO#TAGE=[0-9]+#PROZENT=[0-9]+\.[0-9]{2}(#BASISBETRAG=-?[0-9]+\.[0-9]{2})?#$` on a
/// normalised line (the regex's `(^|\r?\n)` alternative cannot match after `normalize-space`).
fn skonto_line(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("#SKONTO#TAGE=") else {
        return false;
    };
    let Some(rest) = rest.strip_suffix('#') else {
        return false;
    };
    let mut parts = rest.split('#');
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let amount = |s: &str| {
        s.split_once('.')
            .is_some_and(|(int, frac)| digits(int) && frac.len() == 2 && digits(frac))
    };
    let days = parts.next().is_some_and(digits);
    let percent = parts
        .next()
        .and_then(|p| p.strip_prefix("PROZENT="))
        .is_some_and(amount);
    let base = match parts.next() {
        None => true,
        Some(b) => b
            .strip_prefix("BASISBETRAG=")
            .is_some_and(|b| amount(b.strip_prefix('-').unwrap_or(b))),
    };
    days && percent && base && parts.next().is_none()
}

/// The last token of XPath `tokenize(text, '#.+#')`: what follows the last match. `.` does
/// not match line ends, and the greedy match runs from the first to the last `#` of a line.
fn after_last_hash_pair(text: &str) -> &str {
    let mut rest_at = None;
    let mut offset = 0;
    for segment in text.split_inclusive(['\n', '\r']) {
        let body = segment.trim_end_matches(['\n', '\r']);
        if let (Some(first), Some(last)) = (body.find('#'), body.rfind('#'))
            && last > first + 1
        {
            rest_at = Some(offset + last + 1);
        }
        offset += segment.len();
    }
    rest_at.map_or(text, |at| &text[at..])
}

pub fn br_de_18(i: &Input<'_>, o: &mut Vec<Where>) {
    let Some(terms) = i.invoice.payment_terms.as_deref() else {
        return;
    };
    let mut hash_lines = terms
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .map(|l| {
            l.split(XML_SPACE)
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|l| l.starts_with('#'))
        .peekable();
    if hash_lines.peek().is_none() {
        return; // `every` over no lines holds
    }
    // `matches(last-token, '^\s*\n')`: a line end follows the last Skonto line.
    let tail = after_last_hash_pair(terms);
    let blank_run = &tail[..tail.len() - tail.trim_start_matches(XML_SPACE).len()];
    let ends_line = blank_run.contains('\n');
    root_if(o, ends_line && hash_lines.all(|l| skonto_line(&l)));
}

/// `^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{0,30}$` and ISO 7064 MOD 97-10 with the schematron's
/// letter mapping (code point − 55 for everything above `@`).
fn iban_ok(raw: Option<&str>) -> bool {
    let iban: String = raw
        .unwrap_or_default()
        .chars()
        .filter(|c| !XML_SPACE.contains(c))
        .collect();
    let b = iban.as_bytes();
    let shape = (4..=34).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b[4..].iter().all(u8::is_ascii_alphanumeric);
    if !shape {
        return false;
    }
    let rearranged = b[4..].iter().chain(&b[..4]);
    let mut remainder: u32 = 0;
    for &c in rearranged {
        let value = if c > 64 {
            u32::from(c) - 55
        } else {
            u32::from(c) - 48
        };
        for digit in value.to_string().bytes() {
            remainder = (remainder * 10 + u32::from(digit - b'0')) % 97;
        }
    }
    remainder == 1
}

fn means_code(i: &Input<'_>) -> Option<String> {
    let code = i
        .invoice
        .payment_instructions
        .as_ref()?
        .means_code
        .as_deref()?;
    Some(
        code.split(XML_SPACE)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Each SEPA credit transfer (code 58, after `normalize-space`) with the account of its own
/// payment means.
pub fn br_de_19(i: &Input<'_>, o: &mut Vec<Where>) {
    let means = i.invoice.payment_instructions.iter().flat_map(|p| &p.means);
    for (n, m) in means.enumerate() {
        let sepa = m
            .code
            .as_deref()
            .is_some_and(|c| crate::lexical::trim_xml(c) == "58");
        if sepa && !iban_ok(m.account_id.as_deref()) {
            o.push(Where::PaymentMeans(n));
        }
    }
}

pub fn br_de_20(i: &Input<'_>, o: &mut Vec<Where>) {
    if means_code(i).as_deref() != Some("59") {
        return;
    }
    let account = i
        .invoice
        .payment_instructions
        .as_ref()
        .and_then(|p| p.direct_debit.as_ref())
        .and_then(|d| d.debited_account_id.as_deref());
    if !iban_ok(account) {
        o.push(Where::PaymentMeans(0));
    }
}

fn normalized(code: Option<&String>) -> String {
    code.map(|c| {
        c.split(XML_SPACE)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    })
    .unwrap_or_default()
}

/// Runs `test` on every payment means whose normalised BT-81 is one of `codes`; a failing one
/// is reported at its payment means.
fn each_means(
    i: &Input<'_>,
    o: &mut Vec<Where>,
    codes: &[&str],
    test: impl Fn(&PaymentMeans) -> bool,
) {
    super::core::each_means(i, o, |m| {
        !codes.contains(&normalized(m.code.as_ref()).as_str()) || test(m)
    });
}

/// CII tests BG-19 at document level: a mandate reference (BT-89) or creditor id (BT-90)
/// anywhere, or this element's debited account (BT-91).
fn cii_direct_debit(i: &Input<'_>, m: &PaymentMeans) -> bool {
    let dd = i
        .invoice
        .payment_instructions
        .as_ref()
        .and_then(|p| p.direct_debit.as_ref());
    dd.is_some_and(|d| d.mandate_reference.is_some() || d.creditor_id.is_some())
        || m.debited_account_id.is_some()
}

fn direct_debit_in(i: &Input<'_>, m: &PaymentMeans) -> bool {
    if i.syntax == Syntax::Cii {
        cii_direct_debit(i, m)
    } else {
        m.mandate
    }
}

const CREDIT_TRANSFER: [&str; 2] = ["30", "58"];
const CARD: [&str; 3] = ["48", "54", "55"];
const DIRECT_DEBIT: [&str; 1] = ["59"];

pub fn br_de_23_a(i: &Input<'_>, o: &mut Vec<Where>) {
    each_means(i, o, &CREDIT_TRANSFER, |m| m.credit_transfer);
}
pub fn br_de_23_b(i: &Input<'_>, o: &mut Vec<Where>) {
    each_means(i, o, &CREDIT_TRANSFER, |m| {
        !m.card && !direct_debit_in(i, m)
    });
}
pub fn br_de_24_a(i: &Input<'_>, o: &mut Vec<Where>) {
    each_means(i, o, &CARD, |m| m.card);
}
pub fn br_de_24_b(i: &Input<'_>, o: &mut Vec<Where>) {
    each_means(i, o, &CARD, |m| {
        !m.credit_transfer && !direct_debit_in(i, m)
    });
}
pub fn br_de_25_a(i: &Input<'_>, o: &mut Vec<Where>) {
    each_means(i, o, &DIRECT_DEBIT, |m| direct_debit_in(i, m));
}
pub fn br_de_25_b(i: &Input<'_>, o: &mut Vec<Where>) {
    each_means(i, o, &DIRECT_DEBIT, |m| {
        !m.credit_transfer && !m.card && !m.creditor_institution && !m.debtor_institution
    });
}

/// BR-DE-30 (BT-90 with a direct debit) and -31 (BT-91 with a direct debit). UBL keys on a
/// `cac:PaymentMandate` anywhere; CII on any of BT-89, BT-90, BT-91 being present.
fn direct_debit_complete(i: &Input<'_>, o: &mut Vec<Where>, creditor: bool) {
    let Some(pi) = i.invoice.payment_instructions.as_ref() else {
        return;
    };
    let dd = pi.direct_debit.as_ref();
    let creditor_id = dd.is_some_and(|d| d.creditor_id.is_some());
    let mandate_id = dd.is_some_and(|d| d.mandate_reference.is_some());
    let debited = pi.means.iter().any(|m| m.debited_account_id.is_some());
    let ok = if i.syntax == Syntax::Cii {
        let present = creditor_id || mandate_id || debited;
        !present
            || if creditor {
                creditor_id && (mandate_id || debited)
            } else {
                debited && (mandate_id || creditor_id)
            }
    } else {
        let mandate = pi.means.iter().any(|m| m.mandate);
        !mandate || if creditor { creditor_id } else { debited }
    };
    root_if(o, ok);
}
pub fn br_de_30(i: &Input<'_>, o: &mut Vec<Where>) {
    direct_debit_complete(i, o, true);
}
pub fn br_de_31(i: &Input<'_>, o: &mut Vec<Where>) {
    direct_debit_complete(i, o, false);
}

#[cfg(test)]
mod tests {
    use super::{after_last_hash_pair, iban_ok, skonto_line};

    #[test]
    fn skonto_lines_follow_the_xrechnung_regex() {
        assert!(skonto_line("#SKONTO#TAGE=14#PROZENT=2.00#"));
        assert!(skonto_line(
            "#SKONTO#TAGE=7#PROZENT=3.00#BASISBETRAG=-12.50#"
        ));
        assert!(!skonto_line("#SKONTO#TAGE=14#PROZENT=2#"));
        assert!(!skonto_line("#SKONTO#TAGE=#PROZENT=2.00#"));
        assert!(!skonto_line("#SKONTO#TAGE=14#PROZENT=2.00"));
        assert_eq!(after_last_hash_pair("a\n#X#Y#\nrest"), "\nrest");
        assert_eq!(after_last_hash_pair("no pair #"), "no pair #");
    }

    #[test]
    fn iban_check_digits() {
        assert!(iban_ok(Some("DE79000000001234567890")));
        assert!(iban_ok(Some("DE02 1203 0000 0000 2020 51")));
        assert!(!iban_ok(Some("DE00000000001234567890")));
        assert!(!iban_ok(Some("de79000000001234567890")));
        assert!(!iban_ok(None));
    }
}
