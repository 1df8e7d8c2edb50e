//! Differential tests against the KoSIT reference: each case edits one official test-suite
//! invoice in memory (never a committed copy) and states what the reference pipeline
//! (`shared/tools/kosit-reference/kosit_ref.py`) reported for exactly that edit. Our error,
//! warning and information ids and the verdict must equal the reference's.

mod shared_data;

use std::collections::BTreeSet;

use verbund_einvoice::{Level, Limits, Verdict, validate};

struct Case {
    name: &'static str,
    /// Path below `testdata/xrechnung-testsuite`.
    base: &'static str,
    /// (text, which occurrence 1-based, replacement), applied in order.
    edits: &'static [(&'static str, usize, &'static str)],
    /// The reference verdict.
    verdict: &'static str,
    /// The reference's error ids after `customLevel`.
    errors: &'static [&'static str],
    /// The reference's warning ids.
    warnings: &'static [&'static str],
    /// The reference's information ids.
    information: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "ubl_line_sum_off",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:LineExtensionAmount currencyID=\"EUR\">314.86<",
            1,
            "<cbc:LineExtensionAmount currencyID=\"EUR\">314.87<",
        )],
        verdict: "reject",
        errors: &["BR-CO-10", "BR-CO-13"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_three_decimals",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "288.79</cbc:LineExtensionAmount>",
            1,
            "288.790</cbc:LineExtensionAmount>",
        )],
        verdict: "reject",
        errors: &["BR-DEC-23", "UBL-DT-01"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_no_seller_city",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[("<cbc:CityName>[Seller city]</cbc:CityName>", 1, "")],
        verdict: "reject",
        errors: &["BR-DE-3"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_short_phone",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[("+49 1234-5678", 1, "+49")],
        verdict: "accept",
        errors: &[],
        warnings: &["BR-DE-27"],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_no_buyer_reference",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>",
            1,
            "",
        )],
        verdict: "reject",
        errors: &["BR-DE-15"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_unknown_currency",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:DocumentCurrencyCode>EUR<",
            1,
            "<cbc:DocumentCurrencyCode>XXY<",
        )],
        verdict: "reject",
        errors: &["BR-CL-04", "BR-CO-15"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_unknown_type_code",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[("<cbc:InvoiceTypeCode>380<", 1, "<cbc:InvoiceTypeCode>999<")],
        verdict: "reject",
        errors: &["BR-CL-01"],
        warnings: &["BR-DE-17"],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_line_period_reversed",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[("<cbc:EndDate>2016-12-31<", 1, "<cbc:EndDate>2015-12-31<")],
        verdict: "reject",
        errors: &["BR-30"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_card_code_with_account",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[("<cbc:PaymentMeansCode>58<", 1, "<cbc:PaymentMeansCode>48<")],
        verdict: "reject",
        errors: &["BR-DE-24-a", "BR-DE-24-b"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_negative_price",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:PriceAmount currencyID=\"EUR\">26.07<",
            1,
            "<cbc:PriceAmount currencyID=\"EUR\">-26.07<",
        )],
        verdict: "reject",
        errors: &["BR-27"],
        warnings: &["PEPPOL-EN16931-R120"],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_vat_subtotal_off",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:TaxAmount currencyID=\"EUR\">22.04<",
            2,
            "<cbc:TaxAmount currencyID=\"EUR\">22.05<",
        )],
        verdict: "reject",
        errors: &["BR-CO-14"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_no_seller_country",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cac:Country>\n                    <cbc:IdentificationCode>DE</cbc:IdentificationCode>\n                </cac:Country>",
            1,
            "",
        )],
        verdict: "reject",
        errors: &["BR-09"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_allowance_without_reason",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cac:TaxTotal>",
            1,
            "<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:Amount currencyID=\"EUR\">1.00</cbc:Amount><cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>7</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:AllowanceCharge><cac:TaxTotal>",
        )],
        verdict: "reject",
        errors: &["BR-33", "BR-CO-11", "BR-CO-21", "BR-S-08"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_bad_email",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:ElectronicMail>seller@email.de<",
            1,
            "<cbc:ElectronicMail>seller@email<",
        )],
        verdict: "accept",
        errors: &[],
        warnings: &["BR-DE-28"],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_payable_off",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:PayableAmount currencyID=\"EUR\">336.9<",
            1,
            "<cbc:PayableAmount currencyID=\"EUR\">336.91<",
        )],
        verdict: "reject",
        errors: &["BR-CO-16"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_no_contact",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cac:Contact>\n                <cbc:Name>nicht vorhanden</cbc:Name>\n                <cbc:Telephone>+49 1234-5678</cbc:Telephone>\n                <cbc:ElectronicMail>seller@email.de</cbc:ElectronicMail>\n            </cac:Contact>",
            1,
            "",
        )],
        verdict: "reject",
        errors: &["BR-DE-2"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_unknown_country",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:IdentificationCode>DE<",
            2,
            "<cbc:IdentificationCode>XX<",
        )],
        verdict: "reject",
        errors: &["BR-CL-14"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_s_line_rate_zero",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:Percent>7</cbc:Percent>",
            3,
            "<cbc:Percent>0</cbc:Percent>",
        )],
        verdict: "reject",
        errors: &["BR-S-05", "BR-S-08"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_s_breakdown_with_exemption",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:Percent>7</cbc:Percent>",
            1,
            "<cbc:Percent>7</cbc:Percent><cbc:TaxExemptionReason>frei</cbc:TaxExemptionReason>",
        )],
        verdict: "reject",
        errors: &["BR-S-10"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_breakdown_exempt_category",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[("<cbc:ID>S</cbc:ID>", 1, "<cbc:ID>E</cbc:ID>")],
        verdict: "reject",
        errors: &["BR-E-08", "BR-E-09", "BR-E-10", "BR-S-01"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_o_breakdown_with_rate",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[("<cbc:ID>S</cbc:ID>", 1, "<cbc:ID>O</cbc:ID>")],
        verdict: "reject",
        errors: &["BR-O-08", "BR-O-09", "BR-O-10", "BR-O-12", "BR-S-01"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_o_line_with_rate",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[("<ram:CategoryCode>S<", 1, "<ram:CategoryCode>O<")],
        verdict: "reject",
        errors: &["BR-O-02", "BR-O-05", "BR-S-08"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_z_breakdown",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[("<ram:CategoryCode>S<", 3, "<ram:CategoryCode>Z<")],
        verdict: "reject",
        errors: &["BR-Z-01", "BR-Z-08", "BR-Z-09"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_ae_breakdown_zero_tax",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[
            ("<ram:CategoryCode>S<", 3, "<ram:CategoryCode>AE<"),
            (
                "<ram:CalculatedAmount>22.04<",
                1,
                "<ram:CalculatedAmount>0<",
            ),
        ],
        verdict: "reject",
        errors: &["BR-AE-01", "BR-AE-08", "BR-AE-10", "BR-CO-14", "BR-CO-17"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_unknown_unit",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[("unitCode=\"XPP\"", 1, "unitCode=\"QQQ\"")],
        verdict: "accept",
        errors: &[],
        warnings: &["BR-CL-23"],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_unknown_endpoint_scheme",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[("schemeID=\"EM\"", 1, "schemeID=\"ZZ\"")],
        verdict: "reject",
        errors: &["BR-CL-25"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_unknown_line_category",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[("<cbc:ID>S</cbc:ID>", 2, "<cbc:ID>X</cbc:ID>")],
        verdict: "reject",
        errors: &["BR-CL-18", "BR-S-08"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_unknown_origin_country",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cac:CommodityClassification>",
            1,
            "<cac:OriginCountry><cbc:IdentificationCode>XX</cbc:IdentificationCode></cac:OriginCountry><cac:CommodityClassification>",
        )],
        verdict: "reject",
        errors: &["BR-CL-15"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_unknown_classification_scheme",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[("listID=\"IB\"", 1, "listID=\"X9\"")],
        verdict: "reject",
        errors: &["BR-CL-13"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_unknown_allowance_reason",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cac:TaxTotal>",
            1,
            "<cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:AllowanceChargeReasonCode>999</cbc:AllowanceChargeReasonCode><cbc:Amount currencyID=\"EUR\">1.00</cbc:Amount><cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>7</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:AllowanceCharge><cac:TaxTotal>",
        )],
        verdict: "reject",
        errors: &["BR-CL-19", "BR-CO-11", "BR-S-08"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_unknown_unit",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[("unitCode=\"XPP\"", 2, "unitCode=\"QQQ\"")],
        verdict: "accept",
        errors: &[],
        warnings: &["BR-CL-23"],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_unknown_line_category",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[("<ram:CategoryCode>S<", 1, "<ram:CategoryCode>X<")],
        verdict: "reject",
        errors: &["BR-CL-18", "BR-S-08"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_unknown_vatex",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:CategoryCode>S</ram:CategoryCode>",
            3,
            "<ram:CategoryCode>S</ram:CategoryCode><ram:ExemptionReasonCode>VATEX-XX</ram:ExemptionReasonCode>",
        )],
        verdict: "reject",
        errors: &["BR-CL-22", "BR-S-10"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_unknown_endpoint_scheme",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[("schemeID=\"EM\"", 2, "schemeID=\"ZZ\"")],
        verdict: "reject",
        errors: &["BR-CL-25"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_ic_breakdown",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[("<cbc:ID>S</cbc:ID>", 1, "<cbc:ID>K</cbc:ID>")],
        verdict: "reject",
        errors: &[
            "BR-IC-08", "BR-IC-09", "BR-IC-10", "BR-IC-11", "BR-IC-12", "BR-S-01",
        ],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_ae_line",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[
            ("<cbc:ID>S</cbc:ID>", 2, "<cbc:ID>AE</cbc:ID>"),
            (
                "<cbc:Percent>7</cbc:Percent>",
                2,
                "<cbc:Percent>0</cbc:Percent>",
            ),
        ],
        verdict: "reject",
        errors: &["BR-AE-01", "BR-AE-02", "BR-S-08"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_ic_breakdown",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[("<ram:CategoryCode>S<", 3, "<ram:CategoryCode>K<")],
        verdict: "reject",
        errors: &[
            "BR-IC-01", "BR-IC-08", "BR-IC-09", "BR-IC-10", "BR-IC-11", "BR-IC-12",
        ],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_ae_line",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[
            ("<ram:CategoryCode>S<", 1, "<ram:CategoryCode>AE<"),
            (
                "<ram:RateApplicablePercent>7<",
                1,
                "<ram:RateApplicablePercent>0<",
            ),
        ],
        verdict: "reject",
        errors: &["BR-AE-01", "BR-AE-02", "BR-S-08"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_o_everywhere_but_one_line",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[
            ("<ram:CategoryCode>S<", 3, "<ram:CategoryCode>O<"),
            ("<ram:CategoryCode>S<", 1, "<ram:CategoryCode>O<"),
        ],
        verdict: "reject",
        errors: &[
            "BR-O-02", "BR-O-05", "BR-O-08", "BR-O-09", "BR-O-10", "BR-O-11", "BR-O-12", "BR-S-01",
        ],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_bad_iban",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[("DE79000000001234567890", 1, "DE79000000001234567891")],
        verdict: "accept",
        errors: &[],
        warnings: &["BR-DE-19"],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_skonto_ok",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "Zahlbar sofort ohne Abzug.",
            1,
            "#SKONTO#TAGE=14#PROZENT=2.00#\n",
        )],
        verdict: "accept",
        errors: &[],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_skonto_bad_percent",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "Zahlbar sofort ohne Abzug.",
            1,
            "#SKONTO#TAGE=14#PROZENT=2#\n",
        )],
        verdict: "reject",
        errors: &["BR-DE-18"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_skonto_no_line_end",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "Zahlbar sofort ohne Abzug.",
            1,
            "Skonto:\n#SKONTO#TAGE=14#PROZENT=2.00#",
        )],
        verdict: "reject",
        errors: &["BR-DE-18"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_vat_id_without_prefix",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:CompanyID>DE 123456789<",
            1,
            "<cbc:CompanyID>123456789<",
        )],
        verdict: "reject",
        errors: &["BR-CO-09"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_no_seller_vat_id",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cac:PartyTaxScheme>\n                <cbc:CompanyID>DE 123456789</cbc:CompanyID>\n                <cac:TaxScheme>\n                    <cbc:ID>VAT</cbc:ID>\n                </cac:TaxScheme>\n            </cac:PartyTaxScheme>",
            1,
            "",
        )],
        verdict: "reject",
        errors: &["BR-DE-16", "BR-S-02"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_split_payment_line",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[("<cbc:ID>S</cbc:ID>", 2, "<cbc:ID>B</cbc:ID>")],
        verdict: "reject",
        errors: &["BR-B-01", "BR-B-02", "BR-S-08"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_bad_iban",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[("DE79000000001234567890", 1, "DE79000000001234567891")],
        verdict: "accept",
        errors: &[],
        warnings: &["BR-DE-19"],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_skonto_bad_days",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "Zahlbar sofort ohne Abzug.",
            1,
            "#SKONTO#TAGE=x#PROZENT=2.00#\n",
        )],
        verdict: "reject",
        errors: &["BR-DE-18"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_vat_id_without_prefix",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "schemeID=\"VA\">DE 123456789<",
            1,
            "schemeID=\"VA\">QQ 123456789<",
        )],
        verdict: "reject",
        errors: &["BR-CO-09"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_split_payment_line",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[("<ram:CategoryCode>S<", 1, "<ram:CategoryCode>B<")],
        verdict: "reject",
        errors: &["BR-B-01", "BR-B-02", "BR-S-08"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_vat_total_three_decimals",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:TaxAmount currencyID=\"EUR\">22.04<",
            1,
            "<cbc:TaxAmount currencyID=\"EUR\">22.040<",
        )],
        verdict: "reject",
        errors: &["UBL-DT-01"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_vat_total_three_decimals",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:TaxTotalAmount currencyID=\"EUR\">22.04<",
            1,
            "<ram:TaxTotalAmount currencyID=\"EUR\">22.041<",
        )],
        verdict: "reject",
        errors: &["BR-CO-14", "BR-DEC-13"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_vat_total_trailing_zero",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:TaxTotalAmount currencyID=\"EUR\">22.04<",
            1,
            "<ram:TaxTotalAmount currencyID=\"EUR\">22.040<",
        )],
        verdict: "accept",
        errors: &[],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_unknown_buyer_id_scheme",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:ID>[Buyer identifier]</cbc:ID>",
            1,
            "<cbc:ID schemeID=\"0244\">[Buyer identifier]</cbc:ID>",
        )],
        verdict: "reject",
        errors: &["BR-CL-10"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_buyer_id_scheme_sepa",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:ID>[Buyer identifier]</cbc:ID>",
            1,
            "<cbc:ID schemeID=\"SEPA\">[Buyer identifier]</cbc:ID>",
        )],
        verdict: "reject",
        errors: &["BR-CL-10"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_seller_id_scheme_sepa",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cac:PartyName>\n                <cbc:Name>[Seller trading name]",
            1,
            "<cac:PartyIdentification><cbc:ID schemeID=\"SEPA\">DE98ZZZ09999999999</cbc:ID></cac:PartyIdentification><cac:PartyName>\n                <cbc:Name>[Seller trading name]",
        )],
        verdict: "accept",
        errors: &[],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_unknown_buyer_id_scheme",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:ID>[Buyer identifier]</ram:ID>",
            1,
            "<ram:GlobalID schemeID=\"9999\">[Buyer identifier]</ram:GlobalID>",
        )],
        verdict: "reject",
        errors: &["BR-CL-10"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_direct_debit_code_with_account",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[("<cbc:PaymentMeansCode>58<", 1, "<cbc:PaymentMeansCode>59<")],
        verdict: "reject",
        errors: &["BR-DE-25-a", "BR-DE-25-b", "PEPPOL-EN16931-R061"],
        warnings: &["BR-DE-20"],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_credit_transfer_with_mandate",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "</cac:PayeeFinancialAccount>",
            1,
            "</cac:PayeeFinancialAccount><cac:PaymentMandate><cbc:ID>M1</cbc:ID></cac:PaymentMandate>",
        )],
        verdict: "reject",
        errors: &["BR-DE-23-b", "BR-DE-30", "BR-DE-31"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_credit_transfer_without_account",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[
            ("<cbc:PaymentMeansCode>58<", 1, "<cbc:PaymentMeansCode>30<"),
            (
                "<cac:PayeeFinancialAccount>\n            <!-- dies ist eine nicht existerende aber valide IBAN als test dummy -->\n            <cbc:ID>DE79000000001234567890</cbc:ID>\n        </cac:PayeeFinancialAccount>",
                1,
                "",
            ),
        ],
        verdict: "reject",
        errors: &["BR-61", "BR-DE-23-a"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_blank_account_id",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[(
            "<cbc:ID>DE79000000001234567890</cbc:ID>",
            1,
            "<cbc:ID> </cbc:ID>",
        )],
        verdict: "reject",
        errors: &["BR-50", "PEPPOL-EN16931-R008"],
        warnings: &["BR-DE-19"],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_direct_debit_code_with_account",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[("<ram:TypeCode>58<", 1, "<ram:TypeCode>59<")],
        verdict: "reject",
        errors: &["BR-DE-25-a", "BR-DE-25-b", "PEPPOL-EN16931-R061"],
        warnings: &["BR-DE-20"],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_creditor_id_with_transfer",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:InvoiceCurrencyCode>",
            1,
            "<ram:CreditorReferenceID>DE98ZZZ09999999999</ram:CreditorReferenceID><ram:InvoiceCurrencyCode>",
        )],
        verdict: "reject",
        errors: &["BR-DE-23-b", "BR-DE-30", "BR-DE-31"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_account_without_id",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:IBANID>DE79000000001234567890</ram:IBANID>",
            1,
            "<ram:AccountName>X</ram:AccountName>",
        )],
        verdict: "reject",
        errors: &["BR-50", "BR-61"],
        warnings: &["BR-DE-19"],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "ubl_full_card_number",
        base: "business-cases/standard/01.01a-INVOICE_ubl.xml",
        edits: &[
            ("<cbc:PaymentMeansCode>58<", 1, "<cbc:PaymentMeansCode>48<"),
            (
                "<cac:PayeeFinancialAccount>\n            <!-- dies ist eine nicht existerende aber valide IBAN als test dummy -->\n            <cbc:ID>DE79000000001234567890</cbc:ID>\n        </cac:PayeeFinancialAccount>",
                1,
                "<cac:CardAccount><cbc:PrimaryAccountNumberID>4111111111111111</cbc:PrimaryAccountNumberID><cbc:NetworkID>VISA</cbc:NetworkID></cac:CardAccount>",
            ),
        ],
        verdict: "accept",
        errors: &[],
        warnings: &["BR-51"],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_full_card_number",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[
            ("<ram:TypeCode>58<", 1, "<ram:TypeCode>48<"),
            (
                "<ram:PayeePartyCreditorFinancialAccount>",
                1,
                "<ram:ApplicableTradeSettlementFinancialCard><ram:ID>4111111111111111</ram:ID></ram:ApplicableTradeSettlementFinancialCard><ram:PayeePartyCreditorFinancialAccount>",
            ),
        ],
        verdict: "reject",
        errors: &["BR-51", "BR-DE-24-b"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_line_sum_off",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:LineTotalAmount>314.86<",
            1,
            "<ram:LineTotalAmount>314.87<",
        )],
        verdict: "reject",
        errors: &["BR-CO-10", "BR-CO-13"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_no_seller_post_code",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[("<ram:PostcodeCode>12345</ram:PostcodeCode>", 1, "")],
        verdict: "reject",
        errors: &["BR-DE-4"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_unknown_type_code",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[("<ram:TypeCode>380<", 1, "<ram:TypeCode>999<")],
        verdict: "reject",
        errors: &["BR-CL-01"],
        warnings: &["BR-DE-17"],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_three_decimals",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:LineTotalAmount>288.79<",
            1,
            "<ram:LineTotalAmount>288.790<",
        )],
        verdict: "reject",
        errors: &["BR-DEC-23"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_vat_calculated_off",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:CalculatedAmount>22.04<",
            1,
            "<ram:CalculatedAmount>25.04<",
        )],
        verdict: "reject",
        errors: &["BR-CO-14", "BR-CO-17", "BR-S-09"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_no_buyer_reference",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:BuyerReference>04011000-12345-03</ram:BuyerReference>",
            1,
            "",
        )],
        verdict: "reject",
        errors: &["BR-DE-15"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_line_period_reversed",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<udt:DateTimeString format=\"102\">20161231<",
            1,
            "<udt:DateTimeString format=\"102\">20151231<",
        )],
        verdict: "reject",
        errors: &["BR-30"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_negative_price",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[("<ram:ChargeAmount>26.07<", 1, "<ram:ChargeAmount>-26.07<")],
        verdict: "reject",
        errors: &["BR-27"],
        warnings: &["PEPPOL-EN16931-R120"],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_due_off",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:DuePayableAmount>336.9<",
            1,
            "<ram:DuePayableAmount>336.80<",
        )],
        verdict: "reject",
        errors: &["BR-CO-16"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_unknown_currency",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:InvoiceCurrencyCode>EUR<",
            1,
            "<ram:InvoiceCurrencyCode>XXY<",
        )],
        verdict: "reject",
        errors: &["BR-CL-04", "BR-CO-15", "PEPPOL-EN16931-R054"],
        warnings: &[],
        information: &["BR-DE-TMP-32"],
    },
    Case {
        name: "cii_no_contact_phone",
        base: "business-cases/standard/01.01a-INVOICE_uncefact.xml",
        edits: &[(
            "<ram:TelephoneUniversalCommunication>\n                        <ram:CompleteNumber>+49 1234-5678</ram:CompleteNumber>\n                    </ram:TelephoneUniversalCommunication>",
            1,
            "",
        )],
        verdict: "reject",
        errors: &["BR-DE-6"],
        warnings: &["BR-DE-27"],
        information: &["BR-DE-TMP-32"],
    },
];

fn edit(mut text: String, edits: &[(&str, usize, &str)]) -> Option<String> {
    for (from, nth, to) in edits {
        let (at, _) = text.match_indices(from).nth(nth - 1)?;
        text.replace_range(at..at + from.len(), to);
    }
    Some(text)
}

#[test]
fn mutated_invoices_get_the_reference_rule_ids() {
    let Some(shared) = shared_data::shared_dir("mutated_invoices_get_the_reference_rule_ids")
    else {
        return;
    };
    let suite = shared.join("testdata/xrechnung-testsuite");
    let mut failures = Vec::new();
    for case in CASES {
        let text = std::fs::read_to_string(suite.join(case.base)).expect("suite file is readable");
        let Some(mutated) = edit(text, case.edits) else {
            failures.push(format!("{}: edit text not found", case.name));
            continue;
        };
        let report = validate(mutated.as_bytes(), &Limits::default());
        let ids = |level: Level| -> BTreeSet<&str> {
            report
                .findings
                .iter()
                .filter(|f| f.level == level)
                .map(|f| f.id.as_ref())
                .collect()
        };
        let (errors, warnings) = (ids(Level::Error), ids(Level::Warning));
        let set = |ids: &[&'static str]| ids.iter().copied().collect::<BTreeSet<&str>>();
        let (want_errors, want_warnings) = (set(case.errors), set(case.warnings));
        let (infos, want_infos) = (ids(Level::Information), set(case.information));
        let verdict = match report.verdict {
            Verdict::Accept => "accept",
            Verdict::Reject => "reject",
            Verdict::Undefined => "undefined",
        };
        if errors != want_errors
            || warnings != want_warnings
            || infos != want_infos
            || verdict != case.verdict
        {
            failures.push(format!(
                "{}: errors {errors:?} want {want_errors:?}, warnings {warnings:?} want \
                 {want_warnings:?}, information {infos:?} want {want_infos:?}, verdict \
                 {verdict} want {}",
                case.name, case.verdict
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
