//! A pull reader over one document that enforces well-formedness beyond what `quick-xml`
//! checks, refuses DTDs and unknown entities, and counts against [`Limits`].

use std::borrow::Cow;

use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::escape::EscapeError;
use quick_xml::events::{BytesDecl, BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;

use super::{Ns, position};
use crate::error::EinvoiceError;
use crate::facts::Recorded;
use crate::limits::{LimitKind, Limits};
use crate::rules::structure::{Ambiguous, Checker, StructureFinding};
use crate::xsd::{SchemaFinding, Validator};

/// The XML Schema instance namespace (`xsi:schemaLocation` …), allowed on every element.
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Unprefixed attributes as (local name, value).
pub(crate) type Attributes<'i> = Vec<(Cow<'i, str>, Cow<'i, str>)>;

/// A start tag with its namespace resolved and its plain attributes decoded.
#[derive(Debug)]
pub(crate) struct StartTag<'i> {
    pub(crate) ns: Ns,
    pub(crate) name: Cow<'i, str>,
    /// Attributes without a prefix (`currencyID`, `schemeID` …), value normalised. Namespace
    /// declarations and prefixed attributes (`xsi:…`, `xml:lang`) are checked but not kept.
    pub(crate) attrs: Attributes<'i>,
}

/// One step through the document.
#[derive(Debug)]
pub(crate) enum Node<'i> {
    Start(StartTag<'i>),
    Text(Cow<'i, str>),
    End,
    Eof,
}

/// Where in the document the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Nothing read yet; only here may the XML declaration appear.
    Nothing,
    /// Before the root element.
    Prolog,
    /// Inside the root element.
    Root,
    /// After the root element: only comments, processing instructions and whitespace.
    Epilog,
}

pub(crate) struct DocumentReader<'i> {
    reader: NsReader<&'i [u8]>,
    input: &'i str,
    bytes: &'i [u8],
    limits: Limits,
    depth: usize,
    element_count: usize,
    /// An empty-element tag was reported as `Start`; its `End` is due next.
    pending_end: bool,
    phase: Phase,
    root_namespace: Option<String>,
    /// The syntax asserts, checked on every element as it streams past (also on those the
    /// mappings skip); `None` until the root is known to be an invoice root.
    structure: Option<Checker<'i>>,
    /// The XML Schema check, in the same pass; `None` until the root is an invoice root.
    schema: Option<Validator<'i>>,
}

impl<'i> DocumentReader<'i> {
    pub(crate) fn new(text: &'i str, limits: &Limits) -> Self {
        let mut reader = NsReader::from_str(text);
        let config = reader.config_mut();
        config.check_comments = true;
        config.check_end_names = true;
        Self {
            reader,
            input: text,
            bytes: text.as_bytes(),
            limits: *limits,
            depth: 0,
            element_count: 0,
            pending_end: false,
            phase: Phase::Nothing,
            root_namespace: None,
            structure: None,
            schema: None,
        }
    }

    pub(crate) fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Namespace URI of the root element, known once the root's `Start` has been returned.
    pub(crate) fn root_namespace(&self) -> Option<&str> {
        self.root_namespace.as_deref()
    }

    /// The syntax-assert findings, the empty elements (PEPPOL-R008) and the values read as
    /// one that occur more than once, once the document has been read to its end.
    pub(crate) fn structure_findings(
        &mut self,
    ) -> (Vec<StructureFinding>, Vec<Recorded>, Vec<Ambiguous>) {
        self.structure
            .take()
            .map(Checker::into_parts)
            .unwrap_or_default()
    }

    /// The XML Schema findings, once the document has been read to its end.
    pub(crate) fn schema_findings(&mut self) -> Vec<SchemaFinding> {
        self.schema
            .take()
            .map(Validator::into_findings)
            .unwrap_or_default()
    }

    /// Reads up to and including the root element's start tag.
    pub(crate) fn root(&mut self) -> Result<StartTag<'i>, EinvoiceError> {
        loop {
            match self.next_node()? {
                Node::Start(tag) => return Ok(tag),
                Node::Text(_) | Node::End => {}
                Node::Eof => return Err(self.ill_formed(self.bytes.len(), "kein Wurzelelement")),
            }
        }
    }

    /// Reads everything that is left, checking it as it goes.
    pub(crate) fn finish(&mut self) -> Result<(), EinvoiceError> {
        while !matches!(self.next_node()?, Node::Eof) {}
        Ok(())
    }

    /// Skips the rest of the element whose `Start` was just returned.
    pub(crate) fn skip_element(&mut self) -> Result<(), EinvoiceError> {
        let mut open = 1_usize;
        while open > 0 {
            match self.next_node()? {
                Node::Start(_) => open += 1,
                Node::End => open -= 1,
                Node::Text(_) => {}
                Node::Eof => return Err(self.ill_formed(self.bytes.len(), "unerwartetes Ende")),
            }
        }
        Ok(())
    }

    pub(crate) fn next_node(&mut self) -> Result<Node<'i>, EinvoiceError> {
        if self.pending_end {
            self.pending_end = false;
            self.close();
            return Ok(Node::End);
        }
        loop {
            let offset = offset_of(self.reader.buffer_position());
            let (resolved, event) = match self.reader.read_resolved_event() {
                Ok(pair) => pair,
                Err(error) => return Err(self.quick_xml_error(&error)),
            };
            // Own the namespace before `self` is needed again: the resolver borrows the reader.
            // Only the root's namespace URI is kept as a string (for "not an invoice").
            let keep_uri = matches!(self.phase, Phase::Nothing | Phase::Prolog);
            let is_start = matches!(event, Event::Start(_) | Event::Empty(_));
            let namespace = match resolved {
                // End tags need no namespace: quick-xml already matched them to their start.
                _ if !is_start => Ok((Ns::Empty, None)),
                ResolveResult::Bound(ns) => {
                    let uri = ns.into_inner();
                    Ok((Ns::from_uri(uri), keep_uri.then(|| uri.to_owned())))
                }
                ResolveResult::Unbound => Ok((Ns::Empty, None)),
                ResolveResult::Unknown(prefix) => Err(prefix),
            };
            let first = self.phase == Phase::Nothing;
            if first {
                self.phase = Phase::Prolog;
            }
            match event {
                Event::Decl(decl) if first => self.check_declaration(&decl, offset)?,
                Event::Decl(_) => {
                    return Err(self.ill_formed(offset, "XML-Deklaration nicht am Dokumentanfang"));
                }
                Event::DocType(_) => {
                    let (line, column) = position(self.bytes, offset);
                    return Err(EinvoiceError::DoctypeForbidden { line, column });
                }
                Event::Start(start) | Event::Empty(start) if self.phase == Phase::Epilog => {
                    drop(start);
                    return Err(self.ill_formed(offset, "Inhalt nach dem Wurzelelement"));
                }
                Event::Start(start) => {
                    return self.open(&start, namespace, offset).map(Node::Start);
                }
                Event::Empty(start) => {
                    let tag = self.open(&start, namespace, offset)?;
                    self.pending_end = true;
                    return Ok(Node::Start(tag));
                }
                Event::End(_) => {
                    self.close();
                    return Ok(Node::End);
                }
                Event::Text(text) => {
                    if self.depth > 0 {
                        let text = normalise_line_ends(text.into_inner());
                        self.text_seen(&text);
                        return Ok(Node::Text(text));
                    }
                    if !crate::lexical::trim_xml(&text).is_empty() {
                        return Err(self.ill_formed(offset, "Text außerhalb des Wurzelelements"));
                    }
                }
                Event::CData(cdata) if self.depth > 0 => {
                    let text = normalise_line_ends(cdata.into_inner());
                    self.text_seen(&text);
                    return Ok(Node::Text(text));
                }
                Event::GeneralRef(reference) if self.depth > 0 => {
                    let ch = self.resolve_reference(&reference, offset)?;
                    self.text_seen(ch.encode_utf8(&mut [0; 4]));
                    return Ok(Node::Text(Cow::Owned(ch.to_string())));
                }
                Event::CData(_) | Event::GeneralRef(_) => {
                    return Err(self.ill_formed(offset, "Text außerhalb des Wurzelelements"));
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof if matches!(self.phase, Phase::Nothing | Phase::Prolog) => {
                    return Err(self.ill_formed(offset, "kein Wurzelelement"));
                }
                Event::Eof if self.depth > 0 => {
                    return Err(
                        self.ill_formed(offset, "Dokument endet vor dem Ende eines Elements")
                    );
                }
                Event::Eof => return Ok(Node::Eof),
            }
        }
    }

    fn open(
        &mut self,
        start: &BytesStart<'_>,
        namespace: Result<(Ns, Option<String>), String>,
        offset: usize,
    ) -> Result<StartTag<'i>, EinvoiceError> {
        let (ns, uri) = match namespace {
            Ok(resolved) => resolved,
            Err(prefix) => {
                let reason = format!("Namensraum-Präfix „{prefix}“ ist nicht deklariert");
                return Err(self.ill_formed(offset, &reason));
            }
        };
        self.depth += 1;
        self.element_count += 1;
        if self.depth > self.limits.effective_depth_max() {
            return Err(self.limit(LimitKind::Depth, self.limits.effective_depth_max(), offset));
        }
        if self.element_count > self.limits.element_count_max {
            return Err(self.limit(
                LimitKind::ElementCount,
                self.limits.element_count_max,
                offset,
            ));
        }
        let name = self.borrowed_from_input(start.local_name().into_inner());
        if self.phase != Phase::Root {
            self.phase = Phase::Root;
            self.root_namespace = uri;
            self.structure = Checker::for_root(ns, &name);
            if let Some(checker) = &self.structure {
                self.schema = Validator::for_root(ns, self.bytes, checker.decl_ids());
            }
        }
        let (attrs, foreign) = self.attributes(start, offset)?;
        let id = match &mut self.structure {
            Some(checker) => checker.open(ns, &name, start.name().into_inner(), &attrs),
            None => None,
        };
        if let Some(schema) = &mut self.schema {
            schema.open(ns, &name, id, &attrs, foreign.as_deref(), offset);
        }
        Ok(StartTag { ns, name, attrs })
    }

    fn text_seen(&mut self, text: &str) {
        if let Some(checker) = &mut self.structure {
            checker.text(text);
        }
        if let Some(schema) = &mut self.schema {
            schema.text(text);
        }
    }

    fn close(&mut self) {
        if let Some(checker) = &mut self.structure {
            checker.close();
        }
        if let Some(schema) = &mut self.schema {
            schema.close();
        }
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0 {
            self.phase = Phase::Epilog;
        }
    }

    /// The unprefixed attributes, and the name of the first prefixed one outside the `xsi`
    /// namespace (which no invoice schema allows).
    fn attributes(
        &self,
        start: &BytesStart<'_>,
        offset: usize,
    ) -> Result<(Attributes<'i>, Option<String>), EinvoiceError> {
        let mut attrs = Vec::new();
        let mut foreign = None;
        // Most invoice elements have no attributes; skip the iterator set-up for them.
        if start
            .attributes_raw()
            .bytes()
            .all(|b| b.is_ascii_whitespace())
        {
            return Ok((attrs, foreign));
        }
        for (count, attr) in start.attributes().with_checks(true).enumerate() {
            if count >= self.limits.attribute_count_max {
                let max = self.limits.attribute_count_max;
                return Err(self.limit(LimitKind::AttributeCount, max, offset));
            }
            let attr = attr.map_err(|e| self.ill_formed(offset, &format!("Attribut: {e}")))?;
            let key = attr.key.into_inner();
            if key == "xmlns" || key.starts_with("xmlns:") {
                continue;
            }
            // An attribute without a prefix is in no namespace; one with a prefix is bound.
            let prefixed = match self.reader.resolver().resolve_attribute(attr.key) {
                (ResolveResult::Unknown(prefix), _) => {
                    let reason = format!("Namensraum-Präfix „{prefix}“ ist nicht deklariert");
                    return Err(self.ill_formed(offset, &reason));
                }
                (ResolveResult::Bound(ns), _) => {
                    if foreign.is_none() && ns.into_inner() != XSI {
                        foreign = Some(key.to_owned());
                    }
                    true
                }
                (ResolveResult::Unbound, _) => false,
            };
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| self.attribute_value_error(&e, offset))?;
            if !prefixed {
                let value = match value {
                    Cow::Borrowed(raw) => self.borrowed_from_input(raw),
                    Cow::Owned(normalised) => Cow::Owned(normalised),
                };
                attrs.push((self.borrowed_from_input(key), value));
            }
        }
        Ok((attrs, foreign))
    }

    /// `text` borrowed from the input when it lies inside it, which saves an allocation per
    /// name and value; copied otherwise. `quick-xml` hands out slices of the input with the
    /// lifetime of the event, not of the input, hence the address comparison.
    fn borrowed_from_input(&self, text: &str) -> Cow<'i, str> {
        let start = text
            .as_ptr()
            .addr()
            .wrapping_sub(self.input.as_ptr().addr());
        let inside = start
            .checked_add(text.len())
            .and_then(|end| self.input.get(start..end));
        match inside {
            Some(found) if found.as_ptr() == text.as_ptr() => Cow::Borrowed(found),
            _ => Cow::Owned(text.to_owned()),
        }
    }

    fn check_declaration(&self, decl: &BytesDecl<'_>, offset: usize) -> Result<(), EinvoiceError> {
        match decl.version() {
            Ok(version) if version == "1.0" => {}
            Ok(version) => {
                let reason = format!("XML-Version {version} wird nicht unterstützt, nur 1.0");
                return Err(self.ill_formed(offset, &reason));
            }
            Err(e) => return Err(self.ill_formed(offset, &format!("XML-Deklaration: {e}"))),
        }
        match decl.encoding() {
            None => Ok(()),
            Some(Ok(encoding)) if encoding.eq_ignore_ascii_case("UTF-8") => Ok(()),
            Some(Ok(encoding)) => Err(EinvoiceError::UnsupportedEncoding {
                encoding: encoding.chars().take(40).collect(),
            }),
            Some(Err(e)) => Err(self.ill_formed(offset, &format!("XML-Deklaration: {e}"))),
        }
    }

    /// The five predefined entities and character references; nothing else can exist without
    /// a DTD.
    fn resolve_reference(
        &self,
        reference: &BytesRef<'_>,
        offset: usize,
    ) -> Result<char, EinvoiceError> {
        let ch = match reference.resolve_char_ref() {
            Ok(Some(ch)) => ch,
            Ok(None) => match &**reference {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "apos" => '\'',
                "quot" => '"',
                name => {
                    let (line, column) = position(self.bytes, offset);
                    let name = name.chars().take(40).collect();
                    return Err(EinvoiceError::UndeclaredEntity { name, line, column });
                }
            },
            Err(e) => return Err(self.ill_formed(offset, &format!("Zeichenreferenz: {e}"))),
        };
        if is_xml_char(ch) {
            Ok(ch)
        } else {
            Err(self.ill_formed(
                offset,
                "Zeichenreferenz auf ein in XML 1.0 verbotenes Zeichen",
            ))
        }
    }

    fn attribute_value_error(&self, error: &quick_xml::Error, offset: usize) -> EinvoiceError {
        if let quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(_, name)) = error {
            let (line, column) = position(self.bytes, offset);
            let name = name.chars().take(40).collect();
            return EinvoiceError::UndeclaredEntity { name, line, column };
        }
        self.ill_formed(offset, &format!("Attributwert: {error}"))
    }

    fn quick_xml_error(&self, error: &quick_xml::Error) -> EinvoiceError {
        let offset = offset_of(self.reader.error_position());
        self.ill_formed(offset, &error.to_string())
    }

    fn ill_formed(&self, offset: usize, reason: &str) -> EinvoiceError {
        let (line, column) = position(self.bytes, offset);
        EinvoiceError::NotWellFormed {
            line,
            column,
            reason: reason.to_owned(),
        }
    }

    /// A limit error at the reader's current position, for limits the mappings count.
    pub(crate) fn limit_here(&self, limit: LimitKind, max: usize) -> EinvoiceError {
        self.limit(limit, max, offset_of(self.reader.buffer_position()))
    }

    fn limit(&self, limit: LimitKind, max: usize, offset: usize) -> EinvoiceError {
        let (line, column) = position(self.bytes, offset);
        EinvoiceError::LimitExceeded {
            limit,
            max,
            line,
            column,
        }
    }
}

/// XML 1.0 end-of-line handling: `\r\n` and a lone `\r` become `\n`. Most texts have no
/// `\r` and stay borrowed.
fn normalise_line_ends(text: Cow<'_, str>) -> Cow<'_, str> {
    // Most texts are short, where a plain byte loop beats a `memchr` call; long ones (base64
    // attachments) are searched with `memchr`.
    let has_cr = if text.len() < 256 {
        text.bytes().any(|b| b == b'\r')
    } else {
        memchr::memchr(b'\r', text.as_bytes()).is_some()
    };
    if !has_cr {
        return text;
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

fn offset_of(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

fn is_xml_char(ch: char) -> bool {
    matches!(ch, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}
