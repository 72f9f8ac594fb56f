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
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union, overload

from . import _native
from .errors import ArgumentError, IamError, ParseError, RequestError
from ._native import Diagnostic, Request, Result, Statement, catalog_date, expand

__version__: str = _native.__version__

__all__ = [
    "Policy",
    "PolicySet",
    "Request",
    "Result",
    "Diagnostic",
    "Statement",
    "Findings",
    "IamError",
    "ArgumentError",
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


class Findings(List[Diagnostic]):
    """A list of :class:`Diagnostic` that a notebook shows as a table, most serious first."""

    def _repr_html_(self) -> str:
        if not self:
            return "<p>no findings</p>"
        return _findings_html(self)


class Policy:
    """A parsed IAM policy. Build it with :meth:`Policy.parse`."""

    __slots__ = ("_native",)

    def __init__(self, native: _native.Policy) -> None:
        self._native = native

    @classmethod
    def parse(cls, source: PolicyInput, policy_type: str = "identity") -> "Policy":
        """Parses a policy given as JSON text, bytes, or a dict. ``policy_type`` is one of
        identity, resource, trust, permissions-boundary, session, scp, rcp. Raises
        :class:`ParseError` with located diagnostics.

        A dict is written as indented JSON first, so that findings point at a line of their
        own; a :class:`Policy` is returned as it is, or read again when ``policy_type`` differs.
        """
        if isinstance(source, Policy):
            if source.policy_type == policy_type:
                return source
            source = source.source
        elif isinstance(source, Mapping):
            source = json.dumps(source, indent=2)
        return cls(_native.Policy.parse(source, policy_type))

    @property
    def policy_type(self) -> str:
        """The policy type whose rules :meth:`validate` and :meth:`findings` apply."""
        return self._native.policy_type

    @property
    def source(self) -> str:
        """The JSON text the policy was read from (locations point into it)."""
        return self._native.source

    @property
    def version(self) -> Optional[str]:
        """The ``Version`` element (``2012-10-17``), or ``None``."""
        return self._native.version

    @property
    def id(self) -> Optional[str]:
        """The ``Id`` element, or ``None``."""
        return self._native.id

    @property
    def statements(self) -> List[Statement]:
        """The statements, each with its Sid, effect, actions, resources, principals, conditions
        and location."""
        return self._native.statements

    def validate(self) -> Findings:
        """Findings of the rules of the policy type."""
        return Findings(self._native.validate())

    def findings(self) -> Findings:
        """Validation and lint findings (over-broad wildcards, risky grants), by position."""
        return Findings(self._native.findings())

    def to_json(self) -> str:
        """The policy as compact JSON, keys and shapes as written."""
        return self._native.to_json()

    def to_dict(self) -> Dict[str, Any]:
        """The policy as Python values (``json.loads`` of :meth:`to_json`)."""
        result: Dict[str, Any] = json.loads(self.to_json())
        return result

    def __repr__(self) -> str:
        return repr(self._native)

    def _repr_html_(self) -> str:
        """The policy's repr and its findings as a table (for notebooks)."""
        f = self.findings()
        head = "<p>{} — {} finding(s)</p>".format(html.escape(repr(self)), len(f))
        return head + (_findings_html(f) if f else "")

    def __reduce__(self) -> Tuple[Any, ...]:
        return (Policy.parse, (self.source, self.policy_type))


def _named(items: Any, default: str, policy_type: str) -> List[Tuple[str, Any]]:
    out: List[Tuple[str, Any]] = []
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
            [_named(_level(level, "scps", i), f"scps[{i}]", "scp") for i, level in enumerate(scps or [])],
            [_named(_level(level, "rcps", i), f"rcps[{i}]", "rcp") for i, level in enumerate(rcps or [])],
        )

    @overload
    def evaluate_many(self, requests: Iterable[Union[Request, Mapping[str, Any]]]) -> List[Result]: ...

    @overload
    def evaluate_many(self, requests: Any) -> Any: ...

    def evaluate_many(self, requests: Any) -> Any:
        """Evaluates many requests with the GIL released. Takes Request objects or dicts with the
        keyword arguments of :meth:`request` (a key it does not take is a :class:`RequestError`);
        returns a list of :class:`Result`.

        A pandas DataFrame gives a DataFrame with ``decision``, ``allowed`` and ``blocked_by``
        columns added. Its columns named like those keyword arguments make the requests (a
        missing value, ``None`` or ``NaN``, counts as absent); other columns are kept as they
        are."""
        try:
            import pandas as pd  # type: ignore[import-untyped, import-not-found, unused-ignore]
        except ImportError:  # pandas is optional
            pd = None
        if pd is not None and isinstance(requests, pd.DataFrame):
            columns = [c for c in requests.columns if c in _REQUEST_KEYS]
            rows = [
                {k: v for k, v in row.items() if not _missing(pd, v)}
                for row in requests[columns].to_dict("records")
            ]
            results = self.evaluate_many(rows)
            out = requests.copy()
            out["decision"] = [r.decision for r in results]
            out["allowed"] = [r.allowed for r in results]
            out["blocked_by"] = pd.Series([r.blocked_by for r in results], index=out.index, dtype=object)
            return out
        now = time.time()
        built = [r if isinstance(r, Request) else self.request(**{"now": now, **_clean(r)}) for r in requests]
        return super().evaluate_many(built)


# The keyword arguments of `PolicySet.request`, which the dicts of `evaluate_many` use.
_REQUEST_KEYS = ("principal", "action", "resource", "context", "resource_account",
                 "wildcard_only_action", "now", "principal_account", "federating_user")

# Simulation files write these in camelCase; a dict using them gets the snake_case name in its error.
_CAMEL = {"resourceAccount": "resource_account", "wildcardOnlyAction": "wildcard_only_action",
          "principalAccount": "principal_account", "federatingUser": "federating_user",
          "resources": "resource"}


def _clean(row: Mapping[str, Any]) -> Dict[str, Any]:
    """The keyword arguments of one request of `evaluate_many`; `None` counts as absent."""
    if not isinstance(row, Mapping):
        raise RequestError(f"a request is a Request or a dict, not {type(row).__name__}", "")
    for k in row:
        if k not in _REQUEST_KEYS:
            hint = f" (did you mean '{_CAMEL[k]}'?)" if k in _CAMEL else ""
            raise RequestError(f"{k}: not a request field{hint}; the fields are {', '.join(_REQUEST_KEYS)}", str(k))
    out = {k: v for k, v in row.items() if v is not None}
    for required in ("principal", "action"):
        if required not in out:
            raise RequestError(f"{required}: a request needs a principal and an action", required)
    return out


def _missing(pd: Any, value: Any) -> bool:
    """Whether a DataFrame cell is missing (None, NaN, NaT, pd.NA); lists and dicts are values."""
    if isinstance(value, (list, tuple, dict, set, frozenset, str)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _level(level: Any, name: str, index: int) -> Any:
    """One level of SCPs or RCPs: a list of policies (a flat list of policies is a mistake that
    would make each policy its own level)."""
    if isinstance(level, (str, bytes, Mapping, Policy)):
        raise ArgumentError(
            f"{name}[{index}] is a policy, but {name} is a list of levels, each a list of policies: "
            f"write {name}=[[p1, p2]] for one level, {name}=[[root], [ou]] for two")
    return level


