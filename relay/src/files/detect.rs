//! The type of an upload, told by its content only: magic bytes (the `infer`
//! crate) for the binary types, and for plain text a full pass checking that it
//! is UTF-8 without control characters and does not start like markup (HTML,
//! SVG, XML are never accepted, not even as text). Blocking: run it off the
//! runtime's workers.

use std::fs::File;
use std::io::{self, Read as _};
use std::path::Path;

use natter_protocol::FileType;

/// Bytes read for the magic-number check.
const HEAD: usize = 8192;

/// What the content is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detected {
    Known(FileType),
    /// Something else; the MIME type `infer` gave, or a word for what it is.
    Other(String),
}

/// Reads the file at `path` and tells its type.
pub fn detect(path: &Path) -> io::Result<Detected> {
    let mut file = File::open(path)?;
    let mut head = Vec::with_capacity(HEAD);
    file.by_ref().take(HEAD as u64).read_to_end(&mut head)?;
    if let Some(kind) = infer::get(&head) {
        return Ok(match kind.mime_type() {
            "image/jpeg" => Detected::Known(FileType::Jpeg),
            "image/png" => Detected::Known(FileType::Png),
            "image/webp" => Detected::Known(FileType::Webp),
            "image/gif" => Detected::Known(FileType::Gif),
            "application/pdf" => Detected::Known(FileType::Pdf),
            other => Detected::Other(other.to_owned()),
        });
    }
    if looks_like_markup(&head) {
        return Ok(Detected::Other("markup (HTML, SVG or XML)".into()));
    }
    drop(file);
    if is_plain_text(File::open(path)?)? {
        Ok(Detected::Known(FileType::Text))
    } else {
        Ok(Detected::Other("binary data of an unknown type".into()))
    }
}

/// Text whose first character (after a BOM and blanks) is `<`: a browser
/// would be tempted to treat it as a document.
fn looks_like_markup(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// Whether everything read is UTF-8 with no control characters but tab, line
/// feed, form feed and carriage return. Streams: a character split between two
/// reads is carried over.
fn is_plain_text(mut input: impl io::Read) -> io::Result<bool> {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut carried = 0;
    loop {
        let read = input.read(&mut buffer[carried..])?;
        if read == 0 {
            return Ok(carried == 0);
        }
        let filled = carried + read;
        let (valid, rest) = match std::str::from_utf8(&buffer[..filled]) {
            Ok(text) => (text, 0),
            Err(e) if e.error_len().is_none() => {
                // A character cut at the end of the buffer: keep its bytes for the next read.
                let up_to = e.valid_up_to();
                (std::str::from_utf8(&buffer[..up_to]).unwrap_or_default(), filled - up_to)
            }
            Err(_) => return Ok(false),
        };
        if valid.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) {
            return Ok(false);
        }
        buffer.copy_within(filled - rest..filled, 0);
        carried = rest;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> bool {
        // A reader that hands out 3 bytes at a time, to split characters.
        struct Trickle<'a>(&'a [u8]);
        impl io::Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(3).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        is_plain_text(Trickle(bytes)).unwrap()
    }

    #[test]
    fn plain_text_is_utf8_without_controls() {
        assert!(text("hello\tworld\r\nสวัสดี 😀\n".as_bytes()));
        assert!(!text(b"nul\0inside"));
        assert!(!text(b"\xff\xfe bad utf8"));
        assert!(!text(b"cut at the end \xe0\xb8"));
        assert!(!text("escape \u{1b}[31m".as_bytes()));
    }

    #[test]
    fn markup_is_not_text() {
        assert!(looks_like_markup(b"  <svg xmlns='http://www.w3.org/2000/svg'>"));
        assert!(looks_like_markup(b"\xEF\xBB\xBF<!doctype html>"));
        assert!(!looks_like_markup(b"a < b"));
    }
}
