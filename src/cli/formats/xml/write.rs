//! Writing records as XML elements under a root, in the shape the
//! reader documents (see the parent module).

use super::super::{Mappable, RecordWriter, WriteError, Written, mapped_values};
use mapc::json::Value as Json;
use mapc::{BoundMapping, Code, FieldCounts, Outcome};

/// Is `name` an XML name mapc writes: a letter or `_` first, then
/// letters, digits, `_`, `-`, `.`, and `:` for a prefix?
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
        && !name.to_ascii_lowercase().starts_with("xml")
}

/// Writes each record as an element under a root, in the shape described
/// above (`@name` keys are attributes, `#text` the text, a list repeats
/// its element, `null` is an empty element).
pub(crate) struct XmlWriter {
    root: String,
    record: String,
}

impl XmlWriter {
    /// # Errors
    /// A root or record name that is not an XML name.
    pub(crate) fn new(root: &str, record: &str) -> Result<XmlWriter, String> {
        for (option, name) in [("--root", root), ("--record-element", record)] {
            if !is_xml_name(name) {
                return Err(format!("`{option} {name}` is not an XML element name"));
            }
        }
        Ok(XmlWriter {
            root: root.to_string(),
            record: record.to_string(),
        })
    }
}

/// Writes `value` as the element `name` (or, for a list, one per item).
fn element(name: &str, value: &Json, path: &str, out: &mut String) -> Result<(), WriteError> {
    if !is_xml_name(name) {
        return Err(WriteError::Encode {
            code: Code::NotXml,
            message: format!("target field `{path}` is not an XML element name"),
            target: Some(path.to_string()),
        });
    }
    match value {
        Json::Array(items) => {
            for item in items {
                element(name, item, path, out)?;
            }
        }
        Json::Object(map) => {
            out.push('<');
            out.push_str(name);
            for (key, inner) in map {
                let Some(attribute) = key.strip_prefix('@') else {
                    continue;
                };
                let inner_path = format!("{path}.{key}");
                if !is_xml_name(attribute) {
                    return Err(WriteError::Encode {
                        code: Code::NotXml,
                        message: format!(
                            "target field `{inner_path}` is not an XML attribute name"
                        ),
                        target: Some(inner_path),
                    });
                }
                let text = scalar_text(inner).ok_or_else(|| WriteError::Encode {
                    code: Code::NotXml,
                    message: format!(
                        "target field `{inner_path}` is an attribute and holds a list or an object"
                    ),
                    target: Some(inner_path.clone()),
                })?;
                out.push(' ');
                out.push_str(attribute);
                out.push_str("=\"");
                out.push_str(&quick_xml::escape::escape(text.as_str()));
                out.push('"');
            }
            out.push('>');
            for (key, inner) in map {
                if key.starts_with('@') {
                    continue;
                }
                let inner_path = format!("{path}.{key}");
                if key == "#text" {
                    let text = scalar_text(inner).ok_or_else(|| WriteError::Encode {
                        code: Code::NotXml,
                        message: format!(
                            "target field `{inner_path}` is text and holds a list or an object"
                        ),
                        target: Some(inner_path.clone()),
                    })?;
                    out.push_str(&quick_xml::escape::escape(text.as_str()));
                } else {
                    element(key, inner, &inner_path, out)?;
                }
            }
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
        Json::Null => {
            out.push('<');
            out.push_str(name);
            out.push_str("/>");
        }
        scalar => {
            let text = scalar_text(scalar).unwrap_or_default();
            out.push('<');
            out.push_str(name);
            out.push('>');
            out.push_str(&quick_xml::escape::escape(text.as_str()));
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }
    Ok(())
}

fn scalar_text(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        Json::Null => Some(String::new()),
        _ => None,
    }
}

impl RecordWriter for XmlWriter {
    fn begin(&self) -> Vec<u8> {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{}>\n",
            self.root
        )
        .into_bytes()
    }

    fn record(
        &self,
        bound: &BoundMapping,
        record: Mappable<'_, '_>,
        counts: Option<&mut FieldCounts>,
        out: &mut Vec<u8>,
    ) -> Result<Outcome<Written>, WriteError> {
        let Outcome::Mapped(values) = mapped_values(bound, record, counts)? else {
            return Ok(Outcome::Skipped);
        };
        // every element is built before any is written: a record fails whole
        let mut elements = Vec::with_capacity(values.len());
        for value in &values {
            let mut text = String::new();
            element(&self.record, value, &self.record, &mut text)
                .map_err(|e| strip_record_prefix(e, &self.record))?;
            text.push('\n');
            elements.push(text);
        }
        let mut written = Written::default();
        for text in &elements {
            out.extend_from_slice(text.as_bytes());
            written.add(text.len());
        }
        Ok(Outcome::Mapped(written))
    }

    fn end(&self, _written: u64) -> Vec<u8> {
        format!("</{}>\n", self.root).into_bytes()
    }
}

/// Error paths name target fields (`customer.name`), not the record
/// element (`record.customer.name`).
fn strip_record_prefix(error: WriteError, record: &str) -> WriteError {
    match error {
        WriteError::Encode {
            code,
            message,
            target,
        } => {
            let prefix = format!("{record}.");
            let target = target.map(|t| t.strip_prefix(&prefix).map_or(t.clone(), str::to_string));
            WriteError::Encode {
                code,
                message: message.replace(&format!("`{prefix}"), "`"),
                target,
            }
        }
        other => other,
    }
}
