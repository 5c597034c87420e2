//! Python values to JSON and back, numbers exact: an `int` of any size and
//! a `decimal.Decimal` go in as their digits; a JSON number comes out as an
//! `int` when it is an integer, else as a `Decimal` (a `float` only when
//! the caller asks).

use mapc::json::{Map, Number, Value as Json};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};

/// Deeper nesting than this is refused (a dict that contains itself would
/// otherwise never end).
const MAX_DEPTH: usize = 256;

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

/// A Python value as JSON; `path` names it in errors (`$.lines[2].price`).
pub(crate) fn from_py(value: &Bound<'_, PyAny>, path: &str) -> PyResult<Json> {
    from_py_at(value, path, 0)
}

fn number(text: &str, path: &str) -> PyResult<Json> {
    text.parse::<Number>().map(Json::Number).map_err(|_| {
        PyValueError::new_err(format!(
            "{path}: `{text}` is not a finite number, so it has no JSON form"
        ))
    })
}

fn from_py_at(value: &Bound<'_, PyAny>, path: &str, depth: usize) -> PyResult<Json> {
    if depth > MAX_DEPTH {
        return Err(PyValueError::new_err(format!(
            "{path}: nested more than {MAX_DEPTH} levels deep"
        )));
    }
    let py = value.py();
    if value.is_none() {
        Ok(Json::Null)
    } else if let Ok(b) = value.cast::<PyBool>() {
        Ok(Json::Bool(b.is_true()))
    } else if value.is_instance_of::<PyInt>() {
        number(&value.str()?.to_cow()?, path)
    } else if let Ok(s) = value.cast::<PyString>() {
        Ok(Json::String(s.to_str()?.to_string()))
    } else if value.is_instance_of::<PyFloat>() {
        // repr gives the shortest text that reads back as the same float
        number(&value.repr()?.to_cow()?, path)
    } else if value.is_instance(decimal_type(py)?)? {
        number(&value.str()?.to_cow()?, path)
    } else if let Ok(dict) = value.cast::<PyDict>() {
        let mut object = Map::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            let Ok(key) = key.cast::<PyString>() else {
                return Err(PyTypeError::new_err(format!(
                    "{path}: keys must be str, found {}",
                    key.get_type().name()?
                )));
            };
            let key = key.to_str()?;
            let inner = from_py_at(&item, &format!("{path}.{key}"), depth + 1)?;
            object.insert(key.to_string(), inner);
        }
        Ok(Json::Object(object))
    } else if let Ok(list) = value.cast::<PyList>() {
        list.iter()
            .enumerate()
            .map(|(i, item)| from_py_at(&item, &format!("{path}[{i}]"), depth + 1))
            .collect::<PyResult<_>>()
            .map(Json::Array)
    } else if let Ok(tuple) = value.cast::<PyTuple>() {
        tuple
            .iter()
            .enumerate()
            .map(|(i, item)| from_py_at(&item, &format!("{path}[{i}]"), depth + 1))
            .collect::<PyResult<_>>()
            .map(Json::Array)
    } else {
        Err(PyTypeError::new_err(format!(
            "{path}: a {} has no JSON form (use None, bool, int, float, Decimal, str, list, tuple or dict)",
            value.get_type().name()?
        )))
    }
}

/// JSON as a Python value: integers as `int`, other numbers as `Decimal`
/// (as `float` with `floats`), objects as `dict` in their order.
pub(crate) fn to_py<'py>(
    py: Python<'py>,
    value: &Json,
    floats: bool,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Json::Null => py.None().into_bound(py),
        Json::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Json::Number(n) => {
            let text = n.as_str();
            let integer = !text.contains(['.', 'e', 'E']);
            if integer {
                match text.parse::<i64>() {
                    Ok(i) => i.into_pyobject(py)?.into_any(),
                    Err(_) => py.get_type::<PyInt>().call1((text,))?,
                }
            } else if floats {
                py.get_type::<PyFloat>().call1((text,))?
            } else {
                decimal_type(py)?.call1((text,))?
            }
        }
        Json::String(s) => PyString::new(py, s).into_any(),
        Json::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item, floats)?)?;
            }
            list.into_any()
        }
        Json::Object(object) => {
            let dict = PyDict::new(py);
            for (key, item) in object {
                dict.set_item(key, to_py(py, item, floats)?)?;
            }
            dict.into_any()
        }
    })
}
