//! XML (work in progress).

use super::{Chunk, Input, Mappable, RecordReader, RecordWriter, Unit, WriteError};
use mapc::{Bound, FieldCounts};
use std::io;

pub(crate) struct XmlOptions;

impl XmlOptions {
    pub(crate) fn new(_path: &str) -> Result<XmlOptions, String> {
        Err("XML is not supported yet".into())
    }
}

pub(crate) struct XmlReader;

impl XmlReader {
    pub(crate) fn new(_input: Input, _options: XmlOptions, _max: usize) -> XmlReader {
        XmlReader
    }
}

impl RecordReader for XmlReader {
    fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        Ok(None)
    }
    fn unit(&self) -> Unit {
        Unit::Line
    }
}

pub(crate) struct XmlWriter;

impl XmlWriter {
    pub(crate) fn new(_root: &str, _record: &str) -> Result<XmlWriter, String> {
        Err("XML is not supported yet".into())
    }
}

impl RecordWriter for XmlWriter {
    fn begin(&self) -> Vec<u8> {
        Vec::new()
    }
    fn record(
        &self,
        _bound: &Bound<'_>,
        _record: Mappable<'_, '_>,
        _counts: Option<&mut FieldCounts>,
        _out: &mut Vec<u8>,
    ) -> Result<(), WriteError> {
        Ok(())
    }
    fn end(&self, _written: u64) -> Vec<u8> {
        Vec::new()
    }
}
