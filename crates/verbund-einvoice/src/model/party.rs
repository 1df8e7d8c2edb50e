//! The parties of an invoice: seller, buyer, payee, tax representative, delivery.

use super::Identifier;
use crate::date::Date;

/// A postal address (BG-5 seller, BG-8 buyer, BG-12 tax representative, BG-15 deliver to).
/// Field docs name the seller's terms; the other groups map one to one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PostalAddress {
    /// BT-35 Address line 1.
    pub line_one: Option<String>,
    /// BT-36 Address line 2.
    pub line_two: Option<String>,
    /// BT-162 Address line 3.
    pub line_three: Option<String>,
    /// BT-37 City.
    pub city: Option<String>,
    /// BT-38 Post code.
    pub post_code: Option<String>,
    /// BT-39 Country subdivision.
    pub country_subdivision: Option<String>,
    /// BT-40 Country code (ISO 3166-1 alpha-2).
    pub country_code: Option<String>,
}

/// A contact (BG-6 seller contact, BG-9 buyer contact).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contact {
    /// BT-41 / BT-56 contact point (person or department).
    pub name: Option<String>,
    /// BT-42 / BT-57 telephone number.
    pub telephone: Option<String>,
    /// BT-43 / BT-58 e-mail address.
    pub email: Option<String>,
}

/// An electronic address with its mandatory scheme (BT-34 + BT-34-1, BT-49 + BT-49-1).
pub type ElectronicAddress = Identifier;

/// BG-4 SELLER.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Seller {
    /// BT-27 Seller name.
    pub name: Option<String>,
    /// BT-28 Seller trading name.
    pub trading_name: Option<String>,
    /// BT-29 Seller identifier (0..n), with BT-29-1 scheme.
    pub identifiers: Vec<Identifier>,
    /// BT-30 Seller legal registration identifier, with BT-30-1 scheme.
    pub legal_registration_id: Option<Identifier>,
    /// BT-31 Seller VAT identifier.
    pub vat_id: Option<String>,
    /// BT-32 Seller tax registration identifier (Steuernummer).
    pub tax_registration_id: Option<String>,
    /// BT-33 Seller additional legal information.
    pub additional_legal_info: Option<String>,
    /// BT-34 Seller electronic address, with BT-34-1 scheme.
    pub electronic_address: Option<ElectronicAddress>,
    /// BG-5 SELLER POSTAL ADDRESS.
    pub address: Option<PostalAddress>,
    /// BG-6 SELLER CONTACT.
    pub contact: Option<Contact>,
}

/// BG-7 BUYER.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Buyer {
    /// BT-44 Buyer name.
    pub name: Option<String>,
    /// BT-45 Buyer trading name.
    pub trading_name: Option<String>,
    /// BT-46 Buyer identifier, with BT-46-1 scheme.
    pub identifier: Option<Identifier>,
    /// BT-47 Buyer legal registration identifier, with BT-47-1 scheme.
    pub legal_registration_id: Option<Identifier>,
    /// BT-48 Buyer VAT identifier.
    pub vat_id: Option<String>,
    /// BT-49 Buyer electronic address, with BT-49-1 scheme.
    pub electronic_address: Option<ElectronicAddress>,
    /// BG-8 BUYER POSTAL ADDRESS.
    pub address: Option<PostalAddress>,
    /// BG-9 BUYER CONTACT.
    pub contact: Option<Contact>,
}

/// BG-10 PAYEE.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Payee {
    /// BT-59 Payee name.
    pub name: Option<String>,
    /// BT-60 Payee identifier, with BT-60-1 scheme.
    pub identifier: Option<Identifier>,
    /// BT-61 Payee legal registration identifier, with BT-61-1 scheme.
    pub legal_registration_id: Option<Identifier>,
}

/// BG-11 SELLER TAX REPRESENTATIVE PARTY.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaxRepresentative {
    /// BT-62 Seller tax representative name.
    pub name: Option<String>,
    /// BT-63 Seller tax representative VAT identifier.
    pub vat_id: Option<String>,
    /// BG-12 SELLER TAX REPRESENTATIVE POSTAL ADDRESS.
    pub address: Option<PostalAddress>,
}

/// BG-13 DELIVERY INFORMATION.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delivery {
    /// BT-70 Deliver to party name.
    pub party_name: Option<String>,
    /// BT-71 Deliver to location identifier, with BT-71-1 scheme.
    pub location_id: Option<Identifier>,
    /// BT-72 Actual delivery date.
    pub actual_delivery_date: Option<Date>,
    /// BG-15 DELIVER TO ADDRESS.
    pub address: Option<PostalAddress>,
}
