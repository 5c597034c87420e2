//! Deterministic keys for idempotency (SHA-256, UUID v5) and base64.
//!
//! What is hashed: one string argument is hashed as its UTF-8 bytes, so
//! `sha256_hex("abc")` is the standard digest of `abc`. Several arguments,
//! or one that is not a string, are hashed as the compact JSON array of
//! the values (`["ord_1",2]`), so `("ab", "c")` and `("a", "bc")` never
//! collide and numbers keep their exact digits. Any missing or null part
//! gives a missing key: a key is never made from a field that is absent.

use super::args::{Args, FnError};
use super::signature::{Absent, Example, Ty};
use super::{builtin, many, one, opt};
use crate::diagnostics::Code;
use crate::value::Value;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The bytes to hash from arguments `from..`; `None` when a part is
/// missing or null.
fn key_bytes(args: &Args<'_>, from: usize) -> Result<Option<Vec<u8>>, FnError> {
    let parts = &args.values[from.min(args.len())..];
    if parts.is_empty() || parts.iter().any(|v| v.is_missing() || v.is_null()) {
        return Ok(None);
    }
    if let [Value::String(s)] = parts {
        return Ok(Some(s.as_bytes().to_vec()));
    }
    let json: Vec<crate::json::Value> =
        parts.iter().filter_map(|v| v.clone().into_json()).collect();
    crate::json::to_vec(&json)
        .map(Some)
        .map_err(|e| FnError::new(Code::InvalidArgument, format!("cannot encode the key: {e}")))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

builtin!(
    Hash,
    SHA256_HEX,
    "sha256_hex",
    &[many("parts", Ty::ANY)],
    Ty::STRING,
    Absent::Accept,
    "The SHA-256 digest as 64 lowercase hex digits: of one string's UTF-8 bytes, or of the compact JSON array of several values; missing when any part is missing or null.",
    &[
        Example {
            call: r#"sha256_hex("abc")"#,
            result: r#""ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad""#
        },
        Example {
            call: r#"sha256_hex("ord_1", 2)"#,
            result: r#""65e76d3e7024818a3a58b768c5bb4810389d328fc7e246fcd03c7e927778b973""#
        },
        Example {
            call: r#"sha256_hex("ord_1", null)"#,
            result: "(missing)"
        },
    ],
    |args| {
        Ok(match key_bytes(args, 0)? {
            Some(bytes) => Value::string(hex(&Sha256::digest(&bytes))),
            None => Value::Missing,
        })
    }
);

builtin!(
    Hash,
    UUID_V5,
    "uuid_v5",
    &[one("namespace", Ty::STRING), many("parts", Ty::ANY)],
    Ty::STRING,
    Absent::Propagate,
    "A name-based UUID (version 5, SHA-1, RFC 9562) in a namespace — \"dns\", \"url\", \"oid\", \"x500\" or a UUID of your own — of one string's bytes or the compact JSON array of several values; missing when any part is missing or null.",
    &[
        Example {
            call: r#"uuid_v5("dns", "example.com")"#,
            result: r#""cfbff0d1-9375-5685-968c-48ce8b15ae17""#
        },
        Example {
            call: r#"uuid_v5("6ba7b811-9dad-11d1-80b4-00c04fd430c8", "https://example.com/")"#,
            result: r#""dd2c1780-811a-5296-81c5-178a0ef488bc""#
        },
        Example {
            call: r#"uuid_v5("users", "42")"#,
            result: "error[E308]"
        },
    ],
    |args| {
        let name = args.str(0)?;
        let namespace = match name {
            "dns" => uuid::Uuid::NAMESPACE_DNS,
            "url" => uuid::Uuid::NAMESPACE_URL,
            "oid" => uuid::Uuid::NAMESPACE_OID,
            "x500" => uuid::Uuid::NAMESPACE_X500,
            other => uuid::Uuid::try_parse(other.trim()).map_err(|_| {
                args.error(
                    0,
                    Code::InvalidArgument,
                    format!("`{other}` is not a namespace"),
                )
                .with_help("use \"dns\", \"url\", \"oid\", \"x500\" or a UUID")
            })?,
        };
        Ok(match key_bytes(args, 1)? {
            Some(bytes) => Value::string(
                uuid::Uuid::new_v5(&namespace, &bytes)
                    .hyphenated()
                    .to_string(),
            ),
            None => Value::Missing,
        })
    }
);

fn engine(args: &Args<'_>, i: usize) -> Result<base64::engine::GeneralPurpose, FnError> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    match args.opt_str(i)? {
        None | Some("standard") => Ok(STANDARD),
        Some("url") => Ok(URL_SAFE_NO_PAD),
        Some(other) => Err(args
            .error(
                i,
                Code::InvalidArgument,
                format!("unknown alphabet `{other}`"),
            )
            .with_help(
                "the alphabets are \"standard\" (RFC 4648 §4, padded) and \"url\" (§5, no padding)",
            )),
    }
}

builtin!(
    Hash,
    BASE64_ENCODE,
    "base64_encode",
    &[one("text", Ty::STRING), opt("alphabet", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "The UTF-8 bytes of the text in base64: alphabet \"standard\" (RFC 4648 §4 with `=` padding; when left out) or \"url\" (§5, `-_`, no padding).",
    &[
        Example {
            call: r#"base64_encode("user:pässword")"#,
            result: r#""dXNlcjpww6Rzc3dvcmQ=""#
        },
        Example {
            call: r#"base64_encode("??>", "url")"#,
            result: r#""Pz8-""#
        },
    ],
    |args| {
        let engine = engine(args, 1)?;
        Ok(Value::string(engine.encode(args.str(0)?)))
    }
);

builtin!(
    Hash,
    BASE64_DECODE,
    "base64_decode",
    &[one("text", Ty::STRING), opt("alphabet", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "Text from base64 in the alphabet \"standard\" (padded; when left out) or \"url\" (unpadded); invalid base64, or bytes that are not UTF-8, are E314.",
    &[
        Example {
            call: r#"base64_decode("dXNlcjpww6Rzc3dvcmQ=")"#,
            result: r#""user:pässword""#
        },
        Example {
            call: r#"base64_decode("not base64!")"#,
            result: "error[E314]"
        },
    ],
    |args| {
        let engine = engine(args, 1)?;
        let text = args.str(0)?;
        let bytes = engine.decode(text.trim()).map_err(|e| {
            args.error(0, Code::Unparseable, format!("{text:?} is not base64: {e}"))
        })?;
        String::from_utf8(bytes).map(Value::string).map_err(|_| {
            args.error(
                0,
                Code::Unparseable,
                format!("{text:?} does not decode to UTF-8 text"),
            )
        })
    }
);
