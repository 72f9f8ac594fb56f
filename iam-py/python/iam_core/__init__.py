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
from ._native import Diagnostic, Request, Result, Statement, catalog_date, expand

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


class PolicySet(_native.PolicySet):
    """The policies that apply to a principal and a resource, compiled once for many
    evaluations. Each argument takes Policy objects, JSON text, dicts, or ``(name, policy)``.

    ``evaluate``, ``decide`` and ``decide_many`` are the native methods themselves (no Python
    layer): ``evaluate(request)`` with a prebuilt :class:`Request`, or
    ``evaluate(principal=…, action=…, resource=…, context=…, trace=False, …)`` with the keyword
    arguments of :meth:`request`. Each returns a :class:`Result`.
    """

    __slots__ = ()

    def __new__(
        cls,
        identity: Any = None,
        resource: Any = None,
        permissions_boundary: Any = None,
        session: Any = None,
        scps: Optional[Sequence[Any]] = None,
        rcps: Optional[Sequence[Any]] = None,
    ) -> "PolicySet":
        return super().__new__(
            cls,
            _named(identity, "identity", "identity"),
            _one(resource, "resource", "resource"),
            _one(permissions_boundary, "permissionsBoundary", "permissions-boundary"),
            _one(session, "session", "session"),
            [_named(level, f"scps[{i}]", "scp") for i, level in enumerate(scps or [])],
            [_named(level, f"rcps[{i}]", "rcp") for i, level in enumerate(rcps or [])],
        )

    def evaluate_many(self, requests: Any) -> Any:  # type: ignore[override]
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
        return super().evaluate_many(built)


def _clean(row: Mapping[str, Any]) -> Dict[str, Any]:
    keys = ("principal", "action", "resource", "context", "resource_account", "wildcard_only_action",
            "principal_account", "federating_user")
    out = {k: row[k] for k in keys if k in row and row[k] is not None}
    return out


