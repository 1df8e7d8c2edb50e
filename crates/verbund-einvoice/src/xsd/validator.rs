//! The streaming schema check: fed every start tag, text and end tag by the document reader.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::automaton::{self, Label, START};
use super::lexical::Base64Check;
use super::{Builtin, Content, Schema, lexical, schema_for_root};
use crate::xml::names::NameId;
use crate::xml::{Ns, position};

/// One schema violation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SchemaFinding {
    /// What is wrong, in German, with line and column.
    pub(crate) message: String,
    /// Path of the element (`/Invoice/cac:InvoiceLine/cbc:ID`).
    pub(crate) location: String,
}

/// More findings than this say nothing new; the rest of the document is still read.
const FINDINGS_MAX: usize = 50;
/// Expected names listed in one message.
const EXPECTED_SHOWN_MAX: usize = 6;

#[derive(Debug)]
struct Frame<'i> {
    ns: Ns,
    name: Cow<'i, str>,
    offset: usize,
    ty: u16,
    state: u32,
    /// A content error was reported here: the rest of this element's children are not
    /// checked against its content model (they would only repeat the first error).
    broken: bool,
    /// For `xs:base64Binary` content: checked as it streams, not collected.
    base64: Option<Base64Check>,
}

/// The per-document state of the schema check.
pub(crate) struct Validator<'i> {
    schema: &'static Schema,
    /// The interned name of each element declaration, so that matching a child against the
    /// content model compares integers.
    decl_ids: &'static [NameId],
    input: &'i [u8],
    frames: Vec<Frame<'i>>,
    /// Open elements inside a subtree that is not checked (unexpected or laxly unknown).
    skipped: usize,
    /// The text of the innermost element with simple content.
    text: String,
    findings: Vec<SchemaFinding>,
}

impl<'i> Validator<'i> {
    /// A validator for a document whose root is in `ns`; `None` for roots without a schema.
    /// `decl_ids` names each element declaration of the schema by the ids [`Validator::open`]
    /// is given.
    pub(crate) fn for_root(ns: Ns, input: &'i [u8], decl_ids: &'static [NameId]) -> Option<Self> {
        Some(Self {
            schema: schema_for_root(ns)?,
            decl_ids,
            input,
            frames: Vec::new(),
            skipped: 0,
            text: String::new(),
            findings: Vec::new(),
        })
    }

    pub(crate) fn into_findings(self) -> Vec<SchemaFinding> {
        self.findings
    }

    /// A start tag at byte `offset`; `id` is its name's id (`None` for a name no declaration
    /// has). `foreign` is the name of a prefixed attribute outside the
    /// `xsi` namespace, if the tag has one (the schemas declare none).
    #[expect(
        clippy::ptr_arg,
        reason = "the name is cloned as a `Cow` to keep borrowing the input"
    )]
    pub(crate) fn open(
        &mut self,
        ns: Ns,
        name: &Cow<'i, str>,
        id: Option<NameId>,
        attrs: &[(Cow<'i, str>, Cow<'i, str>)],
        foreign: Option<&str>,
        offset: usize,
    ) {
        if self.skipped > 0 {
            self.skipped += 1;
            return;
        }
        let decl = if self.frames.is_empty() {
            let decl = self.schema.global(ns, name);
            if decl.is_none() {
                let message = format!("Wurzelelement „{}“ ist nicht deklariert", qname(ns, name));
                self.report_at(offset, &message, None);
            }
            decl
        } else {
            self.child(ns, name, id, offset)
        };
        let Some(decl) = decl else {
            self.skipped = 1;
            return;
        };
        let ty = self.schema.elements[usize::from(decl)].ty;
        let base64 = match self.schema.types[usize::from(ty)].content {
            Content::Simple(simple)
                if self.schema.simple[usize::from(simple)].base == Builtin::Base64Binary =>
            {
                Some(Base64Check::default())
            }
            _ => None,
        };
        self.frames.push(Frame {
            ns,
            name: name.clone(),
            offset,
            ty,
            state: START,
            broken: false,
            base64,
        });
        self.text.clear();
        self.attributes_check(ty, attrs, foreign, offset);
    }

    /// Advances the parent's content model by the child `(ns, name)`; the child's declaration
    /// if it is to be checked, `None` to skip it.
    fn child(&mut self, ns: Ns, name: &str, id: Option<NameId>, offset: usize) -> Option<u16> {
        let schema = self.schema;
        let decl_ids = self.decl_ids;
        let parent = self.frames.last_mut()?;
        if parent.broken {
            return None;
        }
        let ty = &schema.types[usize::from(parent.ty)];
        let Some(automaton) = automaton::of(schema, parent.ty) else {
            debug_assert!(matches!(ty.content, Content::Simple(_)));
            let message = format!(
                "Element „{}“ ist hier nicht erlaubt: „{}“ enthält nur Text",
                qname(ns, name),
                qname(parent.ns, &parent.name)
            );
            parent.broken = true;
            self.report_at(offset, &message, Some(qname(ns, name)));
            return None;
        };
        let found = automaton
            .candidates(parent.state)
            .find(|&(_, label)| match label {
                Label::Element(d) => id == Some(decl_ids[usize::from(d)]),
                Label::AnyOtherLax(not) => ns != not && ns != Ns::Empty,
            });
        let Some((p, label)) = found else {
            let expected =
                expected_names(schema, automaton.candidates(parent.state).map(|(_, l)| l));
            let message = format!(
                "Element „{}“ ist hier nicht erlaubt; erwartet: {expected}",
                qname(ns, name)
            );
            parent.broken = true;
            self.report_at(offset, &message, Some(qname(ns, name)));
            return None;
        };
        parent.state = automaton::after(p);
        match label {
            Label::Element(d) => Some(d),
            // Lax: checked if declared, skipped if not.
            Label::AnyOtherLax(_) => schema.global(ns, name),
        }
    }

    fn attributes_check(
        &mut self,
        ty: u16,
        attrs: &[(Cow<'i, str>, Cow<'i, str>)],
        foreign: Option<&str>,
        offset: usize,
    ) {
        let schema = self.schema;
        let declared = schema.types[usize::from(ty)].attributes;
        if let Some(foreign) = foreign {
            let message = format!("Attribut „{foreign}“ ist hier nicht erlaubt");
            self.report_at(offset, &message, None);
        }
        for (name, value) in attrs {
            let Some(decl) = declared.iter().find(|d| d.name == name.as_ref()) else {
                let message = format!("Attribut „{name}“ ist hier nicht erlaubt");
                self.report_at(offset, &message, None);
                continue;
            };
            let simple = &schema.simple[usize::from(decl.ty)];
            if let Some(why) = lexical::check(simple, value) {
                self.report_at(offset, &format!("Attribut „{name}“: {why}"), None);
            } else if let Some(fixed) = decl.fixed
                && lexical::normalised(simple, value) != fixed
            {
                let message = format!("Attribut „{name}“ muss den Wert „{fixed}“ haben");
                self.report_at(offset, &message, None);
            }
        }
        for decl in declared.iter().filter(|d| d.required) {
            if !attrs.iter().any(|(name, _)| name == decl.name) {
                let message = format!("Pflichtattribut „{}“ fehlt", decl.name);
                self.report_at(offset, &message, None);
            }
        }
    }

    pub(crate) fn text(&mut self, text: &str) {
        if self.skipped > 0 {
            return;
        }
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        if let Some(check) = &mut frame.base64 {
            check.feed(text);
            return;
        }
        match self.schema.types[usize::from(frame.ty)].content {
            Content::Simple(_) => self.text.push_str(text),
            Content::Elements(_) => {
                if !frame.broken && !crate::lexical::trim_xml(text).is_empty() {
                    frame.broken = true;
                    let message = format!(
                        "„{}“ darf keinen Text enthalten, nur Elemente",
                        qname(frame.ns, &frame.name)
                    );
                    let offset = frame.offset;
                    self.report_at(offset, &message, None);
                }
            }
        }
    }

    pub(crate) fn close(&mut self) {
        if self.skipped > 0 {
            self.skipped -= 1;
            return;
        }
        let Some(frame) = self.frames.last() else {
            return;
        };
        let schema = self.schema;
        let message = match schema.types[usize::from(frame.ty)].content {
            Content::Simple(_) if frame.base64.is_some() => frame
                .base64
                .filter(|check| !check.valid())
                .map(|_| "Der Inhalt ist kein gültiger Wert vom Typ xs:base64Binary".to_owned()),
            Content::Simple(simple) => {
                lexical::check(&schema.simple[usize::from(simple)], &self.text)
            }
            Content::Elements(_) if !frame.broken => automaton::of(schema, frame.ty)
                .filter(|a| !a.accepts(frame.state))
                .map(|a| {
                    let expected =
                        expected_names(schema, a.candidates(frame.state).map(|(_, l)| l));
                    format!(
                        "„{}“ ist unvollständig; es fehlt: {expected}",
                        qname(frame.ns, &frame.name)
                    )
                }),
            Content::Elements(_) => None,
        };
        if let Some(message) = message {
            let offset = frame.offset;
            self.report_at(offset, &message, None);
        }
        self.text.clear();
        self.frames.pop();
    }

    /// Records a finding at the open element (plus `child`, when the child is the subject).
    fn report_at(&mut self, offset: usize, message: &str, child: Option<String>) {
        if self.findings.len() >= FINDINGS_MAX {
            return;
        }
        let mut location = String::new();
        for frame in &self.frames {
            location.push('/');
            location.push_str(&qname(frame.ns, &frame.name));
        }
        if let Some(child) = child {
            location.push('/');
            location.push_str(&child);
        }
        if location.is_empty() {
            location.push('/');
        }
        let (line, column) = position(self.input, offset);
        self.findings.push(SchemaFinding {
            message: format!("Schemafehler in Zeile {line}, Spalte {column}: {message}."),
            location,
        });
    }
}

fn qname(ns: Ns, name: &str) -> String {
    match ns.prefix() {
        Some(prefix) => format!("{prefix}:{name}"),
        None => name.to_owned(),
    }
}

fn expected_names(schema: &Schema, labels: impl Iterator<Item = Label>) -> String {
    let names: Vec<String> = labels
        .map(|label| match label {
            Label::Element(d) => {
                let decl = &schema.elements[usize::from(d)];
                qname(decl.ns, decl.name)
            }
            Label::AnyOtherLax(_) => "ein Element eines anderen Namensraums".to_owned(),
        })
        .collect();
    if names.is_empty() {
        return "kein weiteres Element".to_owned();
    }
    let mut shown = names[..names.len().min(EXPECTED_SHOWN_MAX)].join(", ");
    if names.len() > EXPECTED_SHOWN_MAX {
        let _ = write!(shown, " (und {} weitere)", names.len() - EXPECTED_SHOWN_MAX);
    }
    shown
}
