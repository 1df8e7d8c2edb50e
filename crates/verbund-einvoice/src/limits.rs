//! Bounds on everything in an untrusted document that can grow.

/// Upper bounds the parser enforces while reading; exceeding one stops parsing with
/// [`crate::EinvoiceError::LimitExceeded`] (or [`crate::EinvoiceError::TooLarge`] for the size).
///
/// The defaults admit every real invoice we know of, including a 100,000-line invoice, while
/// keeping a hostile document from costing more than a bounded amount of memory and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted input in bytes, checked before anything is parsed.
    pub input_bytes_max: usize,
    /// Deepest element nesting, the root element being depth 1. Real invoices stay below 15;
    /// values above [`Limits::DEPTH_CEILING`] are treated as the ceiling.
    pub depth_max: usize,
    /// Most elements in the whole document.
    pub element_count_max: usize,
    /// Most elements in one record: a top-level child such as a UBL invoice line with its
    /// sub-lines, or one CII line. A record is held as a small tree (about 130 bytes per
    /// element) while it is mapped, so this bounds the parser's working memory for documents
    /// that pack everything into one record.
    pub record_element_count_max: usize,
    /// Most attributes (namespace declarations included) on one element.
    pub attribute_count_max: usize,
    /// Most invoice lines (BG-25), sub-lines included.
    pub line_count_max: usize,
    /// Most additional supporting documents (BG-24).
    pub attachment_count_max: usize,
    /// Most indirect objects a PDF may hold, in the file and in its object streams together:
    /// the PDF reader's step budget. Its scan is linear in the file; this bounds the objects
    /// it keeps and parses, whatever a file packs into a few bytes each.
    pub pdf_object_count_max: usize,
}

impl Limits {
    /// Hard ceiling for [`Limits::depth_max`]: parsed fragments are dropped recursively, so
    /// their depth must stay far from what the stack can hold whatever the configuration says.
    pub const DEPTH_CEILING: usize = 256;

    /// The depth limit actually enforced.
    #[must_use]
    pub fn effective_depth_max(&self) -> usize {
        self.depth_max.min(Self::DEPTH_CEILING)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            input_bytes_max: 256 * 1024 * 1024,
            depth_max: 64,
            element_count_max: 10_000_000,
            record_element_count_max: 250_000,
            attribute_count_max: 64,
            line_count_max: 250_000,
            attachment_count_max: 500,
            pdf_object_count_max: 1_000_000,
        }
    }
}

/// Which of the [`Limits`] was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// [`Limits::depth_max`].
    Depth,
    /// [`Limits::element_count_max`].
    ElementCount,
    /// [`Limits::record_element_count_max`].
    RecordElementCount,
    /// [`Limits::attribute_count_max`].
    AttributeCount,
    /// [`Limits::line_count_max`].
    LineCount,
    /// [`Limits::attachment_count_max`].
    AttachmentCount,
}

impl std::fmt::Display for LimitKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Depth => "Verschachtelungstiefe",
            Self::ElementCount => "Anzahl der Elemente",
            Self::RecordElementCount => "Anzahl der Elemente in einem Abschnitt",
            Self::AttributeCount => "Attribute je Element",
            Self::LineCount => "Anzahl der Rechnungspositionen",
            Self::AttachmentCount => "Anzahl der Anhänge",
        })
    }
}
