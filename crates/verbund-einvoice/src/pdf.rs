//! ZUGFeRD / Factur-X (and XRechnung sent as a PDF/A-3): find the invoice XML embedded in a
//! PDF, so that it is validated exactly like an XML invoice.
//!
//! A hybrid invoice is a PDF/A-3 whose catalog lists an associated file (`/AF`, and
//! `/Names /EmbeddedFiles`) such as `factur-x.xml`: a file specification dictionary whose
//! `/EF /F` entry points at an embedded-file stream, usually `FlateDecode`-compressed.
//!
//! This is a narrow reader, not a PDF library, on purpose. Input is hostile: a general PDF
//! library decodes every object stream while loading, and Deflate expands up to ~1000×, so a
//! small file can demand gigabytes and minutes before any check runs. Here nothing is decoded
//! except object streams and embedded-file streams, and every decoded byte counts against
//! one budget ([`Limits::input_bytes_max`]); memory and time stay proportional to that budget.
//! What it reads: indirect objects anywhere in the file (so incremental updates and damaged
//! cross-reference tables do not matter), object streams (`/Type /ObjStm`), file
//! specifications with `/EF`, streams with `/Type /EmbeddedFile`, `/Length` direct or
//! indirect. What it refuses with a clear error: encrypted files, filters other than
//! `FlateDecode`, predictors.

use std::collections::HashMap;
use std::io::Read as _;

use crate::Limits;
use crate::report::{Finding, Report};
use crate::scenario::Level;

/// The invoice XML found in a PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedInvoice {
    /// The attachment's file name (`/UF` or `/F`), if the PDF gives one.
    pub file_name: Option<String>,
    /// The XML bytes.
    pub xml: Vec<u8>,
}

/// Why no invoice XML could be taken from a PDF. `Display` is German, for the sender.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// The input does not start like a PDF.
    #[error("Die Datei ist keine PDF-Datei.")]
    NotPdf,
    /// The PDF is encrypted.
    #[error(
        "Die PDF-Datei ist verschlüsselt; aus verschlüsselten PDF-Dateien werden keine \
         Rechnungen gelesen."
    )]
    Encrypted,
    /// No embedded file is XML.
    #[error(
        "Die PDF-Datei enthält keine eingebettete XML-Rechnung (ZUGFeRD, Factur-X oder \
         XRechnung){}.",
        listed(.attachments)
    )]
    NoInvoice {
        /// The names of the attachments that were found (none of them XML).
        attachments: Vec<String>,
    },
    /// The embedded file is stored in a way this reader does not decode.
    #[error("Die eingebettete Datei ist mit {0} kodiert; unterstützt wird FlateDecode.")]
    UnsupportedFilter(String),
    /// The embedded file's compressed data is damaged.
    #[error("Die eingebettete Datei in der PDF-Datei ist beschädigt.")]
    Damaged,
    /// Decoding would exceed the budget.
    #[error("Die PDF-Datei enthält mehr Daten, als verarbeitet werden (höchstens {max} Byte).")]
    TooLarge {
        /// The budget in bytes.
        max: usize,
    },
    /// The PDF holds more objects than are read.
    #[error("Die PDF-Datei enthält mehr Objekte, als verarbeitet werden (höchstens {max}).")]
    TooManyObjects {
        /// [`Limits::pdf_object_count_max`].
        max: usize,
    },
}

fn listed(attachments: &[String]) -> String {
    if attachments.is_empty() {
        String::new()
    } else {
        format!("; gefunden: {}", attachments.join(", "))
    }
}

/// Our id for a PDF that yields no invoice XML (reported like `VB-EINV-NOT-XML`).
pub const PDF: &str = "VB-EINV-PDF";

/// Whether the bytes are a PDF (`%PDF-` within the first 1024 bytes, as readers accept).
#[must_use]
pub fn is_pdf(input: &[u8]) -> bool {
    input
        .get(..input.len().min(1024))
        .is_some_and(|head| memchr::memmem::find(head, b"%PDF-").is_some())
}

/// Finds the invoice XML embedded in a PDF. Prefers the names the standards use
/// (`factur-x.xml`, `zugferd-invoice.xml`, `xrechnung.xml`), then any other XML attachment.
pub fn pdf_extract(input: &[u8], limits: &Limits) -> Result<EmbeddedInvoice, PdfError> {
    if !is_pdf(input) {
        return Err(PdfError::NotPdf);
    }
    let mut budget = Budget {
        left: limits.input_bytes_max,
        max: limits.input_bytes_max,
        objects_left: limits.pdf_object_count_max,
        objects_max: limits.pdf_object_count_max,
    };
    let file = Scan::of(input, &mut budget)?;
    if file.encrypted {
        return Err(PdfError::Encrypted);
    }
    let mut candidates = file.attachments();
    candidates.sort_by_key(|(name, _)| rank(name.as_deref()));
    let mut names = Vec::new();
    let mut first_error = None;
    for (name, stream) in candidates {
        match file.decode(stream, &mut budget) {
            Ok(bytes) if looks_like_xml(&bytes) => {
                return Ok(EmbeddedInvoice {
                    file_name: name,
                    xml: bytes,
                });
            }
            Ok(_) => {}
            Err(e @ PdfError::TooLarge { .. }) => return Err(e),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
        names.extend(name);
    }
    Err(first_error.unwrap_or(PdfError::NoInvoice { attachments: names }))
}

/// Validates the invoice embedded in a PDF. The report is the XML's; a PDF without one gives
/// a rejection with the id [`PDF`] and the reason.
#[must_use]
pub fn validate_pdf(input: &[u8], limits: &Limits) -> (Report, Option<EmbeddedInvoice>) {
    match pdf_extract(input, limits) {
        Ok(embedded) => (crate::validate(&embedded.xml, limits), Some(embedded)),
        Err(e) => {
            let finding = Finding {
                id: PDF.into(),
                level: Level::Error,
                message: e.to_string(),
                location: "/".to_owned(),
            };
            (Report::from_findings(None, None, vec![finding]), None)
        }
    }
}

fn rank(name: Option<&str>) -> u8 {
    let lower = name.map(str::to_ascii_lowercase);
    match lower.as_deref() {
        Some("factur-x.xml" | "zugferd-invoice.xml" | "xrechnung.xml") => 0,
        Some(n)
            if std::path::Path::new(n)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xml")) =>
        {
            1
        }
        None => 2,
        Some(_) => 3,
    }
}

fn looks_like_xml(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'<')
}

struct Budget {
    left: usize,
    max: usize,
    /// Objects that may still be read ([`Limits::pdf_object_count_max`]).
    objects_left: usize,
    objects_max: usize,
}

impl Budget {
    /// Counts `n` more objects against the step budget.
    fn objects(&mut self, n: usize) -> Result<(), PdfError> {
        self.objects_left = self
            .objects_left
            .checked_sub(n)
            .ok_or(PdfError::TooManyObjects {
                max: self.objects_max,
            })?;
        Ok(())
    }

    /// Inflates `data` (zlib) within the budget.
    fn inflate(&mut self, data: &[u8]) -> Result<Vec<u8>, PdfError> {
        let mut out = Vec::new();
        let limit = u64::try_from(self.left)
            .unwrap_or(u64::MAX)
            .saturating_add(1);
        let read = flate2::read::ZlibDecoder::new(data)
            .take(limit)
            .read_to_end(&mut out);
        if out.len() > self.left {
            return Err(PdfError::TooLarge { max: self.max });
        }
        // A stream cut short still yields what was decoded; trust it only if complete.
        read.map_err(|_| PdfError::Damaged)?;
        self.left -= out.len();
        Ok(out)
    }
}

/// A PDF value, as far as this reader needs it.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Bool,
    Number(f64),
    Str(Vec<u8>),
    Name(Vec<u8>),
    Array(Vec<Value>),
    Dict(Vec<(Vec<u8>, Value)>),
    Ref(u32),
}

impl Value {
    fn get(&self, key: &[u8]) -> Option<&Value> {
        match self {
            Value::Dict(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn is_name(&self, name: &[u8]) -> bool {
        matches!(self, Value::Name(n) if n == name)
    }
}

/// A stream object: its dictionary and where its raw data starts.
struct Stream {
    dict: Value,
    data_start: usize,
}

/// Every indirect object of the file, found by scanning, plus the contents of object streams.
struct Scan<'a> {
    input: &'a [u8],
    objects: HashMap<u32, Value>,
    streams: HashMap<u32, Stream>,
    /// Where each `endstream` keyword is, in order (found once for all streams).
    endstreams: Vec<usize>,
    encrypted: bool,
}

const DEPTH_MAX: usize = 32;

impl<'a> Scan<'a> {
    /// Scans the whole file once. Every parse is confined to a window that ends where the
    /// next object header (`N G obj`) begins, and the windows do not overlap, so the scan is
    /// linear in the input whatever it holds: an unterminated string or comment can no longer
    /// make each of many headers read to the end of the file.
    fn of(input: &'a [u8], budget: &mut Budget) -> Result<Self, PdfError> {
        let headers: Vec<(usize, u32)> = memchr::memmem::find_iter(input, b"obj")
            .filter_map(|pos| object_number(input, pos).map(|n| (pos, n)))
            .collect();
        budget.objects(headers.len())?;
        let mut scan = Scan {
            input,
            objects: HashMap::new(),
            streams: HashMap::new(),
            endstreams: memchr::memmem::find_iter(input, b"endstream").collect(),
            encrypted: false,
        };
        let mut at = 0;
        for (i, &(pos, number)) in headers.iter().enumerate() {
            if pos < at {
                // Inside the value of the object before (a string, say).
                continue;
            }
            let end = headers.get(i + 1).map_or(input.len(), |(next, _)| *next);
            let mut parser = Parser {
                input: &input[..end],
                pos: pos + 3,
            };
            let Some(value) = parser.value(0) else {
                continue;
            };
            if matches!(value, Value::Dict(_)) && parser.keyword(b"stream") {
                let mut data_start = parser.pos;
                if input.get(data_start) == Some(&b'\r') {
                    data_start += 1;
                }
                if input.get(data_start) == Some(&b'\n') {
                    data_start += 1;
                }
                if value.get(b"Encrypt").is_some() {
                    scan.encrypted = true;
                }
                scan.streams.insert(
                    number,
                    Stream {
                        dict: value,
                        data_start,
                    },
                );
                at = data_start;
            } else {
                scan.objects.insert(number, value);
                at = parser.pos;
            }
        }
        // Classic trailers, each read up to the next trailer or object header.
        let trailers: Vec<usize> = memchr::memmem::find_iter(input, b"trailer").collect();
        for (i, &pos) in trailers.iter().enumerate() {
            let next_header = headers.partition_point(|(p, _)| *p <= pos);
            let end = trailers
                .get(i + 1)
                .copied()
                .unwrap_or(input.len())
                .min(headers.get(next_header).map_or(input.len(), |(p, _)| *p));
            let mut parser = Parser {
                input: &input[..end],
                pos: pos + 7,
            };
            if parser.value(0).is_some_and(|t| t.get(b"Encrypt").is_some()) {
                scan.encrypted = true;
            }
        }
        scan.unpack_object_streams(budget)?;
        Ok(scan)
    }

    /// Adds the objects stored in object streams (where file specifications often are).
    fn unpack_object_streams(&mut self, budget: &mut Budget) -> Result<(), PdfError> {
        let containers: Vec<u32> = self
            .streams
            .iter()
            .filter(|(_, s)| s.dict.get(b"Type").is_some_and(|t| t.is_name(b"ObjStm")))
            .map(|(n, _)| *n)
            .collect();
        for number in containers {
            let content = match self.decode(&self.streams[&number], budget) {
                Ok(content) => content,
                Err(e @ (PdfError::TooLarge { .. } | PdfError::TooManyObjects { .. })) => {
                    return Err(e);
                }
                // A damaged container may hold nothing we need; the file specifications that
                // matter may be elsewhere.
                Err(_) => continue,
            };
            let dict = &self.streams[&number].dict;
            let (Some(count), Some(first)) =
                (self.int(dict.get(b"N")), self.int(dict.get(b"First")))
            else {
                continue;
            };
            let mut header = Parser {
                input: &content,
                pos: 0,
            };
            budget.objects(count)?;
            let mut entries = Vec::new();
            for _ in 0..count {
                match (header.value(0), header.value(0)) {
                    (Some(Value::Number(n)), Some(Value::Number(offset))) => {
                        entries.push((n, offset));
                    }
                    _ => break,
                }
            }
            // Each object is read up to where the next one starts (linear, as in `of`).
            let mut entries: Vec<(u32, usize)> = entries
                .into_iter()
                .filter_map(|(n, offset)| Some((as_u32(n)?, as_usize(offset)?)))
                .collect();
            entries.sort_by_key(|(_, offset)| *offset);
            for (i, &(n, offset)) in entries.iter().enumerate() {
                let end = entries.get(i + 1).map_or(content.len(), |(_, next)| {
                    first.saturating_add(*next).min(content.len())
                });
                let mut parser = Parser {
                    input: &content[..end],
                    pos: first.saturating_add(offset),
                };
                if let Some(value) = parser.value(0) {
                    self.objects.entry(n).or_insert(value);
                }
            }
        }
        Ok(())
    }

    fn resolve<'v>(&'v self, value: &'v Value) -> &'v Value {
        match value {
            Value::Ref(n) => self.objects.get(n).unwrap_or(&Value::Null),
            other => other,
        }
    }

    fn int(&self, value: Option<&Value>) -> Option<usize> {
        match self.resolve(value?) {
            Value::Number(n) => as_usize(*n),
            _ => None,
        }
    }

    /// (file name, embedded-file stream) of every attachment: those named by a file
    /// specification first, then embedded-file streams no specification names.
    fn attachments(&self) -> Vec<(Option<String>, &Stream)> {
        let mut out = Vec::new();
        let mut named = std::collections::HashSet::new();
        let mut specs: Vec<(&u32, &Value)> = self.objects.iter().collect();
        specs.sort_by_key(|(n, _)| **n);
        for (_, spec) in specs {
            let Some(ef) = spec.get(b"EF").map(|v| self.resolve(v)) else {
                continue;
            };
            let Some(Value::Ref(target)) = ef.get(b"UF").or_else(|| ef.get(b"F")) else {
                continue;
            };
            let Some(stream) = self.streams.get(target) else {
                continue;
            };
            if named.insert(*target) {
                let name = spec.get(b"UF").or_else(|| spec.get(b"F")).and_then(|v| {
                    match self.resolve(v) {
                        Value::Str(s) => Some(text_string(s)),
                        _ => None,
                    }
                });
                out.push((name, stream));
            }
        }
        let mut loose: Vec<(&u32, &Stream)> = self
            .streams
            .iter()
            .filter(|(n, s)| {
                !named.contains(*n)
                    && s.dict
                        .get(b"Type")
                        .is_some_and(|t| t.is_name(b"EmbeddedFile"))
            })
            .collect();
        loose.sort_by_key(|(n, _)| **n);
        out.extend(loose.into_iter().map(|(_, s)| (None, s)));
        out
    }

    /// The decoded data of a stream.
    fn decode(&self, stream: &Stream, budget: &mut Budget) -> Result<Vec<u8>, PdfError> {
        let raw = self.raw(stream);
        let filters: Vec<&Value> = match stream.dict.get(b"Filter").map(|f| self.resolve(f)) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.iter().collect(),
            Some(single) => vec![single],
        };
        if stream
            .dict
            .get(b"DecodeParms")
            .is_some_and(|p| !matches!(self.resolve(p), Value::Null))
        {
            return Err(PdfError::UnsupportedFilter("DecodeParms".to_owned()));
        }
        match filters.as_slice() {
            [] => {
                if raw.len() > budget.left {
                    return Err(PdfError::TooLarge { max: budget.max });
                }
                budget.left -= raw.len();
                Ok(raw.to_vec())
            }
            [f] if f.is_name(b"FlateDecode") || f.is_name(b"Fl") => budget.inflate(raw),
            [Value::Name(other), ..] => Err(PdfError::UnsupportedFilter(
                String::from_utf8_lossy(other).into_owned(),
            )),
            _ => Err(PdfError::UnsupportedFilter("mehrere Filter".to_owned())),
        }
    }

    /// The raw bytes of a stream: `/Length` bytes if that fits and is followed by
    /// `endstream`, else everything up to the next `endstream`.
    fn raw(&self, stream: &Stream) -> &'a [u8] {
        let input = self.input;
        let start = stream.data_start.min(input.len());
        if let Some(length) = self.int(stream.dict.get(b"Length")) {
            let end = start.saturating_add(length);
            if end <= input.len() {
                let mut after = Parser { input, pos: end };
                if after.keyword(b"endstream") {
                    return &input[start..end];
                }
            }
        }
        let next = self.endstreams.partition_point(|p| *p < start);
        let end = self.endstreams.get(next).copied().unwrap_or(input.len());
        let mut data = &input[start..end];
        if let Some(stripped) = data.strip_suffix(b"\n") {
            data = stripped.strip_suffix(b"\r").unwrap_or(stripped);
        } else if let Some(stripped) = data.strip_suffix(b"\r") {
            data = stripped;
        }
        data
    }
}

/// The object number before `N G obj` at `pos`, if the bytes there have that form.
fn object_number(input: &[u8], pos: usize) -> Option<u32> {
    if input.get(pos + 3).is_some_and(|b| is_regular(*b)) {
        return None;
    }
    let before = &input[..pos];
    let (before, generation) = trailing_int(trim_end(before))?;
    if generation.is_empty() || !before.last().is_some_and(u8::is_ascii_whitespace) {
        return None;
    }
    let (before, number) = trailing_int(trim_end(before))?;
    if number.is_empty() || before.last().is_some_and(|b| is_regular(*b)) {
        return None;
    }
    std::str::from_utf8(number).ok()?.parse().ok()
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    &bytes[..end]
}

fn trailing_int(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let start = bytes
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(0, |p| p + 1);
    (bytes.len() - start <= 10).then(|| (&bytes[..start], &bytes[start..]))
}

fn is_regular(b: u8) -> bool {
    !b.is_ascii_whitespace() && !b"()<>[]{}/%".contains(&b)
}

fn as_u32(n: f64) -> Option<u32> {
    (n >= 0.0 && n <= f64::from(u32::MAX) && n.fract() == 0.0).then(|| {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let n = n as u32;
        n
    })
}

fn as_usize(n: f64) -> Option<usize> {
    as_u32(n).and_then(|n| usize::try_from(n).ok())
}

/// A PDF text string: UTF-16BE with a byte order mark, else PDFDocEncoding (read as Latin-1,
/// which agrees for every character a file name uses).
fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(b"\xFE\xFF") {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// A recursive-descent reader of PDF values.
struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        while let Some(&b) = self.input.get(self.pos) {
            if b.is_ascii_whitespace() || b == 0 {
                self.pos += 1;
            } else if b == b'%' {
                while self
                    .input
                    .get(self.pos)
                    .is_some_and(|&b| b != b'\n' && b != b'\r')
                {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Consumes `word` if it comes next as a whole token.
    fn keyword(&mut self, word: &[u8]) -> bool {
        self.skip_space();
        let end = self.pos + word.len();
        if self.input.get(self.pos..end) == Some(word)
            && !self.input.get(end).is_some_and(|b| is_regular(*b))
        {
            self.pos = end;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > DEPTH_MAX {
            return None;
        }
        self.skip_space();
        let b = *self.input.get(self.pos)?;
        match b {
            b'/' => Some(Value::Name(self.name())),
            b'(' => self.literal_string().map(Value::Str),
            b'<' if self.input.get(self.pos + 1) == Some(&b'<') => self.dict(depth),
            b'<' => self.hex_string().map(Value::Str),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    if self.input.get(self.pos) == Some(&b']') {
                        self.pos += 1;
                        return Some(Value::Array(items));
                    }
                    items.push(self.value(depth + 1)?);
                }
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => self.number_or_ref(),
            _ => {
                if self.keyword(b"true") || self.keyword(b"false") {
                    Some(Value::Bool)
                } else if self.keyword(b"null") {
                    Some(Value::Null)
                } else {
                    None
                }
            }
        }
    }

    fn dict(&mut self, depth: usize) -> Option<Value> {
        self.pos += 2;
        let mut entries = Vec::new();
        loop {
            self.skip_space();
            match self.input.get(self.pos..self.pos + 2)? {
                b">>" => {
                    self.pos += 2;
                    return Some(Value::Dict(entries));
                }
                [b'/', ..] => {
                    let key = self.name();
                    let value = self.value(depth + 1)?;
                    entries.push((key, value));
                }
                _ => return None,
            }
        }
    }

    fn name(&mut self) -> Vec<u8> {
        self.pos += 1;
        let mut out = Vec::new();
        while let Some(&b) = self.input.get(self.pos) {
            if !is_regular(b) {
                break;
            }
            self.pos += 1;
            if b == b'#'
                && let Some(v) = self
                    .input
                    .get(self.pos..self.pos + 2)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                self.pos += 2;
            } else {
                out.push(b);
            }
        }
        out
    }

    fn number_or_ref(&mut self) -> Option<Value> {
        let number = self.number()?;
        // `N G R` is a reference.
        let save = self.pos;
        if as_u32(number).is_some() {
            self.skip_space();
            let generation_start = self.pos;
            while self.input.get(self.pos).is_some_and(u8::is_ascii_digit) {
                self.pos += 1;
            }
            if self.pos > generation_start && self.keyword(b"R") {
                return as_u32(number).map(Value::Ref);
            }
        }
        self.pos = save;
        Some(Value::Number(number))
    }

    fn number(&mut self) -> Option<f64> {
        let start = self.pos;
        while self
            .input
            .get(self.pos)
            .is_some_and(|b| b.is_ascii_digit() || b"+-.".contains(b))
        {
            self.pos += 1;
        }
        std::str::from_utf8(&self.input[start..self.pos])
            .ok()?
            .parse()
            .ok()
    }

    fn literal_string(&mut self) -> Option<Vec<u8>> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut open = 1_usize;
        loop {
            let b = *self.input.get(self.pos)?;
            self.pos += 1;
            match b {
                b'(' => {
                    open += 1;
                    out.push(b);
                }
                b')' => {
                    open -= 1;
                    if open == 0 {
                        return Some(out);
                    }
                    out.push(b);
                }
                b'\\' => {
                    let e = *self.input.get(self.pos)?;
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.input.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.input.get(self.pos) {
                                    Some(&d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(u8::try_from(v & 0xFF).unwrap_or(0));
                        }
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
    }

    fn hex_string(&mut self) -> Option<Vec<u8>> {
        self.pos += 1;
        let mut digits = Vec::new();
        loop {
            let b = *self.input.get(self.pos)?;
            self.pos += 1;
            match b {
                b'>' => break,
                b if b.is_ascii_hexdigit() => digits.push(b),
                b if b.is_ascii_whitespace() => {}
                _ => return None,
            }
        }
        if digits.len() % 2 == 1 {
            digits.push(b'0');
        }
        digits
            .chunks_exact(2)
            .map(|pair| {
                std::str::from_utf8(pair)
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_as_pdf_writes_them() {
        let mut p = Parser {
            input: b"<< /Type /Filespec /F (a\\(b\\).xml) /UF <FEFF0078> /EF << /F 12 0 R >> \
                     /N [1 2.5 -3] /Ok true /Nix null /Na#6De /X >>",
            pos: 0,
        };
        let v = p.value(0).unwrap();
        assert!(v.get(b"Type").unwrap().is_name(b"Filespec"));
        assert_eq!(v.get(b"F"), Some(&Value::Str(b"a(b).xml".to_vec())));
        assert_eq!(v.get(b"UF"), Some(&Value::Str(vec![0xFE, 0xFF, 0, b'x'])));
        assert_eq!(v.get(b"EF").unwrap().get(b"F"), Some(&Value::Ref(12)));
        assert_eq!(
            v.get(b"N"),
            Some(&Value::Array(vec![
                Value::Number(1.0),
                Value::Number(2.5),
                Value::Number(-3.0)
            ]))
        );
        assert!(v.get(b"Name").unwrap().is_name(b"X"));
        assert_eq!(text_string(&[0xFE, 0xFF, 0, b'x']), "x");
    }

    #[test]
    fn object_headers_are_recognised_only_as_such() {
        let input = b"1 0 obj\n2 0 obj\nxobj 3 0 objx 10 5 obj";
        let numbers: Vec<Option<u32>> = [4, 12, 17, 25, 35]
            .iter()
            .map(|&at| {
                assert_eq!(&input[at..at + 3], b"obj");
                object_number(input, at)
            })
            .collect();
        assert_eq!(numbers, [Some(1), Some(2), None, None, Some(10)]);
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = "[".repeat(10_000);
        let mut p = Parser {
            input: deep.as_bytes(),
            pos: 0,
        };
        assert_eq!(p.value(0), None);
    }
}
