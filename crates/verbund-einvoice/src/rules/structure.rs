//! The syntax restrictions of the CEN schematron (UBL-CR/-SR/-DT, CII-SR/-DT) as data, and the
//! checker that tests them in the same streaming pass that parses the document.
//!
//! These 1,310 asserts say nothing about business content; they forbid elements and attributes,
//! bound cardinalities and restrict data types. Almost all have one of a few shapes (`not(p)`,
//! `count(p) <= n`, `count(p) = n`, `(p)`, `not(a and b)`), so each is one [`StructureRule`]
//! entry: its context (an index into the syntax's [`Context`] list, in schematron rule order,
//! because a node is the context of the *first* rule of a pattern that matches it) and its
//! test. The few with predicates over text or values are [`Test::Special`] and are
//! hand-written in `structure/special.rs`. `tests/structure_tables.rs` re-derives both tables
//! from the `.sch` sources at test time and compares them entry by entry.

mod checker;
mod cii;
mod recorded;
mod singletons;
mod special;
mod tag;
mod ubl;

pub(crate) use checker::Checker;
pub use cii::{CII_CONTEXTS, CII_RULES};
pub use singletons::{CII_SINGLETONS, UBL_SINGLETONS};
pub use ubl::{UBL_CONTEXTS, UBL_RULES};

use super::Flag;

/// One location path of the XPath subset the tables use, as steps: `prefix:name` (child
/// axis), `//prefix:name` (descendant), `@name` (attribute, last step only), `//@name`
/// (attribute of any descendant-or-self element).
pub type Path = &'static [&'static str];

/// Which elements are the context of a schematron rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Absolute location paths (`/rsm:CrossIndustryInvoice/rsm:ExchangedDocument`), one per
    /// branch of a `|` union.
    Absolute(&'static [Path]),
    /// Match patterns (`cac:AccountingSupplierParty/cac:Party`, `//cac:Address`): the element
    /// and its nearest ancestors carry these names.
    Relative(&'static [Path]),
    /// `//*[ends-with(name(), 'suffix')]`, or `//prefix:*[…]` when `prefix` is set.
    EndsWith {
        /// Namespace prefix the element must have, `None` for any.
        prefix: Option<&'static str>,
        /// Suffix of the local name.
        suffix: &'static str,
    },
    /// A pattern with a predicate on content; matched by hand-written code.
    Special,
}

/// The context of one schematron rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The rule's `context` attribute, whitespace runs collapsed.
    pub xpath: &'static str,
    /// How the checker matches it.
    pub anchor: Anchor,
}

/// What an assert tests, relative to its context element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    /// The number of nodes the union of `paths` selects lies in `min..=max`: `not(p)` is
    /// `0..=0`, `count(p) <= n` is `0..=n`, `count(p) = n` is `n..=n`, `(p)` is `1..`.
    Count {
        /// Branches of the union (a leading `(a|b)` step is expanded).
        paths: &'static [Path],
        /// Fewest nodes allowed.
        min: u32,
        /// Most nodes allowed, `u32::MAX` for no bound.
        max: u32,
    },
    /// `not(a and b)`: the two paths must not both select something.
    NotBoth(Path, Path),
    /// A test over values or with predicates, written by hand in `structure/special.rs`.
    Special,
}

/// One syntax assert of the CEN schematron.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StructureRule {
    /// The assert id.
    pub id: &'static str,
    /// The assert's flag.
    pub flag: Flag,
    /// Index into the syntax's context list.
    pub context: u16,
    /// The test.
    pub test: Test,
    /// `not(p) or <unless>`: the context element is exempt when this holds. One of
    /// `self::prefix:name`, `ancestor::prefix:name`, `../cn:CreditNote`.
    pub unless: Option<&'static str>,
    /// The assert's text, whitespace runs collapsed.
    pub message: &'static str,
}

/// One failed syntax assert, before its level is decided (that needs the scenario).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructureFinding {
    /// The table entry.
    pub rule: &'static StructureRule,
    /// XPath of the context element (`/Invoice/cac:InvoiceLine[2]`).
    pub location: String,
}

/// A place where a rule of the official schematron reads a path as one value (the argument
/// of `xs:decimal()`, `normalize-space()`, `substring-after()`, …) although the XML Schema
/// allows the path to select more: there the reference stops with an XSLT type error
/// (`XPTY0004`) and the KoSIT validator gives no verdict. See `structure/singletons.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Singleton {
    /// The assert (or the `let` an assert reads) whose test atomizes the path.
    pub rule: &'static str,
    /// The rule's `context` attribute, as in the `.sch` source.
    pub xpath: &'static str,
    /// The context elements; [`Anchor::Absolute`] or [`Anchor::Relative`].
    pub context: Anchor,
    /// Child steps from the context element; the first may be `//name` (any descendant);
    /// the last may carry one filter, `[1]` (first of its name) or `[@name='value']`.
    pub path: Path,
    /// Paths that must each select something before the test reaches the value (the
    /// left side of an `or` that guards it).
    pub when: &'static [Path],
    /// The context is a CII VAT breakdown, which the category rules of L, M and O take
    /// when they match (they come first in the pattern and do not read the path as one).
    pub unless_lmo: bool,
    /// The test reaches the path only on an invoice with a VAT breakdown of this category
    /// (UBL BR-IC-11/-12: `exists(…/cac:TaxCategory[…'VAT']/cbc:ID[normalize-space(.) = 'K'])
    /// and string-length(…)`); decided on the model once it is read.
    pub with_vat_category: Option<&'static str>,
}

/// A document in which a [`Singleton`] path selects more than one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ambiguous {
    /// The table entry.
    pub singleton: &'static Singleton,
    /// How many nodes the path selects.
    pub count: u32,
    /// XPath of the context element.
    pub location: String,
}

/// True if the checker implements `rule` (every generic test does; of the special ones, those
/// with a hand-written check).
#[must_use]
pub fn implemented(rule: &StructureRule) -> bool {
    !matches!(rule.test, Test::Special) || special::IMPLEMENTED.contains(&rule.id)
}

/// Every implemented syntax assert id of both syntaxes.
pub fn implemented_ids() -> impl Iterator<Item = &'static str> {
    UBL_RULES
        .iter()
        .chain(CII_RULES)
        .filter(|r| implemented(r))
        .map(|r| r.id)
}

const fn rule(
    id: &'static str,
    flag: Flag,
    context: u16,
    test: Test,
    unless: Option<&'static str>,
    message: &'static str,
) -> StructureRule {
    StructureRule {
        id,
        flag,
        context,
        test,
        unless,
        message,
    }
}

/// `not(p)`.
const fn absent(paths: &'static [Path]) -> Test {
    Test::Count {
        paths,
        min: 0,
        max: 0,
    }
}

/// `count(p)` in `min..=max`.
const fn count(paths: &'static [Path], min: u32, max: u32) -> Test {
    Test::Count { paths, min, max }
}

/// `not(a and b)`.
const fn not_both(a: Path, b: Path) -> Test {
    Test::NotBoth(a, b)
}
