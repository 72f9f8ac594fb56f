#!/usr/bin/env python3
"""Writes the conformance cases in this folder from the hand-written tables below.

Usage: python3 corpus/conformance/generate.py

Every expected decision here is written by hand from AWS's documentation (or, where AWS is
silent, from the choice recorded in docs/semantics.md); nothing is computed. The JSON files are
the artifacts every language runs; this script only saves typing the repeated policy shapes.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
A = "111122223333"
B = "444455556666"
ALICE = f"arn:aws:iam::{A}:user/alice"
BOB = f"arn:aws:iam::{A}:user/bob"
ROLE = f"arn:aws:iam::{A}:role/Dev"
SESSION = f"arn:aws:sts::{A}:assumed-role/Dev/s1"
V = "2012-10-17"
ALLOW, EDENY, IDENY = "allow", "explicitDeny", "implicitDeny"


def policy(*statements, version=V):
    p = {"Version": version} if version else {}
    p["Statement"] = list(statements)
    return p


def allow(action="*", resource="*", **extra):
    s = {"Effect": "Allow", "Action": action, "Resource": resource}
    s.update(extra)
    return s


def deny(action="*", resource="*", **extra):
    s = {"Effect": "Deny", "Action": action, "Resource": resource}
    s.update(extra)
    return s


ALLOW_ALL = policy(allow())


def case(name, policies, request, decision, decisive=None, blocked_by=None, source=None, missing=None, refused=None):
    c = {"name": name, "policies": policies, "request": request, "expect": {"decision": decision}}
    if refused is not None:
        # A word the explanation's `refused` reason must contain, or "" for none at all.
        c["expect"]["refusedMentions"] = refused
    if decisive is not None:
        c["expect"]["decisive"] = [{"layer": l, "policy": p, "statement": s} for (l, p, s) in decisive]
    if blocked_by is not None:
        c["expect"]["blockedBy"] = blocked_by
    if missing is not None:
        c["expect"]["missingContextKeys"] = missing
    if source:
        c["source"] = source
    return c


def write(name, description, cases):
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), f"duplicate case names in {name}"
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
        json.dump({"description": description, "cases": cases}, f, indent=2, ensure_ascii=False)
        f.write("\n")
    return len(cases)


# ---------------------------------------------------------------------------------------------
# Condition operators: an identity Allow of s3:GetObject on * with one condition; the request by
# alice either supplies the key or not. Expected: allow when the condition holds, else implicit
# deny. Rows: (operator, key, policy values, context value or MISSING, condition holds?, note)
MISSING = object()
ROWS = [
    # String
    ("StringEquals", "aws:PrincipalTag/team", "dev", "dev", True, ""),
    ("StringEquals", "aws:PrincipalTag/team", "dev", "Dev", False, "case-sensitive"),
    ("StringEquals", "aws:PrincipalTag/team", "dev", MISSING, False, "missing key"),
    ("StringEquals", "aws:PrincipalTag/team", ["ops", "dev"], "dev", True, "values are OR-ed"),
    ("StringEquals", "aws:PrincipalTag/team", "*", "dev", False, "no wildcards in StringEquals (tricky #15)"),
    ("StringEquals", "aws:PrincipalTag/team", "*", "*", True, "a literal star"),
    ("StringEquals", "aws:PrincipalTag/team", "dev", ["dev"], False, "a plain operator on a multivalued value needs a set qualifier"),
    ("StringNotEquals", "aws:PrincipalTag/team", "dev", "dev", False, ""),
    ("StringNotEquals", "aws:PrincipalTag/team", "dev", "ops", True, ""),
    ("StringNotEquals", "aws:PrincipalTag/team", "dev", MISSING, True, "negated operators are true on a missing key"),
    ("StringNotEquals", "aws:PrincipalTag/team", ["dev", "ops"], "ops", False, "negated with several values: none may match"),
    ("StringNotEquals", "aws:PrincipalTag/team", ["dev", "ops"], "qa", True, ""),
    ("StringEqualsIgnoreCase", "aws:PrincipalTag/team", "DEV", "dev", True, ""),
    ("StringEqualsIgnoreCase", "aws:PrincipalTag/team", "DEV", "ops", False, ""),
    ("StringEqualsIgnoreCase", "aws:PrincipalTag/team", "DEV", MISSING, False, ""),
    ("StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", "DEV", "dev", False, ""),
    ("StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", "DEV", "ops", True, ""),
    ("StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", "DEV", MISSING, True, ""),
    ("StringLike", "s3:prefix", "home/*", "home/alice/x", True, ""),
    ("StringLike", "s3:prefix", "home/*", "Home/alice", False, "case-sensitive"),
    ("StringLike", "s3:prefix", "home/*", "home/", True, "star matches the empty string"),
    ("StringLike", "s3:prefix", "h?me", "home", True, "? is one character"),
    ("StringLike", "s3:prefix", "h?me", "hoome", False, ""),
    ("StringLike", "s3:prefix", "*", "", True, ""),
    ("StringLike", "s3:prefix", "home/*", MISSING, False, ""),
    ("StringLike", "s3:prefix", ["a*", "b*"], "bob", True, ""),
    ("StringNotLike", "s3:prefix", "home/*", "home/x", False, ""),
    ("StringNotLike", "s3:prefix", "home/*", "tmp/x", True, ""),
    ("StringNotLike", "s3:prefix", "home/*", MISSING, True, ""),
    ("StringNotLike", "s3:prefix", ["a*", "b*"], "bob", False, ""),
    ("StringEqualsIfExists", "aws:PrincipalTag/team", "dev", MISSING, True, "IfExists: true when the key is absent"),
    ("StringEqualsIfExists", "aws:PrincipalTag/team", "dev", "dev", True, ""),
    ("StringEqualsIfExists", "aws:PrincipalTag/team", "dev", "ops", False, "IfExists with the key present is the plain operator"),
    ("StringNotEqualsIfExists", "aws:PrincipalTag/team", "dev", MISSING, True, ""),
    ("StringLikeIfExists", "ec2:InstanceType", "t3.*", "m5.large", False, "tricky #20"),
    ("StringLikeIfExists", "ec2:InstanceType", "t3.*", "t3.micro", True, ""),
    # Numeric
    ("NumericEquals", "s3:max-keys", "10", "10", True, ""),
    ("NumericEquals", "s3:max-keys", "10", "10.0", True, "compared as numbers"),
    ("NumericEquals", "s3:max-keys", "10", "11", False, ""),
    ("NumericEquals", "s3:max-keys", "10", MISSING, False, ""),
    ("NumericEquals", "s3:max-keys", 10, "10", True, "a JSON number in the policy"),
    ("NumericNotEquals", "s3:max-keys", "10", "10", False, ""),
    ("NumericNotEquals", "s3:max-keys", "10", "11", True, ""),
    ("NumericNotEquals", "s3:max-keys", "10", MISSING, True, ""),
    ("NumericLessThan", "s3:max-keys", "10", "9", True, ""),
    ("NumericLessThan", "s3:max-keys", "10", "10", False, ""),
    ("NumericLessThan", "s3:max-keys", "10", "-1", True, ""),
    ("NumericLessThan", "s3:max-keys", "10", MISSING, False, ""),
    ("NumericLessThanEquals", "s3:max-keys", "10", "10", True, ""),
    ("NumericLessThanEquals", "s3:max-keys", "10", "11", False, ""),
    ("NumericGreaterThan", "s3:max-keys", "10", "11", True, ""),
    ("NumericGreaterThan", "s3:max-keys", "10", "10", False, ""),
    ("NumericGreaterThanEquals", "s3:max-keys", "10", "10", True, ""),
    ("NumericGreaterThanEquals", "s3:max-keys", "10", "9.5", False, ""),
    ("NumericLessThan", "aws:MultiFactorAuthAge", ["2700", "3600"], "3000", True, "tricky #19: values are OR-ed"),
    ("NumericLessThan", "aws:MultiFactorAuthAge", ["2700", "3600"], "4000", False, ""),
    ("NumericLessThan", "aws:MultiFactorAuthAge", ["2700", "3600"], MISSING, False, "tricky #19: long-term keys have no MFA age"),
    ("NumericLessThanIfExists", "aws:MultiFactorAuthAge", "3600", MISSING, True, ""),
    # Date
    ("DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z", "2029-12-31T23:59:59Z", True, ""),
    ("DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z", False, ""),
    ("DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z", "1893455999", True, "epoch in the context"),
    ("DateLessThan", "aws:CurrentTime", "1893456000", "2029-12-31T23:59:59Z", True, "tricky #24: epoch in the policy"),
    ("DateLessThan", "aws:CurrentTime", "1893456000", "2030-06-01T00:00:00Z", False, "tricky #24"),
    ("DateLessThan", "aws:TokenIssueTime", "2030-01-01T00:00:00Z", MISSING, False, ""),
    ("DateLessThanEquals", "aws:CurrentTime", "2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z", True, ""),
    ("DateGreaterThan", "aws:CurrentTime", "2020-01-01T00:00:00Z", "2024-05-01T12:00:00Z", True, ""),
    ("DateGreaterThan", "aws:CurrentTime", "2020-01-01T00:00:00Z", "2019-05-01T12:00:00Z", False, ""),
    ("DateGreaterThanEquals", "aws:CurrentTime", "2020-01-01", "2020-01-01T00:00:00Z", True, "a date without time is its first instant"),
    ("DateEquals", "aws:CurrentTime", "2030-01-01T00:00:00Z", "2030-01-01T01:00:00+01:00", True, "time zones are honoured"),
    ("DateEquals", "aws:CurrentTime", "2030-01-01T00:00:00Z", "2030-01-01T00:00:01Z", False, ""),
    ("DateNotEquals", "aws:CurrentTime", "2030-01-01T00:00:00Z", "2030-01-01T00:00:01Z", True, ""),
    ("DateNotEquals", "aws:TokenIssueTime", "2030-01-01T00:00:00Z", MISSING, True, ""),
    ("DateGreaterThanIfExists", "aws:TokenIssueTime", "2020-01-01T00:00:00Z", MISSING, True, ""),
    # Bool
    ("Bool", "aws:SecureTransport", "true", "true", True, ""),
    ("Bool", "aws:SecureTransport", "true", "false", False, ""),
    ("Bool", "aws:SecureTransport", "true", MISSING, False, ""),
    ("Bool", "aws:SecureTransport", True, "true", True, "a JSON boolean in the policy"),
    ("Bool", "aws:SecureTransport", "true", True, True, "a JSON boolean in the context"),
    ("Bool", "aws:SecureTransport", "false", "false", True, ""),
    ("Bool", "aws:SecureTransport", "true", "TRUE", True, "booleans compare without regard to case"),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", "true", MISSING, True, "what the console's MFA toggle relies on"),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", "true", "false", False, ""),
    # Binary
    ("BinaryEquals", "aws:PrincipalTag/blob", "aGVsbG8=", "aGVsbG8=", True, ""),
    ("BinaryEquals", "aws:PrincipalTag/blob", "aGVsbG8=", "d29ybGQ=", False, ""),
    ("BinaryEquals", "aws:PrincipalTag/blob", "aGVsbG8=", MISSING, False, ""),
    # IP address
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", "203.0.113.7", True, ""),
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", "198.51.100.1", False, ""),
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", MISSING, False, "no aws:SourceIp through a VPC endpoint"),
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", "2001:db8::1", False, "IPv6 never matches an IPv4 range"),
    ("IpAddress", "aws:SourceIp", "203.0.113.7", "203.0.113.7", True, "a bare address is a single host"),
    ("IpAddress", "aws:SourceIp", "203.0.113.7", "203.0.113.8", False, ""),
    ("IpAddress", "aws:SourceIp", "203.0.113.5/24", "203.0.113.200", True, "host bits after the mask are ignored"),
    ("IpAddress", "aws:SourceIp", "2001:db8::/32", "2001:db8:1234::1", True, "IPv6"),
    ("IpAddress", "aws:SourceIp", "2001:db8::/32", "2001:db9::1", False, ""),
    ("IpAddress", "aws:SourceIp", ["198.51.100.0/24", "203.0.113.0/24"], "203.0.113.9", True, ""),
    ("NotIpAddress", "aws:SourceIp", ["203.0.113.0/24", "198.51.100.0/24"], "198.51.100.7", False, "tricky #5"),
    ("NotIpAddress", "aws:SourceIp", ["203.0.113.0/24", "198.51.100.0/24"], "192.0.2.1", True, "tricky #5b"),
    ("NotIpAddress", "aws:SourceIp", ["203.0.113.0/24", "198.51.100.0/24"], MISSING, True, "tricky #5c"),
    # ARN
    ("ArnEquals", "aws:SourceArn", "arn:aws:s3:::bucket", "arn:aws:s3:::bucket", True, ""),
    ("ArnEquals", "aws:SourceArn", "arn:aws:s3:::bucket", "arn:aws:s3:::other", False, ""),
    ("ArnEquals", "aws:SourceArn", "arn:aws:s3:::bucket", MISSING, False, ""),
    ("ArnEquals", "aws:SourceArn", "arn:aws:iam::*:role/x", f"arn:aws:iam::{A}:role/x", True, "ArnEquals and ArnLike behave identically"),
    ("ArnLike", "aws:SourceArn", f"arn:aws:someservice:*:{A}:finance/*", f"arn:aws:someservice:us-east-2:999999999999:store/abc:{A}:finance/document.txt", False, "tricky #8: wildcards stay within a field"),
    ("ArnLike", "aws:SourceArn", f"arn:aws:someservice:*:{A}:finance/*", f"arn:aws:someservice:us-east-2:{A}:finance/document.txt", True, ""),
    ("ArnLike", "aws:SourceArn", "arn:aws:logs:*:*:log-group:/app/*", f"arn:aws:logs:us-east-1:{A}:log-group:/app/web:log-stream:x", True, "the resource part keeps its colons"),
    ("ArnLike", "aws:SourceArn", "arn:aws:s3:::bucket/*", "ARN:aws:s3:::bucket/x", False, "case-sensitive"),
    ("ArnNotLike", "aws:SourceArn", "arn:aws:s3:::bucket/*", "arn:aws:s3:::other/x", True, ""),
    ("ArnNotLike", "aws:SourceArn", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/x", False, ""),
    ("ArnNotLike", "aws:SourceArn", "arn:aws:s3:::bucket/*", MISSING, True, ""),
    ("ArnNotEquals", "aws:SourceArn", "arn:aws:s3:::bucket/*", "not-an-arn", False, "a context value that is not an ARN matches no ARN operator"),
    ("ArnLikeIfExists", "aws:SourceArn", "arn:aws:s3:::bucket/*", MISSING, True, ""),
    # Null
    ("Null", "aws:TokenIssueTime", "true", MISSING, True, ""),
    ("Null", "aws:TokenIssueTime", "true", "2024-01-01T00:00:00Z", False, ""),
    ("Null", "aws:TokenIssueTime", "false", "2024-01-01T00:00:00Z", True, ""),
    ("Null", "aws:TokenIssueTime", "false", MISSING, False, ""),
    ("Null", "aws:RequestTag/env", "true", "", True, "an empty value counts as null"),
    ("Null", "aws:TagKeys", "true", [], True, "an empty list counts as null"),
    ("Null", "aws:TokenIssueTime", True, MISSING, True, "a JSON boolean in the policy"),
    # Null with a set qualifier: a missing key follows the qualifier (the policy simulator's
    # answers, as PMapper's tests record them); a present key is tested for presence
    ("ForAnyValue:Null", "aws:RequestTag/env", "true", MISSING, False, "ForAnyValue is false on a missing key, Null too"),
    ("ForAllValues:Null", "aws:RequestTag/env", "false", MISSING, True, "ForAllValues is true on a missing key, Null too"),
    ("ForAnyValue:Null", "aws:TagKeys", "false", ["env"], True, "a present key is not null"),
    ("ForAllValues:Null", "aws:TagKeys", "true", ["env"], False, "a present key is not null"),
    # Bool takes policy variables
    ("Bool", "aws:SecureTransport", "${aws:username}", "true", False, "a variable whose value is not the context's"),
    ("Bool", "aws:SecureTransport", "${aws:PrincipalIsAWSService}", "false", True, "a variable's value read as true/false"),
    # Set qualifiers
    ("ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"], MISSING, True, "tricky #1"),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"], ["env"], True, ""),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"], ["env", "team"], True, ""),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"], ["env", "owner"], False, "tricky #1b"),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"], [], True, "an empty set"),
    ("ForAllValues:StringEquals", "aws:PrincipalTag/team", "dev", "dev", True, "a single value is a one-element set"),
    ("ForAllValues:StringLike", "aws:TagKeys", ["env*"], ["env", "environment"], True, ""),
    ("ForAllValues:StringNotEquals", "aws:TagKeys", ["admin"], ["env", "team"], True, "none of the request values is listed"),
    ("ForAllValues:StringNotEquals", "aws:TagKeys", ["admin"], ["env", "admin"], False, ""),
    ("ForAllValues:StringNotEquals", "aws:TagKeys", ["admin"], MISSING, True, "ForAllValues is true on a missing key, negated or not"),
    ("ForAnyValue:StringEquals", "aws:TagKeys", "admin", ["admin", "x"], True, ""),
    ("ForAnyValue:StringEquals", "aws:TagKeys", "admin", ["x", "y"], False, ""),
    ("ForAnyValue:StringEquals", "aws:TagKeys", "admin", MISSING, False, "ForAnyValue is false on a missing key"),
    ("ForAnyValue:StringEquals", "aws:TagKeys", "admin", [], False, ""),
    ("ForAnyValue:StringNotEquals", "aws:TagKeys", ["a"], ["a", "b"], True, "at least one request value is not listed"),
    ("ForAnyValue:StringNotEquals", "aws:TagKeys", ["a"], ["a"], False, ""),
    ("ForAnyValue:StringLike", "aws:TagKeys", ["team*"], ["env", "team-x"], True, ""),
    ("ForAnyValue:StringLikeIfExists", "aws:TagKeys", ["team*"], MISSING, True, "IfExists under a set qualifier: true when absent (docs/semantics.md)"),
    ("ForAnyValue:StringEqualsIgnoreCase", "aws:TagKeys", ["ENV"], ["env"], True, ""),
    ("ForAllValues:ArnLike", "aws:SourceArn", "arn:aws:logs:*:*:*", ["arn:aws:logs:us-east-1:1:log-group:a"], True, ""),
    ("ForAnyValue:IpAddress", "aws:SourceIp", "203.0.113.0/24", ["198.51.100.1", "203.0.113.4"], True, ""),
    ("ForAnyValue:NumericGreaterThan", "s3:max-keys", "5", ["1", "9"], True, ""),
]


def condition_cases():
    out = []
    for op, key, values, ctx, holds, note in ROWS:
        label = json.dumps(values)
        if ctx is MISSING:
            shown = "missing"
        else:
            shown = json.dumps(ctx)
        name = f"{op} {key} {label} vs {shown}"
        req = {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}
        if ctx is not MISSING:
            req["context"] = {key: ctx}
        c = case(
            name,
            {"identity": [policy(allow("s3:GetObject", "*", Condition={op: {key: values}}))]},
            req,
            ALLOW if holds else IDENY,
            decisive=[("identity", 0, 0)] if holds else [],
            source=note or None,
        )
        out.append(c)
    # The same rows as Deny conditions in front of an allow-all policy: the request is
    # explicitly denied exactly when the condition holds.
    for op, key, values, ctx, holds, note in ROWS[::3]:
        label = json.dumps(values)
        shown = "missing" if ctx is MISSING else json.dumps(ctx)
        req = {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}
        if ctx is not MISSING:
            req["context"] = {key: ctx}
        out.append(case(
            f"Deny {op} {key} {label} vs {shown}",
            {"identity": [policy(allow(), deny("s3:GetObject", "*", Condition={op: {key: values}}))]},
            req,
            EDENY if holds else ALLOW,
            decisive=[("identity", 0, 1)] if holds else [("identity", 0, 0)],
            source=note or None,
        ))
    return out


def combination_cases():
    out = []
    both = {"StringEquals": {"aws:PrincipalTag/team": "dev"}, "Bool": {"aws:SecureTransport": "true"}}
    for team, tls, ok in [("dev", "true", True), ("dev", "false", False), ("ops", "true", False)]:
        out.append(case(
            f"several operators are AND-ed: team={team} tls={tls}",
            {"identity": [policy(allow("s3:GetObject", Condition=both))]},
            {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
             "context": {"aws:PrincipalTag/team": team, "aws:SecureTransport": tls}},
            ALLOW if ok else IDENY))
    keys = {"StringEquals": {"aws:PrincipalTag/team": "dev", "aws:PrincipalTag/env": "prod"}}
    for team, env, ok in [("dev", "prod", True), ("dev", "test", False)]:
        out.append(case(
            f"several keys under one operator are AND-ed: team={team} env={env}",
            {"identity": [policy(allow("s3:GetObject", Condition=keys))]},
            {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
             "context": {"aws:PrincipalTag/team": team, "aws:PrincipalTag/env": env}},
            ALLOW if ok else IDENY))
    tags = {"identity": [policy(allow(), deny("ec2:CreateTags", Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": "admin"}}))]}
    out.append(case("tricky #2: Deny ForAnyValue on tag keys does not fire without tags", tags,
                    {"principal": ALICE, "action": "ec2:CreateTags", "resource": f"arn:aws:ec2:us-east-1:{A}:instance/i-1"},
                    ALLOW, source="tricky #2"))
    out.append(case("tricky #2: Deny ForAnyValue on tag keys fires on the admin tag", tags,
                    {"principal": ALICE, "action": "ec2:CreateTags", "resource": f"arn:aws:ec2:us-east-1:{A}:instance/i-1",
                     "context": {"aws:TagKeys": ["env", "admin"]}}, EDENY))
    ipdeny = {"identity": [policy(allow(), deny("*", Condition={"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]}}))]}
    for ip, decision, note in [("198.51.100.7", ALLOW, "tricky #5"), ("192.0.2.1", EDENY, "tricky #5b"), (None, EDENY, "tricky #5c")]:
        r = {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}
        if ip:
            r["context"] = {"aws:SourceIp": ip}
        out.append(case(f"{note}: Deny NotIpAddress with two ranges, source {ip or 'absent (VPC endpoint)'}", ipdeny, r, decision, source=note))
    out.append(case(
        "context keys are case-insensitive",
        {"identity": [policy(allow("s3:GetObject", Condition={"StringEquals": {"AWS:PrincipalTag/Team": "dev"}}))]},
        {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
         "context": {"aws:principaltag/team": "dev"}},
        ALLOW))
    out.append(case(
        "an unreadable policy value makes an Allow undecidable: it does not allow",
        {"identity": [policy(allow("s3:GetObject", Condition={"NumericLessThan": {"s3:max-keys": "ten"}}))]},
        {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "context": {"s3:max-keys": "5"}},
        IDENY, decisive=[]))
    # The key absent decides a negated or IfExists operator without reading the values; an
    # unreadable value still makes the entry undecidable (docs/semantics.md, first row).
    for op, key, value in [("NotIpAddress", "aws:SourceIp", "203.0.113.0/33"),
                           ("DateLessThanIfExists", "aws:TokenIssueTime", "garbage"),
                           ("NumericNotEquals", "s3:max-keys", "ten"),
                           ("ForAllValues:NumericLessThan", "s3:max-keys", "ten")]:
        out.append(case(
            f"an unreadable policy value makes an Allow undecidable with the key absent: {op}",
            {"identity": [policy(allow("s3:GetObject", Condition={op: {key: value}}))]},
            {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"},
            IDENY, decisive=[]))
    out.append(case(
        "an unreadable policy value makes a Deny undecidable with the key absent: it denies",
        {"identity": [policy(allow(), deny("s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/33"}}))]},
        {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"},
        EDENY, decisive=[("identity", 0, 1)]))
    out.append(case(
        "an unreadable context value makes a Deny undecidable: it denies (fail closed)",
        {"identity": [policy(allow(), deny("s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))]},
        {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "context": {"aws:SourceIp": "not-an-ip"}},
        EDENY, decisive=[("identity", 0, 1)]))
    out.append(case(
        "a false condition settles a statement even beside an undecidable one",
        {"identity": [policy(allow(), deny("s3:GetObject", Condition={
            "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}, "Bool": {"aws:SecureTransport": "false"}}))]},
        {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
         "context": {"aws:SourceIp": "not-an-ip", "aws:SecureTransport": "true"}},
        ALLOW, decisive=[("identity", 0, 0)]))
    out.append(case(
        "NullIfExists is not an operator: an Allow with it does not allow",
        {"identity": [policy(allow("s3:GetObject", Condition={"NullIfExists": {"aws:TokenIssueTime": "true"}}))]},
        {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"},
        IDENY))
    out.append(case(
        "missing context keys are reported",
        {"identity": [policy(allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/team": "dev"}, "Bool": {"aws:SecureTransport": "true"}}))]},
        {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "context": {"aws:SecureTransport": "true"}},
        IDENY, missing=["aws:PrincipalTag/team"]))
    return out


# ---------------------------------------------------------------------------------------------
def mfa_cases():
    out = []
    for variant, op in [("Bool", "Bool"), ("BoolIfExists", "BoolIfExists")]:
        pol = {"identity": [policy(allow(), deny("*", "*", Condition={op: {"aws:MultiFactorAuthPresent": "false"}}))]}
        # long-term access keys: the key is absent
        out.append(case(
            f"MFA pitfall: Deny {variant} MultiFactorAuthPresent false, long-term keys",
            pol, {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"},
            ALLOW if op == "Bool" else EDENY,
            source="tricky #3 / #3b"))
        out.append(case(
            f"MFA pitfall: Deny {variant} MultiFactorAuthPresent false, session without MFA",
            pol, {"principal": SESSION, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                  "context": {"aws:MultiFactorAuthPresent": False}},
            EDENY, source="tricky #3c"))
        out.append(case(
            f"MFA pitfall: Deny {variant} MultiFactorAuthPresent false, session with MFA",
            pol, {"principal": SESSION, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                  "context": {"aws:MultiFactorAuthPresent": True}},
            ALLOW))
    return out


# ---------------------------------------------------------------------------------------------
def variable_cases():
    out = []
    home = policy(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"))
    out.append(case("variable in resource: own folder", {"identity": [home]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::home/alice/x"}, ALLOW))
    out.append(case("variable in resource: other folder", {"identity": [home]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::home/bob/x"}, IDENY))
    out.append(case("variable in resource: role session has no aws:username", {"identity": [home]},
                    {"principal": SESSION, "action": "s3:GetObject", "resource": "arn:aws:s3:::home/s1/x"}, IDENY,
                    source="tricky #13"))
    out.append(case("variable with a value containing a star matches literally", {"identity": [home]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::home/bob/x",
                     "context": {"aws:username": "*"}}, IDENY))
    legacy = policy(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"), version="2008-10-17")
    out.append(case("no variables under 2008-10-17", {"identity": [legacy]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::home/alice/x"}, IDENY,
                    source="tricky #14"))
    out.append(case("under 2008-10-17 the text is literal", {"identity": [legacy]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::home/${aws:username}/x"}, ALLOW))
    noversion = policy(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*"), version=None)
    out.append(case("no variables without a Version", {"identity": [noversion]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::home/alice/x"}, IDENY))
    tag = policy(allow("s3:GetObject", "*", Condition={"StringEquals": {"s3:ExistingObjectTag/team": "${aws:PrincipalTag/team}"}}))
    out.append(case("variable in a condition value: equal tags", {"identity": [tag]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                     "context": {"s3:ExistingObjectTag/team": "dev", "aws:PrincipalTag/team": "dev"}}, ALLOW))
    out.append(case("variable in a condition value: different tags", {"identity": [tag]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                     "context": {"s3:ExistingObjectTag/team": "dev", "aws:PrincipalTag/team": "ops"}}, IDENY))
    tls = {"identity": [ALLOW_ALL, policy(deny("*", "*", Condition={"Bool": {"aws:SecureTransport": "${aws:PrincipalTag/tls}"}}))]}
    out.append(case("Bool with a variable: the tag's value differs", tls,
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                     "context": {"aws:SecureTransport": "true", "aws:PrincipalTag/tls": "false"}}, ALLOW))
    out.append(case("Bool with a variable: the tag's value is the same in another case", tls,
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                     "context": {"aws:SecureTransport": "true", "aws:PrincipalTag/tls": "TRUE"}}, EDENY))
    out.append(case("variable without a value never matches a positive operator", {"identity": [tag]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                     "context": {"s3:ExistingObjectTag/team": "dev"}}, IDENY))
    neg = {"identity": [policy(allow(), deny("s3:GetObject", "*", Condition={"StringNotEquals": {"s3:ExistingObjectTag/Team": "${aws:PrincipalTag/Team}"}}))]}
    out.append(case("inverted operators match a variable without a value", neg,
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                     "context": {"s3:ExistingObjectTag/Team": "dev"}}, EDENY, source="tricky #13b"))
    out.append(case("inverted operator with the variable set and equal", neg,
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                     "context": {"s3:ExistingObjectTag/Team": "dev", "aws:PrincipalTag/Team": "dev"}}, ALLOW))
    dflt = policy(allow("s3:GetObject", "arn:aws:s3:::shared/${aws:PrincipalTag/team, 'company'}/*"))
    out.append(case("variable default used when the key is absent", {"identity": [dflt]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::shared/company/x"}, ALLOW))
    out.append(case("variable default ignored when the key is present", {"identity": [dflt]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::shared/company/x",
                     "context": {"aws:PrincipalTag/team": "dev"}}, IDENY))
    esc = policy(allow("s3:GetObject", "*", Condition={"StringLike": {"s3:prefix": "a${*}b"}}))
    out.append(case("escape ${*} is a literal star", {"identity": [esc]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "context": {"s3:prefix": "a*b"}}, ALLOW))
    out.append(case("escape ${*} is not a wildcard", {"identity": [esc]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "context": {"s3:prefix": "axxb"}}, IDENY))
    multi = policy(allow("s3:GetObject", "arn:aws:s3:::b/${aws:TagKeys}/*"))
    out.append(case("multivalued keys cannot be variables", {"identity": [multi]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/env/x",
                     "context": {"aws:TagKeys": ["env"]}}, IDENY))
    notres = {"identity": [policy(allow("s3:GetObject", NotResource="arn:aws:s3:::home/${aws:username}/*", **{}))]}
    notres["identity"][0]["Statement"][0].pop("Resource")
    out.append(case("NotResource with a variable without a value is undecidable: the Allow does not apply",
                    notres, {"principal": SESSION, "action": "s3:GetObject", "resource": "arn:aws:s3:::other/x"}, IDENY))
    denynr = {"identity": [policy(allow(), {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::home/${aws:username}/*"})]}
    out.append(case("a Deny whose NotResource holds a variable without a value denies (fail closed; iam-simulate does not)",
                    denynr, {"principal": SESSION, "action": "s3:GetObject", "resource": "arn:aws:s3:::home/s1/x"}, EDENY,
                    source="docs/differential.md"))
    out.append(case("a Deny whose NotResource variable resolves excludes the user's folder", denynr,
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::home/alice/x"}, ALLOW))
    arnvar = policy(allow("s3:GetObject", "*", Condition={"ArnLike": {"aws:SourceArn": "arn:aws:s3:::${aws:username}-logs"}}))
    out.append(case("variables are substituted in ARN condition values", {"identity": [arnvar]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                     "context": {"aws:SourceArn": "arn:aws:s3:::alice-logs"}}, ALLOW))
    out.append(case("variables in ARN condition values: another user", {"identity": [arnvar]},
                    {"principal": BOB, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                     "context": {"aws:SourceArn": "arn:aws:s3:::alice-logs"}}, IDENY))
    acctvar = policy(allow("s3:GetObject", "*", Condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:role/Dev"}}))
    out.append(case("variables in the account field of an ARN condition value", {"identity": [acctvar]},
                    {"principal": SESSION, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}, ALLOW))
    icase = policy(allow("s3:GetObject", "*", Condition={"StringEqualsIgnoreCase": {"aws:PrincipalTag/owner": "${aws:username}"}}))
    out.append(case("IgnoreCase with a variable", {"identity": [icase]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "context": {"aws:PrincipalTag/owner": "ALICE"}}, ALLOW))
    out.append(case("a variable without a value is a missing context key", {"identity": [home]},
                    {"principal": SESSION, "action": "s3:GetObject", "resource": "arn:aws:s3:::home/s1/x"}, IDENY, missing=["aws:username"]))
    numvar = policy(allow("s3:GetObject", "*", Condition={"NumericEquals": {"s3:max-keys": "${aws:PrincipalTag/n}"}}))
    out.append(case("no variables in Numeric values: the Allow is undecidable and does not allow", {"identity": [numvar]},
                    {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
                     "context": {"s3:max-keys": "5", "aws:PrincipalTag/n": "5"}}, IDENY))
    return out


# ---------------------------------------------------------------------------------------------
def matching_cases():
    out = []
    def one(name, stmt, action, resource, decision, version=V, principal=ALICE, source=None, **req):
        r = {"principal": principal, "action": action}
        if resource is not None:
            r["resource"] = resource
        r.update(req)
        out.append(case(name, {"identity": [policy(stmt, version=version)]}, r, decision, source=source))
    # actions
    one("action names are case-insensitive", allow("S3:GETOBJECT", "arn:aws:s3:::b/*"), "s3:GetObject", "arn:aws:s3:::b/k", ALLOW)
    one("action and resource case (tricky #9)", allow("S3:GETOBJECT", "arn:aws:s3:::MyBucket/*"), "s3:GetObject", "arn:aws:s3:::mybucket/k", IDENY, source="tricky #9")
    one("action prefix wildcard", allow("s3:Get*"), "s3:GetObjectAcl", "arn:aws:s3:::b/k", ALLOW)
    one("action prefix wildcard does not cross to Put", allow("s3:Get*"), "s3:PutObject", "arn:aws:s3:::b/k", IDENY)
    one("action infix wildcard", allow("iam:*AccessKey*"), "iam:CreateAccessKey", "*", ALLOW)
    one("action question mark", allow("s3:?etObject"), "s3:GetObject", "arn:aws:s3:::b/k", ALLOW)
    one("action question mark is one character", allow("s3:?etObject"), "s3:GGetObject", "arn:aws:s3:::b/k", IDENY)
    one("action star matches every service", allow("*"), "ec2:RunInstances", "*", ALLOW)
    one("service wildcard", allow("s3:*"), "s3:DeleteBucket", "arn:aws:s3:::b", ALLOW)
    one("service must match", allow("s3:*"), "s3express:CreateSession", "*", IDENY)
    one("a wildcard service prefix matches nothing", allow("*:GetObject"), "s3:GetObject", "arn:aws:s3:::b/k", IDENY)
    one("a comma list is one odd action name", allow("s3:GetObject,PutObject"), "s3:GetObject", "arn:aws:s3:::b/k", IDENY)
    one("action list is OR-ed", allow(["ec2:StartInstances", "s3:GetObject"]), "s3:GetObject", "arn:aws:s3:::b/k", ALLOW)
    # NotAction (tricky #6)
    na = {"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "arn:aws:s3:::*"}
    one("NotAction with an S3 ARN does not cover a wildcard-only action", na, "s3:ListAllMyBuckets", None, IDENY, source="tricky #6", wildcardOnlyAction=True)
    one("NotAction with an S3 ARN does not cover other services", na, "ec2:DescribeInstances", "*", IDENY, source="tricky #6b")
    one("NotAction allows other S3 actions", na, "s3:GetObject", "arn:aws:s3:::b/k", ALLOW, source="tricky #6c")
    one("NotAction excludes the listed action", na, "s3:DeleteBucket", "arn:aws:s3:::b", IDENY)
    one("NotAction with Resource * covers every other service", {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}, "ec2:RunInstances", "*", ALLOW)
    one("NotAction with a wildcard", {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}, "iam:CreateUser", "*", IDENY)
    # resources (tricky #7, #25)
    st7 = allow("s3:GetObject", "arn:aws:s3:::bkt/*/test/*")
    one("resource star spans slashes", st7, "s3:GetObject", "arn:aws:s3:::bkt/a/b/test/c.jpg", ALLOW, source="tricky #7")
    one("resource star matches empty between slashes", st7, "s3:GetObject", "arn:aws:s3:::bkt//test/x", ALLOW, source="tricky #7")
    one("resource pattern needs its slashes", st7, "s3:GetObject", "arn:aws:s3:::bkt/test/x", IDENY, source="tricky #7")
    one("object pattern does not cover the bucket", allow("s3:ListBucket", "arn:aws:s3:::bkt/*"), "s3:ListBucket", "arn:aws:s3:::bkt", IDENY, source="tricky #7b")
    one("bucket glob also matches other buckets", allow("s3:GetObject", "arn:aws:s3:::my-bucket*"), "s3:GetObject", "arn:aws:s3:::my-bucket-evil/x", ALLOW, source="tricky #25")
    one("resource is case-sensitive", allow("s3:GetObject", "arn:aws:s3:::Bucket/*"), "s3:GetObject", "arn:aws:s3:::bucket/x", IDENY)
    one("region wildcard stays in its field", allow("dynamodb:GetItem", f"arn:aws:dynamodb:*:{A}:table/T"), "dynamodb:GetItem", f"arn:aws:dynamodb:us-east-1:{A}:table/T", ALLOW)
    one("a star in the region field does not cross colons", allow("dynamodb:GetItem", "arn:aws:dynamodb:*:table/T"), "dynamodb:GetItem", f"arn:aws:dynamodb:us-east-1:{A}:table/T", IDENY)
    one("account must match", allow("dynamodb:GetItem", f"arn:aws:dynamodb:us-east-1:{B}:table/T"), "dynamodb:GetItem", f"arn:aws:dynamodb:us-east-1:{A}:table/T", IDENY)
    one("star in an empty field matches", allow("s3:GetObject", "arn:aws:s3:*:*:b/*"), "s3:GetObject", "arn:aws:s3:::b/k", ALLOW)
    one("resource with colons in the resource part", allow("logs:PutLogEvents", f"arn:aws:logs:us-east-1:{A}:log-group:/app/*"), "logs:PutLogEvents", f"arn:aws:logs:us-east-1:{A}:log-group:/app/web:log-stream:i-1", ALLOW)
    one("ARN pattern does not match a wildcard-only action", allow("s3:ListAllMyBuckets", "arn:aws:s3:::*"), "s3:ListAllMyBuckets", None, IDENY, wildcardOnlyAction=True)
    one("Resource * matches a wildcard-only action", allow("s3:ListAllMyBuckets", "*"), "s3:ListAllMyBuckets", None, ALLOW, wildcardOnlyAction=True)
    one("wildcard-only flag overrides a named resource", allow("s3:ListAllMyBuckets", "arn:aws:s3:::b"), "s3:ListAllMyBuckets", "arn:aws:s3:::b", IDENY, wildcardOnlyAction=True)
    one("NotResource ARN matches a wildcard-only action", {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "NotResource": "arn:aws:s3:::secret"}, "s3:ListAllMyBuckets", None, ALLOW, wildcardOnlyAction=True)
    one("NotResource * never matches", {"Effect": "Allow", "Action": "s3:*", "NotResource": "*"}, "s3:ListAllMyBuckets", None, IDENY, wildcardOnlyAction=True)
    one("NotResource excludes its resources", {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}, "s3:GetObject", "arn:aws:s3:::secret/x", IDENY)
    one("NotResource allows everything else", {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}, "s3:GetObject", "arn:aws:s3:::public/x", ALLOW)
    one("short ARN in an identity policy covers the service", allow("sqs:SendMessage", "arn:aws:sqs"), "sqs:SendMessage", f"arn:aws:sqs:us-east-1:{A}:q", ALLOW)
    one("resource list is OR-ed", allow("s3:GetObject", ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"]), "s3:GetObject", "arn:aws:s3:::b/k", ALLOW)
    one("request with several resources needs all of them", allow("s3:GetObject", "arn:aws:s3:::a/*"), "s3:GetObject", ["arn:aws:s3:::a/k", "arn:aws:s3:::b/k"], IDENY)
    one("request with several allowed resources", allow("s3:GetObject", ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"]), "s3:GetObject", ["arn:aws:s3:::a/k", "arn:aws:s3:::b/k"], ALLOW)
    one("a request without a resource is evaluated against *", allow("ec2:DescribeInstances", "*"), "ec2:DescribeInstances", None, ALLOW)
    # The catalog spells some resource types differently from the actions that name them
    # (`Secret` vs `secret`); such actions still have resource-level permissions, so a grant on
    # the named resource allows them (no wildcardOnlyAction: the catalog decides).
    secret = f"arn:aws:secretsmanager:us-east-1:{A}:secret:db-password-AbCdEf"
    one("a grant on a named secret allows reading it", allow("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:us-east-1:{A}:secret:db-password-*"), "secretsmanager:GetSecretValue", secret, ALLOW)
    one("a grant on another secret does not", allow("secretsmanager:GetSecretValue", f"arn:aws:secretsmanager:us-east-1:{A}:secret:other-*"), "secretsmanager:GetSecretValue", secret, IDENY)
    one("a grant on a named API Gateway resource allows GET", allow("apigateway:GET", "arn:aws:apigateway:us-east-1::/restapis/abc123/*"), "apigateway:GET", "arn:aws:apigateway:us-east-1::/restapis/abc123/stages", ALLOW)
    return out


# ---------------------------------------------------------------------------------------------
def flow_cases():
    out = []
    bucket = "arn:aws:s3:::bkt/k"
    req = {"principal": ALICE, "action": "s3:GetObject", "resource": bucket}
    # AWS refuses identity-side policies whose statements have no Resource or name a Principal;
    # the engine reads such a statement as undecidable (fail closed), not as "every resource" or
    # "whoever asks" (docs/semantics.md, "Policies AWS refuses").
    no_resource = {"Effect": "Allow", "Action": "s3:GetObject"}
    out.append(case("an identity statement without Resource does not allow", {"identity": [policy(no_resource)]}, req, IDENY, decisive=[]))
    out.append(case("a boundary statement without Resource does not allow",
                    {"identity": [policy(allow())], "permissionsBoundary": policy(no_resource)}, req, IDENY, blocked_by="permissionsBoundary"))
    out.append(case("a Deny without Resource denies (fail closed)",
                    {"identity": [policy(allow(), {"Effect": "Deny", "Action": "s3:GetObject"})]}, req, EDENY, decisive=[("identity", 0, 1)]))
    # Resource policies, trust policies and RCPs need a principal: a statement without one is
    # refused by AWS, and undecidable here (a Deny denies), never "no one".
    out.append(case("an RCP Deny without Principal denies (fail closed)",
                    {"identity": [policy(allow())], "rcps": [[policy({"Effect": "Deny", "Action": "s3:*", "Resource": "*"})]]}, req, EDENY, decisive=[("rcp[0]", 0, 0)]))
    out.append(case("an RCP Deny with an empty Principal object denies (fail closed)",
                    {"identity": [policy(allow())], "rcps": [[policy({"Effect": "Deny", "Principal": {}, "Action": "s3:*", "Resource": "*"})]]}, req, EDENY, decisive=[("rcp[0]", 0, 0)]))
    out.append(case("a resource-policy Allow without Principal does not allow",
                    {"resource": policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})},
                    dict(req, principal="anonymous"), IDENY))
    # AWS-owned resources (account `aws`) are read with identity policies alone, like the
    # caller's own (AWS ParallelCluster's "IamRead" grants iam:GetPolicy on arn:aws:iam::aws:policy/*).
    out.append(case("reading an AWS managed policy needs only an identity grant",
                    {"identity": [policy(allow("iam:GetPolicyVersion", "arn:aws:iam::aws:policy/*"))]},
                    dict(req, action="iam:GetPolicyVersion", resource="arn:aws:iam::aws:policy/AdministratorAccess"), ALLOW))
    out.append(case("an identity statement naming a principal does not allow",
                    {"identity": [policy(allow("s3:GetObject", Principal={"AWS": BOB}))]}, req, IDENY, decisive=[]))
    def rp(principal, effect="Allow", action="s3:GetObject", resource="arn:aws:s3:::bkt/*", **extra):
        s = {"Effect": effect, "Principal": principal, "Action": action, "Resource": resource}
        s.update(extra)
        return policy(s)
    # explicit deny in every layer
    out.append(case("no policy: implicit deny", {"identity": []}, req, IDENY, decisive=[], blocked_by="identity"))
    out.append(case("identity allow", {"identity": [ALLOW_ALL]}, req, ALLOW, decisive=[("identity", 0, 0)]))
    out.append(case("identity deny beats identity allow", {"identity": [ALLOW_ALL, policy(deny("s3:GetObject"))]}, req, EDENY, decisive=[("identity", 1, 0)]))
    out.append(case("statement order does not matter", {"identity": [policy(deny("s3:GetObject"), allow())]}, req, EDENY, decisive=[("identity", 0, 0)]))
    out.append(case("resource policy deny beats identity allow", {"identity": [ALLOW_ALL], "resource": rp("*", "Deny")}, req, EDENY, decisive=[("resource", 0, 0)]))
    out.append(case("resource policy deny to the account denies its principals",
                    {"identity": [ALLOW_ALL], "resource": rp({"AWS": A}, "Deny")}, req, EDENY))
    out.append(case("boundary deny", {"identity": [ALLOW_ALL], "permissionsBoundary": policy(allow(), deny("s3:*"))}, req, EDENY, decisive=[("permissionsBoundary", 0, 1)]))
    out.append(case("session policy deny", {"identity": [ALLOW_ALL], "session": policy(allow(), deny("s3:*"))},
                    dict(req, principal=SESSION), EDENY))
    out.append(case("SCP deny", {"identity": [ALLOW_ALL], "scps": [[ALLOW_ALL, policy(deny("s3:*"))]]}, req, EDENY, decisive=[("scp[0]", 1, 0)]))
    out.append(case("RCP deny", {"identity": [ALLOW_ALL], "rcps": [[policy({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}), policy({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"})]]}, req, EDENY, decisive=[("rcp[0]", 1, 0)]))
    # SCP levels (tricky #18)
    out.append(case("SCP levels all allow", {"identity": [ALLOW_ALL], "scps": [[ALLOW_ALL], [ALLOW_ALL]]}, req, ALLOW))
    out.append(case("an SCP level with only denies blocks everything else", {"identity": [ALLOW_ALL], "scps": [[ALLOW_ALL], [policy(deny("ec2:*"))]]}, req, IDENY, blocked_by="scp[1]", source="tricky #18"))
    out.append(case("SCP allow-list without the action", {"identity": [ALLOW_ALL], "scps": [[policy(allow("ec2:*"))]]}, req, IDENY, blocked_by="scp[0]"))
    out.append(case("SCP allows but grants nothing by itself", {"identity": [], "scps": [[ALLOW_ALL]]}, req, IDENY, blocked_by="identity"))
    out.append(case("SCPs do not apply to service-linked roles",
                    {"identity": [ALLOW_ALL], "scps": [[policy(deny("s3:*"))]]},
                    dict(req, principal=f"arn:aws:iam::{A}:role/aws-service-role/elasticmapreduce.amazonaws.com/AWSServiceRoleForEMR"), ALLOW))
    out.append(case("SCPs apply to the root user of a member account",
                    {"scps": [[policy(deny("s3:*"))]]}, dict(req, principal=f"arn:aws:iam::{A}:root"), EDENY))
    out.append(case("root user has full access in its account", {}, dict(req, principal=f"arn:aws:iam::{A}:root"), ALLOW))
    # S3 API Reference (DeleteBucketPolicy, PutBucketPolicy, GetBucketPolicy): the bucket owner's
    # root user can manage the bucket policy even when the policy denies it; other callers and
    # other actions stay denied, and an SCP still applies.
    lockout = {"resource": policy({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*"]})}
    owner_root = dict(req, principal=f"arn:aws:iam::{A}:root", resource="arn:aws:s3:::bkt", resourceAccount=A)
    out.append(case("a bucket policy cannot deny its owner's root user DeleteBucketPolicy", lockout, dict(owner_root, action="s3:DeleteBucketPolicy"), ALLOW))
    out.append(case("a bucket policy still denies its owner's root user other actions", lockout, dict(owner_root, action="s3:GetObject", resource="arn:aws:s3:::bkt/k"), EDENY, refused=""))
    out.append(case("a bucket policy still denies another account's root user PutBucketPolicy", lockout, dict(owner_root, principal=f"arn:aws:iam::{B}:root", action="s3:PutBucketPolicy"), EDENY))
    # Actions AWS never allows across accounts, whatever the policies grant.
    eve = f"arn:aws:iam::{B}:user/eve"
    open_bucket = {"resource": policy({"Effect": "Allow", "Principal": {"AWS": B}, "Action": "s3:*", "Resource": ["arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*"]}), "identity": [policy(allow())]}
    out.append(case("another account cannot replace a bucket policy, even when granted (S3 answers 405)", open_bucket,
                    dict(req, principal=eve, action="s3:PutBucketPolicy", resource="arn:aws:s3:::bkt", resourceAccount=A), IDENY, refused="405"))
    out.append(case("another account granted s3:* can read objects", open_bucket,
                    dict(req, principal=eve, action="s3:GetObject", resource="arn:aws:s3:::bkt/k", resourceAccount=A), ALLOW, refused=""))
    open_queue = {"resource": policy({"Effect": "Allow", "Principal": {"AWS": B}, "Action": "sqs:*", "Resource": f"arn:aws:sqs:us-east-1:{A}:q"}), "identity": [policy(allow())]}
    out.append(case("SQS does not grant SetQueueAttributes to another account", open_queue,
                    dict(req, principal=eve, action="sqs:SetQueueAttributes", resource=f"arn:aws:sqs:us-east-1:{A}:q"), IDENY, refused="SQS"))
    public_bucket = {"resource": policy({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*"]})}
    out.append(case("an anonymous caller cannot replace a bucket policy, even when granted", public_bucket,
                    dict(req, principal="anonymous", action="s3:PutBucketPolicy", resource="arn:aws:s3:::bkt", resourceAccount=A), IDENY, refused="405"))
    out.append(case("an anonymous caller granted s3:* can read objects", public_bucket,
                    dict(req, principal="anonymous", action="s3:GetObject", resource="arn:aws:s3:::bkt/k", resourceAccount=A), ALLOW))
    out.append(case("SQS grants SendMessage to another account", open_queue,
                    dict(req, principal=eve, action="sqs:SendMessage", resource=f"arn:aws:sqs:us-east-1:{A}:q"), ALLOW))
    out.append(case("an SCP still denies the owner's root user DeleteBucketPolicy",
                    dict(lockout, scps=[[policy(allow(), deny("s3:DeleteBucketPolicy"))]]), dict(owner_root, action="s3:DeleteBucketPolicy"), EDENY))
    out.append(case("root user of another account needs a grant", {}, dict(req, principal=f"arn:aws:iam::{B}:root", resourceAccount=A), IDENY, blocked_by="resource"))
    # RCPs
    rcp_full = policy({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"})
    out.append(case("RCP full access keeps identity decisions", {"identity": [ALLOW_ALL], "rcps": [[rcp_full]]}, req, ALLOW))
    # RCPFullAWSAccess is attached to every root, OU and account and cannot be detached: a level
    # given with only Denies still lets the rest through (docs/semantics.md, RCPs).
    out.append(case("an RCP level with only denies lets the rest through (RCPFullAWSAccess cannot be detached)", {"identity": [ALLOW_ALL], "rcps": [[policy({"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "*"})]]}, req, ALLOW))
    out.append(case("an RCP level with only denies still denies what they name", {"identity": [ALLOW_ALL], "rcps": [[policy({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"})]]}, req, EDENY, decisive=[("rcp[0]", 0, 0)]))
    org = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
           "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc"}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}
    out.append(case("RCP data perimeter: principal outside the organization",
                    {"identity": [ALLOW_ALL], "rcps": [[rcp_full, policy(org)]]}, dict(req, context={"aws:PrincipalOrgID": "o-other"}), EDENY))
    out.append(case("RCP data perimeter: principal inside the organization",
                    {"identity": [ALLOW_ALL], "rcps": [[rcp_full, policy(org)]]}, dict(req, context={"aws:PrincipalOrgID": "o-abc"}), ALLOW))
    # resource policies in the same account (tricky #10, #12, #22)
    out.append(case("same account: resource policy naming the user allows without identity policy",
                    {"resource": rp({"AWS": ALICE})}, req, ALLOW, decisive=[("resource", 0, 0)]))
    out.append(case("same account: user grant is not limited by the boundary",
                    {"resource": rp({"AWS": ALICE}), "permissionsBoundary": policy(allow("ec2:*"))}, req, ALLOW, source="tricky #10"))
    out.append(case("same account: role grant is limited by the boundary",
                    {"resource": rp({"AWS": ROLE}), "permissionsBoundary": policy(allow("ec2:*"))}, dict(req, principal=SESSION), IDENY,
                    blocked_by="permissionsBoundary", source="tricky #10b"))
    out.append(case("same account: role grant without boundary allows the session",
                    {"resource": rp({"AWS": ROLE})}, dict(req, principal=SESSION), ALLOW))
    out.append(case("same account: session grant is not limited by the boundary",
                    {"resource": rp({"AWS": SESSION}), "permissionsBoundary": policy(allow("ec2:*"))}, dict(req, principal=SESSION), ALLOW, source="tricky #10c"))
    out.append(case("same account: role grant is limited by the session policy",
                    {"resource": rp({"AWS": ROLE}), "session": policy(allow("ec2:*"))}, dict(req, principal=SESSION), IDENY, blocked_by="session"))
    out.append(case("same account: session grant is not limited by the session policy (AWS text; iam-simulate differs)",
                    {"resource": rp({"AWS": SESSION}), "session": policy(allow("ec2:*"))}, dict(req, principal=SESSION), ALLOW))
    out.append(case("same account: account principal delegates, it does not grant",
                    {"resource": rp({"AWS": A})}, req, IDENY, blocked_by="identity", source="tricky #12"))
    out.append(case("same account: account principal plus identity allow",
                    {"resource": rp({"AWS": f"arn:aws:iam::{A}:root"}), "identity": [policy(allow("s3:GetObject"))]}, req, ALLOW))
    out.append(case("same account: account grant is limited by the boundary",
                    {"resource": rp({"AWS": A}), "identity": [ALLOW_ALL], "permissionsBoundary": policy(allow("ec2:*"))}, req, IDENY, blocked_by="permissionsBoundary"))
    out.append(case("same account: identity allow with a boundary that allows",
                    {"identity": [ALLOW_ALL], "permissionsBoundary": policy(allow("s3:*"))}, req, ALLOW))
    out.append(case("same account: identity allow outside the boundary",
                    {"identity": [ALLOW_ALL], "permissionsBoundary": policy(allow("ec2:*"))}, req, IDENY, blocked_by="permissionsBoundary"))
    star_pa = rp("*", Condition={"ArnEquals": {"aws:PrincipalArn": ROLE}})
    out.append(case("same account: * with aws:PrincipalArn is not limited by the boundary",
                    {"resource": star_pa, "permissionsBoundary": policy(allow("ec2:*"))}, dict(req, principal=SESSION), ALLOW, source="tricky #22"))
    out.append(case("aws:PrincipalArn of a session is the role ARN",
                    {"resource": star_pa}, dict(req, principal=SESSION), ALLOW))
    out.append(case("resource policy grant to another user does not apply",
                    {"resource": rp({"AWS": BOB})}, req, IDENY))
    out.append(case("resource statement without Principal never matches",
                    {"resource": policy(allow("s3:GetObject", "arn:aws:s3:::bkt/*"))}, req, IDENY))
    # cross account (tricky #11)
    xreq = dict(req, resourceAccount=B)
    out.append(case("cross account: resource policy alone is not enough", {"resource": rp({"AWS": ALICE})}, xreq, IDENY, blocked_by="identity", source="tricky #11"))
    out.append(case("cross account: identity alone is not enough", {"identity": [ALLOW_ALL]}, xreq, IDENY, blocked_by="resource"))
    out.append(case("cross account: both sides allow", {"identity": [ALLOW_ALL], "resource": rp({"AWS": A})}, xreq, ALLOW))
    out.append(case("cross account: the boundary still applies", {"identity": [ALLOW_ALL], "resource": rp({"AWS": ALICE}), "permissionsBoundary": policy(allow("ec2:*"))}, xreq, IDENY, blocked_by="permissionsBoundary"))
    out.append(case("cross account: role grant to a session", {"identity": [ALLOW_ALL], "resource": rp({"AWS": ROLE})}, dict(xreq, principal=SESSION), ALLOW))
    out.append(case("cross account: resource account from the ARN",
                    {"identity": [ALLOW_ALL]}, {"principal": ALICE, "action": "sqs:SendMessage", "resource": f"arn:aws:sqs:us-east-1:{B}:q"}, IDENY, blocked_by="resource"))
    # anonymous and service principals (tricky #4, #21)
    pub = rp("*")
    out.append(case("anonymous: public bucket policy allows", {"resource": pub}, dict(req, principal="anonymous"), ALLOW))
    out.append(case("anonymous: no public grant", {"resource": rp({"AWS": ALICE})}, dict(req, principal="anonymous"), IDENY, blocked_by="resource"))
    out.append(case("anonymous: SCPs do not apply", {"resource": pub, "scps": [[policy(deny("s3:*"))]]}, dict(req, principal="anonymous"), ALLOW, source="tricky #21"))
    slr = f"arn:aws:sts::{A}:assumed-role/AWSServiceRoleForConfig/s"
    rcp_deny_s3 = [[rcp_full, policy({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"})]]
    out.append(case("RCPs do not apply to service-linked roles", {"identity": [ALLOW_ALL], "rcps": rcp_deny_s3}, dict(req, principal=slr), ALLOW))
    out.append(case("RCPs apply to other role sessions", {"identity": [ALLOW_ALL], "rcps": rcp_deny_s3}, dict(req, principal=SESSION), EDENY))
    out.append(case("anonymous: RCPs do apply", {"resource": pub, "rcps": [[rcp_full, policy({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"})]]}, dict(req, principal="anonymous"), EDENY, source="tricky #21"))
    orgdeny = policy(allow("s3:GetObject", "arn:aws:s3:::bkt/*", Principal="*"),
                     {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::bkt/*", "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc"}}})
    out.append(case("negated operator denies anonymous callers (no org id)", {"resource": orgdeny}, dict(req, principal="anonymous"), EDENY, source="tricky #4"))
    out.append(case("negated operator denies service principals (no org id)", {"resource": orgdeny}, dict(req, principal="cloudtrail.amazonaws.com"), EDENY, source="tricky #4"))
    out.append(case("org member passes the negated deny", {"resource": orgdeny, "identity": [ALLOW_ALL]}, dict(req, context={"aws:PrincipalOrgID": "o-abc"}), ALLOW))
    svc = rp({"Service": "cloudtrail.amazonaws.com"}, action="s3:PutObject")
    out.append(case("service principal named in the resource policy", {"resource": svc}, {"principal": "cloudtrail.amazonaws.com", "action": "s3:PutObject", "resource": bucket}, ALLOW))
    out.append(case("other service principal", {"resource": svc}, {"principal": "config.amazonaws.com", "action": "s3:PutObject", "resource": bucket}, IDENY))
    out.append(case("identity policies do not grant to service principals", {"identity": [ALLOW_ALL]}, {"principal": "cloudtrail.amazonaws.com", "action": "s3:PutObject", "resource": bucket}, IDENY))
    # NotPrincipal (tricky #16)
    # AWS may check the account, then the role, then the session: each must be listed (the
    # NotPrincipal page's examples list all three; a session must be named, no wildcard).
    root = f"arn:aws:iam::{A}:root"
    def np_of(*names):
        return policy({"Effect": "Deny", "NotPrincipal": {"AWS": list(names)}, "Action": "s3:*", "Resource": "arn:aws:s3:::bkt/*"})
    np = np_of(SESSION, ROLE, root)
    out.append(case("Deny NotPrincipal spares the listed session, role and account", {"identity": [ALLOW_ALL], "resource": np}, dict(req, principal=SESSION), ALLOW))
    out.append(case("Deny NotPrincipal naming the role does not spare its sessions", {"identity": [ALLOW_ALL], "resource": np_of(ROLE, root)}, dict(req, principal=SESSION), EDENY))
    out.append(case("Deny NotPrincipal without the account does not spare the session", {"identity": [ALLOW_ALL], "resource": np_of(SESSION, ROLE)}, dict(req, principal=SESSION), EDENY))
    out.append(case("Deny NotPrincipal spares a user listed with its account", {"identity": [ALLOW_ALL], "resource": np_of(ALICE, root)}, req, ALLOW))
    out.append(case("Deny NotPrincipal naming a user without its account denies it", {"identity": [ALLOW_ALL], "resource": np_of(ALICE)}, req, EDENY))
    out.append(case("Deny NotPrincipal denies others", {"identity": [ALLOW_ALL], "resource": np}, req, EDENY))
    out.append(case("Deny NotPrincipal always denies principals with a boundary", {"identity": [ALLOW_ALL], "resource": np, "permissionsBoundary": ALLOW_ALL}, dict(req, principal=SESSION), EDENY, source="tricky #16"))
    # {"Service": "*"} is not "everyone"
    any_service = rp({"Service": "*"})
    out.append(case("Service * grants to a service principal", {"resource": any_service}, dict(req, principal="cloudtrail.amazonaws.com"), ALLOW))
    out.append(case("Service * does not grant to anonymous callers", {"resource": any_service}, dict(req, principal="anonymous"), IDENY, blocked_by="resource"))
    # always allowed (tricky #17)
    out.append(case("GetCallerIdentity cannot be denied", {"identity": [policy(deny("sts:GetCallerIdentity"))]}, {"principal": ALICE, "action": "sts:GetCallerIdentity"}, ALLOW, source="tricky #17"))
    # sessions
    out.append(case("role session: identity allow, no session policy", {"identity": [ALLOW_ALL]}, dict(req, principal=SESSION), ALLOW))
    out.append(case("role session: session policy must also allow", {"identity": [ALLOW_ALL], "session": policy(allow("ec2:*"))}, dict(req, principal=SESSION), IDENY, blocked_by="session"))
    out.append(case("role session: both allow", {"identity": [ALLOW_ALL], "session": policy(allow("s3:GetObject"))}, dict(req, principal=SESSION), ALLOW))
    out.append(case("role session: session policy does not grant by itself", {"session": ALLOW_ALL}, dict(req, principal=SESSION), IDENY, blocked_by="identity"))
    fed = f"arn:aws:sts::{A}:federated-user/carol"
    out.append(case("federated user without a session policy has no permissions", {"identity": [ALLOW_ALL]}, dict(req, principal=fed), IDENY, blocked_by="session"))
    out.append(case("federated user with a session policy", {"identity": [ALLOW_ALL], "session": ALLOW_ALL}, dict(req, principal=fed), ALLOW))
    out.append(case("federated user named in the resource policy", {"resource": rp({"AWS": fed})}, dict(req, principal=fed), ALLOW))
    # A resource policy naming the IAM user who called GetFederationToken grants to the session,
    # limited by the session policy and the boundary like a role ARN grant (semantics §5.3).
    by_bob = dict(req, principal=fed, federatingUser=BOB)
    out.append(case("resource policy naming the federating user grants to the session", {"resource": rp({"AWS": BOB}), "session": ALLOW_ALL}, by_bob, ALLOW, decisive=[("resource", 0, 0)]))
    out.append(case("federating user's grant needs a session policy", {"resource": rp({"AWS": BOB})}, by_bob, IDENY, blocked_by="session"))
    out.append(case("federating user's grant is limited by the session policy", {"resource": rp({"AWS": BOB}), "session": policy(allow("ec2:*"))}, by_bob, IDENY, blocked_by="session"))
    out.append(case("federating user's grant is limited by the boundary", {"resource": rp({"AWS": BOB}), "session": ALLOW_ALL, "permissionsBoundary": policy(allow("ec2:*"))}, by_bob, IDENY, blocked_by="permissionsBoundary"))
    out.append(case("another user's grant does not reach the session", {"resource": rp({"AWS": ALICE}), "session": ALLOW_ALL}, by_bob, IDENY))
    out.append(case("without federatingUser the user's grant does not reach the session", {"resource": rp({"AWS": BOB}), "session": ALLOW_ALL}, dict(req, principal=fed), IDENY))
    # trust policies and KMS key policies must allow even in the same account
    trust = policy({"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "sts:AssumeRole"})
    areq = {"principal": ALICE, "action": "sts:AssumeRole", "resource": f"arn:aws:iam::{A}:role/Target"}
    out.append(case("trust policy naming the user allows AssumeRole", {"resource": trust}, areq, ALLOW))
    out.append(case("identity allow alone cannot assume a role", {"identity": [ALLOW_ALL]}, areq, IDENY, blocked_by="resource"))
    out.append(case("trust policy naming the account needs an identity allow", {"resource": policy({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"})}, areq, IDENY, blocked_by="identity"))
    out.append(case("trust policy naming the account plus identity allow", {"identity": [policy(allow("sts:AssumeRole"))], "resource": policy({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"})}, areq, ALLOW))
    # Session tags and source identity need the trust policy too
    treq = dict(areq, action="sts:TagSession")
    out.append(case("TagSession needs the trust policy's grant", {"identity": [ALLOW_ALL], "resource": policy({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"})}, treq, IDENY, blocked_by="resource"))
    out.append(case("trust policy allowing TagSession", {"identity": [ALLOW_ALL], "resource": policy({"Effect": "Allow", "Principal": {"AWS": A}, "Action": ["sts:AssumeRole", "sts:TagSession"]})}, treq, ALLOW))
    out.append(case("SetSourceIdentity needs the trust policy's grant", {"identity": [ALLOW_ALL], "resource": trust}, dict(areq, action="sts:SetSourceIdentity"), IDENY, blocked_by="resource"))
    # What some callers' credentials can never do (STS API reference)
    out.append(case("the root user cannot assume a role", {"resource": policy({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "sts:AssumeRole"})}, dict(areq, principal=A), IDENY))
    out.append(case("an anonymous caller cannot assume a role", {"resource": policy({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"})}, dict(areq, principal="anonymous"), IDENY))
    fed_all = {"identity": [ALLOW_ALL], "session": ALLOW_ALL}
    out.append(case("a federated user cannot call IAM", fed_all, {"principal": fed, "action": "iam:CreateUser", "resource": f"arn:aws:iam::{A}:user/x"}, IDENY))
    out.append(case("a federated user cannot call STS", dict(fed_all, resource=policy({"Effect": "Allow", "Principal": {"AWS": fed}, "Action": "sts:AssumeRole"})), dict(areq, principal=fed), IDENY))
    out.append(case("a federated user can call GetCallerIdentity", fed_all, {"principal": fed, "action": "sts:GetCallerIdentity"}, ALLOW))
    svc_trust = policy({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"})
    out.append(case("service trust policy", {"resource": svc_trust}, {"principal": "lambda.amazonaws.com", "action": "sts:AssumeRole", "resource": f"arn:aws:iam::{A}:role/Fn"}, ALLOW))
    oidc = f"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com"
    gh = policy({"Effect": "Allow", "Principal": {"Federated": oidc}, "Action": "sts:AssumeRoleWithWebIdentity",
                 "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, "StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/app:*"}}})
    wreq = {"principal": oidc, "action": "sts:AssumeRoleWithWebIdentity", "resource": f"arn:aws:iam::{A}:role/Deploy"}
    out.append(case("GitHub OIDC trust: the right repository", {"resource": gh}, dict(wreq, context={"token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": "repo:org/app:ref:refs/heads/main"}), ALLOW))
    out.append(case("GitHub OIDC trust: another repository", {"resource": gh}, dict(wreq, context={"token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": "repo:evil/app:ref:refs/heads/main"}), IDENY))
    key = policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "kms:*", "Resource": "*"})
    kreq = {"principal": ALICE, "action": "kms:Decrypt", "resource": f"arn:aws:kms:us-east-1:{A}:key/1234"}
    out.append(case("KMS: default key policy delegates to IAM policies", {"resource": key, "identity": [policy(allow("kms:Decrypt"))]}, kreq, ALLOW))
    out.append(case("KMS: default key policy without an IAM allow", {"resource": key}, kreq, IDENY, blocked_by="identity"))
    out.append(case("KMS: no key policy statement for the caller", {"resource": policy({"Effect": "Allow", "Principal": {"AWS": BOB}, "Action": "kms:*", "Resource": "*"}), "identity": [ALLOW_ALL]}, kreq, IDENY, blocked_by="resource"))
    out.append(case("KMS: key policy naming the user directly", {"resource": policy({"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "kms:Decrypt", "Resource": "*"})}, kreq, ALLOW))
    out.append(case("KMS: identity allow without a key policy", {"identity": [ALLOW_ALL]}, kreq, IDENY, blocked_by="resource"))
    # found in review: keyless KMS actions need no key policy
    out.append(case("KMS: actions on no key need no key policy", {"identity": [policy(allow("kms:ListKeys"))]},
                    {"principal": ALICE, "action": "kms:ListKeys"}, ALLOW))
    out.append(case("KMS: root lists keys", {}, {"principal": f"arn:aws:iam::{A}:root", "action": "kms:ListKeys"}, ALLOW))
    out.append(case("the decisive statement is the one that granted (a user grant after an account grant)",
                    {"resource": policy({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"},
                                        {"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"})},
                    req, ALLOW))
    slr = f"arn:aws:sts::{A}:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling"
    out.append(case("SCPs do not apply to service-linked role sessions",
                    {"identity": [ALLOW_ALL], "scps": [[ALLOW_ALL, policy(deny("ec2:TerminateInstances"))]]},
                    {"principal": slr, "action": "ec2:TerminateInstances", "resource": f"arn:aws:ec2:us-east-1:{A}:instance/i-1"}, ALLOW))
    out.append(case("principal account override makes a request cross-account",
                    {"identity": [ALLOW_ALL]}, {"principal": ALICE, "action": "sqs:SendMessage", "resource": f"arn:aws:sqs:us-east-1:{A}:q", "principalAccount": B},
                    IDENY, blocked_by="resource"))
    out.append(case("SCPs do not apply to service principals (iam-simulate applies them)",
                    {"resource": rp({"Service": "lambda.amazonaws.com"}), "scps": [[ALLOW_ALL, policy(deny("s3:*"))]]},
                    dict(req, principal="lambda.amazonaws.com"), ALLOW, source="docs/differential.md"))
    out.append(case("GetCallerIdentity is not granted to anonymous callers", {}, {"principal": "anonymous", "action": "sts:GetCallerIdentity"}, IDENY))
    # decisive statements are listed
    out.append(case("every applicable deny is decisive", {"identity": [policy(allow(), deny("s3:*"), deny("s3:GetObject"))]}, req, EDENY, decisive=[("identity", 0, 1), ("identity", 0, 2)]))
    out.append(case("every applicable allow is decisive", {"identity": [policy(allow("s3:*"), allow("ec2:*"), allow("s3:GetObject"))]}, req, ALLOW, decisive=[("identity", 0, 0), ("identity", 0, 2)]))
    return out


# ---------------------------------------------------------------------------------------------
def guide_cases():
    def load(name):
        with open(os.path.join(HERE, "..", "examples", "policies", name), encoding="utf-8") as f:
            return json.load(f)
    admin = load("admin-allow-all.json")
    lp = load("least-privilege-s3-dynamodb.json")
    ipmfa = load("s3-ip-and-mfa-conditions.json")
    bucket = load("deny-unencrypted-uploads-bucket-policy.json")
    table = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
    OWNER = "arn:aws:iam::123456789012:user/alice"
    out = [
        case("guide: admin policy allows anything", {"identity": [admin]}, {"principal": ALICE, "action": "iam:CreateUser", "resource": "*"}, ALLOW),
        case("guide: least privilege reads a monthly report", {"identity": [lp]}, {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::example-reports/monthly/2026-10.csv"}, ALLOW, decisive=[("identity", 0, 1)]),
        case("guide: least privilege cannot read outside monthly/", {"identity": [lp]}, {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::example-reports/private/x"}, IDENY),
        case("guide: least privilege cannot delete", {"identity": [lp]}, {"principal": ALICE, "action": "s3:DeleteObject", "resource": "arn:aws:s3:::example-reports/monthly/x"}, IDENY),
        case("guide: least privilege lists the monthly prefix", {"identity": [lp]}, {"principal": ALICE, "action": "s3:ListBucket", "resource": "arn:aws:s3:::example-reports", "context": {"s3:prefix": "monthly/2026"}}, ALLOW),
        case("guide: least privilege cannot list other prefixes", {"identity": [lp]}, {"principal": ALICE, "action": "s3:ListBucket", "resource": "arn:aws:s3:::example-reports", "context": {"s3:prefix": "private/"}}, IDENY),
        case("guide: least privilege queries the table", {"identity": [lp]}, {"principal": OWNER, "action": "dynamodb:Query", "resource": table}, ALLOW),
        case("guide: least privilege queries an index", {"identity": [lp]}, {"principal": OWNER, "action": "dynamodb:Query", "resource": table + "/index/byDate"}, ALLOW),
        case("guide: least privilege cannot scan", {"identity": [lp]}, {"principal": OWNER, "action": "dynamodb:Scan", "resource": table}, IDENY),
        case("guide: least privilege cannot touch another table", {"identity": [lp]}, {"principal": OWNER, "action": "dynamodb:GetItem", "resource": table + "2"}, IDENY),
        case("guide: S3 from the office with MFA", {"identity": [ipmfa]}, {"principal": SESSION, "action": "s3:PutObject", "resource": "arn:aws:s3:::example-data/x", "context": {"aws:SourceIp": "203.0.113.20", "aws:MultiFactorAuthPresent": True}}, ALLOW),
        case("guide: S3 from the office over IPv6 with MFA", {"identity": [ipmfa]}, {"principal": SESSION, "action": "s3:GetObject", "resource": "arn:aws:s3:::example-data/x", "context": {"aws:SourceIp": "2001:db8:1234:5::1", "aws:MultiFactorAuthPresent": True}}, ALLOW),
        case("guide: S3 from elsewhere with MFA", {"identity": [ipmfa]}, {"principal": SESSION, "action": "s3:GetObject", "resource": "arn:aws:s3:::example-data/x", "context": {"aws:SourceIp": "198.51.100.20", "aws:MultiFactorAuthPresent": True}}, IDENY),
        case("guide: S3 from the office without MFA", {"identity": [ipmfa]}, {"principal": SESSION, "action": "s3:GetObject", "resource": "arn:aws:s3:::example-data/x", "context": {"aws:SourceIp": "203.0.113.20", "aws:MultiFactorAuthPresent": False}}, IDENY),
        case("guide: S3 from the office with long-term keys (no MFA key)", {"identity": [ipmfa]}, {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::example-data/x", "context": {"aws:SourceIp": "203.0.113.20"}}, IDENY),
        case("guide: S3 other bucket", {"identity": [ipmfa]}, {"principal": SESSION, "action": "s3:GetObject", "resource": "arn:aws:s3:::example-other/x", "context": {"aws:SourceIp": "203.0.113.20", "aws:MultiFactorAuthPresent": True}}, IDENY),
    ]
    up = {"principal": ALICE, "action": "s3:PutObject", "resource": "arn:aws:s3:::example-uploads/x"}
    pols = {"identity": [admin], "resource": bucket}
    out += [
        case("guide: encrypted upload over TLS", pols, dict(up, context={"s3:x-amz-server-side-encryption": "aws:kms", "aws:SecureTransport": True}), ALLOW),
        case("guide: upload with the wrong encryption", pols, dict(up, context={"s3:x-amz-server-side-encryption": "AES256", "aws:SecureTransport": True}), EDENY, decisive=[("resource", 0, 0)]),
        case("guide: unencrypted upload", pols, dict(up, context={"aws:SecureTransport": True}), EDENY, decisive=[("resource", 0, 0), ("resource", 0, 1)]),
        case("guide: upload over plain HTTP", pols, dict(up, context={"s3:x-amz-server-side-encryption": "aws:kms", "aws:SecureTransport": False}), EDENY, decisive=[("resource", 0, 2)]),
        case("guide: reads are not affected by the upload rules", pols, {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::example-uploads/x", "context": {"aws:SecureTransport": True}}, ALLOW),
        case("guide: the bucket policy grants nothing by itself", {"resource": bucket}, dict(up, context={"s3:x-amz-server-side-encryption": "aws:kms", "aws:SecureTransport": True}), IDENY),
    ]
    return out


if __name__ == "__main__":
    total = 0
    total += write("conditions.json", "Every condition operator family with present, absent and multivalued keys, as Allow and as Deny conditions.", condition_cases() + combination_cases() + mfa_cases())
    total += write("variables.json", "Policy variables: where they are substituted, defaults, escapes, and values that are absent.", variable_cases())
    total += write("matching.json", "Action, resource and NotAction/NotResource matching.", matching_cases())
    total += write("decision-flow.json", "The decision flow across policy types: explicit deny, SCPs, RCPs, resource policies in the same and other accounts, boundaries, sessions, anonymous and service principals, trust and key policies.", flow_cases())
    total += write("guide-examples.json", "Requests against the example policies of the security best-practices guide (corpus/examples).", guide_cases())
    print(f"{total} cases")
