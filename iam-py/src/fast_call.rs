//! `PolicySet.decide` through CPython's one-argument calling convention (`METH_O`).
//!
//! PyO3 0.23 gives the methods of an abi3 module built for Python 3.9 the `METH_VARARGS`
//! convention: CPython packs the arguments into a tuple and PyO3 unpacks it. For `decide`, the
//! call made in tight loops, that costs more than the decision: `bench/py/python_bench.py`
//! timed a PyO3 no-op method at 100–190 ns, where a built-in one-argument method (`list.count`)
//! took about 60 ns in a one-off `timeit` on the same machine. `METH_O` is in the stable ABI
//! of every CPython the wheel supports, so `decide` is installed here by hand as a `METH_O`
//! method descriptor of the `PolicySet` type.
//!
//! This is the bindings' only hand-written FFI, kept to the calling convention: the function
//! does what a `#[pymethods]` function would (check the argument's type, call the core,
//! convert the decision), with PyO3's safe API once it holds the two objects.
#![allow(unsafe_code)]

use crate::{decision_str, PolicySet, Request};
use pyo3::exceptions::PyTypeError;
use pyo3::ffi;
use pyo3::panic::PanicException;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyType};
use std::ffi::CStr;

const DOC: &CStr = c"decide($self, request, /)\n--\n\nThe decision only (`allow`, `explicitDeny`, `implicitDeny`): the fastest call.";

/// Sets `PolicySet.decide` to the `METH_O` method below.
pub(crate) fn install(policy_set: &Bound<'_, PyType>) -> PyResult<()> {
    let py = policy_set.py();
    // CPython keeps a pointer to the definition for as long as the method exists: leaked once,
    // when the module is first imported.
    let def: &'static mut ffi::PyMethodDef = Box::leak(Box::new(ffi::PyMethodDef {
        ml_name: c"decide".as_ptr(),
        ml_meth: ffi::PyMethodDefPointer {
            PyCFunction: decide,
        },
        ml_flags: ffi::METH_O,
        ml_doc: DOC.as_ptr(),
    }));
    // SAFETY: the type object is alive (borrowed from `policy_set`) and `def` lives for the rest
    // of the process. The result is a new reference, or NULL with an exception set.
    let descriptor = unsafe {
        Bound::from_owned_ptr_or_err(py, ffi::PyDescr_NewMethod(policy_set.as_type_ptr(), def))
    }?;
    policy_set.setattr("decide", descriptor)
}

/// The `METH_O` entry point: `slf` is a `PolicySet` (the method descriptor checks it), `arg`
/// the one argument. Both are borrowed references, and CPython holds the GIL.
unsafe extern "C" fn decide(
    slf: *mut ffi::PyObject,
    arg: *mut ffi::PyObject,
) -> *mut ffi::PyObject {
    // SAFETY: CPython calls methods with the GIL held.
    let py = unsafe { Python::assume_gil_acquired() };
    let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: borrowed references to live objects, valid for the duration of the call.
        let (slf, arg) = unsafe {
            (
                Bound::from_borrowed_ptr(py, slf),
                Bound::from_borrowed_ptr(py, arg),
            )
        };
        decide_objects(&slf, &arg)
    }));
    let err = match answer {
        Ok(Ok(decision)) => return decision.into_ptr(),
        Ok(Err(e)) => e,
        // No panic may cross into C; none is expected (the engine does not panic). PyO3's own
        // methods raise this exception for one.
        Err(_) => PanicException::new_err("iam_core: a panic in PolicySet.decide"),
    };
    // Raising the error makes Python objects and releases some. `assume_gil_acquired` does not
    // record the GIL in PyO3's count, so releases would be queued until the next PyO3 call;
    // under `with_gil` (which finds the GIL held and takes nothing) they happen now.
    Python::with_gil(|py| err.restore(py));
    std::ptr::null_mut()
}

fn decide_objects<'py>(
    slf: &Bound<'py, PyAny>,
    arg: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyString>> {
    let set = slf.downcast::<PolicySet>()?;
    let request = arg.downcast::<Request>().map_err(|_| {
        let kind = arg
            .get_type()
            .name()
            .map_or_else(|_| "?".to_string(), |n| n.to_string());
        PyTypeError::new_err(format!(
            "PolicySet.decide() takes a Request (PolicySet.request(...)), not {kind}"
        ))
    })?;
    Ok(decision_str(
        slf.py(),
        set.get().inner.decide(&request.get().inner).decision(),
    ))
}
