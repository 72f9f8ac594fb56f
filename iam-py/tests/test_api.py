"""The Python API: inputs, errors, findings, results, pickling."""
import json
import multiprocessing
import pathlib
import pickle

import pytest

import iam_core
from iam_core import ArgumentError, Findings, IamError, ParseError, Policy, PolicySet, Request, RequestError

ROOT = pathlib.Path(__file__).resolve().parents[2]
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
ALICE = "arn:aws:iam::111122223333:user/alice"


def example(name):
    return Policy.parse((ROOT / "corpus" / "examples" / "policies" / name).read_text())


def test_parse_accepts_text_bytes_and_dicts():
    text = json.dumps(ADMIN)
    for source in (text, text.encode(), ADMIN):
        p = Policy.parse(source)
        assert p.version == "2012-10-17"
        assert p.policy_type == "identity"
        assert json.loads(p.to_json()) == ADMIN
    assert Policy.parse(ADMIN, policy_type="scp").policy_type == "scp"


def test_statements_have_locations():
    p = example("least-privilege-s3-dynamodb.json")
    s = p.statements
    assert [x.sid for x in s] == ["ListReportsBucket", "ReadWriteReports", "OrdersTableAccess"]
    assert s[1].actions == ["s3:GetObject", "s3:PutObject"]
    assert s[0].conditions == [("StringLike", "s3:prefix", ["monthly/*"])]
    assert (s[0].line, s[0].path) == (4, "/Statement/0")


def test_parse_errors_are_typed_and_located():
    with pytest.raises(ParseError) as e:
        Policy.parse('{"Statement": {"Effect": "Allow", "Effect": "Deny", "Action": "*", "Resource": "*"}}')
    err = e.value
    assert isinstance(err, ValueError) and isinstance(err, IamError)
    d = err.diagnostics[0]
    assert d.code == "DUPLICATE_KEY"
    assert d.severity == "error"
    assert (d.line, d.column, d.path) == (1, 35, "/Statement/Effect")
    assert d.help and "AWS rejects" in d.help
    assert json.loads(d.to_json())["code"] == "DUPLICATE_KEY"
    with pytest.raises(IamError):
        Policy.parse(ADMIN, policy_type="bucket")
    with pytest.raises(IamError):
        Policy.parse(42)  # type: ignore[arg-type]


def test_a_lone_surrogate_is_a_located_encoding_error():
    with pytest.raises(ParseError) as e:
        Policy.parse('{"Version": "2012-10-17", "Statement": [{"Sid": "\ud800", "Effect": "Allow", "Action": "*", "Resource": "*"}]}')
    d = e.value.diagnostics[0]
    assert d.code == "INVALID_ENCODING"
    assert d.line == 1 and d.column > 40


def test_request_errors_are_typed():
    with pytest.raises(RequestError) as e:
        Request("bob", "s3:GetObject")
    assert e.value.field == "principal"
    assert isinstance(e.value, ValueError)
    with pytest.raises(RequestError):
        Request(ALICE, "s3:*")
    with pytest.raises(RequestError):
        Request(ALICE, "s3:GetObject", context={"k:x": {"nested": 1}})


def test_findings_of_the_guide_examples():
    assert [d.code for d in example("admin-allow-all.json").findings()] == ["FULL_ADMIN"]
    assert example("least-privilege-s3-dynamodb.json").findings() == []
    assert [d.code for d in example("s3-ip-and-mfa-conditions.json").findings()] == ["SERVICE_WILDCARD"]
    f = example("admin-allow-all.json").findings()[0]
    assert f.docs == "docs/checks.md#full_admin"
    assert "FULL_ADMIN" in repr(f) and "error" in str(f)
    assert "<table>" in example("admin-allow-all.json")._repr_html_()


def test_evaluate_and_explain():
    ps = PolicySet(identity=[example("s3-ip-and-mfa-conditions.json")])
    ctx = {"aws:SourceIp": "203.0.113.9", "aws:MultiFactorAuthPresent": True}
    r = ps.evaluate(principal="arn:aws:sts::111122223333:assumed-role/Dev/s", action="s3:GetObject",
                    resource="arn:aws:s3:::example-data/x", context=ctx)
    assert r.decision == "allow" and r.allowed and r.blocked_by is None
    assert r.decisive[0]["sid"] == "S3FromOfficeWithMfa"
    assert "allowed by identity statement 0" in r.explain()
    assert "<b>" in r._repr_html_()
    denied = ps.evaluate(principal=ALICE, action="s3:GetObject", resource="arn:aws:s3:::example-data/x",
                         context={"aws:SourceIp": "203.0.113.9"})
    assert denied.decision == "implicitDeny"
    assert denied.blocked_by == "identity"
    assert denied.missing_context_keys == ["aws:MultiFactorAuthPresent"]
    with pytest.raises(RequestError):
        ps.evaluate(principal=ALICE)


def test_evaluate_many_matches_evaluate():
    ps = PolicySet(identity=[ADMIN], permissions_boundary={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
    rows = [{"principal": ALICE, "action": a, "resource": "*"} for a in ("s3:GetObject", "ec2:RunInstances")] * 50
    many = ps.evaluate_many(rows)
    assert [r.decision for r in many[:2]] == ["allow", "implicitDeny"]
    assert all(m.decision == ps.evaluate(**r).decision for m, r in zip(many, rows))
    req = PolicySet.request(ALICE, "s3:GetObject")
    assert ps.evaluate_many([req])[0].allowed
    built = [PolicySet.request(**r) for r in rows]
    assert ps.decide_many(built) == [m.decision for m in many]
    assert ps.decide(built[1]) == "implicitDeny"


def test_decide_is_a_one_argument_method():
    # `decide` is a METH_O method installed by hand (iam-py/src/fast_call.rs): it must behave as
    # a method of the class and of subclasses, and refuse what PyO3 methods refuse.
    import inspect
    from iam_core import _native
    ps = PolicySet(identity=[ADMIN])
    req = PolicySet.request(ALICE, "s3:GetObject")
    assert ps.decide(req) == "allow" == ps.evaluate(req).decision
    assert PolicySet.decide(ps, req) == "allow"
    assert _native.PolicySet.decide(ps, req) == "allow"
    assert str(inspect.signature(PolicySet.decide)) == "(self, request, /)"
    assert "fastest call" in (PolicySet.decide.__doc__ or "")
    with pytest.raises(TypeError, match="takes a Request"):
        ps.decide({"principal": ALICE, "action": "s3:GetObject"})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ps.decide()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        ps.decide(req, req)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        ps.decide(request=req)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _native.PolicySet.decide(req, req)  # type: ignore[arg-type]
    # The decision of a set unpickled in another process is the same.
    assert pickle.loads(pickle.dumps(ps)).decide(req) == "allow"


def test_pandas_dataframes():
    pd = pytest.importorskip("pandas")
    ps = PolicySet(identity=[ADMIN])
    df = pd.DataFrame({"principal": [ALICE, "anonymous"], "action": ["s3:GetObject", "s3:GetObject"],
                       "resource": ["arn:aws:s3:::b/k"] * 2})
    out = ps.evaluate_many(df)
    assert list(out["decision"]) == ["allow", "implicitDeny"]
    assert list(out["blocked_by"]) == [None, "resource"]


def test_everything_pickles():
    p = example("admin-allow-all.json")
    ps = PolicySet(identity=[("admin", p)], scps=[[ADMIN]])
    req = PolicySet.request(ALICE, "s3:GetObject", "arn:aws:s3:::b/k", {"aws:SourceIp": "203.0.113.1"}, now=1_800_000_000)
    r = ps.evaluate(req)
    p2, ps2, req2, r2 = pickle.loads(pickle.dumps((p, ps, req, r)))
    assert p2.source == p.source and p2.policy_type == "identity"
    assert ps2.evaluate(req2).decision == "allow"
    assert r2.decision == "allow" and r2.decisive == r.decisive
    err = pickle.loads(pickle.dumps(RequestError("x: y", "x")))
    assert err.field == "x"
    # A result pickles as its policy set and request and is decided again: the same decision and
    # explanation, and the set comes back as the package's class.
    assert isinstance(ps2, PolicySet) and r2.explain() == r.explain() and r2.to_dict() == r.to_dict()
    denied = ps.evaluate(PolicySet.request(ALICE, "s3:GetObject", now=1_800_000_000))
    assert pickle.loads(pickle.dumps(denied)).to_dict() == denied.to_dict()


def test_evaluate_is_the_native_method():
    # No Python layer between a caller and the engine on the hot path.
    from iam_core import _native
    assert PolicySet.evaluate is _native.PolicySet.evaluate
    assert PolicySet.decide is _native.PolicySet.decide
    assert iam_core.Result is _native.Result
    ps = PolicySet(identity=[ADMIN])
    req = PolicySet.request(ALICE, "s3:GetObject")
    assert type(ps.evaluate(req)) is iam_core.Result
    with pytest.raises(RequestError) as e:
        ps.evaluate(req, principal=ALICE, action="s3:GetObject")
    assert e.value.field == "request"
    assert ps.evaluate(req, context=None, resource=None).allowed  # None means not given
    # Keyword arguments are read natively, so the native set takes them too.
    assert _native.PolicySet([]).evaluate(principal=ALICE, action="s3:GetObject").decision == "implicitDeny"
    # The request keeps its own copy of the context.
    ctx = {"aws:SourceIp": "203.0.113.1"}
    kept = PolicySet.request(ALICE, "s3:GetObject", context=ctx)
    ctx["aws:SourceIp"] = "198.51.100.1"
    assert pickle.loads(pickle.dumps(kept)).__reduce__()[1][3] == {"aws:SourceIp": "203.0.113.1"}
    with pytest.raises(RequestError):
        ps.evaluate(action="s3:GetObject")
    with pytest.raises(TypeError):
        ps.evaluate("not a request")
    r = ps.evaluate(req, trace=True)
    assert r.to_dict()["trace"] and r.to_dict() is r.to_dict()


def test_request_arguments_are_converted_and_kept():
    import datetime
    import time

    ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
                      "ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}}]}])
    when = datetime.datetime(2029, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)
    r = PolicySet.request(ALICE, "s3:GetObject", context={"aws:CurrentTime": when, "aws:TagKeys": {"b", "a"}})
    # Dates become ISO text and sets sorted lists, in the request's own copy of the context.
    assert r.__reduce__()[1][3] == {"aws:CurrentTime": when.isoformat(), "aws:TagKeys": ["a", "b"]}
    assert ps.evaluate(r).allowed
    later = datetime.datetime(2031, 1, 1, tzinfo=datetime.timezone.utc)
    assert ps.evaluate(principal=ALICE, action="s3:GetObject", context={"aws:CurrentTime": later}).decision == "implicitDeny"
    assert ps.evaluate(principal=ALICE, action="s3:GetObject", context={"aws:TagKeys": frozenset({"a", "c"})}).decision == "implicitDeny"
    # A mapping that is not a dict is read too.
    from types import MappingProxyType
    assert ps.evaluate(principal=ALICE, action="s3:GetObject", context=MappingProxyType({"aws:TagKeys": ["a"]}), now=1_800_000_000).allowed
    # `now` defaults to the clock; it is rounded down (the core's rule, as in WebAssembly);
    # nonsense, and times beyond the years ISO 8601 writes, are RequestErrors.
    before = int(time.time())
    assert before <= PolicySet.request(ALICE, "s3:GetObject").__reduce__()[1][6] <= int(time.time())
    assert PolicySet.request(ALICE, "s3:GetObject", now=1.9).__reduce__()[1][6] == 1
    assert PolicySet.request(ALICE, "s3:GetObject", now=-0.5).__reduce__()[1][6] == -1
    for bad in [float("nan"), float("inf"), 1e300]:
        with pytest.raises(RequestError) as e:
            PolicySet.request(ALICE, "s3:GetObject", now=bad)
        assert e.value.field == "now"
    # A list of resources is copied: changing the caller's list later changes nothing.
    resources = ["arn:aws:s3:::b/1"]
    kept = PolicySet.request(ALICE, "s3:GetObject", resources)
    resources.append("arn:aws:s3:::b/2")
    assert kept.resources == ["arn:aws:s3:::b/1"]
    assert pickle.loads(pickle.dumps(kept)).resources == ["arn:aws:s3:::b/1"]
    # Keyword mistakes are TypeErrors, as Python's own would be.
    # Keyword names built at run time (not interned) are read too.
    built = {"".join(["prin", "cipal"]): ALICE, "".join(["act", "ion"]): "s3:GetObject"}
    assert ps.evaluate(**built).allowed
    with pytest.raises(TypeError, match="unexpected keyword argument 'actions'"):
        ps.evaluate(principal=ALICE, actions="s3:GetObject")
    # A request field of the wrong type is a RequestError naming the field.
    for kwargs, field in [
        ({"principal": 42}, "principal"),
        ({"now": "100"}, "now"),
        ({"wildcard_only_action": "yes"}, "wildcard_only_action"),
        ({"context": ["xy"]}, "context"),  # dict() would read it as {"x": "y"}
        ({"resource": {"arn:aws:s3:::a": 1}}, "resource"),  # not its keys
        ({"resource": {"arn:aws:s3:::a"}}, "resource"),
        ({"context": {"s3:max-keys": float("nan")}}, "context.s3:max-keys"),
        # One key in two letter cases: keys are case-insensitive, one value would be lost.
        ({"context": {"aws:SourceIp": "203.0.113.1", "AWS:SOURCEIP": "198.51.100.1"}}, "context.AWS:SOURCEIP"),
    ]:
        args = {"principal": ALICE, "action": "s3:GetObject", **kwargs}
        with pytest.raises(RequestError) as e:
            ps.evaluate(**args)
        assert e.value.field == field, kwargs
    with pytest.raises(RequestError) as e:
        ps.evaluate(principal=ALICE, action="s3:GetObject", context={"k": object()})
    assert e.value.field == "context.k"


def test_integers_beyond_64_bits_keep_their_digits():
    big = 2**64 + 1
    ps = PolicySet(identity=[{"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"StringEquals": {"app:n": str(big)}}}]}])
    assert ps.evaluate(principal=ALICE, action="s3:GetObject", context={"app:n": big}).allowed
    assert not ps.evaluate(principal=ALICE, action="s3:GetObject", context={"app:n": big - 1}).allowed


def _decide(args):
    ps, principal = args
    return ps.evaluate(principal=principal, action="s3:GetObject", resource="arn:aws:s3:::b/k").decision


def test_process_pool():
    ps = PolicySet(identity=[ADMIN])
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        out = pool.map(_decide, [(ps, ALICE), (ps, "anonymous")])
    assert out == ["allow", "implicitDeny"]


def test_catalog_and_version():
    assert iam_core.catalog_date() == "2026-09-26"
    assert ("s3:GetObject", "Read") in iam_core.expand("s3:Get*")
    assert iam_core.__version__.count(".") == 2


def test_evaluate_many_dicts_are_checked_and_keep_now():
    # A Deny after a date: `now` in a dict must reach the request, as it does for evaluate().
    ps = PolicySet(identity=[ADMIN, {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}}]}])
    row = {"principal": ALICE, "action": "s3:GetObject", "now": 2e9}
    assert ps.evaluate(**row).decision == "explicitDeny"
    assert ps.evaluate_many([row])[0].decision == "explicitDeny"
    assert ps.evaluate_many([{**row, "now": 1.8e9}])[0].decision == "allow"
    # A key that is not a request field is an error, not a silently ignored typo.
    with pytest.raises(RequestError) as e:
        ps.evaluate_many([{"principal": ALICE, "action": "s3:GetObject", "resouce": "arn:aws:s3:::b/k"}])
    assert e.value.field == "resouce"
    with pytest.raises(RequestError, match="resource_account"):
        ps.evaluate_many([{"principal": ALICE, "action": "s3:GetObject", "resourceAccount": "222233334444"}])
    with pytest.raises(RequestError):
        ps.evaluate_many(["not a request"])
    with pytest.raises(RequestError) as missing:
        ps.evaluate_many([{"action": "s3:GetObject"}])
    assert missing.value.field == "principal"


def test_pandas_missing_values_are_absent_and_other_columns_kept():
    pd = pytest.importorskip("pandas")
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
              "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "a"}}}]}
    ps = PolicySet(identity=[policy])
    df = pd.DataFrame([
        {"id": 1, "principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
         "context": {"aws:PrincipalTag/team": "a"}},
        {"id": 2, "principal": ALICE, "action": "s3:GetObject"},
    ])
    out = ps.evaluate_many(df)
    assert list(out["decision"]) == ["allow", "implicitDeny"]
    assert list(out["id"]) == [1, 2]


def test_policy_type_is_applied_to_a_parsed_policy():
    identity = Policy.parse(ADMIN)
    as_resource = Policy.parse(identity, policy_type="resource")
    assert as_resource.policy_type == "resource"
    assert any(d.code == "MISSING_PRINCIPAL" for d in as_resource.findings())
    assert not any(d.code == "MISSING_PRINCIPAL" for d in identity.findings())
    assert Policy.parse(identity) is identity


def test_scp_levels_must_be_lists():
    s3_only = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    with pytest.raises(ArgumentError) as e:
        PolicySet(identity=[ADMIN], scps=[ADMIN, s3_only])
    assert isinstance(e.value, ValueError) and isinstance(e.value, TypeError)
    with pytest.raises(ArgumentError):
        PolicySet(identity=[ADMIN], rcps=[json.dumps(ADMIN)])
    one_level = PolicySet(identity=[ADMIN], scps=[[ADMIN, s3_only]])
    assert one_level.evaluate(principal=ALICE, action="ec2:RunInstances").decision == "allow"
    two_levels = PolicySet(identity=[ADMIN], scps=[[ADMIN], [s3_only]])
    assert two_levels.evaluate(principal=ALICE, action="ec2:RunInstances").decision == "implicitDeny"


def test_argument_and_request_errors_are_typed_and_structured():
    with pytest.raises(ArgumentError):
        Policy.parse(ADMIN, policy_type="bucket")
    with pytest.raises(ArgumentError, match="int"):
        Policy.parse(42)  # type: ignore[arg-type]
    ps = PolicySet(identity=[ADMIN])
    with pytest.raises(RequestError) as e:
        ps.evaluate(action="s3:GetObject")
    assert (e.value.field, e.value.code) == ("principal", "INVALID_SIMULATION")
    with pytest.raises(RequestError) as e:
        ps.evaluate(principal=ALICE)
    assert e.value.field == "action"
    with pytest.raises(RequestError) as e:
        ps.evaluate(principal=ALICE, action="s3:GetObject", context="abc")  # type: ignore[arg-type]
    assert e.value.field == "context"
    with pytest.raises(RequestError) as e:
        ps.evaluate(principal=ALICE, action="s3:GetObject", resource=5)  # type: ignore[arg-type]
    assert e.value.field == "resource"
    with pytest.raises(RequestError) as e:
        ps.evaluate(principal=ALICE, action="s3:GetObject", context={"aws:PrincipalTag/team": object()})
    assert e.value.path == "/context/aws:PrincipalTag~1team"


def test_errors_diagnostics_and_statements_pickle():
    with pytest.raises(ParseError) as e:
        Policy.parse('{"Version": "2012-10-17", "Statement": {"Effect": "Allow"}}')
    err = pickle.loads(pickle.dumps(e.value))
    assert type(err) is ParseError and err.message == e.value.message
    assert [d.to_json() for d in err.diagnostics] == [d.to_json() for d in e.value.diagnostics]
    assert err.diagnostics[0].code == e.value.diagnostics[0].code == err.code
    p = example("least-privilege-s3-dynamodb.json")
    findings = Policy.parse(ADMIN).findings() + Policy.parse({"Statement": [
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}).findings()
    assert isinstance(Policy.parse(ADMIN).findings(), Findings) and len(findings) > 2
    assert any(d.help for d in findings)
    for d in findings:
        d2 = pickle.loads(pickle.dumps(d))
        assert d2.to_json() == d.to_json() and repr(d2) == repr(d) and d2.help == d.help
    for s in p.statements:
        s2 = pickle.loads(pickle.dumps(s))
        fields = ("index", "sid", "effect", "action_element", "actions", "resource_element", "resources",
                  "principal_element", "principals", "conditions", "path", "line", "column")
        assert [getattr(s2, f) for f in fields] == [getattr(s, f) for f in fields]
    arg = pickle.loads(pickle.dumps(ArgumentError("bad")))
    assert isinstance(arg, ArgumentError) and arg.message == "bad"
    with pytest.raises(ArgumentError):
        iam_core.Diagnostic._restore(("NO_SUCH_CODE", "error", "m", None, "", (0, 0), (0, 1, 1, 1), (0, 1, 1, 1)))


def test_findings_render_as_a_table():
    findings = Policy.parse(ADMIN).findings()
    html = findings._repr_html_()
    assert html.startswith("<table>") and "FULL_ADMIN" in html
    assert Findings([])._repr_html_() == "<p>no findings</p>"
    # A dict is written as indented JSON, so a finding points at its own line.
    assert any(d.line > 1 for d in findings)


def test_result_html_highlights_the_decisive_statement():
    identity = {"Version": "2012-10-17", "Statement": [
        {"Sid": "All", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Sid": "NoDel", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}]}
    bucket = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}
    ps = PolicySet(identity=[identity], resource=bucket)
    denied = ps.evaluate(principal=ALICE, action="s3:DeleteObject", resource="arn:aws:s3:::b/k")._repr_html_()
    marked = denied.split("<mark>")[1].split("</mark>")[0]
    assert "NoDel" in marked and "&quot;All&quot;" not in marked
    public = ps.evaluate(principal="anonymous", action="s3:GetObject", resource="arn:aws:s3:::b/k")._repr_html_()
    assert "Public" in public.split("<mark>")[1].split("</mark>")[0]
    nothing = ps.evaluate(principal="anonymous", action="s3:PutObject", resource="arn:aws:s3:::b/k")._repr_html_()
    assert "<mark>" not in nothing


def test_refused_requests_say_why():
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sts:AssumeRole"}]}
    ps = PolicySet(resource=trust)
    r = ps.evaluate(principal="111122223333", action="sts:AssumeRole",
                    resource="arn:aws:iam::111122223333:role/Target")
    assert r.decision == "implicitDeny"
    assert r.refused and "root user" in r.refused and r.refused in r.explain()
    assert ps.evaluate(principal=ALICE, action="sts:AssumeRole",
                       resource="arn:aws:iam::111122223333:role/Target").refused is None
