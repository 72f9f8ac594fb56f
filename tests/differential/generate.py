"""Random but valid policy sets and requests for differential testing (see run.py).

Each case is a policy set (identity policies, optionally a resource policy, a permissions
boundary and an SCP level) and requests against it. Deterministic for a given seed.
"""
import random

A, B = "111122223333", "444455556666"
ALICE = f"arn:aws:iam::{A}:user/alice"
ROLE = f"arn:aws:iam::{A}:role/Dev"
SESSION = f"arn:aws:sts::{A}:assumed-role/Dev/s1"
BOB = f"arn:aws:iam::{B}:user/bob"
PRINCIPALS = [ALICE, SESSION, BOB, "anonymous", "lambda.amazonaws.com"]
ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "ec2:RunInstances", "iam:PassRole", "sqs:SendMessage"]
ACTION_PATTERNS = ["*", "s3:*", "s3:Get*", "s3:GetObject", "s3:PutObject", "s3:?utObject", "ec2:*", "iam:PassRole",
                   "sqs:SendMessage", "s3:List*"]
# The resources each action can act on (iam-simulate rejects a resource of the wrong type, and AWS
# never sends one).
ACTION_RESOURCES = {
    "s3:GetObject": ["arn:aws:s3:::b/k", "arn:aws:s3:::c/k"],
    "s3:PutObject": ["arn:aws:s3:::b/k", "arn:aws:s3:::c/k", "arn:aws:s3:::alice/k"],
    "s3:ListBucket": ["arn:aws:s3:::b", "arn:aws:s3:::c"],
    "ec2:RunInstances": [f"arn:aws:ec2:us-east-1:{A}:instance/i-1"],
    "iam:PassRole": [f"arn:aws:iam::{A}:role/Dev"],
    "sqs:SendMessage": [f"arn:aws:sqs:us-east-1:{A}:q", f"arn:aws:sqs:us-east-1:{B}:q"],
}
RESOURCES = ["arn:aws:s3:::b/k", "arn:aws:s3:::b", "arn:aws:s3:::c/k", f"arn:aws:sqs:us-east-1:{A}:q",
             f"arn:aws:ec2:us-east-1:{A}:instance/i-1", f"arn:aws:iam::{A}:role/Dev"]
RESOURCE_PATTERNS = ["*", "arn:aws:s3:::b/*", "arn:aws:s3:::b", "arn:aws:s3:::*", "arn:aws:s3:::c/*",
                     f"arn:aws:sqs:*:{A}:*", "arn:aws:ec2:*:*:instance/*", f"arn:aws:iam::{A}:role/*",
                     "arn:aws:s3:::${aws:username}/*"]
CONDITIONS = [
    ("StringEquals", "aws:PrincipalTag/team", ["dev"]),
    ("StringNotEquals", "aws:PrincipalTag/team", ["dev", "qa"]),
    ("StringLike", "aws:PrincipalTag/team", ["d*"]),
    ("StringNotLike", "aws:PrincipalTag/team", ["o?s"]),
    ("StringEqualsIgnoreCase", "aws:PrincipalTag/team", ["DEV"]),
    ("StringEqualsIfExists", "aws:PrincipalTag/team", ["dev"]),
    ("Bool", "aws:SecureTransport", ["true"]),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", ["false"]),
    ("IpAddress", "aws:SourceIp", ["203.0.113.0/24"]),
    ("NotIpAddress", "aws:SourceIp", ["203.0.113.0/24", "198.51.100.0/24"]),
    ("NumericLessThan", "s3:max-keys", ["10"]),
    ("NumericGreaterThanEquals", "s3:max-keys", ["5"]),
    ("DateLessThan", "aws:CurrentTime", ["2030-01-01T00:00:00Z"]),
    ("DateGreaterThan", "aws:CurrentTime", ["2027-01-01T00:00:00Z"]),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["admin"]),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["env", "team"]),
    ("Null", "aws:PrincipalTag/team", ["true"]),
    ("Null", "aws:SourceIp", ["false"]),
    ("ArnLike", "aws:PrincipalArn", [f"arn:aws:iam::{A}:role/*"]),
    ("ArnNotEquals", "aws:PrincipalArn", [ALICE]),
    ("StringEquals", "aws:PrincipalAccount", [A]),
    ("StringEquals", "s3:ExistingObjectTag/owner", ["${aws:username}"]),
]
PRINCIPAL_ENTRIES = ["*", {"AWS": "*"}, {"AWS": A}, {"AWS": ALICE}, {"AWS": ROLE}, {"AWS": SESSION}, {"AWS": B},
                     {"Service": "lambda.amazonaws.com"}]


def statement(rng, principal=False, effect=None):
    s = {"Effect": effect or rng.choice(["Allow", "Allow", "Deny"])}
    if principal:
        s["Principal"] = rng.choice(PRINCIPAL_ENTRIES)
    actions = rng.sample(ACTION_PATTERNS, rng.randint(1, 3))
    s["NotAction" if rng.random() < 0.1 else "Action"] = actions if len(actions) > 1 else actions[0]
    resources = rng.sample(RESOURCE_PATTERNS, rng.randint(1, 2))
    s["NotResource" if rng.random() < 0.1 else "Resource"] = resources if len(resources) > 1 else resources[0]
    if rng.random() < 0.6:
        cond = {}
        for _ in range(rng.randint(1, 2)):
            op, key, values = rng.choice(CONDITIONS)
            cond.setdefault(op, {})[key] = values
        s["Condition"] = cond
    return s


def policy(rng, principal=False, n=None):
    return {"Version": "2012-10-17", "Statement": [statement(rng, principal) for _ in range(n or rng.randint(1, 4))]}


def context(rng, action):
    ctx = {"aws:CurrentTime": rng.choice(["2026-11-28T12:00:00Z", "2031-01-01T00:00:00Z"])}
    if rng.random() < 0.6:
        ctx["aws:PrincipalTag/team"] = rng.choice(["dev", "ops", "qa", "Dev"])
    if rng.random() < 0.6:
        ctx["aws:SecureTransport"] = rng.choice(["true", "false"])
    if rng.random() < 0.6:
        ctx["aws:SourceIp"] = rng.choice(["203.0.113.5", "198.51.100.7", "192.0.2.1"])
    if rng.random() < 0.4:
        ctx["aws:MultiFactorAuthPresent"] = rng.choice(["true", "false"])
    if rng.random() < 0.4 and action == "s3:ListBucket":  # a key only ListBucket carries
        ctx["s3:max-keys"] = rng.choice(["3", "7", "12"])
    if rng.random() < 0.4:
        ctx["aws:TagKeys"] = rng.sample(["env", "team", "admin"], rng.randint(1, 2))
    if rng.random() < 0.3 and action == "s3:GetObject":
        ctx["s3:ExistingObjectTag/owner"] = rng.choice(["alice", "bob"])
    return ctx


def cases(seed, n_sets, requests_per_set):
    rng = random.Random(seed)
    for i in range(n_sets):
        policies = {"identity": [{"name": f"id{j}", "policy": policy(rng)} for j in range(rng.randint(1, 2))]}
        # Resource policies only where the service has them (S3, SQS), as AWS would evaluate.
        with_rp = rng.random() < 0.5
        if with_rp:
            policies["resource"] = {"name": "rp", "policy": policy(rng, principal=True)}
        if rng.random() < 0.25:
            policies["permissionsBoundary"] = {"name": "pb", "policy": policy(rng)}
        if rng.random() < 0.25:
            policies["scps"] = [[{"name": "full", "policy": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"}]}}, {"name": "scp", "policy": policy(rng)}]]
        requests = []
        for _ in range(requests_per_set):
            principal = rng.choice(PRINCIPALS)
            action = rng.choice([a for a in ACTIONS if not with_rp or a.split(":")[0] in ("s3", "sqs")])
            ctx = context(rng, action)
            # The keys AWS derives from the caller, given explicitly so both engines see them.
            if principal.startswith("arn:"):
                account = principal.split(":")[4]
                ctx["aws:PrincipalAccount"] = account
                ctx["aws:PrincipalArn"] = ROLE if "assumed-role" in principal else principal
                if ":user/" in principal:
                    ctx["aws:username"] = principal.rsplit("/", 1)[1]
            requests.append({"principal": principal, "action": action,
                             "resource": rng.choice(ACTION_RESOURCES[action]), "context": ctx})
        yield {"id": i, "policies": policies, "requests": requests}
