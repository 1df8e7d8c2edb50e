//! The XML Schema step of the official validator: is the document valid against the XSD of its
//! syntax (UBL 2.1 Invoice/CreditNote, CII D16B)?
//!
//! The schemas are not read at run time. `tests/xsd_tables.rs` compiles the official `.xsd`
//! files (the subset of XSD 1.0 they use) into the tables in `xsd/ubl.rs` and `xsd/cii.rs`
//! and fails when the committed tables differ from what the sources give. At run time
//! [`Validator`] checks the document in the same streaming pass that parses it: each complex
//! type's content model becomes a Glushkov automaton (deterministic, because XSD demands unique
//! particle attribution), built once on first use; simple values are checked against their
//! built-in type and facets.
//!
//! What is left out, on purpose: the signature schemas (XAdES, XML-DSig) behind the lax
//! wildcard of `ext:ExtensionContent`. An element there in a namespace the tables do not hold
//! is skipped, which is what lax processing does for an unknown element, but the reference
//! knows the signature schemas and validates a `ds:Signature` there.

mod automaton;
#[rustfmt::skip]
mod cii;
mod lexical;
#[rustfmt::skip]
mod ubl;
mod validator;

pub(crate) use validator::{SchemaFinding, Validator};

use crate::xml::Ns;

/// One compiled schema: every element declaration, complex type and simple type reachable
/// from the syntax's root elements.
#[derive(Debug)]
pub(crate) struct Schema {
    /// Element declarations; [`Particle`]s refer to them by index.
    pub(crate) elements: &'static [ElementDecl],
    /// Indexes into `elements` of the global declarations, found by name for the root and for
    /// lax wildcards.
    pub(crate) globals: &'static [u16],
    /// Types of elements; [`ElementDecl::ty`] refers to them by index.
    pub(crate) types: &'static [ComplexType],
    /// Types of attribute values and simple content.
    pub(crate) simple: &'static [SimpleType],
}

/// `<xsd:element>`: a name in a namespace with a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ElementDecl {
    pub(crate) ns: Ns,
    pub(crate) name: &'static str,
    /// Index into [`Schema::types`].
    pub(crate) ty: u16,
}

/// The type of an element: its attributes and its content. A simple type used as an element
/// type is a complex type without attributes and with simple content.
#[derive(Debug)]
pub(crate) struct ComplexType {
    pub(crate) attributes: &'static [AttributeDecl],
    pub(crate) content: Content,
}

/// What an element of a type may contain.
#[derive(Debug)]
pub(crate) enum Content {
    /// Text of the simple type (index into [`Schema::simple`]), no elements.
    Simple(u16),
    /// Elements matching the particle, whitespace between them.
    Elements(Particle),
}

/// `<xsd:attribute>` as used by a type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AttributeDecl {
    /// Local name; the schemas declare only unqualified attributes.
    pub(crate) name: &'static str,
    /// Index into [`Schema::simple`].
    pub(crate) ty: u16,
    pub(crate) required: bool,
    /// A `fixed` value the attribute must have when present.
    pub(crate) fixed: Option<&'static str>,
}

/// A term with its occurrence bounds.
#[derive(Debug)]
pub(crate) struct Particle {
    pub(crate) min: u32,
    /// [`UNBOUNDED`] for `maxOccurs="unbounded"`.
    pub(crate) max: u32,
    pub(crate) term: Term,
}

/// `maxOccurs="unbounded"`.
pub(crate) const UNBOUNDED: u32 = u32::MAX;

/// The body of a particle.
#[derive(Debug)]
pub(crate) enum Term {
    /// An element declaration (index into [`Schema::elements`]).
    Element(u16),
    Sequence(&'static [Particle]),
    Choice(&'static [Particle]),
    /// `<xsd:any namespace="##other" processContents="lax">`: an element in any namespace but
    /// this one (and not in no namespace), validated if its declaration is known.
    AnyOtherLax(Ns),
}

/// An atomic simple type: a built-in base with the facets the schemas use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SimpleType {
    pub(crate) base: Builtin,
    pub(crate) min_length: Option<u32>,
    pub(crate) max_length: Option<u32>,
}

/// The XSD built-in types the invoice schemas derive from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    String,
    NormalizedString,
    Token,
    Language,
    AnyUri,
    Decimal,
    Boolean,
    Date,
    Time,
    DateTime,
    Base64Binary,
}

/// `minOccurs`/`maxOccurs` around an element declaration, for the generated tables.
pub(crate) const fn element(min: u32, max: u32, decl: u16) -> Particle {
    Particle {
        min,
        max,
        term: Term::Element(decl),
    }
}

/// A sequence particle, for the generated tables.
pub(crate) const fn sequence(min: u32, max: u32, items: &'static [Particle]) -> Particle {
    Particle {
        min,
        max,
        term: Term::Sequence(items),
    }
}

/// A choice particle, for the generated tables.
pub(crate) const fn choice(min: u32, max: u32, items: &'static [Particle]) -> Particle {
    Particle {
        min,
        max,
        term: Term::Choice(items),
    }
}

/// A `##other` lax wildcard in the schema of `ns`, for the generated tables.
pub(crate) const fn any_other_lax(min: u32, max: u32, ns: Ns) -> Particle {
    Particle {
        min,
        max,
        term: Term::AnyOtherLax(ns),
    }
}

/// An attribute declaration, for the generated tables.
pub(crate) const fn attribute(
    name: &'static str,
    ty: u16,
    required: bool,
    fixed: Option<&'static str>,
) -> AttributeDecl {
    AttributeDecl {
        name,
        ty,
        required,
        fixed,
    }
}

/// The compiled schema of a root element's syntax, `None` for other roots.
pub(crate) fn schema_for_root(ns: Ns) -> Option<&'static Schema> {
    match ns {
        Ns::UblInvoice | Ns::UblCreditNote => Some(&ubl::SCHEMA),
        Ns::Rsm => Some(&cii::SCHEMA),
        _ => None,
    }
}

/// The (namespace, local name) of every element the schema of a root in `ns` declares.
pub(crate) fn element_names(ns: Ns) -> impl Iterator<Item = (Ns, &'static str)> {
    schema_for_root(ns)
        .map_or(&[][..], |schema| schema.elements)
        .iter()
        .map(|decl| (decl.ns, decl.name))
}

impl Schema {
    /// The global element declaration `(ns, name)`.
    pub(crate) fn global(&self, ns: Ns, name: &str) -> Option<u16> {
        self.globals.iter().copied().find(|&d| {
            let decl = &self.elements[usize::from(d)];
            decl.ns == ns && decl.name == name
        })
    }

    /// Which of the tables this is, for the per-schema automaton cache.
    fn index(&self) -> usize {
        usize::from(!std::ptr::eq(self, &raw const ubl::SCHEMA))
    }
}
