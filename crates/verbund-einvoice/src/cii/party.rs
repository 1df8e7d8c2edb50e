//! CII trade parties into BG-4, BG-7, BG-10, BG-11 and addresses.

use crate::mapping::identifier;
use crate::model::{Buyer, Contact, Payee, PostalAddress, Seller, TaxRepresentative};
use crate::xml::fragment::Element;

/// `ram:SpecifiedTaxRegistration/ram:ID` with the given `schemeID` (`VA` VAT id, `FC` tax
/// number).
fn tax_registration(p: Element<'_, '_>, scheme: &str) -> Option<String> {
    p.all("ram:SpecifiedTaxRegistration/ram:ID")
        .into_iter()
        .find(|id| id.attr("schemeID") == Some(scheme))
        .map(|id| id.value().to_owned())
}

/// Every `ram:ID` of a party as written (not `ram:GlobalID`).
pub(super) fn ids_as_written(party: Element<'_, '_>) -> Vec<String> {
    party
        .all("ram:ID")
        .into_iter()
        .map(|id| id.value().to_owned())
        .collect()
}

/// BR-62, BR-63: the party has a `ram:URIUniversalCommunication` and the first has no
/// `ram:URIID/@schemeID` but blanks, `normalize-space(…[1]/ram:URIID/@schemeID) != ''`.
pub(super) fn address_unschemed(party: Element<'_, '_>) -> bool {
    party
        .all("ram:URIUniversalCommunication")
        .first()
        .is_some_and(|u| {
            u.get("ram:URIID")
                .and_then(|id| id.attr("schemeID"))
                .is_none_or(|scheme| crate::lexical::trim_xml(scheme).is_empty())
        })
}

pub(super) fn seller(p: Element<'_, '_>) -> Seller {
    let mut identifiers: Vec<_> = p
        .all("ram:ID")
        .into_iter()
        .filter_map(|id| identifier(Some(id)))
        .collect();
    identifiers.extend(
        p.all("ram:GlobalID")
            .into_iter()
            .filter_map(|id| identifier(Some(id))),
    );
    Seller {
        name: p.text("ram:Name"),
        trading_name: p.text("ram:SpecifiedLegalOrganization/ram:TradingBusinessName"),
        identifiers,
        legal_registration_id: identifier(p.get("ram:SpecifiedLegalOrganization/ram:ID")),
        vat_id: tax_registration(p, "VA"),
        tax_registration_id: tax_registration(p, "FC"),
        additional_legal_info: p.text("ram:Description"),
        electronic_address: identifier(p.get("ram:URIUniversalCommunication/ram:URIID")),
        address: p.get("ram:PostalTradeAddress").map(address),
        contact: p.get("ram:DefinedTradeContact").map(contact),
    }
}

pub(super) fn buyer(p: Element<'_, '_>) -> Buyer {
    Buyer {
        name: p.text("ram:Name"),
        trading_name: p.text("ram:SpecifiedLegalOrganization/ram:TradingBusinessName"),
        identifier: identifier(p.get("ram:ID").or_else(|| p.get("ram:GlobalID"))),
        legal_registration_id: identifier(p.get("ram:SpecifiedLegalOrganization/ram:ID")),
        vat_id: tax_registration(p, "VA"),
        electronic_address: identifier(p.get("ram:URIUniversalCommunication/ram:URIID")),
        address: p.get("ram:PostalTradeAddress").map(address),
        contact: p.get("ram:DefinedTradeContact").map(contact),
    }
}

pub(super) fn payee(p: Element<'_, '_>) -> Payee {
    Payee {
        name: p.text("ram:Name"),
        identifier: identifier(p.get("ram:ID").or_else(|| p.get("ram:GlobalID"))),
        legal_registration_id: identifier(p.get("ram:SpecifiedLegalOrganization/ram:ID")),
    }
}

pub(super) fn tax_representative(p: Element<'_, '_>) -> TaxRepresentative {
    TaxRepresentative {
        name: p.text("ram:Name"),
        vat_id: tax_registration(p, "VA"),
        address: p.get("ram:PostalTradeAddress").map(address),
    }
}

pub(super) fn address(a: Element<'_, '_>) -> PostalAddress {
    PostalAddress {
        line_one: a.text("ram:LineOne"),
        line_two: a.text("ram:LineTwo"),
        line_three: a.text("ram:LineThree"),
        city: a.text("ram:CityName"),
        post_code: a.text("ram:PostcodeCode"),
        country_subdivision: a.text("ram:CountrySubDivisionName"),
        country_code: a.text("ram:CountryID"),
    }
}

fn contact(c: Element<'_, '_>) -> Contact {
    Contact {
        name: c
            .text("ram:PersonName")
            .or_else(|| c.text("ram:DepartmentName")),
        telephone: c.text("ram:TelephoneUniversalCommunication/ram:CompleteNumber"),
        email: c.text("ram:EmailURIUniversalCommunication/ram:URIID"),
    }
}
