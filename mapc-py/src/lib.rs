//! The Python extension `mapc._mapc`: a compiled mapping as a Python
//! object, records in and out as Python values (numbers exact) or as JSON
//! text, batches mapped on several threads with the GIL released.
//!
//! The Python package (`python/mapc/`) re-exports this module and adds the
//! exception classes and the Spark module; the type stubs are in
//! `python/mapc/_mapc.pyi`.

#![forbid(unsafe_code)]

mod batch;
mod convert;
mod errors;

use batch::{Lines, Mapped};
use mapc::json::Value as Json;
use mapc::{Env, Options, Tz};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};
use std::path::{Path, PathBuf};

/// A compiled mapping, with its parameters, "now" and default time zone.
/// Immutable: share it between threads, pickle it (as its source and
/// options; it compiles again when unpickled).
#[pyclass(frozen, module = "mapc", name = "Mapping")]
struct Mapping {
    core: mapc::Mapping,
    /// The mapping with its parameters, "now" and zone, bound once.
    bound: mapc::BoundMapping,
    /// What it was compiled from, for pickling and `repr`.
    source: String,
    name: String,
    base_dir: Option<PathBuf>,
    params: Json,
    now: Option<String>,
    time_zone: Option<String>,
}

/// What `Mapping` is made from: the source and its options.
struct Spec {
    source: String,
    name: String,
    base_dir: Option<PathBuf>,
    params: Json,
    now: Option<String>,
    time_zone: Option<String>,
}

impl Mapping {
    fn build(py: Python<'_>, spec: Spec) -> PyResult<Mapping> {
        // imports and CSV tables only from the mapping's folder (E230
        // elsewhere); the package has no allow-list of its own yet
        let options = Options {
            base_dir: spec.base_dir.clone(),
            ..Options::default()
        };
        let core = mapc::Mapping::compile_with(&spec.name, &spec.source, &options)
            .map_err(|e| errors::compile_error(py, &e))?;
        let mut env = Env::new();
        if let Json::Object(params) = &spec.params {
            for (name, value) in params {
                env.set_param(name.clone(), value.clone());
            }
        }
        if let Some(now) = &spec.now {
            let parsed = chrono::DateTime::parse_from_rfc3339(now).map_err(|e| {
                PyValueError::new_err(format!(
                    "`now` must be an RFC 3339 date and time with an offset, found `{now}`: {e}"
                ))
            })?;
            env = env.with_now(parsed);
        }
        if let Some(zone) = &spec.time_zone {
            let parsed: Tz = zone.parse().map_err(|_| {
                PyValueError::new_err(format!(
                    "`time_zone` must be an IANA time zone name such as `Europe/Berlin`, found `{zone}`"
                ))
            })?;
            env = env.with_time_zone(parsed);
        }
        core.check_env(&env)
            .map_err(|e| errors::mapping_error(py, &e, None))?;
        let bound = core
            .bind(&env)
            .map_err(|e| errors::mapping_error(py, &e, None))?;
        Ok(Mapping {
            core,
            bound,
            source: spec.source,
            name: spec.name,
            base_dir: spec.base_dir,
            params: spec.params,
            now: spec.now,
            time_zone: spec.time_zone,
        })
    }
}

/// The options shared by `Mapping(...)` and `Mapping.from_file(...)`.
fn options(
    params: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
    time_zone: Option<String>,
) -> PyResult<(Json, Option<String>, Option<String>)> {
    let params = match params {
        None => Json::Object(mapc::json::Map::new()),
        Some(params) => {
            let params = params.cast::<PyDict>().map_err(|_| {
                PyTypeError::new_err("`params` must be a dict of parameter names to values")
            })?;
            convert::from_py(params.as_any(), "params")?
        }
    };
    let now = match now {
        None => None,
        Some(now) if now.is_instance_of::<PyString>() => Some(now.extract::<String>()?),
        Some(now) => match now.call_method0("isoformat") {
            Ok(text) => Some(text.extract::<String>()?),
            Err(_) => {
                return Err(PyTypeError::new_err(
                    "`now` must be a datetime with a time zone or an RFC 3339 string",
                ));
            }
        },
    };
    Ok((params, now, time_zone))
}

#[pymethods]
impl Mapping {
    #[new]
    #[pyo3(signature = (source, *, name = "<mapping>".to_string(), params = None, now = None, time_zone = None, base_dir = None))]
    fn new(
        py: Python<'_>,
        source: String,
        name: String,
        params: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
        time_zone: Option<String>,
        base_dir: Option<PathBuf>,
    ) -> PyResult<Mapping> {
        let (params, now, time_zone) = options(params, now, time_zone)?;
        Mapping::build(
            py,
            Spec {
                source,
                name,
                base_dir,
                params,
                now,
                time_zone,
            },
        )
    }

    #[staticmethod]
    #[pyo3(signature = (path, *, params = None, now = None, time_zone = None))]
    fn from_file(
        py: Python<'_>,
        path: PathBuf,
        params: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
        time_zone: Option<String>,
    ) -> PyResult<Mapping> {
        let (params, now, time_zone) = options(params, now, time_zone)?;
        let source = std::fs::read_to_string(&path).map_err(|e| errors::read_error(&e, &path))?;
        let base_dir = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Mapping::build(
            py,
            Spec {
                source,
                name: path.display().to_string(),
                base_dir: Some(base_dir),
                params,
                now,
                time_zone,
            },
        )
    }

    #[getter]
    fn source(&self) -> &str {
        &self.source
    }

    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    #[getter]
    fn params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_py(py, &self.params, false)
    }

    #[getter]
    fn now(&self) -> Option<&str> {
        self.now.as_deref()
    }

    #[getter]
    fn time_zone(&self) -> Option<&str> {
        self.time_zone.as_deref()
    }

    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let rendered: Vec<String> = self
            .core
            .warnings()
            .iter()
            .map(mapc::diagnostics::render)
            .collect();
        PyList::new(py, rendered)
    }

    #[pyo3(signature = (record, *, floats = false))]
    fn map<'py>(
        &self,
        py: Python<'py>,
        record: &Bound<'py, PyAny>,
        floats: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let input = convert::from_py(record, "$")?;
        let bound = &self.bound;
        let output = py
            .detach(|| bound.apply(&input))
            .map_err(|e| errors::mapping_error(py, &e, None))?;
        convert::to_py(py, &output, floats)
    }

    fn map_json<'py>(
        &self,
        py: Python<'py>,
        record: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let bound = &self.bound;
        if let Ok(text) = record.cast::<PyString>() {
            let text = text.to_str()?;
            let out = batch::map_one(&self.core, bound, text.as_bytes())
                .map_err(|e| errors::line_error(py, &e))?;
            // the output of a mapping is JSON text, so UTF-8
            let out = String::from_utf8_lossy(&out);
            Ok(PyString::new(py, &out).into_any())
        } else if let Ok(bytes) = record.cast::<PyBytes>() {
            let out = batch::map_one(&self.core, bound, bytes.as_bytes())
                .map_err(|e| errors::line_error(py, &e))?;
            Ok(PyBytes::new(py, &out).into_any())
        } else {
            Err(PyTypeError::new_err(format!(
                "`map_json` takes JSON text as str or bytes, found {}",
                record.get_type().name()?
            )))
        }
    }

    #[pyo3(signature = (lines, *, jobs = None))]
    fn map_batch<'py>(
        &self,
        py: Python<'py>,
        lines: &Bound<'py, PyAny>,
        jobs: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let bound = &self.bound;
        let jobs = batch::jobs(jobs)?;
        if let Ok(ndjson) = lines.cast::<PyBytes>() {
            let lines = batch::split_ndjson(ndjson.as_bytes());
            let mapped = py
                .detach(|| batch::map_lines(&self.core, bound, &lines, jobs, true))
                .map_err(PyRuntimeError::new_err)?;
            let rejects = rejects(py, &lines, &mapped)?;
            let outputs = PyBytes::new(py, &mapped.out);
            return errors::class(py, "BatchResult")?.call1((outputs, rejects));
        }
        let Ok(list) = lines.cast::<PyList>() else {
            return Err(PyTypeError::new_err(format!(
                "`map_batch` takes a list of JSON lines (str or bytes) or NDJSON bytes, found {}",
                lines.get_type().name()?
            )));
        };
        let mut texts = Vec::with_capacity(list.len());
        let mut all_bytes = true;
        let mut all_str = true;
        let items: Vec<Bound<'py, PyAny>> = list.iter().collect();
        for (index, item) in items.iter().enumerate() {
            if let Ok(text) = item.cast::<PyString>() {
                all_bytes = false;
                texts.push((index as u64 + 1, text.to_str()?.as_bytes()));
            } else if let Ok(bytes) = item.cast::<PyBytes>() {
                all_str = false;
                texts.push((index as u64 + 1, bytes.as_bytes()));
            } else {
                return Err(PyTypeError::new_err(format!(
                    "`map_batch`: item {index} is {}, not JSON text as str or bytes",
                    item.get_type().name()?
                )));
            }
        }
        let lines = Lines { lines: texts };
        let mapped = py
            .detach(|| batch::map_lines(&self.core, bound, &lines, jobs, false))
            .map_err(PyRuntimeError::new_err)?;
        let outputs = PyList::empty(py);
        for index in 0..lines.lines.len() {
            if let Some(out) = mapped.output(index) {
                if all_bytes && !all_str {
                    outputs.append(PyBytes::new(py, out))?;
                } else {
                    outputs.append(PyString::new(py, &String::from_utf8_lossy(out)))?;
                }
            }
        }
        let rejects = rejects(py, &lines, &mapped)?;
        errors::class(py, "BatchResult")?.call1((outputs, rejects))
    }

    /// For `mapc.spark`: maps the values of an Arrow string array given
    /// as its buffers, without a Python object per value.
    #[pyo3(signature = (offsets, data, *, offset_width, start, length, validity = None))]
    #[allow(clippy::too_many_arguments)]
    fn _map_arrow<'py>(
        &self,
        py: Python<'py>,
        offsets: &[u8],
        data: &[u8],
        offset_width: usize,
        start: usize,
        length: usize,
        validity: Option<&[u8]>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let bound = &self.bound;
        let column = batch::ArrowStrings::new(offsets, data, offset_width, start, length, validity)
            .map_err(PyValueError::new_err)?;
        let arrays = py.detach(|| batch::map_arrow(&self.core, bound, &column));
        PyTuple::new(
            py,
            [
                PyBytes::new(py, &arrays.out_offsets).into_any(),
                PyBytes::new(py, &arrays.out_data).into_any(),
                PyBytes::new(py, &arrays.out_valid).into_any(),
                PyBytes::new(py, &arrays.err_offsets).into_any(),
                PyBytes::new(py, &arrays.err_data).into_any(),
                PyBytes::new(py, &arrays.err_valid).into_any(),
                arrays.rejected.into_pyobject(py)?.into_any(),
            ],
        )
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let restore = py.import("mapc._mapc")?.getattr("_restore")?;
        let args = PyTuple::new(
            py,
            [
                PyString::new(py, &self.source).into_any(),
                PyString::new(py, &self.name).into_any(),
                self.base_dir
                    .as_ref()
                    .map(|d| d.display().to_string())
                    .into_pyobject(py)?
                    .into_any(),
                convert::to_py(py, &self.params, false)?,
                self.now.clone().into_pyobject(py)?.into_any(),
                self.time_zone.clone().into_pyobject(py)?.into_any(),
            ],
        )?;
        PyTuple::new(py, [restore, args.into_any()])
    }

    fn __repr__(&self) -> String {
        format!("<mapc.Mapping {:?}>", self.name)
    }
}

/// The rejects of a batch as dicts, in the reject-file shape.
fn rejects<'py>(
    py: Python<'py>,
    lines: &Lines<'_>,
    mapped: &Mapped,
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for (index, errors) in &mapped.rejects {
        let (number, text) = lines.lines[*index];
        let entry = mapc::reject::entry(number, text, None, errors.clone());
        list.append(convert::to_py(py, &entry, false)?)?;
    }
    Ok(list)
}

/// Unpickles a `Mapping`: compiles its source again.
#[pyfunction]
#[pyo3(signature = (source, name, base_dir, params, now, time_zone))]
fn _restore(
    py: Python<'_>,
    source: String,
    name: String,
    base_dir: Option<PathBuf>,
    params: &Bound<'_, PyAny>,
    now: Option<String>,
    time_zone: Option<String>,
) -> PyResult<Mapping> {
    let params = convert::from_py(params, "params")?;
    Mapping::build(
        py,
        Spec {
            source,
            name,
            base_dir,
            params,
            now,
            time_zone,
        },
    )
}

#[pymodule(gil_used = false)]
fn _mapc(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Mapping>()?;
    m.add_function(wrap_pyfunction!(_restore, m)?)?;
    Ok(())
}
