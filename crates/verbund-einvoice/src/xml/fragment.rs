//! A small element tree for one record of a document, with path lookups for the mappings.
//!
//! The tree is an arena: all elements of a record sit in one `Vec`, linked by index. The
//! mappings reuse one arena for every record, so reading a 100,000-line invoice allocates for
//! its elements once instead of once per element, and dropping a record is not recursive.

use std::borrow::Cow;

use super::Ns;
use super::reader::{Attributes, DocumentReader, Node, StartTag};
use crate::error::EinvoiceError;
use crate::limits::LimitKind;

/// "No element" in the index links.
const NONE: usize = usize::MAX;

/// Size of a base64 text, counted while it streams past.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Base64Size {
    pub(crate) encoded_len: usize,
    padding: usize,
}

impl Base64Size {
    pub(crate) fn decoded_len_bytes(self) -> usize {
        (self.encoded_len / 4 * 3).saturating_sub(self.padding.min(2))
    }
}

/// One element's data in the arena.
#[derive(Debug)]
struct Slot<'i> {
    ns: Ns,
    name: Cow<'i, str>,
    attrs: Attributes<'i>,
    /// The element's text, for elements without element children (the only ones whose text
    /// a business term can be); empty for binary objects and for elements with children.
    text: Cow<'i, str>,
    /// Set for base64 binary objects, whose text is counted instead of stored.
    binary: Option<Base64Size>,
    first_child: usize,
    last_child: usize,
    next_sibling: usize,
}

/// The elements of one record; element 0 is the record's root.
#[derive(Debug, Default)]
pub(crate) struct Fragment<'i> {
    slots: Vec<Slot<'i>>,
}

impl<'i> Fragment<'i> {
    /// The record's root element; `None` before anything was read into the fragment.
    pub(crate) fn root(&self) -> Option<Element<'_, 'i>> {
        (!self.slots.is_empty()).then_some(Element {
            fragment: self,
            index: 0,
        })
    }

    fn push(&mut self, tag: StartTag<'i>, binary: bool, parent: usize) -> usize {
        let index = self.slots.len();
        self.slots.push(Slot {
            ns: tag.ns,
            name: tag.name,
            attrs: tag.attrs,
            text: Cow::Borrowed(""),
            binary: binary.then(Base64Size::default),
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
        });
        if parent != NONE {
            // `parent` came from the reader's stack of open elements, so it is in the arena.
            let last = self.slots[parent].last_child;
            if last == NONE {
                // Text seen before the first child is indentation, not a value.
                self.slots[parent].first_child = index;
                self.slots[parent].text = Cow::Borrowed("");
            } else {
                self.slots[last].next_sibling = index;
            }
            self.slots[parent].last_child = index;
        }
        index
    }

    fn push_text(&mut self, index: usize, text: Cow<'i, str>) {
        let Some(slot) = self.slots.get_mut(index) else {
            return;
        };
        if let Some(size) = &mut slot.binary {
            // Two single-comparison counts instead of one loop with two counters: the compiler
            // vectorises them, and base64 attachments are most of the bytes of many invoices.
            // In XML text every byte up to the space is white space (other control characters
            // are not allowed), so "above the space" is "not white space".
            let bytes = text.as_bytes();
            size.encoded_len += count_where(bytes, |b| b > b' ');
            size.padding += count_where(bytes, |b| b == b'=');
        } else if slot.first_child != NONE {
            // Indentation between children: never a business term's value.
        } else if slot.text.is_empty() {
            slot.text = text;
        } else {
            slot.text.to_mut().push_str(&text);
        }
    }
}

/// How many bytes satisfy `test`, counted in 8-bit lanes per 255-byte chunk (which cannot
/// overflow), so that the loop vectorises 16 or 32 bytes at a time.
pub(crate) fn count_where(bytes: &[u8], test: impl Fn(u8) -> bool) -> usize {
    bytes
        .chunks(255)
        .map(|chunk| {
            usize::from(
                chunk
                    .iter()
                    .fold(0_u8, |n, &b| n.wrapping_add(u8::from(test(b)))),
            )
        })
        .sum()
}

/// A handle on one element of a [`Fragment`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Element<'f, 'i> {
    fragment: &'f Fragment<'i>,
    index: usize,
}

impl<'f, 'i> Element<'f, 'i> {
    fn slot(self) -> &'f Slot<'i> {
        &self.fragment.slots[self.index]
    }

    pub(crate) fn ns(self) -> Ns {
        self.slot().ns
    }

    pub(crate) fn name(self) -> &'f str {
        &self.slot().name
    }

    /// The element's own text (see [`Slot::text`]).
    pub(crate) fn value(self) -> &'f str {
        &self.slot().text
    }

    /// Set for base64 binary objects.
    pub(crate) fn binary(self) -> Option<Base64Size> {
        self.slot().binary
    }

    pub(crate) fn is(self, ns: Ns, name: &str) -> bool {
        self.ns() == ns && self.name() == name
    }

    /// The value of an unprefixed attribute.
    pub(crate) fn attr(self, name: &str) -> Option<&'f str> {
        self.slot()
            .attrs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_ref())
    }

    /// The child elements in document order.
    pub(crate) fn children(self) -> impl Iterator<Item = Element<'f, 'i>> {
        let fragment = self.fragment;
        let mut next = self.slot().first_child;
        std::iter::from_fn(move || {
            let current = fragment.slots.get(next)?;
            let element = Element {
                fragment,
                index: next,
            };
            next = current.next_sibling;
            Some(element)
        })
    }

    /// The first element at `path` (`"cac:Party/cbc:Name"`), relative to this one.
    pub(crate) fn get(self, path: &str) -> Option<Element<'f, 'i>> {
        let mut found = None;
        self.visit(path, &mut |e| {
            found = Some(e);
            false
        });
        found
    }

    /// All elements at `path`, in document order (XPath child-axis semantics).
    pub(crate) fn all(self, path: &str) -> Vec<Element<'f, 'i>> {
        let mut found = Vec::new();
        self.visit(path, &mut |e| {
            found.push(e);
            true
        });
        found
    }

    /// The text of the first element at `path`, if there is one.
    pub(crate) fn text(self, path: &str) -> Option<String> {
        self.get(path).map(|e| e.value().to_owned())
    }

    /// Calls `found` for each element at `path` until it returns false; returns false if
    /// stopped.
    fn visit(self, path: &str, found: &mut dyn FnMut(Element<'f, 'i>) -> bool) -> bool {
        // Byte loops instead of `split_once`: paths are a few dozen bytes and this runs
        // for every lookup of every line, where the `memchr` calls showed up in profiles.
        let (step, rest) = match path.bytes().position(|b| b == b'/') {
            Some(i) => (&path[..i], Some(&path[i + 1..])),
            None => (path, None),
        };
        let (prefix, local) = match step.bytes().position(|b| b == b':') {
            Some(i) => (&step[..i], &step[i + 1..]),
            None => ("", step),
        };
        let ns = Ns::from_prefix(prefix);
        for child in self.children().filter(|c| c.is(ns, local)) {
            let go_on = match rest {
                None => found(child),
                Some(rest) => child.visit(rest, found),
            };
            if !go_on {
                return false;
            }
        }
        true
    }
}

impl<'i> DocumentReader<'i> {
    /// Reads the element whose `Start` was just returned, with all its content, into
    /// `fragment` (cleared first). Elements for which `is_binary` holds keep only the size of
    /// their text.
    pub(crate) fn read_fragment(
        &mut self,
        start: StartTag<'i>,
        is_binary: fn(Ns, &str) -> bool,
        fragment: &mut Fragment<'i>,
    ) -> Result<(), EinvoiceError> {
        fragment.slots.clear();
        let binary = is_binary(start.ns, &start.name);
        // The open elements, innermost last; bounded by the depth limit.
        let mut open = vec![fragment.push(start, binary, NONE)];
        let max = self.limits().record_element_count_max;
        loop {
            match self.next_node()? {
                Node::Start(tag) => {
                    if fragment.slots.len() >= max {
                        return Err(self.limit_here(LimitKind::RecordElementCount, max));
                    }
                    let binary = is_binary(tag.ns, &tag.name);
                    let parent = open.last().copied().unwrap_or(NONE);
                    open.push(fragment.push(tag, binary, parent));
                }
                Node::Text(text) => {
                    if let Some(&index) = open.last() {
                        fragment.push_text(index, text);
                    }
                }
                Node::End => {
                    open.pop();
                    if open.is_empty() {
                        return Ok(());
                    }
                }
                // The reader reports an unclosed element at EOF as an error, so this is only
                // reached if that invariant broke; refuse rather than return half a record.
                Node::Eof => {
                    return Err(EinvoiceError::NotWellFormed {
                        line: 0,
                        column: 0,
                        reason: "unerwartetes Dokumentende".to_owned(),
                    });
                }
            }
        }
    }
}
