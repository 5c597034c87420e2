//! A JSON number that keeps its text exactly as written.

use std::fmt;
use std::str::FromStr;

/// A JSON number, held as its validated JSON text: `2.50` stays `2.50` and
/// `1E-2` stays `1E-2`, byte for byte, however large or precise. mapc reads
/// decimals from this text and never passes money through `f64`.
///
/// Two numbers are equal when their texts are (`1.0` and `1.00` differ), as
/// serde_json's numbers are under its `arbitrary_precision` feature.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Number {
    text: String,
}

impl Number {
    /// The number's JSON text, exactly as read or built.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// A number from text the caller has validated as a JSON number.
    pub(crate) fn from_string_unchecked(text: String) -> Number {
        debug_assert!(is_json_number(&text), "{text:?} is not a JSON number");
        Number { text }
    }

    /// A number from an `f64`, written as serde_json writes it: its
    /// shortest text that reads back as the same `f64` (`0.1`, `1e+20`);
    /// `None` for NaN and the infinities.
    #[must_use]
    pub fn from_f64(value: f64) -> Option<Number> {
        serde_json::Number::from_f64(value).map(|n| Number {
            text: n.to_string(),
        })
    }

    /// Whether the text is an integer that fits an `i64`.
    #[must_use]
    pub fn is_i64(&self) -> bool {
        self.as_i64().is_some()
    }

    /// Whether the text is an integer that fits a `u64`.
    #[must_use]
    pub fn is_u64(&self) -> bool {
        self.as_u64().is_some()
    }

    /// Whether the number is neither an `i64` nor a `u64` (it has a
    /// fraction or an exponent, or is too large).
    #[must_use]
    pub fn is_f64(&self) -> bool {
        !self.is_i64() && !self.is_u64()
    }

    /// The number as an `i64`, when its text is an integer that fits.
    #[must_use]
    pub fn as_i64(&self) -> Option<i64> {
        self.text.parse().ok()
    }

    /// The number as a `u64`, when its text is an integer that fits.
    #[must_use]
    pub fn as_u64(&self) -> Option<u64> {
        self.text.parse().ok()
    }

    /// The number as the nearest `f64` (lossy: never for money).
    #[must_use]
    pub fn as_f64(&self) -> Option<f64> {
        self.text.parse::<f64>().ok().filter(|f| f.is_finite())
    }
}

/// Whether `text` is one JSON number (RFC 8259 grammar), nothing around it.
pub(crate) fn is_json_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = usize::from(bytes.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    match bytes.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if let Some(b'e' | b'E') = bytes.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = bytes.get(i) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == bytes.len()
}

impl FromStr for Number {
    type Err = super::Error;

    /// Validates `text` as one JSON number and keeps it as written.
    fn from_str(text: &str) -> Result<Number, super::Error> {
        if is_json_number(text) {
            Ok(Number {
                text: text.to_string(),
            })
        } else {
            Err(super::Error::syntax("invalid number", 1, 1))
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({})", self.text)
    }
}

macro_rules! from_integer {
    ($($t:ty)*) => {$(
        impl From<$t> for Number {
            fn from(value: $t) -> Number {
                Number { text: itoa::Buffer::new().format(value).to_string() }
            }
        }
    )*};
}

from_integer!(i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize);
