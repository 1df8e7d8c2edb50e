//! The model, group by group, as labelled fields. Labels follow the German names of the
//! XRechnung specification; the term id stands beside each so nothing is ambiguous.

use rust_decimal::Decimal;

use super::{Block, Field, Section, date_de, decimal_de};
use crate::date::Date;
use crate::model::{
    AllowanceCharge, Contact, Identifier, Invoice, InvoiceLine, LineAllowanceCharge, Period,
    PostalAddress, Quantity,
};

/// Collects the fields of one block, leaving out what the document does not say.
struct Fields<'a> {
    fields: Vec<Field>,
    currency: &'a str,
}

impl<'a> Fields<'a> {
    fn new(currency: &'a str) -> Self {
        Self {
            fields: Vec::new(),
            currency,
        }
    }

    fn push(&mut self, term: &'static str, label: &'static str, value: String) {
        self.fields.push(Field { label, term, value });
    }

    fn text(&mut self, term: &'static str, label: &'static str, value: Option<&str>) {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            self.push(term, label, v.to_owned());
        }
    }

    fn code(
        &mut self,
        term: &'static str,
        label: &'static str,
        value: Option<&str>,
        name: fn(&str) -> Option<&'static str>,
    ) {
        if let Some(v) = value {
            let shown = match name(v.trim()) {
                Some(n) => format!("{v} ({n})"),
                None => v.to_owned(),
            };
            self.push(term, label, shown);
        }
    }

    fn id(&mut self, term: &'static str, label: &'static str, value: Option<&Identifier>) {
        if let Some(v) = value {
            self.push(term, label, identifier(v));
        }
    }

    fn date(&mut self, term: &'static str, label: &'static str, value: Option<Date>) {
        if let Some(d) = value {
            self.push(term, label, date_de(d));
        }
    }

    fn amount(&mut self, term: &'static str, label: &'static str, value: Option<Decimal>) {
        if let Some(d) = value {
            let shown = format!("{} {}", decimal_de(d), self.currency);
            self.push(term, label, shown.trim_end().to_owned());
        }
    }

    fn percent(&mut self, term: &'static str, label: &'static str, value: Option<Decimal>) {
        if let Some(d) = value {
            self.push(term, label, format!("{} %", decimal_de(d)));
        }
    }

    fn quantity(&mut self, term: &'static str, label: &'static str, value: Option<&Quantity>) {
        if let Some(q) = value {
            let shown = match &q.unit_code {
                Some(u) => format!("{} {u}", decimal_de(q.value)),
                None => decimal_de(q.value),
            };
            self.push(term, label, shown);
        }
    }

    fn period(&mut self, terms: [&'static str; 2], labels: [&'static str; 2], p: &Period) {
        self.date(terms[0], labels[0], p.start);
        self.date(terms[1], labels[1], p.end);
    }

    fn block(self, heading: Option<String>) -> Option<Block> {
        (!self.fields.is_empty()).then_some(Block {
            heading,
            fields: self.fields,
        })
    }
}

fn identifier(id: &Identifier) -> String {
    match &id.scheme_id {
        Some(s) => format!("{} (Schema {s})", id.value),
        None => id.value.clone(),
    }
}

fn section(
    anchor: &'static str,
    heading: &'static str,
    term: &'static str,
    blocks: impl IntoIterator<Item = Option<Block>>,
) -> Option<Section> {
    let blocks: Vec<Block> = blocks.into_iter().flatten().collect();
    (!blocks.is_empty()).then_some(Section {
        anchor,
        heading,
        term,
        blocks,
    })
}

/// Every section with content, in the order of EN 16931.
pub(super) fn build(inv: &Invoice) -> Vec<Section> {
    let cur = inv.currency_code.as_deref().unwrap_or("");
    let mut sections = vec![
        section(
            "kopf",
            "Allgemeine Angaben",
            "BT-1 bis BT-26",
            header(inv, cur),
        ),
        section(
            "verkaeufer",
            "Verkäufer",
            "BG-4",
            [
                seller(inv, cur),
                address(inv.seller.address.as_ref(), &SELLER_ADDRESS, cur),
                contact(
                    inv.seller.contact.as_ref(),
                    ["BT-41", "BT-42", "BT-43"],
                    cur,
                ),
            ],
        ),
        section(
            "kaeufer",
            "Käufer",
            "BG-7",
            [
                buyer(inv, cur),
                address(inv.buyer.address.as_ref(), &BUYER_ADDRESS, cur),
                contact(inv.buyer.contact.as_ref(), ["BT-56", "BT-57", "BT-58"], cur),
            ],
        ),
        section(
            "zahlungsempfaenger",
            "Zahlungsempfänger",
            "BG-10",
            [payee(inv, cur)],
        ),
        section(
            "steuervertreter",
            "Steuervertreter des Verkäufers",
            "BG-11",
            tax_representative(inv, cur),
        ),
        section("lieferung", "Lieferung", "BG-13", delivery(inv, cur)),
        section(
            "zahlung",
            "Zahlungsinformationen",
            "BG-16",
            payment(inv, cur),
        ),
        section(
            "nachlaesse",
            "Nachlässe auf Dokumentenebene",
            "BG-20",
            inv.allowances
                .iter()
                .enumerate()
                .map(|(i, a)| allowance_charge(a, &ALLOWANCE, i, cur)),
        ),
        section(
            "zuschlaege",
            "Zuschläge auf Dokumentenebene",
            "BG-21",
            inv.charges
                .iter()
                .enumerate()
                .map(|(i, c)| allowance_charge(c, &CHARGE, i, cur)),
        ),
        section("summen", "Gesamtbeträge", "BG-22", [totals(inv, cur)]),
        section(
            "umsatzsteuer",
            "Aufschlüsselung der Umsatzsteuer",
            "BG-23",
            vat(inv, cur),
        ),
        section(
            "drittzahlungen",
            "Zahlungen Dritter (XRechnung-Erweiterung)",
            "BG-DEX-09",
            third_party(inv, cur),
        ),
        section(
            "anhaenge",
            "Rechnungsbegründende Unterlagen",
            "BG-24",
            attachments(inv, cur),
        ),
        section(
            "positionen",
            "Rechnungspositionen",
            "BG-25",
            inv.lines.iter().map(|l| line(l, cur)),
        ),
    ];
    sections.retain(Option::is_some);
    sections.into_iter().flatten().collect()
}

fn header(inv: &Invoice, cur: &str) -> Vec<Option<Block>> {
    let mut f = Fields::new(cur);
    f.text("BT-1", "Rechnungsnummer", inv.number.as_deref());
    f.date("BT-2", "Rechnungsdatum", inv.issue_date);
    f.code(
        "BT-3",
        "Rechnungsart",
        inv.type_code.as_deref(),
        type_code_name,
    );
    f.text("BT-5", "Währung", inv.currency_code.as_deref());
    f.text(
        "BT-6",
        "Währung der Umsatzsteuerbuchung",
        inv.vat_accounting_currency_code.as_deref(),
    );
    f.date(
        "BT-7",
        "Abrechnungsdatum der Umsatzsteuer",
        inv.tax_point_date,
    );
    f.text(
        "BT-8",
        "Code für das Umsatzsteuer-Abrechnungsdatum",
        inv.tax_point_date_code.as_deref(),
    );
    f.date("BT-9", "Fälligkeitsdatum", inv.payment_due_date);
    f.text(
        "BT-10",
        "Käuferreferenz (Leitweg-ID)",
        inv.buyer_reference.as_deref(),
    );
    f.text("BT-11", "Projektnummer", inv.project_reference.as_deref());
    f.text("BT-12", "Vertragsnummer", inv.contract_reference.as_deref());
    f.text(
        "BT-13",
        "Bestellnummer",
        inv.purchase_order_reference.as_deref(),
    );
    f.text(
        "BT-14",
        "Auftragsnummer",
        inv.sales_order_reference.as_deref(),
    );
    f.text(
        "BT-15",
        "Wareneingangsmeldung",
        inv.receiving_advice_reference.as_deref(),
    );
    f.text(
        "BT-16",
        "Versandanzeige",
        inv.despatch_advice_reference.as_deref(),
    );
    f.text(
        "BT-17",
        "Vergabe- oder Losnummer",
        inv.tender_or_lot_reference.as_deref(),
    );
    f.id("BT-18", "Objektkennung", inv.invoiced_object_id.as_ref());
    f.text(
        "BT-19",
        "Buchungsreferenz des Käufers",
        inv.buyer_accounting_reference.as_deref(),
    );
    f.text("BT-20", "Zahlungsbedingungen", inv.payment_terms.as_deref());
    let pc = &inv.process_control;
    f.text(
        "BT-23",
        "Geschäftsprozess",
        pc.business_process_type.as_deref(),
    );
    f.text(
        "BT-24",
        "Spezifikationskennung",
        pc.specification_id.as_deref(),
    );
    if let Some(p) = &inv.invoicing_period {
        let labels = ["Abrechnungszeitraum von", "Abrechnungszeitraum bis"];
        f.period(["BT-73", "BT-74"], labels, p);
    }
    let mut blocks = vec![f.block(None)];
    blocks.extend(notes_and_preceding(inv, cur));
    blocks
}

/// BG-1 notes and BG-3 preceding invoices, a block each.
fn notes_and_preceding(inv: &Invoice, cur: &str) -> Vec<Option<Block>> {
    let mut blocks = Vec::new();
    for (i, note) in inv.notes.iter().enumerate() {
        let mut f = Fields::new(cur);
        f.text(
            "BT-21",
            "Betreff der Bemerkung (Code)",
            note.subject_code.as_deref(),
        );
        f.text("BT-22", "Bemerkung zur Rechnung", Some(&note.text));
        blocks.push(f.block(Some(format!("Bemerkung {} (BG-1)", i + 1))));
    }
    for (i, p) in inv.preceding_invoices.iter().enumerate() {
        let mut f = Fields::new(cur);
        f.text(
            "BT-25",
            "Nummer der vorausgegangenen Rechnung",
            Some(&p.reference),
        );
        f.date("BT-26", "Datum der vorausgegangenen Rechnung", p.issue_date);
        blocks.push(f.block(Some(format!("Vorausgegangene Rechnung {} (BG-3)", i + 1))));
    }
    blocks
}

fn seller(inv: &Invoice, cur: &str) -> Option<Block> {
    let s = &inv.seller;
    let mut f = Fields::new(cur);
    f.text("BT-27", "Name", s.name.as_deref());
    f.text("BT-28", "Handelsname", s.trading_name.as_deref());
    for id in &s.identifiers {
        f.id("BT-29", "Kennung", Some(id));
    }
    f.id("BT-30", "Registernummer", s.legal_registration_id.as_ref());
    f.text(
        "BT-31",
        "Umsatzsteuer-Identifikationsnummer",
        s.vat_id.as_deref(),
    );
    f.text("BT-32", "Steuernummer", s.tax_registration_id.as_deref());
    f.text(
        "BT-33",
        "Weitere rechtliche Informationen",
        s.additional_legal_info.as_deref(),
    );
    f.id(
        "BT-34",
        "Elektronische Adresse",
        s.electronic_address.as_ref(),
    );
    f.block(None)
}

fn buyer(inv: &Invoice, cur: &str) -> Option<Block> {
    let b = &inv.buyer;
    let mut f = Fields::new(cur);
    f.text("BT-44", "Name", b.name.as_deref());
    f.text("BT-45", "Handelsname", b.trading_name.as_deref());
    f.id("BT-46", "Kennung", b.identifier.as_ref());
    f.id("BT-47", "Registernummer", b.legal_registration_id.as_ref());
    f.text(
        "BT-48",
        "Umsatzsteuer-Identifikationsnummer",
        b.vat_id.as_deref(),
    );
    f.id(
        "BT-49",
        "Elektronische Adresse",
        b.electronic_address.as_ref(),
    );
    f.block(None)
}

/// The term ids of one address group: group, line 1, line 2, line 3, city, post code,
/// subdivision, country.
type AddressTerms = [&'static str; 8];
const SELLER_ADDRESS: AddressTerms = [
    "BG-5", "BT-35", "BT-36", "BT-162", "BT-37", "BT-38", "BT-39", "BT-40",
];
const BUYER_ADDRESS: AddressTerms = [
    "BG-8", "BT-50", "BT-51", "BT-163", "BT-52", "BT-53", "BT-54", "BT-55",
];
const TAX_REPRESENTATIVE_ADDRESS: AddressTerms = [
    "BG-12", "BT-64", "BT-65", "BT-164", "BT-66", "BT-67", "BT-68", "BT-69",
];
const DELIVERY_ADDRESS: AddressTerms = [
    "BG-15", "BT-75", "BT-76", "BT-165", "BT-77", "BT-78", "BT-79", "BT-80",
];

fn address(a: Option<&PostalAddress>, t: &AddressTerms, cur: &str) -> Option<Block> {
    let a = a?;
    let mut f = Fields::new(cur);
    f.text(t[1], "Adresszeile 1", a.line_one.as_deref());
    f.text(t[2], "Adresszeile 2", a.line_two.as_deref());
    f.text(t[3], "Adresszeile 3", a.line_three.as_deref());
    f.text(t[5], "Postleitzahl", a.post_code.as_deref());
    f.text(t[4], "Ort", a.city.as_deref());
    f.text(t[6], "Region", a.country_subdivision.as_deref());
    f.text(t[7], "Ländercode", a.country_code.as_deref());
    f.block(Some(format!("Anschrift ({})", t[0])))
}

fn contact(c: Option<&Contact>, t: [&'static str; 3], cur: &str) -> Option<Block> {
    let c = c?;
    let mut f = Fields::new(cur);
    f.text(t[0], "Kontaktstelle", c.name.as_deref());
    f.text(t[1], "Telefon", c.telephone.as_deref());
    f.text(t[2], "E-Mail", c.email.as_deref());
    let group = if t[0] == "BT-41" { "BG-6" } else { "BG-9" };
    f.block(Some(format!("Kontakt ({group})")))
}

fn payee(inv: &Invoice, cur: &str) -> Option<Block> {
    let p = inv.payee.as_ref()?;
    let mut f = Fields::new(cur);
    f.text("BT-59", "Name", p.name.as_deref());
    f.id("BT-60", "Kennung", p.identifier.as_ref());
    f.id("BT-61", "Registernummer", p.legal_registration_id.as_ref());
    f.block(None)
}

fn tax_representative(inv: &Invoice, cur: &str) -> Vec<Option<Block>> {
    let Some(t) = inv.tax_representative.as_ref() else {
        return Vec::new();
    };
    let mut f = Fields::new(cur);
    f.text("BT-62", "Name", t.name.as_deref());
    f.text(
        "BT-63",
        "Umsatzsteuer-Identifikationsnummer",
        t.vat_id.as_deref(),
    );
    vec![
        f.block(None),
        address(t.address.as_ref(), &TAX_REPRESENTATIVE_ADDRESS, cur),
    ]
}

fn delivery(inv: &Invoice, cur: &str) -> Vec<Option<Block>> {
    let Some(d) = inv.delivery.as_ref() else {
        return Vec::new();
    };
    let mut f = Fields::new(cur);
    f.text("BT-70", "Name des Empfängers", d.party_name.as_deref());
    f.id("BT-71", "Kennung des Lieferorts", d.location_id.as_ref());
    f.date("BT-72", "Tatsächliches Lieferdatum", d.actual_delivery_date);
    vec![
        f.block(None),
        address(d.address.as_ref(), &DELIVERY_ADDRESS, cur),
    ]
}

fn payment(inv: &Invoice, cur: &str) -> Vec<Option<Block>> {
    let Some(p) = inv.payment_instructions.as_ref() else {
        return Vec::new();
    };
    let mut f = Fields::new(cur);
    f.code(
        "BT-81",
        "Zahlungsart",
        p.means_code.as_deref(),
        payment_means_name,
    );
    f.text("BT-82", "Text zur Zahlungsart", p.means_text.as_deref());
    f.text(
        "BT-83",
        "Verwendungszweck",
        p.remittance_information.as_deref(),
    );
    let mut blocks = vec![f.block(None)];
    for (i, t) in p.credit_transfers.iter().enumerate() {
        let mut f = Fields::new(cur);
        f.text(
            "BT-84",
            "Kennung des Zahlungskontos (IBAN)",
            t.account_id.as_deref(),
        );
        f.text(
            "BT-85",
            "Name des Zahlungskontos",
            t.account_name.as_deref(),
        );
        f.text(
            "BT-86",
            "Kennung des Zahlungsdienstleisters (BIC)",
            t.service_provider_id.as_deref(),
        );
        blocks.push(f.block(Some(format!("Überweisung {} (BG-17)", i + 1))));
    }
    if let Some(c) = &p.card {
        let mut f = Fields::new(cur);
        f.text("BT-87", "Kartennummer", c.primary_account_number.as_deref());
        f.text("BT-88", "Karteninhaber", c.holder_name.as_deref());
        blocks.push(f.block(Some("Zahlungskarte (BG-18)".to_owned())));
    }
    if let Some(d) = &p.direct_debit {
        let mut f = Fields::new(cur);
        f.text("BT-89", "Mandatsreferenz", d.mandate_reference.as_deref());
        f.text(
            "BT-90",
            "Gläubiger-Identifikationsnummer",
            d.creditor_id.as_deref(),
        );
        f.text("BT-91", "Belastetes Konto", d.debited_account_id.as_deref());
        blocks.push(f.block(Some("Lastschrift (BG-19)".to_owned())));
    }
    blocks
}

/// Term ids and labels of an allowance or a charge: amount, base, percentage, VAT category,
/// VAT rate, reason, reason code; then the heading word.
struct AllowanceTerms {
    terms: [&'static str; 7],
    heading: &'static str,
}
const ALLOWANCE: AllowanceTerms = AllowanceTerms {
    terms: [
        "BT-92", "BT-93", "BT-94", "BT-95", "BT-96", "BT-97", "BT-98",
    ],
    heading: "Nachlass",
};
const CHARGE: AllowanceTerms = AllowanceTerms {
    terms: [
        "BT-99", "BT-100", "BT-101", "BT-102", "BT-103", "BT-104", "BT-105",
    ],
    heading: "Zuschlag",
};

fn allowance_charge(a: &AllowanceCharge, t: &AllowanceTerms, i: usize, cur: &str) -> Option<Block> {
    let [amount, base, pct, cat, rate, reason, code] = t.terms;
    let mut f = Fields::new(cur);
    f.amount(amount, "Betrag", a.amount);
    f.amount(base, "Grundbetrag", a.base_amount);
    f.percent(pct, "Prozentsatz", a.percentage);
    f.code(
        cat,
        "Umsatzsteuerkategorie",
        a.vat_category_code.as_deref(),
        vat_category_name,
    );
    f.percent(rate, "Umsatzsteuersatz", a.vat_rate);
    f.text(reason, "Grund", a.reason.as_deref());
    f.text(code, "Code des Grundes", a.reason_code.as_deref());
    f.block(Some(format!("{} {}", t.heading, i + 1)))
}

fn totals(inv: &Invoice, cur: &str) -> Option<Block> {
    let t = &inv.totals;
    let mut f = Fields::new(cur);
    f.amount(
        "BT-106",
        "Summe der Nettobeträge aller Positionen",
        t.line_net_sum,
    );
    f.amount("BT-107", "Summe der Nachlässe", t.allowances_sum);
    f.amount("BT-108", "Summe der Zuschläge", t.charges_sum);
    f.amount(
        "BT-109",
        "Gesamtbetrag ohne Umsatzsteuer",
        t.total_without_vat,
    );
    f.amount("BT-110", "Summe der Umsatzsteuer", t.vat_total);
    if let Some(v) = t.vat_total_accounting_currency {
        let accounting = inv.vat_accounting_currency_code.as_deref().unwrap_or("");
        let shown = format!("{} {accounting}", decimal_de(v));
        f.push(
            "BT-111",
            "Umsatzsteuer in Abrechnungswährung",
            shown.trim_end().to_owned(),
        );
    }
    f.amount(
        "BT-112",
        "Gesamtbetrag einschließlich Umsatzsteuer",
        t.total_with_vat,
    );
    f.amount("BT-113", "Gezahlter Betrag", t.paid);
    f.amount("BT-114", "Rundungsbetrag", t.rounding);
    f.amount("BT-115", "Fälliger Zahlungsbetrag", t.amount_due);
    f.block(None)
}

fn vat(inv: &Invoice, cur: &str) -> Vec<Option<Block>> {
    inv.vat_breakdown
        .iter()
        .map(|v| {
            let mut f = Fields::new(cur);
            f.code(
                "BT-118",
                "Kategorie",
                v.category_code.as_deref(),
                vat_category_name,
            );
            f.percent("BT-119", "Steuersatz", v.rate);
            f.amount("BT-116", "Steuerbasisbetrag", v.taxable_amount);
            f.amount("BT-117", "Steuerbetrag", v.tax_amount);
            f.text("BT-120", "Befreiungsgrund", v.exemption_reason.as_deref());
            f.text(
                "BT-121",
                "Code des Befreiungsgrundes",
                v.exemption_reason_code.as_deref(),
            );
            let heading = format!(
                "Kategorie {}{}",
                v.category_code.as_deref().unwrap_or("?"),
                v.rate
                    .map_or_else(String::new, |r| format!(", {} %", decimal_de(r)))
            );
            f.block(Some(heading))
        })
        .collect()
}

fn third_party(inv: &Invoice, cur: &str) -> Vec<Option<Block>> {
    inv.third_party_payments
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut f = Fields::new(cur);
            f.text("BT-DEX-001", "Art der Zahlung", p.payment_type.as_deref());
            f.amount("BT-DEX-002", "Betrag", p.amount);
            f.text("BT-DEX-003", "Beschreibung", p.description.as_deref());
            f.block(Some(format!("Zahlung {}", i + 1)))
        })
        .collect()
}

fn attachments(inv: &Invoice, cur: &str) -> Vec<Option<Block>> {
    inv.attachments
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut f = Fields::new(cur);
            f.text("BT-122", "Kennung", a.reference.as_deref());
            f.text("BT-123", "Beschreibung", a.description.as_deref());
            f.text(
                "BT-124",
                "Externer Speicherort",
                a.external_location.as_deref(),
            );
            if let Some(c) = &a.content {
                let name = c.filename.as_deref().unwrap_or("(ohne Dateiname)");
                let mime = c.mime_code.as_deref().unwrap_or("unbekannter Typ");
                let shown = format!("{name} ({mime}, {} Bytes)", c.decoded_len_bytes);
                f.push("BT-125", "Angehängtes Dokument", shown);
            }
            f.block(Some(format!("Unterlage {}", i + 1)))
        })
        .collect()
}

fn line(l: &InvoiceLine, cur: &str) -> Option<Block> {
    let mut f = Fields::new(cur);
    f.text("BT-126", "Positionsnummer", l.id.as_deref());
    f.text("BT-127", "Freitext zur Position", l.note.as_deref());
    f.id("BT-128", "Objektkennung", l.object_id.as_ref());
    f.quantity("BT-129", "Menge (mit Einheit BT-130)", l.quantity.as_ref());
    f.amount("BT-131", "Nettobetrag", l.net_amount);
    f.text(
        "BT-132",
        "Referenz zur Bestellposition",
        l.order_line_reference.as_deref(),
    );
    f.text(
        "BT-133",
        "Buchungsreferenz des Käufers",
        l.buyer_accounting_reference.as_deref(),
    );
    if let Some(p) = &l.period {
        let labels = ["Leistungszeitraum von", "Leistungszeitraum bis"];
        f.period(["BT-134", "BT-135"], labels, p);
    }
    line_allowances(&mut f, &l.allowances, &LINE_ALLOWANCE);
    line_allowances(&mut f, &l.charges, &LINE_CHARGE);
    let p = &l.price;
    f.amount("BT-146", "Nettopreis", p.net_price);
    f.amount("BT-147", "Rabatt auf den Preis", p.discount);
    f.amount("BT-148", "Bruttopreis", p.gross_price);
    f.quantity(
        "BT-149",
        "Basismenge (mit Einheit BT-150)",
        p.base_quantity.as_ref(),
    );
    let it = &l.item;
    f.code(
        "BT-151",
        "Umsatzsteuerkategorie",
        it.vat_category_code.as_deref(),
        vat_category_name,
    );
    f.percent("BT-152", "Umsatzsteuersatz", it.vat_rate);
    f.text("BT-153", "Artikelname", it.name.as_deref());
    f.text("BT-154", "Artikelbeschreibung", it.description.as_deref());
    f.text(
        "BT-155",
        "Artikelnummer des Verkäufers",
        it.seller_id.as_deref(),
    );
    f.text(
        "BT-156",
        "Artikelnummer des Käufers",
        it.buyer_id.as_deref(),
    );
    f.id("BT-157", "Artikelkennung", it.standard_id.as_ref());
    for c in &it.classifications {
        let scheme = [c.scheme_id.as_deref(), c.scheme_version.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let shown = if scheme.is_empty() {
            c.value.clone()
        } else {
            format!("{} (Schema {scheme})", c.value)
        };
        f.push("BT-158", "Artikelklassifizierung", shown);
    }
    f.text("BT-159", "Herkunftsland", it.origin_country.as_deref());
    for a in &it.attributes {
        f.push(
            "BT-160",
            "Eigenschaft (Name BT-160, Wert BT-161)",
            format!("{}: {}", a.name, a.value),
        );
    }
    let id = l.id.as_deref().unwrap_or("?");
    let heading = match &l.parent_line_id {
        Some(parent) => format!("Unterposition {id} zu Position {parent}"),
        None => format!("Position {id}"),
    };
    f.block(Some(heading))
}

/// Line allowances (BG-27) or charges (BG-28): amount, base, percentage, reason, reason code.
struct LineAllowanceTerms {
    terms: [&'static str; 5],
    labels: [&'static str; 5],
}
const LINE_ALLOWANCE: LineAllowanceTerms = LineAllowanceTerms {
    terms: ["BT-136", "BT-137", "BT-138", "BT-139", "BT-140"],
    labels: [
        "Nachlass auf die Position",
        "Grundbetrag des Nachlasses",
        "Prozentsatz des Nachlasses",
        "Grund des Nachlasses",
        "Code des Nachlassgrundes",
    ],
};
const LINE_CHARGE: LineAllowanceTerms = LineAllowanceTerms {
    terms: ["BT-141", "BT-142", "BT-143", "BT-144", "BT-145"],
    labels: [
        "Zuschlag auf die Position",
        "Grundbetrag des Zuschlags",
        "Prozentsatz des Zuschlags",
        "Grund des Zuschlags",
        "Code des Zuschlagsgrundes",
    ],
};

fn line_allowances(f: &mut Fields<'_>, list: &[LineAllowanceCharge], t: &LineAllowanceTerms) {
    for a in list {
        f.amount(t.terms[0], t.labels[0], a.amount);
        f.amount(t.terms[1], t.labels[1], a.base_amount);
        f.percent(t.terms[2], t.labels[2], a.percentage);
        f.text(t.terms[3], t.labels[3], a.reason.as_deref());
        f.text(t.terms[4], t.labels[4], a.reason_code.as_deref());
    }
}

/// German names of the common invoice type codes (UNTDID 1001, XRechnung subset).
fn type_code_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "326" => "Teilrechnung",
        "380" => "Rechnung",
        "381" => "Gutschrift",
        "384" => "Rechnungskorrektur",
        "389" => "Selbst ausgestellte Rechnung",
        "875" => "Teilrechnung für Bauleistungen",
        "876" => "Teilschlussrechnung für Bauleistungen",
        "877" => "Schlussrechnung für Bauleistungen",
        _ => return None,
    })
}

/// German names of the common payment means (UNTDID 4461).
fn payment_means_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "1" => "nicht definiert",
        "10" => "Barzahlung",
        "30" => "Überweisung",
        "31" => "Auslandsüberweisung",
        "42" => "Zahlung auf ein Bankkonto",
        "48" => "Zahlungskarte",
        "49" => "Lastschrift",
        "57" => "Dauerauftrag",
        "58" => "SEPA-Überweisung",
        "59" => "SEPA-Lastschrift",
        "97" => "Verrechnung",
        _ => return None,
    })
}

/// German names of the VAT categories (UNTDID 5305, EN 16931 subset).
fn vat_category_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "S" => "Normalsatz",
        "Z" => "Nullsatz",
        "E" => "steuerbefreit",
        "AE" => "Umkehrung der Steuerschuldnerschaft",
        "K" => "innergemeinschaftliche Lieferung",
        "G" => "Ausfuhr außerhalb der EU",
        "O" => "nicht steuerbar",
        "L" => "IGIC (Kanarische Inseln)",
        "M" => "IPSI (Ceuta und Melilla)",
        _ => return None,
    })
}
