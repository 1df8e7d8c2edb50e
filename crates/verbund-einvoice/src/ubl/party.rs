//! UBL parties (`cac:Party` and friends) into BG-4, BG-7, BG-10, BG-11, BG-13.

use crate::mapping::{Values, identifier};
use crate::model::{Buyer, Contact, Delivery, Payee, PostalAddress, Seller, TaxRepresentative};
use crate::xml::fragment::Element;

/// `cac:PartyIdentification/cbc:ID` with scheme `SEPA` is BT-90, not a party identifier.
fn is_sepa(id: Element<'_, '_>) -> bool {
    id.attr("schemeID") == Some("SEPA")
}

pub(super) fn sepa_creditor_id(party: Element<'_, '_>) -> Option<String> {
    party
        .all("cac:PartyIdentification/cbc:ID")
        .into_iter()
        .find(|id| is_sepa(*id))
        .map(|id| id.value().to_owned())
}

/// Every `cac:PartyIdentification/cbc:ID` as written, scheme `SEPA` included.
pub(super) fn ids_as_written(party: Element<'_, '_>) -> Vec<String> {
    party
        .all("cac:PartyIdentification/cbc:ID")
        .into_iter()
        .map(|id| id.value().to_owned())
        .collect()
}

pub(super) fn seller(p: Element<'_, '_>) -> Seller {
    let (vat_id, tax_registration_id) = tax_ids(p);
    Seller {
        name: p.text("cac:PartyLegalEntity/cbc:RegistrationName"),
        trading_name: p.text("cac:PartyName/cbc:Name"),
        identifiers: p
            .all("cac:PartyIdentification/cbc:ID")
            .into_iter()
            .filter(|id| !is_sepa(*id))
            .filter_map(|id| identifier(Some(id)))
            .collect(),
        legal_registration_id: identifier(p.get("cac:PartyLegalEntity/cbc:CompanyID")),
        vat_id,
        tax_registration_id,
        additional_legal_info: p.text("cac:PartyLegalEntity/cbc:CompanyLegalForm"),
        electronic_address: identifier(p.get("cbc:EndpointID")),
        address: p.get("cac:PostalAddress").map(address),
        contact: p.get("cac:Contact").map(contact),
    }
}

pub(super) fn buyer(p: Element<'_, '_>) -> Buyer {
    Buyer {
        name: p.text("cac:PartyLegalEntity/cbc:RegistrationName"),
        trading_name: p.text("cac:PartyName/cbc:Name"),
        identifier: identifier(p.get("cac:PartyIdentification/cbc:ID")),
        legal_registration_id: identifier(p.get("cac:PartyLegalEntity/cbc:CompanyID")),
        vat_id: tax_ids(p).0,
        electronic_address: identifier(p.get("cbc:EndpointID")),
        address: p.get("cac:PostalAddress").map(address),
        contact: p.get("cac:Contact").map(contact),
    }
}

pub(super) fn payee(p: Element<'_, '_>) -> Payee {
    Payee {
        name: p.text("cac:PartyName/cbc:Name"),
        identifier: p
            .all("cac:PartyIdentification/cbc:ID")
            .into_iter()
            .find(|id| !is_sepa(*id))
            .and_then(|id| identifier(Some(id))),
        legal_registration_id: identifier(p.get("cac:PartyLegalEntity/cbc:CompanyID")),
    }
}

pub(super) fn tax_representative(p: Element<'_, '_>) -> TaxRepresentative {
    TaxRepresentative {
        name: p.text("cac:PartyName/cbc:Name"),
        // BT-63 is the VAT id: the `cac:PartyTaxScheme` of scheme VAT (BR-56).
        vat_id: tax_ids(p).0,
        address: p.get("cac:PostalAddress").map(address),
    }
}

pub(super) fn delivery(v: &mut Values, d: Element<'_, '_>) -> Delivery {
    Delivery {
        party_name: d.text("cac:DeliveryParty/cac:PartyName/cbc:Name"),
        location_id: identifier(d.get("cac:DeliveryLocation/cbc:ID")),
        actual_delivery_date: v.date_iso(d.get("cbc:ActualDeliveryDate"), "BT-72"),
        address: d.get("cac:DeliveryLocation/cac:Address").map(address),
    }
}

/// (BT-31/BT-48 VAT id, BT-32 tax registration id): `cac:PartyTaxScheme` with tax scheme
/// `VAT` is the VAT id, any other scheme (XRechnung uses `FC`) the tax registration. The
/// rules select the scheme as `normalize-space(upper-case(cbc:ID)) = 'VAT'`.
fn tax_ids(p: Element<'_, '_>) -> (Option<String>, Option<String>) {
    let mut vat = None;
    let mut other = None;
    for scheme in p.all("cac:PartyTaxScheme") {
        let is_vat = scheme
            .get("cac:TaxScheme/cbc:ID")
            .is_some_and(|id| crate::lexical::trim_xml(id.value()).to_uppercase() == "VAT");
        let slot = if is_vat { &mut vat } else { &mut other };
        if slot.is_none() {
            *slot = scheme.text("cbc:CompanyID");
        }
    }
    (vat, other)
}

pub(super) fn address(a: Element<'_, '_>) -> PostalAddress {
    PostalAddress {
        line_one: a.text("cbc:StreetName"),
        line_two: a.text("cbc:AdditionalStreetName"),
        line_three: a.text("cac:AddressLine/cbc:Line"),
        city: a.text("cbc:CityName"),
        post_code: a.text("cbc:PostalZone"),
        country_subdivision: a.text("cbc:CountrySubentity"),
        country_code: a.text("cac:Country/cbc:IdentificationCode"),
    }
}

fn contact(c: Element<'_, '_>) -> Contact {
    Contact {
        name: c.text("cbc:Name"),
        telephone: c.text("cbc:Telephone"),
        email: c.text("cbc:ElectronicMail"),
    }
}
