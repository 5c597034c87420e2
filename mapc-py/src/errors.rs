//! mapc's errors as Python exceptions with their data: the classes are
//! defined in `mapc._types.py` (so they pickle and carry docstrings) and
//! raised from here.

use crate::batch::Rejected;
use mapc::{ApplyError, CompileError};
use pyo3::exceptions::PyOSError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use std::path::Path;

pub(crate) fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("mapc._types")?.getattr(name)
}

/// `CompileError(rendered, diagnostics, details)`.
pub(crate) fn compile_error(py: Python<'_>, error: &CompileError) -> PyErr {
    match build_compile_error(py, error) {
        Ok(err) => err,
        Err(err) => err,
    }
}

fn build_compile_error(py: Python<'_>, error: &CompileError) -> PyResult<PyErr> {
    if let CompileError::Read { path, error } = error {
        return Ok(read_error(error, path));
    }
    let diagnostic = class(py, "Diagnostic")?;
    let diagnostics = PyList::empty(py);
    let details = PyList::empty(py);
    for d in error.diagnostics() {
        let json = d.to_json();
        let line = json["line"].as_u64();
        let column = json["column"].as_u64();
        diagnostics.append(diagnostic.call1((d.code.as_str(), line, column, &d.message))?)?;
        details.append(crate::convert::to_py(py, &json, false)?)?;
    }
    let exception = class(py, "CompileError")?.call1((error.to_string(), diagnostics, details))?;
    Ok(PyErr::from_value(exception))
}

/// An `OSError` (a `FileNotFoundError` when the file is missing) naming the file.
pub(crate) fn read_error(error: &std::io::Error, path: &Path) -> PyErr {
    let message = error.to_string();
    let message = match message.find(" (os error") {
        Some(at) => message[..at].to_string(),
        None => message,
    };
    PyOSError::new_err((
        error.raw_os_error().unwrap_or(0),
        message,
        path.display().to_string(),
    ))
}

/// `MappingError(message, errors)`: every error of the record.
pub(crate) fn mapping_error(py: Python<'_>, error: &ApplyError, record: Option<&str>) -> PyErr {
    match build_mapping_error(py, error, record) {
        Ok(err) => err,
        Err(err) => err,
    }
}

fn build_mapping_error(
    py: Python<'_>,
    error: &ApplyError,
    record: Option<&str>,
) -> PyResult<PyErr> {
    let record_error = class(py, "RecordError")?;
    let errors = PyList::empty(py);
    let mut rendered = Vec::new();
    for e in &error.errors {
        let (line, column) = e.line_col();
        errors.append(record_error.call1(PyTuple::new(
            py,
            [
                e.code.as_str().into_pyobject(py)?.into_any(),
                e.message.as_str().into_pyobject(py)?.into_any(),
                e.target.as_deref().into_pyobject(py)?.into_any(),
                e.source_path.as_deref().into_pyobject(py)?.into_any(),
                e.value.as_deref().into_pyobject(py)?.into_any(),
                line.into_pyobject(py)?.into_any(),
                column.into_pyobject(py)?.into_any(),
                e.help.as_deref().into_pyobject(py)?.into_any(),
            ],
        )?)?)?;
        rendered.push(mapc::diagnostics::render(&e.to_diagnostic(record)));
    }
    let exception =
        class(py, "MappingError")?.call1((error.to_string(), errors, rendered.join("\n")))?;
    Ok(PyErr::from_value(exception))
}

/// A line that is not a record, or does not map.
pub(crate) fn line_error(py: Python<'_>, rejected: &Rejected) -> PyErr {
    match rejected {
        Rejected::Apply(error) => mapping_error(py, error, None),
        Rejected::Input(input) => match build_input_error(py, input) {
            Ok(err) => err,
            Err(err) => err,
        },
    }
}

fn build_input_error(py: Python<'_>, input: &mapc::reject::InputError) -> PyResult<PyErr> {
    let message = input.message_with_column();
    let record_error = class(py, "RecordError")?.call1((
        input.code.as_str(),
        &message,
        None::<&str>,
        None::<&str>,
        None::<&str>,
        None::<usize>,
        None::<usize>,
        None::<&str>,
    ))?;
    let errors = PyList::new(py, [record_error])?;
    let text = format!("{}: {message}", input.code.as_str());
    let exception = class(py, "MappingError")?.call1((&text, errors, &text))?;
    Ok(PyErr::from_value(exception))
}
