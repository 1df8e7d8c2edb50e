//! The one error type of this crate.

use crate::limits::LimitKind;
use crate::scenario::Syntax;

/// Why a document could not be turned into an [`crate::Invoice`].
///
/// Messages are German because they are shown to the people who sent the invoice; the stable
/// machine-readable code is [`EinvoiceError::code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EinvoiceError {
    /// The input has no bytes (a byte order mark alone counts as none).
    #[error("Das Dokument ist leer.")]
    Empty,

    /// The input is larger than [`crate::Limits::input_bytes_max`]; nothing was parsed.
    #[error("Das Dokument ist {size_bytes} Byte groß, erlaubt sind höchstens {max_bytes} Byte.")]
    TooLarge {
        /// Size of the input.
        size_bytes: usize,
        /// The configured maximum.
        max_bytes: usize,
    },

    /// A byte order mark, the byte pattern of the first characters or the XML declaration says
    /// the document is not UTF-8 (XRechnung requires UTF-8).
    #[error("Die Zeichenkodierung {encoding} wird nicht unterstützt, erlaubt ist nur UTF-8.")]
    UnsupportedEncoding {
        /// The encoding found, as declared or detected.
        encoding: String,
    },

    /// The bytes are not valid UTF-8 (typically a Latin-1 or Windows-1252 file without a
    /// declaration).
    #[error("Ungültige UTF-8-Bytefolge in Zeile {line}, Spalte {column}.")]
    InvalidUtf8 {
        /// 1-based line of the first invalid byte.
        line: usize,
        /// 1-based column (in characters) of the first invalid byte.
        column: usize,
    },

    /// The document is not well-formed XML 1.0 with namespaces.
    #[error("Kein wohlgeformtes XML (Zeile {line}, Spalte {column}): {reason}")]
    NotWellFormed {
        /// 1-based line where the problem was found.
        line: usize,
        /// 1-based column (in characters) where the problem was found.
        column: usize,
        /// What is wrong, in German.
        reason: String,
    },

    /// The document contains a document type declaration. DTDs are refused outright: they are
    /// the vehicle of XXE and entity-expansion ("billion laughs") attacks, and no invoice
    /// syntax uses them.
    #[error("DOCTYPE-Deklarationen sind nicht erlaubt (Zeile {line}, Spalte {column}).")]
    DoctypeForbidden {
        /// 1-based line of the declaration.
        line: usize,
        /// 1-based column of the declaration.
        column: usize,
    },

    /// An entity reference other than the five predefined ones and character references.
    /// Without a DTD no other entity can be declared, so this is also what an XXE payload whose
    /// DOCTYPE was stripped looks like.
    #[error("Unbekannte Entität &{name}; in Zeile {line}, Spalte {column}.")]
    UndeclaredEntity {
        /// The entity name as written between `&` and `;`.
        name: String,
        /// 1-based line of the reference.
        line: usize,
        /// 1-based column of the reference.
        column: usize,
    },

    /// One of the [`crate::Limits`] was exceeded; parsing stopped there.
    #[error("Grenzwert überschritten: {limit} höchstens {max} (Zeile {line}, Spalte {column}).")]
    LimitExceeded {
        /// Which limit.
        limit: LimitKind,
        /// Its configured value.
        max: usize,
        /// 1-based line where it was exceeded.
        line: usize,
        /// 1-based column where it was exceeded.
        column: usize,
    },

    /// Well-formed XML, but the root element is not a UBL Invoice, UBL `CreditNote` or CII
    /// `CrossIndustryInvoice`.
    #[error("Kein Rechnungsdokument: das Wurzelelement ist {{{}}}{local_name}.", namespace.as_deref().unwrap_or(""))]
    NotAnInvoice {
        /// Namespace URI of the root element, if it has one.
        namespace: Option<String>,
        /// Local name of the root element.
        local_name: String,
    },

    /// An invoice syntax we read, but its specification identifier (BT-24) selects none of the
    /// validation scenarios (e.g. XRechnung 2.x, Peppol BIS Billing, ZUGFeRD profiles).
    #[error("Für {syntax} mit Spezifikationskennung (BT-24) {} gibt es kein passendes Prüfszenario.", quoted(specification_id.as_deref()))]
    NoScenario {
        /// The syntax of the document.
        syntax: Syntax,
        /// BT-24 as found, `None` if the document has none.
        specification_id: Option<String>,
    },

    /// A supported invoice whose value for a typed business term is not of that type (an
    /// amount that is not an `xs:decimal`, an impossible date).
    #[error(
        "Ungültiger Wert für {term}: {} ist kein(e) {expected}.",
        quoted(Some(value))
    )]
    InvalidValue {
        /// The business term (`BT-2`) or syntax element the value belongs to.
        term: &'static str,
        /// The value as found, cut to 80 characters.
        value: String,
        /// What was expected, in German (`Datum (JJJJ-MM-TT)`).
        expected: &'static str,
    },

    /// A supported invoice that is not valid against the XML Schema of its syntax (an element
    /// in the wrong place, a required element or attribute missing, a value not of its type).
    #[error("Die Rechnung entspricht nicht dem XML-Schema ({count} Fehler). {first}")]
    SchemaInvalid {
        /// How many schema findings there are.
        count: usize,
        /// The first of them, with line and column.
        first: String,
    },
}

impl EinvoiceError {
    /// A stable code per variant for logs, API problem details and HTML error pages.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "EINV-0001",
            Self::TooLarge { .. } => "EINV-0002",
            Self::UnsupportedEncoding { .. } => "EINV-0003",
            Self::InvalidUtf8 { .. } => "EINV-0004",
            Self::NotWellFormed { .. } => "EINV-0005",
            Self::DoctypeForbidden { .. } => "EINV-0006",
            Self::UndeclaredEntity { .. } => "EINV-0007",
            Self::LimitExceeded { .. } => "EINV-0008",
            Self::NotAnInvoice { .. } => "EINV-0009",
            Self::NoScenario { .. } => "EINV-0010",
            Self::InvalidValue { .. } => "EINV-0011",
            Self::SchemaInvalid { .. } => "EINV-0012",
        }
    }
}

fn quoted(value: Option<&str>) -> String {
    match value {
        None => "(keine)".to_owned(),
        Some(value) => {
            let mut cut: String = value.chars().take(80).collect();
            if cut.len() < value.len() {
                cut.push('…');
            }
            format!("„{cut}“")
        }
    }
}
