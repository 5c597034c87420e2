//! A CSV table's text, checked before the `csv` crate reads it: that crate
//! ends a quoted field that is never closed at the end of the file, so one
//! stray `"` would make one key swallow every row after it.

/// The line on which a quoted field opens that is never closed, if one
/// does. Quotes are read as the `csv` crate reads them: a `"` opens a
/// quoted field only as the field's first byte, `""` inside one is a
/// quote, and any other `"` is text.
pub(super) fn unclosed_quote(bytes: &[u8]) -> Option<u64> {
    let mut line = 1;
    let mut opened = None;
    let mut field_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        i += 1;
        if byte == b'\n' {
            line += 1;
        }
        if opened.is_some() {
            if byte == b'"' {
                if bytes.get(i) == Some(&b'"') {
                    i += 1;
                } else {
                    opened = None;
                }
            }
            continue;
        }
        match byte {
            b'"' if field_start => {
                opened = Some(line);
                field_start = false;
            }
            b',' | b'\n' => field_start = true,
            b'\r' => {}
            _ => field_start = false,
        }
    }
    opened
}

#[cfg(test)]
mod tests {
    use super::unclosed_quote;

    #[test]
    fn quotes_open_and_close_as_the_csv_crate_reads_them() {
        assert_eq!(unclosed_quote(b"a,b\n1,2\n"), None);
        assert_eq!(unclosed_quote(b"a,b\n\"1\n,x\",2\n"), None);
        assert_eq!(unclosed_quote(b"a,b\n\"1\"\"\",2\n"), None);
        // a quote inside an unquoted field is text
        assert_eq!(unclosed_quote(b"a,b\n1\"x,2\n"), None);
        assert_eq!(unclosed_quote(b"a,b\n1,2\n\"3,4\n5,6\n"), Some(3));
        assert_eq!(unclosed_quote(b"a,b\r\n1,\"2\r\n"), Some(2));
        assert_eq!(unclosed_quote(b"a,b\n\"x\"\"\n"), Some(2));
    }
}
