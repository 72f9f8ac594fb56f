//! WebAssembly bindings for `iam-core`, for browsers and Node.
//!
//! This crate holds no policy logic. Every function converts its inputs (policy text, plain JS
//! objects), calls the core, and converts the answer back to plain JS objects. Domain failures
//! (a policy that does not parse, a request without an action) are returned as
//! `{ ok: false, errors: [diagnostic, …] }`, never thrown; a diagnostic carries its code,
//! severity, message, help, documentation link and location (JSON path, byte span, line and
//! column, column in UTF-16 code units for browser editors).
//!
//! Policies and requests use the shapes of simulation files (see `iam_core::eval::simulation`):
//! the same reader serves the CLI, Python and this package, so all three agree by construction.
//! Policy sets are compiled once into a [`PolicySet`] handle and evaluated many times.

use iam_core::eval::{ContextValue, Decision, EvaluationResult, Request, Scalar};
use iam_core::{Diagnostic, ParseError, Policy, PolicyType};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A position: byte offset, 1-based line, 1-based column in characters and in UTF-16 units. */
export interface Position { offset: number; line: number; column: number; columnUtf16: number }
/** Where a diagnostic points: JSON path, byte span, start and end positions. */
export interface Location {
  path: string;
  span: { start: number; end: number };
  start: Position; end: Position;
}
/** An error or finding with its location. */
export interface Diagnostic {
  code: string; severity: "error" | "security-warning" | "warning" | "suggestion"; message: string;
  help?: string; docs?: string; location?: Location;
}
/** A domain failure: returned, never thrown. */
export interface Failure { ok: false; errors: Diagnostic[] }
export type Decision = "allow" | "explicitDeny" | "implicitDeny";
/** A policy as JSON text or as a plain object. */
export type PolicySource = string | object;
/**
 * The policies of a set, as in simulation files. A policy is an object or its JSON text; given as
 * text, its statements and errors are located in that text (what an editor needs).
 */
export interface Policies {
  identity?: PolicySource[]; resource?: PolicySource; permissionsBoundary?: PolicySource;
  session?: PolicySource; scps?: PolicySource[][]; rcps?: PolicySource[][];
}
/** A context key the policies read, with the type of value a request should give it. */
export interface ContextKey {
  name: string; type: "string" | "numeric" | "date" | "bool" | "binary" | "ipAddress" | "arn";
  multivalued: boolean; inCatalog: boolean;
}
/** A request, as in simulation files. */
export interface RequestInput {
  principal?: string; action: string; resource?: string | string[];
  context?: Record<string, string | number | boolean | (string | number | boolean)[]>;
  resourceAccount?: string; principalAccount?: string; wildcardOnlyAction?: boolean;
  /** For a federated-user session: the IAM user who called GetFederationToken. */
  federatingUser?: string;
}
/** The explanation of a decision. */
export interface EvaluationResult {
  decision: Decision; blockedBy?: string | null;
  decisive: { layer: string; policyIndex: number; statementIndex: number; [k: string]: unknown }[];
  missingContextKeys: string[]; unevaluable: unknown[];
  /** Why AWS refuses the request whatever the policies say (the root user and sts:AssumeRole…). */
  refused?: string; [k: string]: unknown;
}
export type Parsed = { ok: true; policy: string; statements: number } | Failure;
export type Findings = { ok: true; findings: Diagnostic[] } | Failure;
export type Evaluated = { ok: true; result: EvaluationResult } | Failure;
export type Compiled = { ok: true; set: PolicySet } | Failure;
"#;

/// Converts a serialisable answer to a plain JS object (maps become objects, not `Map`s).
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    // Serialising the core's own types into JS values cannot fail for lack of input; if the JS
    // engine refuses (out of memory), the error is handed back as the value.
    value.serialize(&ser).unwrap_or_else(JsValue::from)
}

#[derive(Serialize)]
struct Failure<'a> {
    ok: bool,
    errors: &'a [Diagnostic],
}

fn failure(errors: &[Diagnostic]) -> JsValue {
    to_js(&Failure { ok: false, errors })
}

fn parse_failure(e: &ParseError) -> JsValue {
    failure(e.diagnostics())
}

/// A plain error without a location in the input (a bad argument from JS).
fn argument_failure(message: &str) -> JsValue {
    #[derive(Serialize)]
    struct ArgError<'a> {
        code: &'static str,
        severity: &'static str,
        message: &'a str,
    }
    #[derive(Serialize)]
    struct F<'a> {
        ok: bool,
        errors: [ArgError<'a>; 1],
    }
    to_js(&F {
        ok: false,
        errors: [ArgError {
            code: "INVALID_ARGUMENT",
            severity: "error",
            message,
        }],
    })
}

#[wasm_bindgen(module = "/js/json.js")]
extern "C" {
    #[wasm_bindgen(js_name = iamJsonText)]
    fn json_text_js(value: &JsValue, what: &str) -> JsValue;
}

/// JSON text from a JS string (taken as is) or a plain JS value (`JSON.stringify`); a failure
/// for what would be lost or changed on the way (a lone surrogate, a Map, a function, NaN): see
/// `js/json.js`.
fn json_text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    let answer = json_text_js(value, what);
    if let Some(text) = answer.as_string() {
        return Ok(text);
    }
    let message = js_sys::Reflect::get(&answer, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| format!("{what} cannot be written as JSON"));
    Err(argument_failure(&message))
}

/// A policy type's name from JS: absent (`identity`), or a string naming one.
///
/// String arguments are taken as `JsValue` and checked here: wasm-bindgen's glue for `&str` and
/// `String` parameters does not check that it was given a string, and a number there reaches the
/// module as a length it cannot read (a trap, not an answer).
fn policy_type(name: &JsValue) -> Result<PolicyType, JsValue> {
    if name.is_undefined() || name.is_null() {
        return Ok(PolicyType::Identity);
    }
    let Some(n) = name.as_string() else {
        return Err(argument_failure(
            "`policyType` must be a string such as \"identity\"",
        ));
    };
    n.parse::<PolicyType>()
        .map_err(|e| argument_failure(&e.to_string()))
}

fn parse_policy(source: &JsValue) -> Result<Policy, JsValue> {
    let text = json_text(source, "the policy")?;
    Policy::parse(&text).map_err(|e| parse_failure(&e))
}

/// The version of the engine.
#[wasm_bindgen]
pub fn version() -> String {
    iam_core::VERSION.to_string()
}

/// The date of the embedded action catalog's data (`YYYY-MM-DD`).
#[wasm_bindgen(js_name = catalogDate)]
pub fn catalog_date() -> String {
    iam_core::catalog::catalog_date().to_string()
}

/// Parses a policy (JSON text, or a JS object). Answers `{ok: true, policy}` with the policy
/// re-serialised (original shapes and key order kept), or `{ok: false, errors}`.
#[wasm_bindgen(unchecked_return_type = "Parsed")]
pub fn parse(#[wasm_bindgen(unchecked_param_type = "PolicySource")] source: JsValue) -> JsValue {
    #[derive(Serialize)]
    struct Parsed {
        ok: bool,
        policy: String,
        statements: usize,
    }
    match parse_policy(&source) {
        Ok(p) => to_js(&Parsed {
            ok: true,
            policy: p.to_json(),
            statements: p.statements().len(),
        }),
        Err(e) => e,
    }
}

#[derive(Serialize)]
struct Findings {
    ok: bool,
    findings: Vec<Diagnostic>,
}

fn findings(
    source: JsValue,
    policy_type_name: &JsValue,
    run: fn(&Policy, PolicyType) -> Vec<Diagnostic>,
) -> JsValue {
    let ty = match policy_type(policy_type_name) {
        Ok(t) => t,
        Err(e) => return e,
    };
    match parse_policy(&source) {
        Ok(p) => to_js(&Findings {
            ok: true,
            findings: run(&p, ty),
        }),
        Err(e) => e,
    }
}

/// Validates a policy used as `policyType` (`identity` by default; also `resource`,
/// `permissions-boundary`, `session`, `scp`, `rcp`, `trust`): `{ok: true, findings}` with the
/// validator's diagnostics, or `{ok: false, errors}` when it does not parse.
#[wasm_bindgen(unchecked_return_type = "Findings")]
pub fn validate(
    #[wasm_bindgen(unchecked_param_type = "PolicySource")] source: JsValue,
    #[wasm_bindgen(js_name = policyType, unchecked_optional_param_type = "string | null")]
    policy_type: Option<JsValue>,
) -> JsValue {
    findings(
        source,
        &policy_type.unwrap_or(JsValue::UNDEFINED),
        |p, t| p.validate(t),
    )
}

/// Lints a policy: over-broad wildcards, risky grants, privilege escalation.
#[wasm_bindgen(unchecked_return_type = "Findings")]
pub fn lint(
    #[wasm_bindgen(unchecked_param_type = "PolicySource")] source: JsValue,
    #[wasm_bindgen(js_name = policyType, unchecked_optional_param_type = "string | null")]
    policy_type: Option<JsValue>,
) -> JsValue {
    findings(
        source,
        &policy_type.unwrap_or(JsValue::UNDEFINED),
        iam_core::lint::lint,
    )
}

/// Validates and lints a policy: what the playground shows.
#[wasm_bindgen(unchecked_return_type = "Findings")]
pub fn check(
    #[wasm_bindgen(unchecked_param_type = "PolicySource")] source: JsValue,
    #[wasm_bindgen(js_name = policyType, unchecked_optional_param_type = "string | null")]
    policy_type: Option<JsValue>,
) -> JsValue {
    findings(
        source,
        &policy_type.unwrap_or(JsValue::UNDEFINED),
        iam_core::lint::check,
    )
}

/// Every catalog action an `Action` pattern matches: `[{action, accessLevel}]`.
#[wasm_bindgen(unchecked_return_type = "{ action: string; accessLevel: string }[] | Failure")]
pub fn expand(#[wasm_bindgen(unchecked_param_type = "string")] pattern: JsValue) -> JsValue {
    let Some(pattern) = pattern.as_string() else {
        return argument_failure("the pattern must be a string such as \"s3:Get*\"");
    };
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Expanded {
        action: String,
        access_level: &'static str,
    }
    let list: Vec<Expanded> = iam_core::catalog::catalog()
        .expand(&pattern)
        .iter()
        .map(|a| Expanded {
            action: a.to_string(),
            access_level: a.access_level().as_str(),
        })
        .collect();
    to_js(&list)
}

/// A caller's `now`: absent (`undefined`, `null`) or a number. Anything else is refused rather than
/// converted (the glue would make `""` and `[]` 0, `"100"` 100).
fn now_arg(now: &JsValue) -> Result<Option<f64>, JsValue> {
    // A number first: each question is a call into JS, and a given `now` is the common case.
    if let Some(n) = now.as_f64() {
        return Ok(Some(n));
    }
    if now.is_undefined() || now.is_null() {
        return Ok(None);
    }
    Err(argument_failure(
        "`now` must be a number of seconds since the epoch",
    ))
}

/// Whole seconds since the epoch for `aws:CurrentTime` when a request gives none: the caller's
/// `now`, read by the core's rule (`values::epoch_seconds`, as in Python), or the JS clock's.
fn now_seconds(now: Option<f64>) -> Result<i64, JsValue> {
    let seconds = now.unwrap_or_else(|| js_sys::Date::now() / 1000.0);
    iam_core::values::epoch_seconds(seconds).ok_or_else(|| {
        argument_failure(
            "`now` must be a number of seconds since the epoch, within the years 0000 to 9999",
        )
    })
}

#[wasm_bindgen(module = "/js/request.js")]
extern "C" {
    #[wasm_bindgen(js_name = iamSetMemory)]
    fn set_memory(memory: &JsValue);
    // Never throws: an exception from a getter on the request object is caught there (it
    // answers -1, and the JSON path reads the object again and reports what it throws). An
    // exception here would unwind through this module without releasing the scratch area; and
    // wasm-bindgen's `catch` wrapper costs more per call than the check.
    #[wasm_bindgen(js_name = iamWriteRequest)]
    fn write_request(
        request: &JsValue,
        keys: &JsValue,
        text_ptr: u32,
        text_cap: u32,
        head_ptr: u32,
        head_cap: u32,
    ) -> i32;
    #[wasm_bindgen(js_name = iamKeySet)]
    fn key_set(keys: Vec<String>) -> JsValue;
}

/// Where `js/request.js` writes a request object (see that file): its texts and its head.
struct Scratch {
    text: Vec<u8>,
    head: Vec<i32>,
    /// The request last read, refilled with the next (its memory and, when they repeat, its
    /// caller and action kept: see [`Request::refill`]).
    request: Option<Request>,
}

impl Scratch {
    /// Asks `js/request.js` to write `request` here.
    fn write(&mut self, request: &JsValue, keys: &JsValue) -> i32 {
        write_request(
            request,
            keys,
            self.text.as_mut_ptr() as u32,
            self.text.len() as u32,
            self.head.as_mut_ptr() as u32,
            self.head.len() as u32,
        )
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch {
        text: vec![0; 4096],
        head: vec![0; 256],
        request: None,
    });
    static MEMORY_SET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Reads a request: JSON text, or a plain object. A plain object of the usual shape takes the
/// fast path (written flat into memory by `js/request.js`, no JSON); anything else, and anything
/// the fast path cannot take, goes through `JSON.stringify` and the core's JSON reader, which
/// reports problems with their location. With `keys` (the JS `Map` made by [`PolicySet`] from
/// its [`relevant_context_keys`](iam_core::eval::PolicySet::relevant_context_keys); or `null`),
/// the fast path leaves out context keys no decision of that set depends on.
fn read_request(request: &JsValue, keys: &JsValue, now: &JsValue) -> Result<Request, JsValue> {
    with_request(request, keys, now, Request::clone)
}

/// [`read_request`] lending the request to `f`, which `decide` and `evaluate` call: the fast
/// path reads into one request kept for the next call (no request built and dropped per call).
fn with_request<T>(
    request: &JsValue,
    keys: &JsValue,
    now: &JsValue,
    f: impl FnOnce(&Request) -> T,
) -> Result<T, JsValue> {
    // A `now` that is not a number, or out of range, is refused before the request is read.
    let now = now_seconds(now_arg(now)?)?;
    let mut f = Some(f);
    // Any value goes to the fast path first (it answers "JSON path" for JSON text at once):
    // asking JS whether the value is a string would cost a call of its own.
    let answer = with_flat(request, keys, |r| {
        r.set_current_time(now);
        f.take().map(|f| f(r))
    });
    if let Some(Some(t)) = answer {
        return Ok(t);
    }
    let text = json_text(request, "the request")?;
    let mut r = Request::from_json(&text).map_err(|e| parse_failure(&e))?;
    r.set_current_time(now);
    // `f` is still there: the fast path calls it only with a request it read.
    f.map(|f| f(&r))
        .ok_or_else(|| argument_failure("the request could not be read"))
}

/// Reads a request object on the fast path and hands it to `f`; `None` (without calling `f`)
/// sends the request to the JSON path.
fn with_flat<T>(request: &JsValue, keys: &JsValue, f: impl FnOnce(&mut Request) -> T) -> Option<T> {
    if !MEMORY_SET.with(|s| s.replace(true)) {
        set_memory(&wasm_bindgen::memory());
    }
    SCRATCH.with(|cell| {
        // A getter on the request object may call back into this module while the scratch area
        // is in use; that inner call takes the JSON path.
        let Ok(mut buf) = cell.try_borrow_mut() else {
            return None;
        };
        // A getter that throws sends the request to the JSON path, which reports the exception.
        let mut written = buf.write(request, keys);
        if written < -1 {
            // Too small: grow to what it asked for (bytes of text, a quarter as many head
            // slots), then write again.
            // (Never shrunk: a request that needed head room rather than text must not leave
            // less text room than before.)
            let need = usize::try_from(-(i64::from(written) + 2)).ok()?;
            let (text, head) = (buf.text.len().max(need), buf.head.len().max(need / 4 + 1));
            buf.text.resize(text, 0);
            buf.head.resize(head, 0);
            written = buf.write(request, keys);
        }
        let len = usize::try_from(written).ok()?;
        let Scratch {
            text,
            head,
            request: slot,
        } = &mut *buf;
        let text = std::str::from_utf8(text.get(..len)?).ok()?;
        Some(f(request_from_parts(head, text, slot)?))
    })
}

/// A request as `js/request.js` writes it: its head (structure and lengths) and its texts.
struct Parts<'a> {
    head: &'a [i32],
    /// The next head slot.
    at: usize,
    text: &'a str,
    /// Where the next text starts.
    pos: usize,
    /// Whether `text` is ASCII: then a length in UTF-16 units is one in bytes.
    ascii: bool,
}

impl<'a> Parts<'a> {
    fn int(&mut self) -> Option<i32> {
        let n = *self.head.get(self.at)?;
        self.at += 1;
        Some(n)
    }
    fn count(&mut self) -> Option<usize> {
        usize::try_from(self.int()?).ok()
    }
    /// The next text, `units` UTF-16 code units long.
    fn text(&mut self, units: usize) -> Option<&'a str> {
        let rest = self.text.get(self.pos..)?;
        let len = if self.ascii {
            units
        } else {
            utf8_len(rest, units)?
        };
        self.pos += len;
        rest.get(..len)
    }
    /// The next optional text: a length, or -1 when absent.
    fn optional(&mut self) -> Option<Option<&'a str>> {
        match self.int()? {
            -1 => Some(None),
            n => self.text(usize::try_from(n).ok()?).map(Some),
        }
    }
}

/// The bytes `s` starts with that are `units` UTF-16 code units long (`None`: no character
/// ends there).
fn utf8_len(s: &str, units: usize) -> Option<usize> {
    let mut seen = 0;
    for (i, c) in s.char_indices() {
        if seen == units {
            return Some(i);
        }
        seen += c.len_utf16();
    }
    (seen == units).then_some(s.len())
}

/// Reads a request from the form `js/request.js` writes into `slot`, with the core's request
/// builder (a new request, or the one in `slot` refilled). Anything out of place (which that
/// file never writes) answers `None`: the JSON path.
fn request_from_parts<'r>(
    head: &[i32],
    text: &str,
    slot: &'r mut Option<Request>,
) -> Option<&'r mut Request> {
    let mut p = Parts {
        head,
        at: 0,
        text,
        pos: 0,
        ascii: text.is_ascii(),
    };
    let principal = p.optional()?;
    let action = p.optional()??;
    let resource_account = p.optional()?;
    let principal_account = p.optional()?;
    let federating_user = p.optional()?;
    let wildcard = p.int()?;
    // An unreadable principal or action takes the JSON path, for its located error.
    match slot.as_mut() {
        Some(r) => r.refill(principal, action).ok()?,
        None => *slot = Some(Request::for_principal(principal, action).ok()?),
    }
    let req = slot.as_mut()?;
    for _ in 0..p.count()? {
        let n = p.count()?;
        req.add_resource(p.text(n)?);
    }
    if let Some(a) = resource_account {
        req.set_resource_account(a);
    }
    if let Some(a) = principal_account {
        req.set_principal_account(a);
    }
    if let Some(u) = federating_user {
        req.set_federating_user(u);
    }
    match wildcard {
        -1 => {}
        1 => req.set_wildcard_only_action(true),
        0 => req.set_wildcard_only_action(false),
        _ => return None,
    }
    for _ in 0..p.count()? {
        let n = p.count()?;
        let key = p.text(n)?;
        let value = match p.int()? {
            -1 => {
                let n = p.count()?;
                // A key given twice (in two letter cases): the JSON path reports it.
                if req.set_context_text(key, p.text(n)?) {
                    return None;
                }
                continue;
            }
            n => {
                let n = usize::try_from(n).ok()?;
                let mut items = Vec::with_capacity(n.min(1024));
                for _ in 0..n {
                    let len = p.count()?;
                    items.push(Scalar::new(p.text(len)?));
                }
                ContextValue::List(items)
            }
        };
        if req.set_context(key, value) {
            return None;
        }
    }
    // Every text read.
    (p.pos == text.len()).then_some(req)
}

#[derive(Serialize)]
struct Evaluated<'a> {
    ok: bool,
    result: &'a EvaluationResult,
}

thread_local! {
    /// The three decision strings (the core's names), made once: a call answers a handle, not
    /// a fresh JS string.
    static DECISIONS: [(Decision, JsValue); 3] =
        [Decision::Allow, Decision::ExplicitDeny, Decision::ImplicitDeny]
            .map(|d| (d, JsValue::from_str(d.as_str())));
}

fn decision_js(d: Decision) -> JsValue {
    DECISIONS.with(|all| {
        all.iter()
            .find(|(k, _)| *k == d)
            .map_or_else(|| JsValue::from_str(d.as_str()), |(_, v)| v.clone())
    })
}

pub use decision_name::DecisionName;

mod decision_name {
    // The attribute macro generates undocumented glue functions for the enum.
    #![allow(missing_docs)]
    use iam_core::eval::Decision;
    use wasm_bindgen::prelude::*;

    /// A decision as JS receives it from [`PolicySet::decide_prepared`](super::PolicySet):
    /// wasm-bindgen hands over the index and the JS side answers the string, with no allocation
    /// on either side. The names are the core's ([`Decision::as_str`]); a test checks they agree.
    #[wasm_bindgen]
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum DecisionName {
        /// Allowed.
        Allow = "allow",
        /// Denied by an explicit `Deny`.
        ExplicitDeny = "explicitDeny",
        /// Denied because nothing allows it.
        ImplicitDeny = "implicitDeny",
    }

    impl From<Decision> for DecisionName {
        fn from(d: Decision) -> DecisionName {
            match d {
                Decision::Allow => DecisionName::Allow,
                Decision::ExplicitDeny => DecisionName::ExplicitDeny,
                Decision::ImplicitDeny => DecisionName::ImplicitDeny,
            }
        }
    }
}

/// A request read once, to be decided many times (by [`PolicySet::decide_prepared`]) without
/// converting it again: for tight loops and benchmarks.
#[wasm_bindgen]
pub struct PreparedRequest {
    inner: Request,
}

#[wasm_bindgen]
impl PreparedRequest {
    /// Reads a request: `{ok: true, request}` or `{ok: false, errors}`. `now` as in
    /// [`PolicySet::evaluate`].
    #[wasm_bindgen(unchecked_return_type = "{ ok: true; request: PreparedRequest } | Failure")]
    pub fn read(
        #[wasm_bindgen(unchecked_param_type = "RequestInput | string")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] now: JsValue,
    ) -> JsValue {
        match read_request(&request, &JsValue::NULL, &now) {
            Ok(inner) => {
                let out = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&out, &"ok".into(), &JsValue::TRUE);
                let _ = js_sys::Reflect::set(
                    &out,
                    &"request".into(),
                    &JsValue::from(PreparedRequest { inner }),
                );
                out.into()
            }
            Err(e) => e,
        }
    }
}

/// A compiled set of policies: parse once, evaluate many requests.
#[wasm_bindgen]
pub struct PolicySet {
    inner: iam_core::eval::PolicySet,
    /// The context keys decisions depend on (lower-cased), as the JS `Map` the fast request
    /// path takes (`iamKeySet` in `js/request.js`).
    keys: JsValue,
}

impl PolicySet {
    fn new(inner: iam_core::eval::PolicySet) -> PolicySet {
        let keys: Vec<String> = inner
            .relevant_context_keys()
            .iter()
            .map(|k| k.to_string())
            .collect();
        PolicySet {
            keys: key_set(keys),
            inner,
        }
    }
}

#[wasm_bindgen]
impl PolicySet {
    /// Compiles a `policies` object (`identity`, `resource`, `permissionsBoundary`, `session`,
    /// `scps`, `rcps`). Answers `{ok: true, set}` or `{ok: false, errors}` located in the
    /// `policies` JSON.
    #[wasm_bindgen(unchecked_return_type = "Compiled")]
    pub fn compile(
        #[wasm_bindgen(unchecked_param_type = "Policies | string")] policies: JsValue,
    ) -> JsValue {
        let text = match json_text(&policies, "the policies") {
            Ok(t) => t,
            Err(e) => return e,
        };
        match iam_core::eval::PolicySet::from_json(&text) {
            Ok(inner) => {
                let out = js_sys::Object::new();
                let set = JsValue::from(PolicySet::new(inner));
                // Setting properties on a fresh plain object does not fail.
                let _ = js_sys::Reflect::set(&out, &"ok".into(), &JsValue::TRUE);
                let _ = js_sys::Reflect::set(&out, &"set".into(), &set);
                out.into()
            }
            Err(e) => parse_failure(&e),
        }
    }

    /// Evaluates one request with its explanation (and the per-statement trace when `trace`):
    /// `{ok: true, result}` or `{ok: false, errors}` when the request is malformed. `now`
    /// (epoch seconds) sets `aws:CurrentTime` when the request's context has none; by default
    /// the JS clock.
    #[wasm_bindgen(unchecked_return_type = "Evaluated")]
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestInput | string")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "boolean | null")] trace: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] now: JsValue,
    ) -> JsValue {
        // Absent, or a boolean (the glue would take any truthy value as `true`).
        let trace = match (trace.is_undefined() || trace.is_null(), trace.as_bool()) {
            (true, _) => false,
            (false, Some(t)) => t,
            (false, None) => return argument_failure("`trace` must be a boolean"),
        };
        let evaluated = with_request(&request, &self.keys, &now, |r| {
            to_js(&Evaluated {
                ok: true,
                result: &self.inner.evaluate(r, trace),
            })
        });
        evaluated.unwrap_or_else(|e| e)
    }

    /// Evaluates many requests: an array of what [`evaluate`](Self::evaluate) answers.
    /// Anything but an array answers `{ok: false, errors}` (wasm-bindgen's own reading of a list
    /// would take a Set or a string as a list, or none).
    #[wasm_bindgen(js_name = evaluateMany)]
    #[wasm_bindgen(unchecked_return_type = "Evaluated[] | Failure")]
    pub fn evaluate_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(RequestInput | string)[]")] requests: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] now: JsValue,
    ) -> JsValue {
        if !js_sys::Array::is_array(&requests) {
            return argument_failure("`requests` must be an array of requests");
        }
        js_sys::Array::from(&requests)
            .iter()
            .map(|r| self.evaluate(r, JsValue::FALSE, now.clone()))
            .collect::<js_sys::Array>()
            .into()
    }

    /// The decision only (`allow`, `explicitDeny`, `implicitDeny`): the fastest call. A
    /// malformed request answers `{ok: false, errors}` instead of a string.
    #[wasm_bindgen(unchecked_return_type = "Decision | Failure")]
    pub fn decide(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RequestInput | string")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] now: JsValue,
    ) -> JsValue {
        with_request(&request, &self.keys, &now, |r| {
            decision_js(self.inner.decide(r).decision())
        })
        .unwrap_or_else(|e| e)
    }

    /// The decision for a request read beforehand: the engine's cost alone.
    #[wasm_bindgen(js_name = decidePrepared, unchecked_return_type = "Decision")]
    pub fn decide_prepared(&self, request: &PreparedRequest) -> DecisionName {
        DecisionName::from(self.inner.decide(&request.inner).decision())
    }

    /// Does nothing with a prepared request and answers `"allow"`, whatever its decision: the cost
    /// of calling [`decidePrepared`](Self::decide_prepared) from JS, without the decision. The
    /// benchmarks' baseline (as `PolicySet.noop` in the Python package): the engine's own time is
    /// `decidePrepared`'s minus this one's.
    #[wasm_bindgen(js_name = noopPrepared, unchecked_return_type = "Decision")]
    pub fn noop_prepared(&self, request: &PreparedRequest) -> DecisionName {
        let _ = (&self.inner, &request.inner);
        DecisionName::Allow
    }

    /// The context keys the set's policies read (conditions and policy variables), each with the
    /// type of value to supply: what a request builder should ask for.
    #[wasm_bindgen(js_name = contextKeys, unchecked_return_type = "ContextKey[]")]
    pub fn context_keys(&self) -> JsValue {
        to_js(&self.inner.context_keys())
    }

    /// The layers this set holds, in evaluation order (`identity`, `resource`, …).
    pub fn layers(&self) -> Vec<String> {
        self.inner.layers().iter().map(|l| l.to_string()).collect()
    }
}

/// Compiles `policies` and evaluates one request: [`PolicySet::compile`] then
/// [`PolicySet::evaluate`], for one-off calls.
#[wasm_bindgen(unchecked_return_type = "Evaluated")]
pub fn evaluate(
    #[wasm_bindgen(unchecked_param_type = "Policies | string")] policies: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RequestInput | string")] request: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "boolean | null")] trace: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "number | null")] now: JsValue,
) -> JsValue {
    let text = match json_text(&policies, "the policies") {
        Ok(t) => t,
        Err(e) => return e,
    };
    match iam_core::eval::PolicySet::from_json(&text) {
        Ok(inner) => PolicySet::new(inner).evaluate(request, trace, now),
        Err(e) => parse_failure(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_names_are_the_cores() {
        for d in [
            Decision::Allow,
            Decision::ExplicitDeny,
            Decision::ImplicitDeny,
        ] {
            let name = match DecisionName::from(d) {
                DecisionName::Allow => "allow",
                DecisionName::ExplicitDeny => "explicitDeny",
                DecisionName::ImplicitDeny => "implicitDeny",
                _ => "unknown",
            };
            assert_eq!(name, d.as_str());
        }
    }
}
