//! Python bindings for `iam-core`: the native module `iam_core._native`.
//!
//! This crate holds no policy logic. It converts Python values to the core's types, calls the
//! core, and converts results and errors back; the pure-Python package `iam_core` (in `python/`)
//! adds the Pythonic surface (keyword arguments, dict inputs, pandas, HTML reprs).

use iam_core::eval::{ContextValue, Decision, EvaluationResult, Outcome, Scalar};
use iam_core::lint;
use iam_core::{Diagnostic as CoreDiagnostic, PolicyType};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyBytes, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PySet, PyString, PyTuple,
};
use std::sync::{Arc, OnceLock};

mod fast_call;

/// Raises one of the typed errors defined in `iam_core.errors`.
fn raise(py: Python<'_>, class: &str, message: String, payload: PyObject) -> PyErr {
    match py
        .import("iam_core.errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1((message.clone(), payload)))
    {
        Ok(err) => PyErr::from_value(err),
        Err(_) => PyValueError::new_err(message),
    }
}

fn parse_error(py: Python<'_>, e: iam_core::ParseError) -> PyErr {
    let diagnostics: Vec<Diagnostic> = e
        .diagnostics()
        .iter()
        .cloned()
        .map(Diagnostic::from)
        .collect();
    let list = match PyList::new(py, diagnostics) {
        Ok(l) => l.into_any().unbind(),
        Err(err) => return err,
    };
    raise(py, "ParseError", e.to_string(), list)
}

fn request_error(py: Python<'_>, field: &str, message: &str) -> PyErr {
    raise(
        py,
        "RequestError",
        format!("{field}: {message}"),
        PyString::new(py, field).into_any().unbind(),
    )
}

/// What `__reduce__` answers for a class that pickles as its parts: its `_restore` static method
/// and the parts.
fn reduce_to_restore<'py, T: pyo3::PyTypeInfo, S: IntoPyObject<'py>>(
    py: Python<'py>,
    state: S,
) -> PyResult<(PyObject, PyObject)> {
    let restore = py.get_type::<T>().getattr("_restore")?;
    let args = (state,).into_pyobject(py)?;
    Ok((restore.unbind(), args.into_any().unbind()))
}

/// One error or finding.
#[pyclass(module = "iam_core._native", frozen, name = "Diagnostic")]
#[derive(Clone)]
pub struct Diagnostic {
    inner: CoreDiagnostic,
}

impl From<CoreDiagnostic> for Diagnostic {
    fn from(inner: CoreDiagnostic) -> Self {
        Diagnostic { inner }
    }
}

#[pymethods]
impl Diagnostic {
    /// The stable code, e.g. `FULL_ADMIN`.
    #[getter]
    fn code(&self) -> &'static str {
        self.inner.code().as_str()
    }
    /// `error`, `security-warning`, `warning` or `suggestion`.
    #[getter]
    fn severity(&self) -> &'static str {
        self.inner.severity().as_str()
    }
    /// The one-line message.
    #[getter]
    fn message(&self) -> &str {
        self.inner.message()
    }
    /// Advice, if any.
    #[getter]
    fn help(&self) -> Option<&str> {
        self.inner.help()
    }
    /// The JSON Pointer of the element.
    #[getter]
    fn path(&self) -> &str {
        self.inner.location().path()
    }
    /// 1-based line.
    #[getter]
    fn line(&self) -> u32 {
        self.inner.location().start().line
    }
    /// 1-based column (characters).
    #[getter]
    fn column(&self) -> u32 {
        self.inner.location().start().column
    }
    /// 1-based column in UTF-16 code units.
    #[getter]
    fn column_utf16(&self) -> u32 {
        self.inner.location().start().column_utf16
    }
    /// 1-based line of the end.
    #[getter]
    fn end_line(&self) -> u32 {
        self.inner.location().end().line
    }
    /// 1-based column of the end.
    #[getter]
    fn end_column(&self) -> u32 {
        self.inner.location().end().column
    }
    /// Byte span `(start, end)`.
    #[getter]
    fn span(&self) -> (u32, u32) {
        let s = self.inner.location().span();
        (s.start, s.end)
    }
    /// Link to the documentation of the code.
    #[getter]
    fn docs(&self) -> String {
        self.inner.code().docs()
    }
    /// The diagnostic as a JSON string (same shape as the command line's JSON output).
    fn to_json(&self) -> String {
        serde_json::to_string(&self.inner).unwrap_or_default()
    }
    fn __str__(&self) -> String {
        self.inner.to_string()
    }
    /// Pickles as its parts (a diagnostic holds no source text to read again).
    fn __reduce__(slf: &Bound<'_, Self>) -> PyResult<(PyObject, PyObject)> {
        let py = slf.py();
        let d = &slf.get().inner;
        let loc = d.location();
        let pos = |p: iam_core::Position| (p.offset, p.line, p.column, p.column_utf16);
        let state = (
            d.code().as_str(),
            d.severity().as_str(),
            d.message(),
            d.help(),
            loc.path(),
            (loc.span().start, loc.span().end),
            pos(loc.start()),
            pos(loc.end()),
        );
        reduce_to_restore::<Diagnostic, _>(py, state)
    }
    /// Rebuilds a pickled diagnostic (see `__reduce__`).
    #[staticmethod]
    #[allow(clippy::type_complexity)]
    fn _restore(
        py: Python<'_>,
        state: (
            String,
            String,
            String,
            Option<String>,
            String,
            (u32, u32),
            (u32, u32, u32, u32),
            (u32, u32, u32, u32),
        ),
    ) -> PyResult<Diagnostic> {
        let (code, severity, message, help, path, span, start, end) = state;
        let bad = |what: &str| {
            raise(
                py,
                "ArgumentError",
                format!("not a pickled diagnostic: {what}"),
                py.None(),
            )
        };
        let code = iam_core::Code::from_name(&code).ok_or_else(|| bad("unknown code"))?;
        let severity =
            iam_core::Severity::from_name(&severity).ok_or_else(|| bad("unknown severity"))?;
        let pos = |(offset, line, column, column_utf16): (u32, u32, u32, u32)| iam_core::Position {
            offset,
            line,
            column,
            column_utf16,
        };
        let location = iam_core::Location::from_parts(
            path,
            iam_core::Span::new(span.0, span.1),
            pos(start),
            pos(end),
        );
        let d = CoreDiagnostic::new(code, severity, message, location);
        Ok(Diagnostic::from(match help {
            Some(h) => d.with_help(h),
            None => d,
        }))
    }
    fn __repr__(&self) -> String {
        format!(
            "<Diagnostic {} {} at {}:{} {}>",
            self.inner.severity(),
            self.inner.code(),
            self.line(),
            self.column(),
            self.path()
        )
    }
}

/// One statement of a policy, as read.
#[pyclass(module = "iam_core._native", frozen, name = "Statement", get_all)]
pub struct Statement {
    /// Position in the policy (0-based).
    index: usize,
    /// The Sid, if any.
    sid: Option<String>,
    /// `Allow` or `Deny`.
    effect: String,
    /// `Action` or `NotAction`.
    action_element: String,
    /// The action entries.
    actions: Vec<String>,
    /// `Resource`, `NotResource`, or `None`.
    resource_element: Option<String>,
    /// The resource entries.
    resources: Vec<String>,
    /// `Principal`, `NotPrincipal`, or `None`.
    principal_element: Option<String>,
    /// `(kind, value)` principal entries (`("*", "*")` for the bare star).
    principals: Vec<(String, String)>,
    /// `(operator, key, values)` condition entries.
    conditions: Vec<(String, String, Vec<String>)>,
    /// JSON Pointer of the statement.
    path: String,
    /// 1-based line of the statement.
    line: u32,
    /// 1-based column of the statement.
    column: u32,
}

/// The fields of a statement in declaration order: what it pickles as.
/// (Nested: Python conversions take tuples of up to twelve.)
type StatementState = (
    (usize, Option<String>, String, String, Vec<String>),
    (
        Option<String>,
        Vec<String>,
        Option<String>,
        Vec<(String, String)>,
    ),
    (Vec<(String, String, Vec<String>)>, String, u32, u32),
);

#[pymethods]
impl Statement {
    /// Pickles as its fields (a statement is a plain record of what the policy says).
    fn __reduce__(slf: &Bound<'_, Self>) -> PyResult<(PyObject, PyObject)> {
        let py = slf.py();
        let s = slf.get();
        let state: StatementState = (
            (
                s.index,
                s.sid.clone(),
                s.effect.clone(),
                s.action_element.clone(),
                s.actions.clone(),
            ),
            (
                s.resource_element.clone(),
                s.resources.clone(),
                s.principal_element.clone(),
                s.principals.clone(),
            ),
            (s.conditions.clone(), s.path.clone(), s.line, s.column),
        );
        reduce_to_restore::<Statement, _>(py, state)
    }
    /// Rebuilds a pickled statement (see `__reduce__`).
    #[staticmethod]
    fn _restore(state: StatementState) -> Statement {
        let (
            (index, sid, effect, action_element, actions),
            (resource_element, resources, principal_element, principals),
            (conditions, path, line, column),
        ) = state;
        Statement {
            index,
            sid,
            effect,
            action_element,
            actions,
            resource_element,
            resources,
            principal_element,
            principals,
            conditions,
            path,
            line,
            column,
        }
    }
    fn __repr__(&self) -> String {
        format!(
            "<Statement {}{} {} {} actions at line {}>",
            self.index,
            self.sid
                .as_deref()
                .map(|s| format!(" {s}"))
                .unwrap_or_default(),
            self.effect,
            self.actions.len(),
            self.line
        )
    }
}

/// A parsed IAM policy.
#[pyclass(module = "iam_core._native", frozen, name = "Policy")]
pub struct Policy {
    inner: Arc<iam_core::Policy>,
    policy_type: PolicyType,
}

fn policy_type(py: Python<'_>, name: &str) -> PyResult<PolicyType> {
    name.parse::<PolicyType>()
        .map_err(|e| raise(py, "ArgumentError", e.to_string(), py.None()))
}

#[pymethods]
impl Policy {
    /// Parses a policy from `str` or `bytes`. Raises `ParseError` with located diagnostics.
    #[staticmethod]
    #[pyo3(signature = (source, policy_type = "identity"))]
    fn parse(py: Python<'_>, source: &Bound<'_, PyAny>, policy_type: &str) -> PyResult<Policy> {
        let ty = self::policy_type(py, policy_type)?;
        let parsed = if let Ok(s) = source.downcast::<PyString>() {
            match s.to_cow() {
                Ok(text) => iam_core::Policy::parse(&text),
                // A lone surrogate is not Unicode: its bytes (kept with `surrogatepass`) are not
                // UTF-8 either, and the core's reader reports INVALID_ENCODING where it is.
                Err(_) => {
                    let bytes = s.call_method1("encode", ("utf-8", "surrogatepass"))?;
                    iam_core::Policy::parse_bytes(bytes.downcast::<PyBytes>()?.as_bytes())
                }
            }
        } else if let Ok(b) = source.downcast::<PyBytes>() {
            iam_core::Policy::parse_bytes(b.as_bytes())
        } else {
            return Err(raise(
                py,
                "ArgumentError",
                format!(
                    "a policy is given as str, bytes or dict, not {}",
                    source.get_type().name()?
                ),
                py.None(),
            ));
        };
        parsed
            .map(|p| Policy {
                inner: Arc::new(p),
                policy_type: ty,
            })
            .map_err(|e| parse_error(py, e))
    }

    /// The policy type used by `validate()` and `findings()`.
    #[getter]
    fn policy_type(&self) -> &'static str {
        self.policy_type.as_str()
    }

    /// The source text.
    #[getter]
    fn source(&self) -> &str {
        self.inner.source()
    }

    /// The `Version`, or `None`.
    #[getter]
    fn version(&self) -> Option<&'static str> {
        self.inner.version().map(|v| v.as_str())
    }

    /// The `Id`, or `None`.
    #[getter]
    fn id(&self) -> Option<&str> {
        self.inner.id()
    }

    /// The statements with their locations.
    #[getter]
    fn statements(&self) -> Vec<Statement> {
        self.inner
            .statements()
            .map(|s| {
                let loc = s.location();
                let (principal_element, principals) = match s.principal() {
                    Some(p) => (
                        Some(p.name().to_string()),
                        p.entries()
                            .into_iter()
                            .map(|(k, v, _)| (k.as_str().to_string(), v.to_string()))
                            .collect(),
                    ),
                    None => (None, Vec::new()),
                };
                Statement {
                    index: s.index(),
                    sid: s.sid().map(str::to_string),
                    effect: s.effect().as_str().to_string(),
                    action_element: s.action().name().to_string(),
                    actions: s.action().values().map(str::to_string).collect(),
                    resource_element: s.resource().map(|r| r.name().to_string()),
                    resources: s
                        .resource()
                        .map(|r| r.values().map(str::to_string).collect())
                        .unwrap_or_default(),
                    principal_element,
                    principals,
                    conditions: s
                        .conditions()
                        .map(|c| {
                            (
                                c.operator().to_string(),
                                c.key().to_string(),
                                c.values().map(|v| v.as_str().to_string()).collect(),
                            )
                        })
                        .collect(),
                    path: loc.path().to_string(),
                    line: loc.line(),
                    column: loc.column(),
                }
            })
            .collect()
    }

    /// Findings of validation for the policy type.
    fn validate(&self) -> Vec<Diagnostic> {
        self.inner
            .validate(self.policy_type)
            .into_iter()
            .map(Diagnostic::from)
            .collect()
    }

    /// Validation and lint findings, sorted by position.
    fn findings(&self) -> Vec<Diagnostic> {
        lint::check(&self.inner, self.policy_type)
            .into_iter()
            .map(Diagnostic::from)
            .collect()
    }

    /// The policy as compact JSON, keys and shapes as written.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    fn __repr__(&self) -> String {
        format!(
            "<Policy {} with {} statement(s)>",
            self.policy_type,
            self.inner.statements().len()
        )
    }

    fn __reduce__(slf: &Bound<'_, Self>) -> PyResult<(PyObject, (String, &'static str))> {
        let py = slf.py();
        let me = slf.get();
        let ctor = py.get_type::<Policy>().getattr("parse")?.unbind();
        Ok((
            ctor,
            (me.inner.source().to_string(), me.policy_type.as_str()),
        ))
    }
}

fn context_value(v: &Bound<'_, PyAny>) -> PyResult<ContextValue> {
    fn scalar(v: &Bound<'_, PyAny>) -> PyResult<Scalar> {
        // Strings first: nearly every context value is one.
        if let Ok(s) = v.downcast::<PyString>() {
            return Ok(Scalar::new(text(s)?));
        }
        if let Ok(b) = v.extract::<bool>() {
            return Ok(Scalar::new(if b { "true" } else { "false" }));
        }
        if let Ok(i) = v.extract::<i64>() {
            return Ok(Scalar::new(i.to_string()));
        }
        if v.is_instance_of::<PyInt>() {
            // Beyond 64 bits: the exact digits (a float would round them).
            let exact = v.py().get_type::<PyInt>().call1((v,))?.str()?;
            return Ok(Scalar::new(text(&exact)?));
        }
        if let Ok(f) = v.extract::<f64>() {
            if !f.is_finite() {
                return Err(PyValueError::new_err(format!(
                    "{f} is not a number a request can carry (JSON has no NaN or infinity)"
                )));
            }
            return Ok(Scalar::new(f.to_string()));
        }
        Err(PyValueError::new_err(
            "a context value is a str, int, float, bool, or a list of them",
        ))
    }
    if let Ok(list) = v.downcast::<PyList>() {
        return Ok(ContextValue::List(
            list.iter().map(|x| scalar(&x)).collect::<PyResult<_>>()?,
        ));
    }
    if let Ok(t) = v.downcast::<PyTuple>() {
        return Ok(ContextValue::List(
            t.iter().map(|x| scalar(&x)).collect::<PyResult<_>>()?,
        ));
    }
    scalar(v).map(ContextValue::Single)
}

/// A request: who, which action, which resources, which context.
#[pyclass(module = "iam_core._native", frozen, name = "Request")]
pub struct Request {
    inner: Arc<iam_core::eval::Request>,
    args: PyObject,
}

/// Whole seconds since the epoch: `now` rounded down (`values::epoch_seconds`), or the clock's.
fn epoch_seconds(py: Python<'_>, now: Option<f64>) -> PyResult<i64> {
    match now {
        // The core's rule, which the WebAssembly package applies too: rounded down, within the
        // years ISO 8601 writes.
        Some(t) => iam_core::values::epoch_seconds(t).ok_or_else(|| {
            request_error(
                py,
                "now",
                "is not a time in epoch seconds within the years 0000 to 9999",
            )
        }),
        None => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))),
    }
}

/// A request's own copy of a context mapping, with the values Python users naturally pass
/// converted to what the core reads: dates and times (anything with `isoformat`) to ISO text,
/// sets to sorted lists. Other values are kept as given (the core's reader rejects what it
/// cannot read, with the key in the message).
fn converted_context<'py>(context: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    let py = context.py();
    let out = match context.downcast::<PyDict>() {
        Ok(d) => d.copy()?,
        // `dict()` would also take a list of pairs (`["xy"]` becomes `{"x": "y"}`): only a
        // mapping is a context.
        Err(_) if !context.hasattr("keys")? => {
            return Err(request_error(
                py,
                "context",
                "is a mapping of context keys to values",
            ))
        }
        Err(_) => py
            .get_type::<PyDict>()
            .call1((context,))
            .and_then(|d| Ok(d.downcast_into::<PyDict>()?))
            .map_err(|_| request_error(py, "context", "is a mapping of context keys to values"))?,
    };
    let plain = |v: &Bound<'py, PyAny>| {
        v.is_exact_instance_of::<PyString>()
            || v.is_exact_instance_of::<PyBool>()
            || v.is_exact_instance_of::<PyInt>()
            || v.is_exact_instance_of::<PyFloat>()
            || v.is_exact_instance_of::<PyList>()
            || v.is_exact_instance_of::<PyTuple>()
    };
    let mut changed = Vec::new();
    for (k, v) in out.iter() {
        if plain(&v) {
            continue;
        }
        if v.hasattr("isoformat")? {
            changed.push((k, v.call_method0("isoformat")?));
        } else if v.is_instance_of::<PySet>() || v.is_instance_of::<PyFrozenSet>() {
            let list = PyList::new(py, v.try_iter()?.collect::<PyResult<Vec<_>>>()?)?;
            list.sort()?;
            changed.push((k, list.into_any()));
        }
    }
    for (k, v) in changed {
        out.set_item(k, v)?;
    }
    Ok(out)
}

/// The keyword arguments of `evaluate` (those of `PolicySet.request`; `None` counts as absent)
/// as a request.
fn request_from_keywords<'py>(
    py: Python<'py>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Request> {
    let mut principal = None;
    let mut action = None;
    let mut resource = None;
    let mut context = None;
    let mut resource_account = None;
    let mut wildcard_only_action = None;
    let mut now = None;
    let mut principal_account = None;
    let mut federating_user = None;
    for (k, v) in kwargs.iter().flat_map(|d| d.iter()) {
        if v.is_none() {
            continue;
        }
        let name = k.downcast::<PyString>()?.to_cow()?.into_owned();
        let text = |v: Bound<'py, PyAny>| -> PyResult<Bound<'py, PyString>> {
            v.downcast_into::<PyString>()
                .map_err(|_| request_error(py, &name, "is a str"))
        };
        match name.as_str() {
            "principal" => principal = Some(text(v)?),
            "action" => action = Some(text(v)?),
            "resource" => resource = Some(v),
            "context" => context = Some(v),
            "resource_account" => resource_account = Some(text(v)?),
            "wildcard_only_action" => {
                wildcard_only_action = Some(
                    v.extract::<bool>()
                        .map_err(|_| request_error(py, "wildcard_only_action", "is a bool"))?,
                )
            }
            "now" => {
                now = Some(v.extract::<f64>().map_err(|_| {
                    request_error(py, "now", "is a number of seconds since the epoch")
                })?)
            }
            "principal_account" => principal_account = Some(text(v)?),
            "federating_user" => federating_user = Some(text(v)?),
            other => {
                return Err(PyTypeError::new_err(format!(
                    "evaluate() got an unexpected keyword argument '{other}'"
                )))
            }
        }
    }
    let missing = if principal.is_none() {
        "principal"
    } else {
        "action"
    };
    let (Some(principal), Some(action)) = (principal, action) else {
        return Err(request_error(
            py,
            missing,
            "evaluate needs a Request or principal= and action=",
        ));
    };
    PolicySet::request(
        &principal,
        &action,
        resource.as_ref(),
        context.as_ref(),
        resource_account.as_ref(),
        wildcard_only_action,
        now,
        principal_account.as_ref(),
        federating_user.as_ref(),
    )
}

/// A Python string's UTF-8 text. The stable ABI of Python 3.9 has no borrowed view: Python makes
/// a UTF-8 bytes copy and PyO3 copies that into a `String`. Holding the bytes object instead
/// (`PyBackedStr`) was measured no cheaper (callgrind, keyword `evaluate`): releasing it goes
/// through PyO3's deferred reference counting, which costs about what the second copy saves.
fn text<'a>(s: &'a Bound<'_, PyString>) -> PyResult<std::borrow::Cow<'a, str>> {
    s.to_cow()
}

/// The arguments of a request as Python gave them (after the package's conversions).
struct RequestArgs<'a, 'py> {
    principal: &'a Bound<'py, PyString>,
    action: &'a Bound<'py, PyString>,
    resource: Option<&'a Bound<'py, PyAny>>,
    /// The request's own dict (a copy of the caller's), kept for pickling.
    context: Option<Bound<'py, PyDict>>,
    resource_account: Option<&'a Bound<'py, PyString>>,
    wildcard_only_action: Option<bool>,
    now: Option<i64>,
    principal_account: Option<&'a Bound<'py, PyString>>,
    federating_user: Option<&'a Bound<'py, PyString>>,
}

impl Request {
    /// Builds a request with the core's builder, keeping the Python arguments for pickling
    /// (the caller's own string objects: no copies).
    fn build(a: RequestArgs<'_, '_>) -> PyResult<Request> {
        let py = a.principal.py();
        let mut r =
            iam_core::eval::Request::for_principal(Some(&text(a.principal)?), &text(a.action)?)
                .map_err(|e| request_error(py, e.field(), e.message()))?;
        // A list of resources is copied, so a later change to the caller's list changes
        // neither this request nor its pickle.
        let mut resource = a.resource.map(|x| x.clone().unbind());
        if let Some(res) = a.resource {
            if let Ok(s) = res.downcast::<PyString>() {
                r.add_resource(&text(s)?);
            } else {
                // A mapping or a set would give its keys in some order: not a list of resources.
                if res.hasattr("keys")?
                    || res.is_instance_of::<PySet>()
                    || res.is_instance_of::<PyFrozenSet>()
                {
                    return Err(request_error(
                        py,
                        "resource",
                        "is a string or a list of strings",
                    ));
                }
                let mut items = Vec::new();
                let list = res.try_iter().map_err(|_| {
                    request_error(py, "resource", "is a string or a list of strings")
                })?;
                for item in list {
                    let item = item?;
                    let s = item
                        .downcast::<PyString>()
                        .map_err(|_| request_error(py, "resource", "resources are strings"))?;
                    r.add_resource(&text(s)?);
                    items.push(item);
                }
                resource = Some(PyList::new(py, items)?.into_any().unbind());
            }
        }
        if let Some(ctx) = &a.context {
            for (k, v) in ctx.iter() {
                let k = k
                    .downcast_into::<PyString>()
                    .map_err(|_| request_error(py, "context", "context keys are strings"))?;
                let key = text(&k)?;
                let value = context_value(&v)
                    .map_err(|e| request_error(py, &format!("context.{key}"), &e.to_string()))?;
                if r.set_context(&key, value) {
                    return Err(request_error(
                        py,
                        &format!("context.{key}"),
                        "repeats an earlier key in another letter case: keys are case-insensitive, so a request carries one value per key",
                    ));
                }
            }
        }
        if let Some(x) = a.resource_account {
            r = r.resource_account(&text(x)?);
        }
        if let Some(x) = a.principal_account {
            r = r.principal_account(&text(x)?);
        }
        if let Some(w) = a.wildcard_only_action {
            r = r.wildcard_only_action(w);
        }
        if let Some(x) = a.federating_user {
            r = r.federating_user(&text(x)?);
        }
        if let Some(t) = a.now {
            r = r.current_time(t);
        }
        let args = (
            a.principal,
            a.action,
            resource,
            a.context,
            a.resource_account,
            a.wildcard_only_action,
            a.now,
            a.principal_account,
            a.federating_user,
        )
            .into_pyobject(py)?
            .into_any()
            .unbind();
        Ok(Request {
            inner: Arc::new(r),
            args,
        })
    }
}

#[pymethods]
impl Request {
    /// Builds a request. `resource` is a string, a list of strings or `None` (then `*`);
    /// `context` maps keys to str, int, float, bool or lists of them; `aws:CurrentTime` is set to
    /// `now` (epoch seconds) when given and absent from the context. The request keeps its own
    /// copy of the context dict and of a resource list. `PolicySet.request` takes the same
    /// arguments with more conversions and the current time by default.
    #[new]
    #[pyo3(signature = (principal, action, resource = None, context = None, resource_account = None, wildcard_only_action = None, now = None, principal_account = None, federating_user = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        principal: &Bound<'_, PyString>,
        action: &Bound<'_, PyString>,
        resource: Option<&Bound<'_, PyAny>>,
        context: Option<&Bound<'_, PyDict>>,
        resource_account: Option<&Bound<'_, PyString>>,
        wildcard_only_action: Option<bool>,
        now: Option<i64>,
        principal_account: Option<&Bound<'_, PyString>>,
        federating_user: Option<&Bound<'_, PyString>>,
    ) -> PyResult<Request> {
        Request::build(RequestArgs {
            principal,
            action,
            resource,
            context: context.map(|c| c.copy()).transpose()?,
            resource_account,
            wildcard_only_action,
            now,
            principal_account,
            federating_user,
        })
    }

    /// The principal as given.
    #[getter]
    fn principal(&self) -> String {
        self.inner.caller().to_string()
    }

    /// The action as given.
    #[getter]
    fn action(&self) -> &str {
        self.inner.action()
    }

    /// The resources (empty means `*`).
    #[getter]
    fn resources(&self) -> Vec<String> {
        self.inner
            .resources()
            .iter()
            .map(|r| r.to_string())
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "<Request {} {} on {}>",
            self.inner.caller(),
            self.inner.action(),
            if self.inner.resources().is_empty() {
                "*".to_string()
            } else {
                self.inner.resources().join(", ")
            }
        )
    }

    fn __reduce__(slf: &Bound<'_, Self>) -> PyResult<(PyObject, PyObject)> {
        let py = slf.py();
        Ok((
            py.get_type::<Request>().into_any().unbind(),
            slf.get().args.clone_ref(py),
        ))
    }
}

/// The decision for one request; the explanation is computed on first use. The result keeps
/// its policy set and request, so it pickles as those and is decided again when unpickled.
#[pyclass(module = "iam_core._native", frozen, freelist = 256, name = "Result")]
pub struct EvalResult {
    set: Py<PolicySet>,
    request: Py<Request>,
    outcome: Outcome,
    trace: bool,
    explained: OnceLock<Box<EvaluationResult>>,
    dict: OnceLock<PyObject>,
}

impl EvalResult {
    fn new(set: Py<PolicySet>, request: Py<Request>, outcome: Outcome, trace: bool) -> Self {
        EvalResult {
            set,
            request,
            outcome,
            trace,
            explained: OnceLock::new(),
            dict: OnceLock::new(),
        }
    }

    fn explained(&self) -> &EvaluationResult {
        self.explained.get_or_init(|| {
            Box::new(
                self.set
                    .get()
                    .inner
                    .evaluate(&self.request.get().inner, self.trace),
            )
        })
    }
}

/// The lines of `source` that hold `span`, with one line around them, as HTML: the span inside a
/// `<mark>`, the lines numbered as in the policy.
fn highlighted_statement(source: &str, span: iam_core::Span) -> String {
    let (start, end) = (span.start as usize, span.end as usize);
    let (Some(before), Some(marked), Some(after)) = (
        source.get(..start),
        source.get(start..end),
        source.get(end..),
    ) else {
        return String::new();
    };
    // From the start of the line before the statement's first to the end of the line after its
    // last.
    let from = before.rmatch_indices('\n').nth(1).map_or(0, |(i, _)| i + 1);
    let to = after
        .match_indices('\n')
        .nth(1)
        .map_or(source.len(), |(i, _)| end + i);
    let first_line = source.get(..from).map_or(0, |t| t.matches('\n').count()) + 1;
    format!(
        "<pre style=\"line-height:1.3\"><span style=\"color:#6e7781\">line {first_line}</span>\n\
         {}<mark>{}</mark>{}</pre>",
        escape_html(before.get(from..).unwrap_or("")),
        escape_html(marked),
        escape_html(source.get(end..to).unwrap_or("")),
    )
}

/// Escapes text for HTML.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

#[pymethods]
impl EvalResult {
    /// `allow`, `explicitDeny` or `implicitDeny`.
    #[getter]
    fn decision<'py>(&self, py: Python<'py>) -> Bound<'py, PyString> {
        decision_str(py, self.outcome.decision())
    }
    /// Whether the request is allowed.
    #[getter]
    fn allowed(&self) -> bool {
        self.outcome.decision() == Decision::Allow
    }
    /// For a deny, the layer that decided it (`identity`, `resource`, `scp[0]`, …).
    #[getter]
    fn blocked_by(&self) -> Option<String> {
        self.outcome.blocked_by().map(|l| l.to_string())
    }
    /// The full explanation as JSON (decisive statements, layers, missing keys, unevaluable,
    /// per-resource decisions, and the trace when requested).
    fn to_json(&self) -> String {
        serde_json::to_string(self.explained()).unwrap_or_default()
    }
    /// The full explanation as a dict (the JSON of [`to_json`](Self::to_json)); the same dict on
    /// every call.
    fn to_dict(&self, py: Python<'_>) -> PyResult<PyObject> {
        if let Some(d) = self.dict.get() {
            return Ok(d.clone_ref(py));
        }
        let d = py
            .import("json")?
            .call_method1("loads", (self.to_json(),))?
            .unbind();
        Ok(self.dict.get_or_init(|| d).clone_ref(py))
    }
    /// The statements that decided, as dicts (effect, layer, policy, statement, location).
    #[getter]
    fn decisive(&self, py: Python<'_>) -> PyResult<PyObject> {
        Ok(self.to_dict(py)?.bind(py).get_item("decisive")?.unbind())
    }
    /// Statements that could not be evaluated, with the reason.
    #[getter]
    fn unevaluable(&self, py: Python<'_>) -> PyResult<PyObject> {
        Ok(self.to_dict(py)?.bind(py).get_item("unevaluable")?.unbind())
    }
    /// A short human explanation.
    fn summary(&self) -> String {
        self.explained().summary()
    }
    /// Context keys the policies read that the request did not supply.
    #[getter]
    fn missing_context_keys(&self) -> Vec<String> {
        self.explained().missing_context_keys().to_vec()
    }
    /// Why AWS refuses the request whatever the policies say (the root user and
    /// `sts:AssumeRole`, a federated user and IAM), or `None`.
    #[getter]
    fn refused(&self) -> Option<String> {
        self.explained().refused().map(str::to_string)
    }
    /// A human explanation: the summary, each decisive statement with its line, missing context
    /// keys and statements that could not be evaluated.
    fn explain(&self) -> String {
        let e = self.explained();
        let mut lines = vec![e.summary()];
        for s in e.decisive() {
            lines.push(format!(
                "  {} {} statement {}{} of `{}` at line {}",
                s.effect().as_str(),
                s.layer(),
                s.statement_index(),
                s.sid()
                    .filter(|sid| !sid.is_empty())
                    .map(|sid| format!(" ({sid})"))
                    .unwrap_or_default(),
                s.policy_name(),
                s.location().line()
            ));
        }
        if !e.missing_context_keys().is_empty() {
            lines.push(format!(
                "  context keys read but not supplied: {}",
                e.missing_context_keys().join(", ")
            ));
        }
        for u in e.unevaluable() {
            lines.push(format!(
                "  could not evaluate {} statement {}: {}",
                u.statement().layer(),
                u.statement().statement_index(),
                u.reason()
            ));
        }
        lines.join("\n")
    }
    fn __repr__(&self) -> String {
        format!("<Result {}>", self.outcome.decision())
    }
    /// The decision and its decisive statements as HTML (Jupyter).
    fn _repr_html_(&self) -> String {
        let e = self.explained();
        let colour = if e.allowed() { "#1a7f37" } else { "#cf222e" };
        let rows: String = e
            .decisive()
            .iter()
            .map(|s| {
                format!(
                    "<tr><td><b>{}</b></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    s.effect().as_str(),
                    escape_html(&s.layer().to_string()),
                    escape_html(s.policy_name()),
                    escape_html(
                        &s.sid()
                            .filter(|sid| !sid.is_empty())
                            .map(str::to_string)
                            .unwrap_or_else(|| s.statement_index().to_string())
                    ),
                    s.location().line()
                )
            })
            .collect();
        let table = if rows.is_empty() {
            String::new()
        } else {
            format!(
                "<table><thead><tr><th>effect</th><th>layer</th><th>policy</th>\
                 <th>statement</th><th>line</th></tr></thead><tbody>{rows}</tbody></table>"
            )
        };
        // Each decisive statement in its policy's text, highlighted.
        let set = &self.set.get().inner;
        let sources: String = e
            .decisive()
            .iter()
            .filter_map(|s| {
                let policy = set.policy_in(s.layer(), s.policy_index())?;
                Some(highlighted_statement(
                    policy.policy().source(),
                    s.location().span(),
                ))
            })
            .collect();
        format!(
            "<p style=\"color:{colour}\"><b>{}</b></p>{table}{sources}",
            escape_html(&e.summary())
        )
    }
    fn __reduce__(slf: &Bound<'_, Self>) -> PyResult<(PyObject, PyObject)> {
        let py = slf.py();
        let r = slf.get();
        let restore = py.import("iam_core._native")?.getattr("_decide_again")?;
        let args = (r.set.clone_ref(py), r.request.clone_ref(py), r.trace)
            .into_pyobject(py)?
            .into_any()
            .unbind();
        Ok((restore.unbind(), args))
    }
}

/// Unpickles a [`EvalResult`]: evaluates its request against its policy set again.
#[pyfunction]
fn _decide_again(
    set: Bound<'_, PolicySet>,
    request: Bound<'_, Request>,
    trace: bool,
) -> EvalResult {
    let outcome = set.get().inner.decide(&request.get().inner);
    EvalResult::new(set.unbind(), request.unbind(), outcome, trace)
}

/// A compiled set of policies for evaluating many requests. The package's `iam_core.PolicySet`
/// subclasses it to take policies in every form; its methods are these, without a Python layer.
#[pyclass(module = "iam_core._native", frozen, subclass, name = "PolicySet")]
pub struct PolicySet {
    inner: Arc<iam_core::eval::PolicySet>,
    args: PyObject,
}

type Named<'py> = Vec<(String, Bound<'py, Policy>)>;

#[pymethods]
impl PolicySet {
    /// Compiles named policies: `identity` is a list of `(name, Policy)`; `resource`,
    /// `permissions_boundary`, `session` are `(name, Policy)` or `None`; `scps`/`rcps` are lists
    /// of levels, each a list of `(name, Policy)`.
    #[new]
    #[pyo3(signature = (identity, resource = None, permissions_boundary = None, session = None, scps = Vec::new(), rcps = Vec::new()))]
    fn new(
        py: Python<'_>,
        identity: Named<'_>,
        resource: Option<(String, Bound<'_, Policy>)>,
        permissions_boundary: Option<(String, Bound<'_, Policy>)>,
        session: Option<(String, Bound<'_, Policy>)>,
        scps: Vec<Named<'_>>,
        rcps: Vec<Named<'_>>,
    ) -> PyResult<PolicySet> {
        let arc = |p: &Bound<'_, Policy>| Arc::clone(&p.get().inner);
        let mut b = iam_core::eval::PolicySet::builder();
        for (n, p) in &identity {
            b = b.identity(n, arc(p));
        }
        if let Some((n, p)) = &resource {
            b = b.resource(n, arc(p));
        }
        if let Some((n, p)) = &permissions_boundary {
            b = b.permissions_boundary(n, arc(p));
        }
        if let Some((n, p)) = &session {
            b = b.session(n, arc(p));
        }
        for level in &scps {
            b = b.scp_level(level.iter().map(|(n, p)| (n.clone(), arc(p))).collect());
        }
        for level in &rcps {
            b = b.rcp_level(level.iter().map(|(n, p)| (n.clone(), arc(p))).collect());
        }
        let obj = |p: &Bound<'_, Policy>| -> PyObject { p.clone().into_any().unbind() };
        let named = |v: &Named<'_>| -> Vec<(String, PyObject)> {
            v.iter().map(|(n, p)| (n.clone(), obj(p))).collect()
        };
        let one = |x: &Option<(String, Bound<'_, Policy>)>| -> Option<(String, PyObject)> {
            x.as_ref().map(|(n, p)| (n.clone(), obj(p)))
        };
        let args = (
            named(&identity),
            one(&resource),
            one(&permissions_boundary),
            one(&session),
            scps.iter().map(named).collect::<Vec<_>>(),
            rcps.iter().map(named).collect::<Vec<_>>(),
        )
            .into_pyobject(py)?
            .into_any()
            .unbind();
        Ok(PolicySet {
            inner: Arc::new(b.build()),
            args,
        })
    }

    /// Builds a :class:`Request` (reusable). ``resource``: a string, a sequence of strings or
    /// ``None`` (then ``*``). ``context`` values: str, int, float, bool, lists of them, dates
    /// (written as ISO text) and sets (as sorted lists); the request keeps its own copy.
    /// ``aws:CurrentTime`` defaults to ``now`` (epoch seconds), itself the current time by
    /// default. ``federating_user``: for a federated-user session, the ARN of the IAM user who
    /// called ``GetFederationToken`` (a resource policy naming that user then grants to the
    /// session).
    #[staticmethod]
    #[pyo3(signature = (principal, action, resource = None, context = None, *, resource_account = None, wildcard_only_action = None, now = None, principal_account = None, federating_user = None))]
    #[allow(clippy::too_many_arguments)]
    fn request(
        principal: &Bound<'_, PyString>,
        action: &Bound<'_, PyString>,
        resource: Option<&Bound<'_, PyAny>>,
        context: Option<&Bound<'_, PyAny>>,
        resource_account: Option<&Bound<'_, PyString>>,
        wildcard_only_action: Option<bool>,
        now: Option<f64>,
        principal_account: Option<&Bound<'_, PyString>>,
        federating_user: Option<&Bound<'_, PyString>>,
    ) -> PyResult<Request> {
        Request::build(RequestArgs {
            principal,
            action,
            resource,
            context: context.map(converted_context).transpose()?,
            resource_account,
            wildcard_only_action,
            now: Some(epoch_seconds(principal.py(), now)?),
            principal_account,
            federating_user,
        })
    }

    /// Evaluates one request: a prebuilt `Request`, or the keyword arguments of the package's
    /// `PolicySet.request` (`principal=`, `action=`, `resource=`, `context=`, …). The decision is
    /// computed now; the explanation on first use.
    #[pyo3(signature = (request = None, *, trace = false, **kwargs))]
    fn evaluate(
        slf: &Bound<'_, Self>,
        request: Option<&Bound<'_, Request>>,
        trace: bool,
        kwargs: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<EvalResult> {
        let py = slf.py();
        // Keyword arguments given as `None` count as absent, as they did in the Python wrapper.
        let given = kwargs.filter(|d| d.values().iter().any(|v| !v.is_none()));
        let request = match (request, given) {
            (Some(r), None) => r.clone(),
            (Some(_), Some(_)) => {
                return Err(request_error(
                    py,
                    "request",
                    "give a Request or keyword arguments, not both",
                ))
            }
            (None, _) => Bound::new(py, request_from_keywords(py, kwargs)?)?,
        };
        let outcome = slf.get().inner.decide(&request.get().inner);
        Ok(EvalResult::new(
            slf.clone().unbind(),
            request.unbind(),
            outcome,
            trace,
        ))
    }

    /// Evaluates many requests, releasing the GIL while the engine works.
    fn evaluate_many(slf: &Bound<'_, Self>, requests: Vec<Bound<'_, Request>>) -> Vec<EvalResult> {
        let py = slf.py();
        let reqs: Vec<Arc<iam_core::eval::Request>> = requests
            .iter()
            .map(|r| Arc::clone(&r.get().inner))
            .collect();
        let set = Arc::clone(&slf.get().inner);
        let outcomes: Vec<Outcome> =
            py.allow_threads(|| reqs.iter().map(|r| set.decide(r)).collect());
        requests
            .into_iter()
            .zip(outcomes)
            .map(|(request, outcome)| {
                EvalResult::new(slf.clone().unbind(), request.unbind(), outcome, false)
            })
            .collect()
    }

    // `decide` is installed by `fast_call` (a one-argument method, without PyO3's tuple of
    // arguments).

    /// The decisions of many requests, with the GIL released while the engine works.
    fn decide_many<'py>(
        &self,
        py: Python<'py>,
        requests: Vec<PyRef<'py, Request>>,
    ) -> PyResult<Bound<'py, PyList>> {
        let reqs: Vec<Arc<iam_core::eval::Request>> =
            requests.iter().map(|r| Arc::clone(&r.inner)).collect();
        let set = Arc::clone(&self.inner);
        let decisions: Vec<Decision> =
            py.allow_threads(|| reqs.iter().map(|r| set.decide(r).decision()).collect());
        PyList::new(py, decisions.into_iter().map(|d| decision_str(py, d)))
    }

    /// Does nothing with a request: the cost of a PyO3 method call with the argument `decide`
    /// takes, the baseline of the benchmarks (`decide` itself is a one-argument method, see
    /// `fast_call`).
    #[pyo3(signature = (request = None))]
    fn noop(&self, request: Option<PyRef<'_, Request>>) {
        let _ = request;
    }

    /// The arguments it was built with (named native policies), for pickling.
    #[getter]
    fn _args(&self, py: Python<'_>) -> PyObject {
        self.args.clone_ref(py)
    }

    fn __repr__(&self) -> String {
        let layers: Vec<String> = self.inner.layers().iter().map(|l| l.to_string()).collect();
        format!("<PolicySet {}>", layers.join(", "))
    }

    fn __reduce__(slf: &Bound<'_, Self>) -> PyResult<(PyObject, PyObject)> {
        let py = slf.py();
        let restore = py.import("iam_core._native")?.getattr("_policy_set")?;
        let args = (slf.get_type(), slf.get().args.clone_ref(py))
            .into_pyobject(py)?
            .into_any()
            .unbind();
        Ok((restore.unbind(), args))
    }
}

/// Unpickles a [`PolicySet`] (or the package's subclass): compiles the named policies again.
#[pyfunction]
fn _policy_set<'py>(
    cls: &Bound<'py, pyo3::types::PyType>,
    args: &Bound<'py, PyTuple>,
) -> PyResult<Bound<'py, PyAny>> {
    let base = cls.py().get_type::<PolicySet>();
    base.getattr("__new__")?.call1(PyTuple::new(
        cls.py(),
        std::iter::once(cls.clone().into_any())
            .chain(args.iter())
            .collect::<Vec<_>>(),
    )?)
}

fn decision_str(py: Python<'_>, d: Decision) -> Bound<'_, PyString> {
    match d {
        Decision::Allow => pyo3::intern!(py, "allow").clone(),
        Decision::ExplicitDeny => pyo3::intern!(py, "explicitDeny").clone(),
        Decision::ImplicitDeny => pyo3::intern!(py, "implicitDeny").clone(),
    }
}

/// `(action, access level)` for every action a pattern matches (`s3:Get*`).
#[pyfunction]
fn expand(pattern: &str) -> Vec<(String, &'static str)> {
    iam_core::catalog::catalog()
        .expand(pattern)
        .iter()
        .map(|a| (a.to_string(), a.access_level().as_str()))
        .collect()
}

/// The date of the embedded action catalog's data.
#[pyfunction]
fn catalog_date() -> &'static str {
    iam_core::catalog::catalog_date()
}

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", iam_core::VERSION)?;
    m.add_class::<Policy>()?;
    m.add_class::<Statement>()?;
    m.add_class::<Diagnostic>()?;
    m.add_class::<Request>()?;
    m.add_class::<PolicySet>()?;
    fast_call::install(&m.py().get_type::<PolicySet>())?;
    m.add_class::<EvalResult>()?;
    m.add_function(wrap_pyfunction!(expand, m)?)?;
    m.add_function(wrap_pyfunction!(catalog_date, m)?)?;
    m.add_function(wrap_pyfunction!(_decide_again, m)?)?;
    m.add_function(wrap_pyfunction!(_policy_set, m)?)?;
    Ok(())
}
