//! The XRechnung CVD rules (Clean Vehicles Directive reporting): BR-DE-CVD-* and
//! BR-TMP-CVD-01, guarded by `$isCVD` (BT-24 is the CVD identifier as written).
//!
//! A line reports a vehicle with an item classification of scheme `CVD` (the vehicle category)
//! and an item attribute named `cva` (the clean vehicle class). Scheme and attribute names are
//! compared as written (`@listID = 'CVD'`, `cbc:Name = 'cva'`); values after
//! `normalize-space`.

use super::codes::{listed, lists};
use super::{Input, Where, filled, normalize_space};
use crate::model::Item;

/// `$CVD-VEHICLE-CATEGORY`.
const VEHICLE_CATEGORIES: [&str; 6] = ["M1", "M2", "M3", "N1", "N2", "N3"];
/// `$CVA-CODES`.
const CLEAN_VEHICLE_CLASSES: [&str; 3] = ["clean", "zero-emission", "other"];

fn cvd_classifications(item: &Item) -> usize {
    item.classifications
        .iter()
        .filter(|c| c.scheme_id.as_deref() == Some("CVD"))
        .count()
}

fn cva_attributes(item: &Item) -> usize {
    item.attributes.iter().filter(|a| a.name == "cva").count()
}

/// The line items a CVD rule sees (UBL: lines, not Extension sub-lines; CII: every line).
fn items<'a>(i: &Input<'a>) -> impl Iterator<Item = (usize, &'a Item)> + use<'a> {
    let cvd = i.is_cvd();
    i.lines()
        .filter(move |_| cvd)
        .map(|(n, line)| (n, &line.item))
}

pub fn br_de_cvd_01(i: &Input<'_>, o: &mut Vec<Where>) {
    if i.is_cvd() && !filled(i.invoice.contract_reference.as_ref()) {
        o.push(Where::Root);
    }
}
pub fn br_de_cvd_02(i: &Input<'_>, o: &mut Vec<Where>) {
    if i.is_cvd() && !filled(i.invoice.tender_or_lot_reference.as_ref()) {
        o.push(Where::Root);
    }
}
/// At least one line reports a vehicle.
pub fn br_de_cvd_03(i: &Input<'_>, o: &mut Vec<Where>) {
    if i.is_cvd()
        && !items(i).any(|(_, item)| cvd_classifications(item) > 0 && cva_attributes(item) > 0)
    {
        o.push(Where::Root);
    }
}
/// A vehicle category (classification of scheme CVD) is one of the six.
pub fn br_de_cvd_04(i: &Input<'_>, o: &mut Vec<Where>) {
    for (n, item) in items(i) {
        for c in &item.classifications {
            let scheme = c.scheme_id.as_deref().map(normalize_space);
            if scheme.as_deref() == Some("CVD")
                && !VEHICLE_CATEGORIES.contains(&normalize_space(&c.value).as_str())
            {
                o.push(Where::Line(n));
            }
        }
    }
}
/// A `cva` attribute's value is a clean vehicle class.
pub fn br_de_cvd_05(i: &Input<'_>, o: &mut Vec<Where>) {
    for (n, item) in items(i) {
        for a in item.attributes.iter().filter(|a| a.name == "cva") {
            if !CLEAN_VEHICLE_CLASSES.contains(&normalize_space(&a.value).as_str()) {
                o.push(Where::Line(n));
            }
        }
    }
}
/// A line with a vehicle category has exactly one `cva` attribute.
pub fn br_de_cvd_06_a(i: &Input<'_>, o: &mut Vec<Where>) {
    for (n, item) in items(i) {
        if cvd_classifications(item) > 0 && cva_attributes(item) != 1 {
            o.push(Where::Line(n));
        }
    }
}
/// A line with a `cva` attribute has exactly one vehicle category.
pub fn br_de_cvd_06_b(i: &Input<'_>, o: &mut Vec<Where>) {
    for (n, item) in items(i) {
        if cva_attributes(item) > 0 && cvd_classifications(item) != 1 {
            o.push(Where::Line(n));
        }
    }
}
/// Classification schemes are `CVD` or UNTDID 7143. The list variable is `' CVD '` followed by
/// the UNTDID 7143 literal, so it holds a double blank and an empty scheme passes.
pub fn br_tmp_cvd_01(i: &Input<'_>, o: &mut Vec<Where>) {
    for (n, item) in items(i) {
        for c in &item.classifications {
            let scheme = normalize_space(c.scheme_id.as_deref().unwrap_or_default());
            let ok = scheme.is_empty()
                || scheme == "CVD"
                || listed(&lists::ITEM_CLASSIFICATION, &scheme);
            if !ok {
                o.push(Where::Line(n));
            }
        }
    }
}
