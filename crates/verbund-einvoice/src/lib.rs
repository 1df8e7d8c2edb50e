//! `verbund-einvoice` owns the German e-invoice formats for Verbund: it classifies an incoming
//! document, selects the XRechnung 3.0.2 validation scenario exactly as the official KoSIT
//! configuration does, and parses UBL 2.1 Invoice/`CreditNote` and UN/CEFACT CII D16B into one
//! typed EN 16931 model ([`Invoice`]), and validates it against the XRechnung rules
//! ([`validate`], [`Report`]) without a JVM or XSLT, and renders it as a printable German HTML page ([`render`]).
//!
//! The crate is pure: bytes in, values out. It must not do I/O (no files, network, database,
//! clock or environment), must not start a JVM or XSLT processor, and must not depend on the
//! store, web or binary crates. Callers read the bytes and decide what to do with the result.
//!
//! Input is untrusted. The parser refuses DTDs and unknown entities (XXE, entity expansion),
//! accepts only UTF-8, never builds a tree of the whole document, and enforces [`Limits`] on
//! size, depth, element and attribute counts, lines and attachments. No input makes it panic.
//!
//! ```
//! use verbund_einvoice::{Classification, Limits, classify};
//!
//! match classify(b"<html/>", &Limits::default()) {
//!     Classification::NotInvoice { local_name, .. } => assert_eq!(local_name, "html"),
//!     other => panic!("unexpected {other:?}"),
//! }
//! ```

mod cii;
mod date;
mod document;
mod error;
mod facts;
pub mod intake;
mod lexical;
mod limits;
mod mapping;
pub mod model;
pub mod pdf;
pub mod render;
mod report;
pub mod rules;
pub mod sample;
mod scenario;
mod ubl;
mod validate;
mod xml;
mod xsd;

pub use date::Date;
pub use document::{Classification, ParsedInvoice, classify, invoice_parse};
pub use error::EinvoiceError;
pub use facts::SyntaxFacts;
pub use limits::{LimitKind, Limits};
pub use model::Invoice;
pub use pdf::{EmbeddedInvoice, PdfError, is_pdf, pdf_extract, validate_pdf};
pub use report::{Finding, Report, Verdict};
pub use scenario::{
    CII_NS, Level, Profile, SCENARIOS, Scenario, Syntax, UBL_CREDIT_NOTE_NS, UBL_INVOICE_NS,
    scenario_select,
};
pub use validate::{
    AMBIGUOUS, ENCODING, INTERNAL, INVALID_VALUE, LIMIT, NO_SCENARIO, NOT_INVOICE, NOT_XML, SCHEMA,
    UNSAFE, validate, validate_classified,
};
