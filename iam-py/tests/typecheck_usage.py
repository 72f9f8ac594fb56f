"""Type-checked by mypy in the test command: the stubs must describe the API users see."""
from typing import List, Optional

import iam_core
from iam_core import Diagnostic, Policy, PolicySet, Request, Result


def usage() -> None:
    p: Policy = Policy.parse({"Version": "2012-10-17", "Statement": []}, policy_type="identity")
    findings: List[Diagnostic] = p.findings()
    line: int = findings[0].line if findings else 0
    ps = PolicySet(identity=[p])
    req: Request = PolicySet.request("arn:aws:iam::111122223333:user/alice", "s3:GetObject")
    r: Result = ps.evaluate(req)
    decision: str = r.decision
    blocked: Optional[str] = r.blocked_by
    many: List[Result] = ps.evaluate_many([req])
    by_keywords: Result = ps.evaluate(principal="arn:aws:iam::111122223333:user/alice",
                                      action="s3:GetObject", context={"aws:SecureTransport": True})
    text: str = by_keywords.explain()
    keys: List[str] = r.missing_context_keys
    date: str = iam_core.catalog_date()
    pairs = iam_core.expand("s3:Get*")
    first: str = pairs[0][0]
    _ = (line, decision, blocked, many, date, first, text, keys)


def statements_are_read_only(s: iam_core.Statement) -> None:
    # mypy --strict warns about an unused ignore, so this fails if the stub let the field be set.
    s.sid = "x"  # type: ignore[misc]
