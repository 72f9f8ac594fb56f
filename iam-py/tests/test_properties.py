"""Hypothesis properties at the Python boundary."""
import json

from hypothesis import given, settings, strategies as st

from iam_core import ParseError, Policy, PolicySet

ACTIONS = st.sampled_from(["s3:GetObject", "s3:PutObject", "ec2:RunInstances", "iam:PassRole"])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_or_raises_parse_error(text):
    try:
        Policy.parse(text)
    except ParseError as e:
        assert e.diagnostics and all(d.line >= 1 for d in e.diagnostics)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), ACTIONS), min_size=1, max_size=5), ACTIONS)
def test_evaluate_many_agrees_with_evaluate(statements, action):
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow" if allow else "Deny", "Action": a, "Resource": "*"} for allow, a in statements]}
    ps = PolicySet(identity=[policy])
    req = {"principal": "arn:aws:iam::111122223333:user/alice", "action": action, "resource": "arn:aws:s3:::b/k"}
    one = ps.evaluate(**req).decision
    assert ps.evaluate_many([req])[0].decision == one
    # round trip through to_json keeps the decision
    again = PolicySet(identity=[json.loads(Policy.parse(policy).to_json())])
    assert again.evaluate(**req).decision == one
