"""iam_core: parse, validate, evaluate and lint AWS IAM policies.

The engine is the Rust library ``iam-core``; this package converts Python values to it and
back and holds no policy logic of its own, so Python, Rust and the browser always agree.

>>> from iam_core import Policy, PolicySet
>>> policy = Policy.parse({"Version": "2012-10-17", "Statement": [
...     {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]})
>>> policies = PolicySet(identity=[policy])
>>> policies.evaluate(principal="arn:aws:iam::111122223333:user/alice",
...                   action="s3:GetObject", resource="arn:aws:s3:::reports/q3.csv").decision
'allow'
"""

from __future__ import annotations

import html
import json
import time
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _native
from .errors import IamError, ParseError, RequestError
from ._native import Diagnostic, Request, Statement, catalog_date, expand

__version__: str = _native.__version__

__all__ = [
    "Policy",
    "PolicySet",
    "Request",
    "Result",
    "Diagnostic",
    "Statement",
    "IamError",
    "ParseError",
    "RequestError",
    "expand",
    "catalog_date",
    "__version__",
]

PolicyInput = Union[str, bytes, Mapping[str, Any], "Policy"]

_SEVERITY_ORDER = {"error": 0, "security-warning": 1, "warning": 2, "suggestion": 3}


def _findings_html(findings: Sequence[Diagnostic]) -> str:
    rows = "".join(
        "<tr><td>{}</td><td><code>{}</code></td><td>{}:{}</td><td><code>{}</code></td><td>{}</td></tr>".format(
            html.escape(d.severity), html.escape(d.code), d.line, d.column,
            html.escape(d.path or "/"), html.escape(d.message))
        for d in sorted(findings, key=lambda d: (_SEVERITY_ORDER.get(d.severity, 9), d.line))
    )
    return ("<table><thead><tr><th>severity</th><th>code</th><th>line:col</th><th>path</th>"
            "<th>message</th></tr></thead><tbody>" + rows + "</tbody></table>")


class Policy:
    """A parsed IAM policy. Build it with :meth:`Policy.parse`."""

    __slots__ = ("_native",)

    def __init__(self, native: Any) -> None:
        self._native = native

    @classmethod
    def parse(cls, source: PolicyInput, policy_type: str = "identity") -> "Policy":
        """Parses a policy given as JSON text, bytes, or a dict. ``policy_type`` is one of
        identity, resource, trust, permissions-boundary, session, scp, rcp. Raises
        :class:`ParseError` with located diagnostics."""
        if isinstance(source, Policy):
            return source
        if isinstance(source, Mapping):
            source = json.dumps(source)
        return cls(_native.Policy.parse(source, policy_type))

    @property
    def policy_type(self) -> str:
        return self._native.policy_type

    @property
    def source(self) -> str:
        return self._native.source

    @property
    def version(self) -> Optional[str]:
        return self._native.version

    @property
    def statements(self) -> List[Statement]:
        """The statements, each with its Sid, effect, actions, resources, principals, conditions
        and location."""
        return self._native.statements

    def validate(self) -> List[Diagnostic]:
        """Findings of the rules of the policy type."""
        return self._native.validate()

    def findings(self) -> List[Diagnostic]:
        """Validation and lint findings (over-broad wildcards, risky grants), by position."""
        return self._native.findings()

    def to_json(self) -> str:
        """The policy as compact JSON, keys and shapes as written."""
        return self._native.to_json()

    def to_dict(self) -> Dict[str, Any]:
        return json.loads(self.to_json())

    def __repr__(self) -> str:
        return repr(self._native)

    def _repr_html_(self) -> str:
        f = self.findings()
        head = "<p>{} — {} finding(s)</p>".format(html.escape(repr(self)), len(f))
        return head + (_findings_html(f) if f else "")

    def __reduce__(self):
        return (Policy.parse, (self.source, self.policy_type))


def _named(items: Any, default: str, policy_type: str) -> List[Tuple[str, Any]]:
    out = []
    if items is None:
        return out
    if isinstance(items, (str, bytes, Mapping, Policy)):
        items = [items]
    for i, item in enumerate(items):
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            name, p = item
        else:
            name, p = f"{default}[{i}]", item
        out.append((name, Policy.parse(p, policy_type)._native))
    return out


def _one(item: Any, default: str, policy_type: str) -> Optional[Tuple[str, Any]]:
    if item is None:
        return None
    named = _named([item], default, policy_type)
    name, p = named[0]
    return (default if name == f"{default}[0]" else name, p)


class Result:
    """The decision for one request. The explanation is computed the first time it is read."""

    __slots__ = ("_native", "_explained")

    def __init__(self, native: Any) -> None:
        self._native = native
        self._explained: Optional[Dict[str, Any]] = None

    @property
    def decision(self) -> str:
        """``allow``, ``explicitDeny`` or ``implicitDeny``."""
        return self._native.decision

    @property
    def allowed(self) -> bool:
        return self._native.allowed

    @property
    def blocked_by(self) -> Optional[str]:
        """For a deny, the layer that decided it (``identity``, ``resource``, ``scp[0]``, …)."""
        return self._native.blocked_by

    def to_dict(self) -> Dict[str, Any]:
        """The full explanation: decisive statements, layers, missing context keys, unevaluable
        statements, per-resource decisions (and the trace if requested)."""
        if self._explained is None:
            self._explained = json.loads(self._native.to_json())
        return self._explained

    @property
    def decisive(self) -> List[Dict[str, Any]]:
        return self.to_dict()["decisive"]

    @property
    def missing_context_keys(self) -> List[str]:
        return self._native.missing_context_keys

    @property
    def unevaluable(self) -> List[Dict[str, Any]]:
        return self.to_dict()["unevaluable"]

    def explain(self) -> str:
        """A human explanation of the decision."""
        d = self.to_dict()
        lines = [self._native.summary()]
        for s in d["decisive"]:
            lines.append("  {} {} statement {}{} of `{}` at line {}".format(
                s["effect"], s["layer"], s["statementIndex"],
                f" ({s['sid']})" if s.get("sid") else "", s["policyName"], s["location"]["start"]["line"]))
        if d["missingContextKeys"]:
            lines.append("  context keys read but not supplied: " + ", ".join(d["missingContextKeys"]))
        for u in d["unevaluable"]:
            lines.append("  could not evaluate {} statement {}: {}".format(
                u["statement"]["layer"], u["statement"]["statementIndex"], u["reason"]))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Result {self.decision}>"

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.allowed else "#cf222e"
        rows = "".join(
            "<tr><td><b>{}</b></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                html.escape(s["effect"]), html.escape(s["layer"]), html.escape(s["policyName"]),
                html.escape(s.get("sid") or str(s["statementIndex"])), s["location"]["start"]["line"])
            for s in self.decisive)
        table = ("<table><thead><tr><th>effect</th><th>layer</th><th>policy</th><th>statement</th>"
                 "<th>line</th></tr></thead><tbody>" + rows + "</tbody></table>") if rows else ""
        return '<p style="color:{}"><b>{}</b></p>{}'.format(colour, html.escape(self._native.summary()), table)

    def __reduce__(self):
        return (_Explained, (self.decision, self.blocked_by, self.to_dict()))


class _Explained(Result):
    """A result restored from a pickle: the explanation travels with it."""

    __slots__ = ("_decision", "_blocked")

    def __init__(self, decision: str, blocked_by: Optional[str], explained: Dict[str, Any]) -> None:
        self._native = None
        self._decision = decision
        self._blocked = blocked_by
        self._explained = explained

    @property
    def decision(self) -> str:
        return self._decision

    @property
    def allowed(self) -> bool:
        return self._decision == "allow"

    @property
    def blocked_by(self) -> Optional[str]:
        return self._blocked

    @property
    def missing_context_keys(self) -> List[str]:
        return list(self.to_dict()["missingContextKeys"])

    def explain(self) -> str:
        return "{} (restored)\n".format(self._decision) + "\n".join(
            "  {} statement {}".format(s["layer"], s["statementIndex"]) for s in self.decisive)

    def _repr_html_(self) -> str:
        return "<p><b>{}</b></p>".format(html.escape(self._decision))

    def __reduce__(self):
        return (_Explained, (self._decision, self._blocked, self._explained))


class PolicySet:
    """The policies that apply to a principal and a resource, compiled once for many
    evaluations. Each argument takes Policy objects, JSON text, dicts, or ``(name, policy)``."""

    __slots__ = ("_native",)

    def __init__(
        self,
        identity: Any = None,
        resource: Any = None,
        permissions_boundary: Any = None,
        session: Any = None,
        scps: Optional[Sequence[Any]] = None,
        rcps: Optional[Sequence[Any]] = None,
    ) -> None:
        self._native = _native.PolicySet(
            _named(identity, "identity", "identity"),
            _one(resource, "resource", "resource"),
            _one(permissions_boundary, "permissionsBoundary", "permissions-boundary"),
            _one(session, "session", "session"),
            [_named(level, f"scps[{i}]", "scp") for i, level in enumerate(scps or [])],
            [_named(level, f"rcps[{i}]", "rcp") for i, level in enumerate(rcps or [])],
        )

    @staticmethod
    def request(principal: str, action: str, resource: Union[None, str, Sequence[str]] = None,
                context: Optional[Mapping[str, Any]] = None, *, resource_account: Optional[str] = None,
                wildcard_only_action: Optional[bool] = None, now: Optional[float] = None,
                principal_account: Optional[str] = None, federating_user: Optional[str] = None) -> Request:
        """Builds a :class:`Request` (reusable). ``aws:CurrentTime`` defaults to now.
        ``federating_user``: for a federated-user session, the ARN of the IAM user who called
        ``GetFederationToken`` (a resource policy naming that user then grants to the session)."""
        return Request(principal, action, _resources(resource), _context(context), resource_account,
                       wildcard_only_action, int(time.time() if now is None else now), principal_account,
                       federating_user)

    def evaluate(self, request: Optional[Request] = None, *, principal: Optional[str] = None,
                 action: Optional[str] = None, resource: Union[None, str, Sequence[str]] = None,
                 context: Optional[Mapping[str, Any]] = None, trace: bool = False, **kwargs: Any) -> Result:
        """Evaluates one request: a prebuilt :class:`Request`, or the keyword arguments of
        :meth:`request`."""
        if request is None:
            if principal is None or action is None:
                raise RequestError("evaluate needs a Request or principal= and action=", "action")
            request = self.request(principal, action, resource, context, **kwargs)
        return Result(self._native.evaluate(request, trace))

    def decide(self, request: Request) -> str:
        """The decision only (``allow``, ``explicitDeny``, ``implicitDeny``) for a prebuilt
        :class:`Request`: the fastest call, for hot loops."""
        return self._native.decide(request)

    def decide_many(self, requests: Sequence[Request]) -> List[str]:
        """The decisions of many prebuilt requests, with the GIL released."""
        return self._native.decide_many(list(requests))

    def evaluate_many(self, requests: Any) -> Any:
        """Evaluates many requests with the GIL released. Takes Request objects or dicts with the
        keyword arguments of :meth:`request`; returns a list of :class:`Result`. A pandas
        DataFrame (columns principal, action, resource, context) gives a DataFrame with
        ``decision``, ``allowed`` and ``blocked_by`` columns added."""
        try:
            import pandas as pd  # type: ignore
        except ImportError:  # pandas is optional
            pd = None
        if pd is not None and isinstance(requests, pd.DataFrame):
            rows = requests.to_dict("records")
            results = self.evaluate_many(rows)
            out = requests.copy()
            out["decision"] = [r.decision for r in results]
            out["allowed"] = [r.allowed for r in results]
            out["blocked_by"] = pd.Series([r.blocked_by for r in results], index=out.index, dtype=object)
            return out
        now = int(time.time())
        built = [r if isinstance(r, Request) else self.request(now=now, **_clean(r)) for r in requests]
        return [Result(n) for n in self._native.evaluate_many(built)]

    def _noop(self) -> None:
        self._native.noop()

    def __repr__(self) -> str:
        return repr(self._native)

    def __reduce__(self):
        return (_restore_set, (self._native,))


def _restore_set(native: Any) -> PolicySet:
    s = PolicySet.__new__(PolicySet)
    s._native = native
    return s


def _clean(row: Mapping[str, Any]) -> Dict[str, Any]:
    keys = ("principal", "action", "resource", "context", "resource_account", "wildcard_only_action",
            "principal_account", "federating_user")
    out = {k: row[k] for k in keys if k in row and row[k] is not None}
    return out


def _resources(resource: Union[None, str, Sequence[str]]) -> Any:
    if resource is None or isinstance(resource, str):
        return resource
    return list(resource)


def _context(context: Optional[Mapping[str, Any]]) -> Optional[Dict[str, Any]]:
    if context is None:
        return None
    out: Dict[str, Any] = {}
    for k, v in context.items():
        if hasattr(v, "isoformat") and not isinstance(v, str):  # datetime, date
            v = v.isoformat()
        elif isinstance(v, (set, frozenset)):
            v = sorted(v)
        out[k] = v
    return out
