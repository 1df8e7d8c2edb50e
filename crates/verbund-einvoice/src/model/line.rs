//! BG-25 INVOICE LINE and its groups.

use rust_decimal::Decimal;

use super::{Identifier, Period, Quantity};

/// BG-27 INVOICE LINE ALLOWANCES or BG-28 INVOICE LINE CHARGES; the list it sits in on
/// [`InvoiceLine`] says which. Field docs give the allowance term, then the charge term.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineAllowanceCharge {
    /// BT-136 / BT-141 amount.
    pub amount: Option<Decimal>,
    /// BT-137 / BT-142 base amount.
    pub base_amount: Option<Decimal>,
    /// BT-138 / BT-143 percentage.
    pub percentage: Option<Decimal>,
    /// BT-139 / BT-144 reason.
    pub reason: Option<String>,
    /// BT-140 / BT-145 reason code.
    pub reason_code: Option<String>,
}

/// BG-29 PRICE DETAILS.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Price {
    /// BT-146 Item net price.
    pub net_price: Option<Decimal>,
    /// BT-147 Item price discount.
    pub discount: Option<Decimal>,
    /// BT-148 Item gross price.
    pub gross_price: Option<Decimal>,
    /// BT-149 Item price base quantity, with BT-150 unit.
    pub base_quantity: Option<Quantity>,
}

/// BT-158 Item classification identifier with BT-158-1 scheme and BT-158-2 scheme version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemClassification {
    /// BT-158 Item classification identifier.
    pub value: String,
    /// BT-158-1 Scheme identifier (UNTDID 7143, `listID`).
    pub scheme_id: Option<String>,
    /// BT-158-2 Scheme version identifier (`listVersionID`).
    pub scheme_version: Option<String>,
}

/// BG-32 ITEM ATTRIBUTES.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemAttribute {
    /// BT-160 Item attribute name.
    pub name: String,
    /// BT-161 Item attribute value.
    pub value: String,
}

/// BG-31 ITEM INFORMATION plus BG-30 LINE VAT INFORMATION (which UBL keeps on the item).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Item {
    /// BT-153 Item name.
    pub name: Option<String>,
    /// BT-154 Item description.
    pub description: Option<String>,
    /// BT-155 Item Seller's identifier.
    pub seller_id: Option<String>,
    /// BT-156 Item Buyer's identifier.
    pub buyer_id: Option<String>,
    /// BT-157 Item standard identifier, with BT-157-1 scheme.
    pub standard_id: Option<Identifier>,
    /// BT-158 Item classification identifiers (0..n).
    pub classifications: Vec<ItemClassification>,
    /// BT-159 Item country of origin.
    pub origin_country: Option<String>,
    /// BG-32 ITEM ATTRIBUTES (0..n).
    pub attributes: Vec<ItemAttribute>,
    /// BT-151 Invoiced item VAT category code (BG-30).
    pub vat_category_code: Option<String>,
    /// BT-152 Invoiced item VAT rate (BG-30).
    pub vat_rate: Option<Decimal>,
    /// The tax the category is of, as written (UBL `cac:TaxScheme/cbc:ID`, CII
    /// `ram:TypeCode`): most rules select categories of VAT only (see `rules::core::of_vat`).
    pub tax_scheme: Option<String>,
}

/// BG-25 INVOICE LINE.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InvoiceLine {
    /// BT-126 Invoice line identifier.
    pub id: Option<String>,
    /// XRechnung Extension: the BT-126 of the line this sub-line belongs to (UBL
    /// `SubInvoiceLine` nesting, CII `ParentLineID`).
    pub parent_line_id: Option<String>,
    /// BT-127 Invoice line note.
    pub note: Option<String>,
    /// BT-128 Invoice line object identifier, with BT-128-1 scheme.
    pub object_id: Option<Identifier>,
    /// BT-129 Invoiced quantity, with BT-130 unit.
    pub quantity: Option<Quantity>,
    /// BT-131 Invoice line net amount.
    pub net_amount: Option<Decimal>,
    /// BT-132 Referenced purchase order line reference.
    pub order_line_reference: Option<String>,
    /// BT-133 Invoice line Buyer accounting reference.
    pub buyer_accounting_reference: Option<String>,
    /// BG-26 INVOICE LINE PERIOD.
    pub period: Option<Period>,
    /// BG-27 INVOICE LINE ALLOWANCES.
    pub allowances: Vec<LineAllowanceCharge>,
    /// BG-28 INVOICE LINE CHARGES.
    pub charges: Vec<LineAllowanceCharge>,
    /// BG-29 PRICE DETAILS.
    pub price: Price,
    /// BG-31 ITEM INFORMATION with BG-30 LINE VAT INFORMATION.
    pub item: Item,
}
