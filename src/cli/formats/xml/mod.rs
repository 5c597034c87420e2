//! XML: the elements at a path (`--records /Orders/Order`) read one at a
//! time as records, in constant memory (quick-xml); records written as
//! elements under a root.
//!
//! The JSON shape of an element (reading and writing alike):
//! - an attribute is a key `@name` with a string value;
//! - an element with neither attributes nor children is a string, its
//!   text (`""` when empty);
//! - otherwise it is an object: its attributes, its children, and its
//!   text (when not only white space) under `#text`;
//! - a child element is a key with its name as written, prefix included
//!   (`ns:Item`; `xmlns` declarations are attributes like any other);
//!   children of the same name make a list, in order;
//! - one child and many look alike in XML, so where the mapping reads a
//!   path as a list (`.Lines.Line[*]`, `for l in .Lines.Line`), one child
//!   there becomes a one-element list;
//! - every value is a string: numbers are text until converted.
//!
//! Entities: the five predefined ones and character references are read;
//! a DTD is skipped and never fetched, and an entity it declares is never
//! expanded (a record that uses one is rejected, E432): no external
//! entities, no entity expansion. Comments and processing instructions
//! are skipped; CDATA is text.

mod write;

pub(crate) use write::XmlWriter;

use super::{Chunk, Content, Input, InputProblem, RecordReader, RecordStart, Unit};
use mapc::describe::Shape;
use mapc::json::{Map, Value as Json};
use mapc::{Code, Mapping};
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{self, BufRead, Read};

/// Where the records are, and which paths of a record are lists.
pub(crate) struct XmlOptions {
    path: Vec<String>,
    lists: ListPaths,
}

impl XmlOptions {
    /// `/Orders/Order`.
    ///
    /// # Errors
    /// A path that does not start with `/` or has an empty step.
    pub(crate) fn new(path: &str, mapping: &Mapping) -> Result<XmlOptions, String> {
        let steps: Vec<String> = path
            .strip_prefix('/')
            .map(|p| p.split('/').map(str::to_string).collect())
            .unwrap_or_default();
        if steps.is_empty() || steps.iter().any(String::is_empty) {
            return Err(format!(
                "`--records {path}` is not a path of elements such as `/Orders/Order`"
            ));
        }
        Ok(XmlOptions {
            path: steps,
            lists: ListPaths::of(mapping),
        })
    }
}

/// The source paths a mapping reads as lists, as a tree of keys.
#[derive(Debug, Default)]
struct ListPaths {
    children: HashMap<String, ListPaths>,
    list: bool,
}

impl ListPaths {
    fn of(mapping: &Mapping) -> ListPaths {
        let mut root = ListPaths::default();
        for field in mapping.describe().fields {
            for source in &field.sources {
                root.add(source, field.shape == Shape::List);
            }
        }
        root
    }

    /// Adds `$.a.b[*].c`: `b` is a list (and `c`, when `last_is_list`).
    fn add(&mut self, source: &str, last_is_list: bool) {
        let Some(path) = source.strip_prefix("$.") else {
            return;
        };
        let mut node = self;
        let steps: Vec<&str> = path.split('.').collect();
        for (i, step) in steps.iter().enumerate() {
            let (key, indexed) = match step.find('[') {
                Some(at) => (&step[..at], true),
                None => (*step, false),
            };
            node = node.children.entry(key.to_string()).or_default();
            if indexed || (last_is_list && i + 1 == steps.len()) {
                node.list = true;
            }
        }
    }

    /// Makes the values at list paths lists.
    fn apply(&self, value: &mut Json) {
        let Json::Object(map) = value else {
            return;
        };
        for (key, node) in &self.children {
            let Some(inner) = map.get_mut(key) else {
                continue;
            };
            if node.list && !inner.is_array() {
                *inner = Json::Array(vec![inner.take()]);
            }
            match inner {
                Json::Array(items) => items.iter_mut().for_each(|item| node.apply(item)),
                other => node.apply(other),
            }
        }
    }
}

/// The input, remembering the bytes of the record being read and
/// counting lines.
struct Tee {
    inner: Input,
    recording: bool,
    raw: Vec<u8>,
    /// The record's whole length (more than `raw` holds when cut).
    length: u64,
    max: usize,
    lines: u64,
    offset: u64,
}

impl Tee {
    fn restart(&mut self) {
        self.raw.clear();
        self.length = 0;
    }
}

impl Read for Tee {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.fill_buf()?.len().min(buf.len());
        buf[..n].copy_from_slice(&self.inner.buffer()[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Tee {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        let taken = &self.inner.buffer()[..amount];
        self.lines += memchr::memchr_iter(b'\n', taken).count() as u64;
        self.offset += amount as u64;
        if self.recording {
            let room = self.max.saturating_sub(self.raw.len());
            self.raw.extend_from_slice(&taken[..amount.min(room)]);
            self.length += amount as u64;
        }
        self.inner.consume(amount);
    }
}

/// An element being built.
struct Frame {
    name: String,
    map: Map<String, Json>,
    text: String,
}

impl Frame {
    fn new(start: &BytesStart<'_>) -> Result<Frame, String> {
        let name = start.name().as_ref().to_string();
        let mut map = Map::new();
        for attribute in start.attributes() {
            let attribute = attribute.map_err(|e| format!("bad attribute in `<{name}>`: {e}"))?;
            let key = attribute.key.as_ref().to_string();
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| format!("attribute `{key}` of `<{name}>`: {}", entity_message(&e)))?;
            map.insert(format!("@{key}"), Json::String(value.into_owned()));
        }
        Ok(Frame {
            name,
            map,
            text: String::new(),
        })
    }

    /// An element whose attributes could not be read.
    fn blank(start: &BytesStart<'_>) -> Frame {
        Frame {
            name: start.name().as_ref().to_string(),
            map: Map::new(),
            text: String::new(),
        }
    }

    fn finish(self) -> (String, Json) {
        let value = if self.map.is_empty() {
            Json::String(self.text)
        } else {
            let mut map = self.map;
            if !self.text.trim().is_empty() {
                map.insert("#text".into(), Json::String(self.text));
            }
            Json::Object(map)
        };
        (self.name, value)
    }

    fn add_child(&mut self, name: String, value: Json) {
        match self.map.get_mut(&name) {
            None => {
                self.map.insert(name, value);
            }
            Some(Json::Array(items)) => items.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Json::Array(vec![first, value]);
            }
        }
    }
}

fn entity_message(error: &quick_xml::Error) -> String {
    match error {
        quick_xml::Error::Escape(quick_xml::escape::EscapeError::UnrecognizedEntity(_, name)) => {
            format!(
                "entity `&{name};` is not one of XML's own (entities a DTD declares are never expanded)"
            )
        }
        other => other.to_string(),
    }
}

/// Where the reader is.
#[derive(PartialEq, Eq)]
enum State {
    Reading,
    Done,
}

/// Reads the elements at a path as records.
pub(crate) struct XmlReader {
    reader: quick_xml::Reader<Tee>,
    options: XmlOptions,
    /// The open elements outside records.
    open: Vec<String>,
    buffer: Vec<u8>,
    state: State,
    index: u64,
    max_record: usize,
}

impl XmlReader {
    pub(crate) fn new(input: Input, options: XmlOptions, max_record: usize) -> XmlReader {
        let tee = Tee {
            inner: input,
            recording: false,
            raw: Vec::new(),
            length: 0,
            max: max_record,
            lines: 0,
            offset: 0,
        };
        let mut reader = quick_xml::Reader::from_reader(tee);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
        XmlReader {
            reader,
            options,
            open: Vec::new(),
            buffer: Vec::new(),
            state: State::Reading,
            index: 0,
            max_record,
        }
    }

    fn tee(&mut self) -> &mut Tee {
        self.reader.get_mut()
    }

    /// Pushes a record with the bytes recorded so far.
    fn push(&mut self, chunk: &mut Chunk, line: u64, offset: u64, content: Content) {
        let start = chunk.bytes.len();
        let tee = self.reader.get_mut();
        let raw = std::mem::take(&mut tee.raw);
        let length = tee.length;
        tee.recording = false;
        chunk.bytes.extend_from_slice(raw.trim_ascii_end());
        let cut_from = (length > self.max_record as u64).then_some(length);
        let content = match cut_from {
            Some(length) => {
                Content::Invalid(InputProblem::too_long("record", length, self.max_record))
            }
            None => content,
        };
        let at = RecordStart {
            line,
            index: self.index,
            offset,
            start,
        };
        chunk.push(at, cut_from, content);
        self.index += 1;
    }

    /// After an XML syntax error, the rest of the input is one rejected
    /// record: nothing is lost, nothing is guessed.
    fn fail(&mut self, chunk: &mut Chunk, line: u64, offset: u64, message: String) {
        let tee = self.tee();
        tee.recording = true;
        loop {
            let length = match tee.fill_buf() {
                Ok(buffer) => buffer.len(),
                Err(_) => 0,
            };
            if length == 0 {
                break;
            }
            tee.consume(length);
        }
        self.state = State::Done;
        let problem = InputProblem {
            code: Code::InvalidXml,
            message,
            column: None,
        };
        self.push(chunk, line, offset, Content::Invalid(problem));
    }

    /// Reads the next record into `chunk`; `false` at the end.
    fn next_record(&mut self, chunk: &mut Chunk) -> io::Result<bool> {
        if self.state == State::Done {
            return Ok(false);
        }
        let mut frames: Vec<Frame> = Vec::new();
        let mut problem: Option<String> = None;
        let (mut line, mut offset) = (0, 0);
        loop {
            if frames.is_empty() {
                let tee = self.tee();
                tee.restart();
                tee.recording = true;
                line = tee.lines + 1;
                offset = tee.offset;
            }
            self.buffer.clear();
            let event = match self.reader.read_event_into(&mut self.buffer) {
                Ok(event) => event.into_owned(),
                Err(quick_xml::Error::Io(e)) => return Err(io::Error::other(e.to_string())),
                Err(e) => {
                    let message = match &e {
                        quick_xml::Error::Encoding(_) => format!(
                            "input is not valid UTF-8 ({e}; is the file in another encoding? see `--encoding`)"
                        ),
                        _ => format!("input is not well-formed XML: {e}"),
                    };
                    if frames.is_empty() {
                        let tee = self.tee();
                        (line, offset) = (tee.lines + 1, tee.offset);
                    }
                    self.fail(chunk, line, offset, message);
                    return Ok(true);
                }
            };
            match event {
                Event::Eof => {
                    self.state = State::Done;
                    if frames.is_empty() {
                        return Ok(false);
                    }
                    let message = "input ends inside the record".to_string();
                    self.fail(chunk, line, offset, message);
                    return Ok(true);
                }
                Event::Start(start) if frames.is_empty() => {
                    self.enter(&start, &mut frames, &mut problem);
                }
                Event::Empty(start) if frames.is_empty() => {
                    self.enter(&start, &mut frames, &mut problem);
                    self.open.pop();
                    if let Some(frame) = frames.pop() {
                        return Ok(self.finish(chunk, frame, problem, line, offset));
                    }
                }
                Event::Start(start) => frames.push(Frame::new(&start).unwrap_or_else(|message| {
                    problem.get_or_insert(message);
                    Frame::blank(&start)
                })),
                Event::Empty(start) => {
                    let frame = Frame::new(&start).unwrap_or_else(|message| {
                        problem.get_or_insert(message);
                        Frame::blank(&start)
                    });
                    let (name, value) = frame.finish();
                    if let Some(parent) = frames.last_mut() {
                        parent.add_child(name, value);
                    }
                }
                Event::End(_) => match frames.pop() {
                    None => {
                        self.open.pop();
                    }
                    Some(frame) if frames.is_empty() => {
                        self.open.pop();
                        return Ok(self.finish(chunk, frame, problem, line, offset));
                    }
                    Some(frame) => {
                        let (name, value) = frame.finish();
                        if let Some(parent) = frames.last_mut() {
                            parent.add_child(name, value);
                        }
                    }
                },
                Event::Text(text) => {
                    if let Some(frame) = frames.last_mut() {
                        frame.text.push_str(&text.xml10_content());
                    }
                }
                Event::CData(data) => {
                    if let Some(frame) = frames.last_mut() {
                        frame.text.push_str(&data.xml10_content());
                    }
                }
                Event::GeneralRef(reference) => {
                    let Some(frame) = frames.last_mut() else {
                        continue;
                    };
                    let name = reference.xml10_content();
                    match reference.resolve_char_ref() {
                        Ok(Some(c)) => frame.text.push(c),
                        Ok(None) => match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(text) => frame.text.push_str(text),
                            None => {
                                problem.get_or_insert(format!(
                                    "entity `&{name};` is not one of XML's own (entities a DTD declares are never expanded)"
                                ));
                            }
                        },
                        Err(e) => {
                            problem.get_or_insert(format!("bad character reference: {e}"));
                        }
                    }
                }
                // a DTD is never read for entities, never fetched
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => {}
            }
        }
    }

    /// An element opens outside a record: is it one?
    fn enter(
        &mut self,
        start: &BytesStart<'_>,
        frames: &mut Vec<Frame>,
        problem: &mut Option<String>,
    ) {
        self.open.push(start.name().as_ref().to_string());
        if self.open == self.options.path {
            frames.push(Frame::new(start).unwrap_or_else(|message| {
                problem.get_or_insert(message);
                Frame::blank(start)
            }));
        }
    }

    fn finish(
        &mut self,
        chunk: &mut Chunk,
        frame: Frame,
        problem: Option<String>,
        line: u64,
        offset: u64,
    ) -> bool {
        let content = match problem {
            Some(message) => Content::Invalid(InputProblem {
                code: Code::InvalidXml,
                message,
                column: None,
            }),
            None => {
                let (_, mut value) = frame.finish();
                if !value.is_object() {
                    // `<Order>text</Order>`: the text is `#text`
                    let mut map = Map::new();
                    map.insert("#text".into(), value);
                    value = Json::Object(map);
                }
                self.options.lists.apply(&mut value);
                Content::Value(value)
            }
        };
        self.push(chunk, line, offset, content);
        true
    }
}

impl RecordReader for XmlReader {
    fn read_record(&mut self, chunk: &mut Chunk) -> io::Result<bool> {
        self.next_record(chunk)
    }

    fn drained(&self) -> bool {
        self.reader.get_ref().inner.buffer().is_empty()
    }

    fn unit(&self) -> Unit {
        Unit::Line
    }
}
