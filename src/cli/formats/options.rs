//! The options of `mapc apply` that choose and shape the input and output
//! formats, and the reader and writer they make.

use super::csv::{CsvOptions, CsvReader, CsvWriter};
use super::json::{ArrayReader, ArrayWriter};
use super::ndjson::{NdjsonReader, NdjsonWriter};
use super::xml::{XmlOptions, XmlReader, XmlWriter};
use super::{Format, Input, RecordReader, RecordWriter};
use crate::cli::input::Source;
use crate::cli::{Exit, Failure};
use mapc::{Code, Diagnostic, Mapping};
use std::path::Path;

/// Format options of `mapc apply`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct FormatArgs {
    /// The input format [default: from the file's extension (`.ndjson`,
    /// `.jsonl`, `.csv`, `.xml`), else JSON]
    #[arg(long, value_name = "FORMAT", value_enum)]
    pub(crate) from: Option<Format>,
    /// The output format [default: from the `--output` file's extension,
    /// else JSON for JSON input and NDJSON for the others]
    #[arg(long, value_name = "FORMAT", value_enum)]
    pub(crate) to: Option<Format>,
    /// CSV: the cell delimiter, one ASCII character (`\t` or `tab` for a
    /// tab)
    #[arg(long, value_name = "CHAR", default_value = ",", value_parser = parse_byte)]
    pub(crate) delimiter: u8,
    /// CSV: the quote character
    #[arg(long, value_name = "CHAR", default_value = "\"", value_parser = parse_byte)]
    pub(crate) quote: u8,
    /// CSV: the input has no header row (its columns are named `col1`,
    /// `col2`, ...), and the output gets none
    #[arg(long)]
    pub(crate) no_header: bool,
    /// CSV and XML input: the text encoding, a WHATWG label such as
    /// `utf-8`, `windows-1252` or `iso-8859-1` [default: utf-8; a byte
    /// order mark is skipped]
    #[arg(long, value_name = "LABEL", value_parser = parse_encoding)]
    pub(crate) encoding: Option<&'static encoding_rs::Encoding>,
    /// CSV output: end rows in `crlf` (RFC 4180) or `lf`
    #[arg(long, value_name = "ENDING", default_value = "crlf", value_parser = ["crlf", "lf"])]
    pub(crate) line_ending: String,
    /// CSV output: put `'` before a cell that starts with `=`, `+`, `-`,
    /// `@`, a tab or a carriage return, so a spreadsheet shows it as text
    /// rather than run it as a formula (this changes such values, negative
    /// numbers too)
    #[arg(long)]
    pub(crate) neutralise_formulas: bool,
    /// XML input: the path of the elements that are records, from the
    /// root: `/Orders/Order`
    #[arg(long, value_name = "PATH")]
    pub(crate) records: Option<String>,
    /// XML output: the root element's name
    #[arg(long, value_name = "NAME", default_value = "records")]
    pub(crate) root: String,
    /// XML output: each record's element name
    #[arg(long, value_name = "NAME", default_value = "record")]
    pub(crate) record_element: String,
}

/// `,`, `;`, `\t`, `tab`: one ASCII byte.
fn parse_byte(text: &str) -> Result<u8, String> {
    match text {
        "\\t" | "tab" => Ok(b'\t'),
        _ if text.len() == 1 && text.is_ascii() => Ok(text.as_bytes()[0]),
        _ => Err(format!("expected one ASCII character, found `{text}`")),
    }
}

fn parse_encoding(text: &str) -> Result<&'static encoding_rs::Encoding, String> {
    encoding_rs::Encoding::for_label(text.as_bytes()).ok_or_else(|| {
        format!("`{text}` is not an encoding label such as `utf-8`, `windows-1252` or `iso-8859-1`")
    })
}

impl FormatArgs {
    /// The input format: `--from`, `--ndjson`, the file's extension, JSON.
    pub(crate) fn input_format(&self, source: &Source, ndjson: bool) -> Format {
        self.from
            .or(ndjson.then_some(Format::Ndjson))
            .or_else(|| source.format())
            .unwrap_or(Format::Json)
    }

    /// The output format: `--to`, the output file's extension, JSON for
    /// JSON input, NDJSON for the others.
    pub(crate) fn output_format(&self, input: Format, output: Option<&Path>) -> Format {
        self.to
            .or_else(|| output.and_then(Format::from_path))
            .unwrap_or(match input {
                Format::Json => Format::Json,
                _ => Format::Ndjson,
            })
    }

    fn csv(&self) -> CsvOptions {
        CsvOptions {
            delimiter: self.delimiter,
            quote: self.quote,
            header: !self.no_header,
            crlf: self.line_ending == "crlf",
            neutralise_formulas: self.neutralise_formulas,
        }
    }

    /// The reader for `format`.
    ///
    /// # Errors
    /// A CSV header that cannot be used, XML without `--records`.
    pub(crate) fn reader(
        &self,
        format: Format,
        source: &Source,
        mapping: &Mapping,
        max_record: usize,
    ) -> Result<Box<dyn RecordReader>, Failure> {
        let input: Input = match format {
            Format::Csv | Format::Xml => source.open_as(self.encoding)?,
            Format::Json | Format::Ndjson => source.open()?,
        };
        Ok(match format {
            Format::Json => Box::new(ArrayReader::new(input, &[], max_record)),
            Format::Ndjson => Box::new(NdjsonReader::new(input, max_record)),
            Format::Csv => Box::new(CsvReader::open(input, &self.csv(), max_record).map_err(
                |e| match e {
                    Ok(error) => source.read_failure(&error),
                    Err(message) => Failure::usage(format_args!("cannot read {source}: {message}")),
                },
            )?),
            Format::Xml => {
                let path = self.records.as_deref().ok_or_else(|| {
                    Failure::usage("XML input needs `--records PATH` (such as `/Orders/Order`): the elements that are records")
                })?;
                let options = XmlOptions::new(path, mapping).map_err(Failure::usage)?;
                Box::new(XmlReader::new(input, options, max_record))
            }
        })
    }

    /// The writer for `format`.
    ///
    /// # Errors
    /// `--to csv` with target fields a cell cannot hold (exit 3), XML
    /// element names that are not names.
    pub(crate) fn writer(
        &self,
        format: Format,
        mapping: &Mapping,
    ) -> Result<Box<dyn RecordWriter>, Failure> {
        Ok(match format {
            Format::Json => Box::new(ArrayWriter),
            Format::Ndjson => Box::new(NdjsonWriter),
            Format::Csv => Box::new(CsvWriter::new(mapping, self.csv()).map_err(|problems| {
                let report = problems
                    .iter()
                    .map(|p| {
                        mapc::diagnostics::render(
                            &Diagnostic::error(
                                Code::NotACellField,
                                format!(
                                    "target field `{}` is {}, which a CSV cell cannot hold",
                                    p.field, p.what
                                ),
                            )
                            .with_note(format!("`{}` is written from: {}", p.field, p.transformation))
                            .with_help(
                                "encode it in the mapping (`join(...)`, `to_json(...)`), or write JSON, NDJSON or XML",
                            ),
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                Failure {
                    exit: Exit::InvalidMapping,
                    report,
                }
            })?),
            Format::Xml => Box::new(
                XmlWriter::new(&self.root, &self.record_element).map_err(Failure::usage)?,
            ),
        })
    }
}
