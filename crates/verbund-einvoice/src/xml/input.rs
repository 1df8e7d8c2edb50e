//! The encoding gate: only UTF-8 gets through to the XML reader.

use super::position;
use crate::error::EinvoiceError;
use crate::limits::Limits;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Checks size and encoding and returns the document text without a byte order mark.
///
/// Detection follows XML 1.0 appendix F: a BOM or the byte pattern of `<?` tells UTF-16/32 and
/// EBCDIC apart from UTF-8 before any decoding, so such files get a clear "wrong encoding"
/// instead of a confusing syntax error. A declared `encoding` is checked by the reader.
pub(crate) fn decode<'i>(input: &'i [u8], limits: &Limits) -> Result<&'i str, EinvoiceError> {
    if input.len() > limits.input_bytes_max {
        return Err(EinvoiceError::TooLarge {
            size_bytes: input.len(),
            max_bytes: limits.input_bytes_max,
        });
    }
    let body = input.strip_prefix(UTF8_BOM).unwrap_or(input);
    if body.is_empty() {
        return Err(EinvoiceError::Empty);
    }
    if let Some(encoding) = foreign_encoding(body) {
        return Err(EinvoiceError::UnsupportedEncoding {
            encoding: encoding.to_owned(),
        });
    }
    let text = std::str::from_utf8(body).map_err(|e| {
        let (line, column) = position(body, e.valid_up_to());
        EinvoiceError::InvalidUtf8 { line, column }
    })?;
    if let Some(offset) = first_illegal_char(body) {
        let (line, column) = position(body, offset);
        return Err(EinvoiceError::NotWellFormed {
            line,
            column,
            reason: "Zeichen, das in XML 1.0 nicht erlaubt ist (Steuerzeichen oder U+FFFE/U+FFFF)"
                .to_owned(),
        });
    }
    Ok(text)
}

fn foreign_encoding(body: &[u8]) -> Option<&'static str> {
    match body {
        [0x00, 0x00, 0xFE, 0xFF, ..]
        | [0xFF, 0xFE, 0x00, 0x00, ..]
        | [0x00, 0x00, 0x00, 0x3C, ..]
        | [0x3C, 0x00, 0x00, 0x00, ..] => Some("UTF-32"),
        [0xFE, 0xFF, ..]
        | [0xFF, 0xFE, ..]
        | [0x00, 0x3C, 0x00, 0x3F, ..]
        | [0x3C, 0x00, 0x3F, 0x00, ..] => Some("UTF-16"),
        [0x4C, 0x6F, 0xA7, 0x94, ..] => Some("EBCDIC"),
        _ => None,
    }
}

/// Offset of the first character XML 1.0 forbids: C0 controls other than tab, LF and CR, and
/// the non-characters U+FFFE and U+FFFF. The input is already valid UTF-8.
fn first_illegal_char(text: &[u8]) -> Option<usize> {
    // Fast path: a branch-free OR over each chunk vectorises; only suspicious chunks (a C0
    // control other than tab/LF/CR, or the 0xEF lead byte of U+FFFE/U+FFFF and other
    // characters) get the exact byte-by-byte check.
    const CHUNK: usize = 256;
    let suspicious = |b: u8| {
        let control =
            u8::from(b < 0x20) & u8::from(b != b'\t') & u8::from(b != b'\n') & u8::from(b != b'\r');
        control | u8::from(b == 0xEF)
    };
    text.chunks(CHUNK).enumerate().find_map(|(n, chunk)| {
        if chunk.iter().fold(0_u8, |any, &b| any | suspicious(b)) == 0 {
            return None;
        }
        let base = n * CHUNK;
        (base..base + chunk.len()).find(|&i| {
            let b = text[i];
            let control = b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r');
            let nonchar = b == 0xEF && matches!(text.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF]));
            control || nonchar
        })
    })
}

#[cfg(test)]
mod tests {
    use super::decode;
    use crate::{EinvoiceError, Limits};

    #[test]
    fn bom_is_stripped_and_foreign_encodings_named() {
        let limits = Limits::default();
        assert_eq!(decode(b"\xEF\xBB\xBF<a/>", &limits), Ok("<a/>"));
        assert_eq!(decode(b"\xEF\xBB\xBF", &limits), Err(EinvoiceError::Empty));
        let utf16 = decode(b"\xFF\xFE<\x00a\x00/\x00>\x00", &limits);
        assert_eq!(
            utf16,
            Err(EinvoiceError::UnsupportedEncoding {
                encoding: "UTF-16".into()
            })
        );
        let latin1 = decode(b"<a>\n Gr\xF6\xDFe</a>", &limits);
        assert_eq!(
            latin1,
            Err(EinvoiceError::InvalidUtf8 { line: 2, column: 4 })
        );
        assert!(matches!(
            decode(b"<a>\x01</a>", &limits),
            Err(EinvoiceError::NotWellFormed { .. })
        ));
        assert!(matches!(
            decode("<a>\u{FFFF}</a>".as_bytes(), &limits),
            Err(EinvoiceError::NotWellFormed { .. })
        ));
        let small = Limits {
            input_bytes_max: 3,
            ..Limits::default()
        };
        assert!(matches!(
            decode(b"<a/>", &small),
            Err(EinvoiceError::TooLarge { size_bytes: 4, .. })
        ));
    }
}
