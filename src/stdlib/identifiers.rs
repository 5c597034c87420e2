//! Identifiers: UUIDs, e-mail addresses, ISO 3166 countries, ISO 4217
//! currency codes and E.164 phone numbers, each validated and normalised.
//! The country table is the `iso_country` crate's copy of ISO 3166-1.

use super::args::{Args, FnError};
use super::money::currency;
use super::signature::{Absent, Example, Ty};
use super::{builtin, one, opt};
use crate::diagnostics::Code;
use crate::value::Value;

builtin!(
    Identifier,
    NORMALIZE_UUID,
    "normalize_uuid",
    &[one("text", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "A UUID in lowercase hyphenated form, from that form in any case, 32 hex digits, `{...}` or `urn:uuid:...`; anything else is E314.",
    &[
        Example {
            call: r#"normalize_uuid("{6BA7B810-9DAD-11D1-80B4-00C04FD430C8}")"#,
            result: r#""6ba7b810-9dad-11d1-80b4-00c04fd430c8""#
        },
        Example {
            call: r#"normalize_uuid("6ba7b8109dad11d180b400c04fd430c8")"#,
            result: r#""6ba7b810-9dad-11d1-80b4-00c04fd430c8""#
        },
        Example {
            call: r#"normalize_uuid("6ba7b810-9dad-11d1-80b4")"#,
            result: "error[E314]"
        },
    ],
    |args| {
        let text = args.str(0)?;
        uuid::Uuid::try_parse(text.trim())
            .map(|u| Value::string(u.hyphenated().to_string()))
            .map_err(|_| args.error(0, Code::Unparseable, format!("{text:?} is not a UUID")))
    }
);

builtin!(
    Identifier,
    IS_UUID,
    "is_uuid",
    &[one("text", Ty::STRING)],
    Ty::BOOL,
    Absent::Propagate,
    "Whether the text is a UUID in a form `normalize_uuid` accepts.",
    &[
        Example {
            call: r#"is_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8")"#,
            result: "true"
        },
        Example {
            call: r#"is_uuid("nope")"#,
            result: "false"
        },
    ],
    |args| Ok(Value::Bool(
        uuid::Uuid::try_parse(args.str(0)?.trim()).is_ok()
    ))
);

/// Why an address is not a plausible e-mail address, if it is not.
fn email_problem(address: &str) -> Option<&'static str> {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return Some("it has no `@`");
    };
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    if address.len() > 254 {
        return Some("it is longer than 254 characters");
    }
    if local.is_empty() || local.len() > 64 {
        return Some("the part before `@` must have 1 to 64 characters");
    }
    if local
        .split('.')
        .any(|atom| atom.is_empty() || !atom.chars().all(atext))
    {
        return Some("the part before `@` has a character or dot that is not allowed");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Some("the domain has no dot");
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if !labels.iter().all(label_ok) {
        return Some("the domain has a label that is not letters, digits and inner hyphens");
    }
    if labels
        .last()
        .is_some_and(|tld| tld.len() < 2 || tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Some("the domain does not end in a top-level domain");
    }
    None
}

builtin!(
    Identifier,
    NORMALIZE_EMAIL,
    "normalize_email",
    &[one("text", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "An e-mail address trimmed, with its domain lowercased (the part before `@` keeps its case, as RFC 5321 allows it to matter), checked for practical syntax: dot-atom local part of 1–64 characters, a dotted ASCII domain (punycode for others), at most 254 characters; no quoted parts or comments. Anything else is E314.",
    &[
        Example {
            call: r#"normalize_email("  Ada.Lovelace@Example.COM ")"#,
            result: r#""Ada.Lovelace@example.com""#
        },
        Example {
            call: r#"normalize_email("ada@localhost")"#,
            result: "error[E314]"
        },
        Example {
            call: r#"normalize_email("ada..l@example.com")"#,
            result: "error[E314]"
        },
    ],
    |args| {
        let text = args.str(0)?.trim();
        if let Some(problem) = email_problem(text) {
            return Err(args.error(
                0,
                Code::Unparseable,
                format!("{text:?} is not an e-mail address: {problem}"),
            ));
        }
        let (local, domain) = text.rsplit_once('@').unwrap_or((text, ""));
        Ok(Value::string(format!(
            "{local}@{}",
            domain.to_ascii_lowercase()
        )))
    }
);

builtin!(
    Identifier,
    IS_EMAIL,
    "is_email",
    &[one("text", Ty::STRING)],
    Ty::BOOL,
    Absent::Propagate,
    "Whether the text (trimmed) is an e-mail address by the syntax `normalize_email` checks.",
    &[
        Example {
            call: r#"is_email("ops+alerts@example.co.uk")"#,
            result: "true"
        },
        Example {
            call: r#"is_email("@example.com")"#,
            result: "false"
        },
    ],
    |args| Ok(Value::Bool(email_problem(args.str(0)?.trim()).is_none()))
);

/// A country's ISO 3166-1 alpha-2, alpha-3 and English short name.
struct CountryRow {
    alpha2: &'static str,
    alpha3: &'static str,
    name: String,
}

/// The country named by argument 0: alpha-2, alpha-3 or English short name
/// (case-insensitive).
fn country(args: &Args<'_>) -> Result<CountryRow, FnError> {
    let text = args.str(0)?.trim();
    let wanted = text.to_lowercase();
    iso_country::data::all()
        .into_iter()
        .map(|c| CountryRow {
            alpha2: c.alpha2,
            alpha3: c.alpha3,
            // the table keeps footnote marks from its source: "Taiwan, Province of China[a]"
            name: c
                .name
                .split('[')
                .next()
                .unwrap_or(c.name)
                .trim()
                .to_string(),
        })
        .find(|c| {
            c.alpha2.eq_ignore_ascii_case(&wanted)
                || c.alpha3.eq_ignore_ascii_case(&wanted)
                || c.name.to_lowercase() == wanted
        })
        .ok_or_else(|| {
            args.error(
                0,
                Code::UnknownCountry,
                format!("{text:?} is not an ISO 3166-1 country code or name"),
            )
            .with_help("use an alpha-2 code (DE), an alpha-3 code (DEU) or the ISO English short name; for other spellings use a lookup table")
        })
}

builtin!(
    Identifier,
    COUNTRY_ALPHA2,
    "country_alpha2",
    &[one("country", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "The ISO 3166-1 alpha-2 code of a country given by alpha-2, alpha-3 or ISO English short name (any case); unknown is E320.",
    &[
        Example {
            call: r#"country_alpha2("deu")"#,
            result: r#""DE""#
        },
        Example {
            call: r#"country_alpha2("Japan")"#,
            result: r#""JP""#
        },
        Example {
            call: r#"country_alpha2("UK")"#,
            result: "error[E320]"
        },
    ],
    |args| Ok(Value::string(country(args)?.alpha2))
);

builtin!(
    Identifier,
    COUNTRY_ALPHA3,
    "country_alpha3",
    &[one("country", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "The ISO 3166-1 alpha-3 code of a country given by alpha-2, alpha-3 or ISO English short name (any case); unknown is E320.",
    &[Example {
        call: r#"country_alpha3("gb")"#,
        result: r#""GBR""#
    }],
    |args| Ok(Value::string(country(args)?.alpha3))
);

builtin!(
    Identifier,
    COUNTRY_NAME,
    "country_name",
    &[one("country", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "The ISO 3166-1 English short name of a country given by alpha-2, alpha-3 or name (any case); unknown is E320.",
    &[Example {
        call: r#"country_name("NZ")"#,
        result: r#""New Zealand""#
    }],
    |args| Ok(Value::string(country(args)?.name))
);

builtin!(
    Identifier,
    CURRENCY_CODE,
    "currency_code",
    &[one("code", Ty::STRING)],
    Ty::STRING,
    Absent::Propagate,
    "An ISO 4217 currency code, trimmed and uppercased; a code not in the table is E313.",
    &[
        Example {
            call: r#"currency_code(" eur ")"#,
            result: r#""EUR""#
        },
        Example {
            call: r#"currency_code("EURO")"#,
            result: "error[E313]"
        },
    ],
    |args| Ok(Value::string(currency(args, 0)?.code()))
);

builtin!(
    Identifier,
    NORMALIZE_PHONE,
    "normalize_phone",
    &[
        one("text", Ty::STRING),
        opt("country_code", Ty::STRING.or(Ty::NUMBER))
    ],
    Ty::STRING,
    Absent::Propagate,
    "An E.164 phone number (`+4930123456`) from common writings: spaces, dots, dashes, slashes and parentheses are dropped; `+` or `00` starts an international number (a bracketed trunk `(0)` in it is dropped); otherwise the number is national and needs `country_code` (the calling code, such as 49 or 1), which replaces one trunk `0` (or, for 1, a leading 1). 7 to 15 digits in all; letters and extensions are E314. The digits are not checked against numbering plans.",
    &[
        Example {
            call: r#"normalize_phone("+49 (30) 1234-5678")"#,
            result: r#""+493012345678""#
        },
        Example {
            call: r#"normalize_phone("030 1234 5678", "49")"#,
            result: r#""+493012345678""#
        },
        Example {
            call: r#"normalize_phone("(415) 555-0100", 1)"#,
            result: r#""+14155550100""#
        },
        Example {
            call: r#"normalize_phone("0044 20 7946 0958")"#,
            result: r#""+442079460958""#
        },
        Example {
            call: r#"normalize_phone("030 1234 5678")"#,
            result: "error[E315]"
        },
        Example {
            call: r#"normalize_phone("+1 800 FLOWERS")"#,
            result: "error[E314]"
        },
    ],
    |args| {
        let written = args.str(0)?.trim();
        // "+44 (0)20 ...": the national trunk 0, shown in brackets, is not dialled
        let international_form = written.starts_with('+') || written.starts_with("00");
        let cleaned;
        let text = if international_form && written.contains("(0)") {
            cleaned = written.replacen("(0)", "", 1);
            cleaned.as_str()
        } else {
            written
        };
        let fail = |why: &str| {
            args.error(
                0,
                Code::Unparseable,
                format!("{text:?} is not a phone number: {why}"),
            )
        };
        let mut digits = String::new();
        for (i, c) in text.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => digits.push('+'),
                ' ' | '.' | '-' | '/' | '(' | ')' | '\u{a0}' => {}
                _ => return Err(fail(&format!("unexpected `{c}`"))),
            }
        }
        let international = if let Some(rest) = digits.strip_prefix('+') {
            rest.to_string()
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest.to_string()
        } else {
            let code = match args.get(1) {
                Value::Number(n) => n.text().into_owned(),
                Value::String(s) => s.trim().trim_start_matches('+').to_string(),
                _ => {
                    return Err(args
                        .error(
                            0,
                            Code::Ambiguous,
                            format!("{text:?} is a national number and no country code was given"),
                        )
                        .with_help("pass the calling code: `normalize_phone(x, \"49\")`"));
                }
            };
            if code.is_empty() || code.len() > 3 || !code.chars().all(|c| c.is_ascii_digit()) {
                return Err(args.error(
                    1,
                    Code::InvalidArgument,
                    format!("`{code}` is not a country calling code (1 to 3 digits)"),
                ));
            }
            let national = if code == "1" && digits.len() == 11 {
                digits.strip_prefix('1').unwrap_or(&digits)
            } else {
                digits.strip_prefix('0').unwrap_or(&digits)
            };
            format!("{code}{national}")
        };
        if !(7..=15).contains(&international.len()) || international.starts_with('0') {
            return Err(fail("E.164 numbers have 7 to 15 digits and no leading 0"));
        }
        Ok(Value::string(format!("+{international}")))
    }
);
