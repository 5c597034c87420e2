//! Positions as LSP counts them (line, UTF-16 code unit) against mapc's
//! byte offsets, and `file://` URIs against paths.

use lsp_types::{Position, Range, Uri};
use mapc::syntax::Span;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Where each line of a text starts, for converting positions.
pub(super) struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// The LSP position of byte `offset` (clamped to the text).
    pub(super) fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let column = self.text[self.starts[line]..offset].encode_utf16().count();
        Position::new(to_u32(line), to_u32(column))
    }

    pub(super) fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of an LSP position; a position past the end of its
    /// line is the line's end, one past the last line the text's end.
    pub(super) fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let mut units = 0;
        for (i, c) in self.text[start..].char_indices() {
            if units >= position.character as usize || c == '\n' {
                return start + i;
            }
            units += c.len_utf16();
        }
        self.text.len()
    }

    /// The whole text.
    pub(super) fn all(&self) -> Range {
        Range::new(Position::new(0, 0), self.position(self.text.len()))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The path of a `file://` URI (percent-escapes decoded).
pub(super) fn uri_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///x` (empty authority) or `file://localhost/x`
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = path
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(byte) = hex {
                decoded.push(byte);
                i += 3;
                continue;
            }
        }
        decoded.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(decoded).ok().map(PathBuf::from)
}

/// The `file://` URI of an absolute path.
pub(super) fn path_uri(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    if !text.starts_with('/') {
        return None;
    }
    let mut uri = String::from("file://");
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    Uri::from_str(&uri).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        // `é` is two bytes and one UTF-16 unit; `𝄞` four bytes and two units
        let text = "a = \"é𝄞\" | trmi\nb = 1\n";
        let lines = Lines::new(text);
        let trmi = text.find("trmi").unwrap();
        assert_eq!(lines.position(trmi), Position::new(0, 12));
        assert_eq!(lines.offset(Position::new(0, 12)), trmi);
        assert_eq!(lines.offset(Position::new(1, 0)), text.find('b').unwrap());
        assert_eq!(
            lines.offset(Position::new(0, 999)),
            text.find('\n').unwrap()
        );
        assert_eq!(lines.offset(Position::new(9, 0)), text.len());
    }

    #[test]
    fn uris_and_paths_round_trip() {
        let path = Path::new("/tmp/a dir/é.map");
        let uri = path_uri(path).unwrap();
        assert_eq!(uri.as_str(), "file:///tmp/a%20dir/%C3%A9.map");
        assert_eq!(uri_path(&uri).unwrap(), path);
        assert!(path_uri(Path::new("relative.map")).is_none());
    }
}
