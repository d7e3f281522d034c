"""parse_policy: documents IAM accepts, and the MalformedPolicyDocument message for each it rejects."""

from __future__ import annotations

import json

import pytest

from stratus.auth.policy import PolicyError, cached_policy, parse_policy


def doc(*statements: dict, version: str | None = "2012-10-17", **top: object) -> str:
    body: dict[str, object] = {}
    if version is not None:
        body["Version"] = version
    body.update(top)
    body["Statement"] = list(statements) if len(statements) != 1 else statements[0]
    return json.dumps(body)


ALLOW_ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}
TRUST_EC2 = {
    "Effect": "Allow",
    "Principal": {"Service": "ec2.amazonaws.com"},
    "Action": "sts:AssumeRole",
}
BUCKET_PUBLIC_READ = {
    "Sid": "PublicRead",
    "Effect": "Allow",
    "Principal": "*",
    "Action": ["s3:GetObject", "s3:GetObjectVersion"],
    "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
}

VALID = [
    ("identity", doc(ALLOW_ALL)),
    ("identity", doc(ALLOW_ALL, version=None)),
    ("identity", doc(ALLOW_ALL, version="2008-10-17")),
    ("identity", doc(ALLOW_ALL, Id="MyPolicy")),
    ("identity", doc(ALLOW_ALL, {"Sid": "Second1", "Effect": "Deny", "Action": "s3:*", "Resource": "*"})),
    ("identity", doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})),
    (
        "identity",
        doc({"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}),
    ),
    ("identity", doc({"Effect": "Allow", "Action": ["ec2:Describe*", "ec2:Get?"], "Resource": "*"})),
    (
        "identity",
        doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}/*"}),
    ),
    (
        "identity",
        doc(
            {
                "Effect": "Allow",
                "Action": "sqs:SendMessage",
                "Resource": "arn:aws-cn:sqs:cn-north-1:123456789012:q",
            }
        ),
    ),
    (
        "identity",
        doc({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws-us-gov:sqs:*:*:q"}),
    ),
    (
        "identity",
        doc(
            {
                "Effect": "Allow",
                "Action": "logs:PutLogEvents",
                "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:*",
            }
        ),
    ),
    (
        "identity",
        doc(
            {
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": "arn:aws:s3:::b",
                "Condition": {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/*"]}},
            }
        ),
    ),
    (
        "identity",
        doc(
            {
                "Effect": "Allow",
                "Action": "ec2:*",
                "Resource": "*",
                "Condition": {
                    "Bool": {"aws:MultiFactorAuthPresent": True},
                    "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
                },
            }
        ),
    ),
    (
        "identity",
        doc(
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {
                    "ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]},
                    "DateGreaterThanIfExists": {"aws:CurrentTime": "2020-01-01T00:00:00Z"},
                },
            }
        ),
    ),
    (
        "identity",
        doc(
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"Null": {"aws:TokenIssueTime": "true"}},
            }
        ),
    ),
    ("identity", doc({"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {}})),
    ("boundary", doc({"Effect": "Allow", "Action": ["s3:*", "cloudwatch:*"], "Resource": "*"})),
    ("session", doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})),
    ("trust", doc(TRUST_EC2)),
    ("trust", doc({"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"})),
    (
        "trust",
        doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }
        ),
    ),
    (
        "trust",
        doc(
            {
                "Effect": "Allow",
                "Principal": {
                    "AWS": ["arn:aws:iam::123456789012:user/alice", "arn:aws:iam::123456789012:role/path/R"]
                },
                "Action": "sts:AssumeRole",
            }
        ),
    ),
    (
        "trust",
        doc(
            {
                "Effect": "Allow",
                "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:abc"}},
            }
        ),
    ),
    (
        "trust",
        doc(
            {
                "Effect": "Allow",
                "Principal": {
                    "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
                },
                "Action": "sts:AssumeRoleWithWebIdentity",
            }
        ),
    ),
    ("trust", doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"})),
    (
        "trust",
        doc({"Effect": "Allow", "Principal": {"AWS": "AROAEXAMPLEID1234567"}, "Action": "sts:AssumeRole"}),
    ),
    ("resource", doc(BUCKET_PUBLIC_READ)),
    ("resource", doc({**BUCKET_PUBLIC_READ, "Sid": "Allow public read (spaces are fine here)"})),
    (
        "resource",
        doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "sns:Publish",
                "Resource": "arn:aws:sns:us-east-1:123456789012:t",
                "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:*:*:bucket"}},
            }
        ),
    ),
    (
        "resource",
        doc(
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:user/admin"},
                "Action": "s3:*",
                "Resource": "*",
            }
        ),
    ),
    (
        "resource",
        doc(
            {
                "Effect": "Allow",
                "Principal": {
                    "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
                },
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::b/*",
            }
        ),
    ),
    (
        "resource",
        doc(
            {
                "Effect": "Allow",
                "Principal": {"Service": ["lambda.amazonaws.com", "states.us-east-1.amazonaws.com"]},
                "Action": "sqs:SendMessage",
                "Resource": "*",
            }
        ),
    ),
    (
        "resource",
        doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:sts::123456789012:assumed-role/R/session"},
                "Action": "s3:GetObject",
                "Resource": "*",
            }
        ),
    ),
    (
        "resource",
        doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:sts::123456789012:federated-user/bob"},
                "Action": "s3:GetObject",
                "Resource": "*",
            }
        ),
    ),
]


@pytest.mark.parametrize(("kind", "document"), VALID)
def test_valid_policies_parse(kind: str, document: str) -> None:
    policy = parse_policy(document, kind)  # type: ignore[arg-type]
    assert policy.statements
    assert policy.kind == kind


MISSING_ACTION = {"Effect": "Allow", "Resource": "*"}
INVALID = [
    # (kind, document, message)
    ("identity", "not json", "Syntax errors in policy."),
    ("identity", "[]", "Syntax errors in policy."),
    ("identity", '"text"', "Syntax errors in policy."),
    ("identity", '{"Version": "2012-10-17"}', "Syntax errors in policy."),
    ("identity", '{"Version": "2012-10-17", "Statement": []}', "Syntax errors in policy."),
    ("identity", '{"Version": "2012-10-17", "Statement": "x"}', "Syntax errors in policy."),
    ("identity", '{"Version": "2012-10-17", "Statement": ["x"]}', "Syntax errors in policy."),
    ("identity", doc(ALLOW_ALL, Extra="x"), "Syntax errors in policy."),
    ("identity", doc(ALLOW_ALL, Id=5), "Syntax errors in policy."),
    ("identity", doc(ALLOW_ALL, version="2013-01-01"), "The policy failed legacy parsing"),
    ("identity", doc(ALLOW_ALL, version="2012-10-18"), "The policy failed legacy parsing"),
    ("identity", doc({**ALLOW_ALL, "Foo": "bar"}), "Syntax errors in policy."),
    ("identity", doc({**ALLOW_ALL, "effect": "Allow"}), "Syntax errors in policy."),
    ("identity", doc({"Action": "*", "Resource": "*"}), "Missing required field Effect"),
    ("identity", doc({**ALLOW_ALL, "Effect": "allow"}), "The policy failed legacy parsing"),
    ("identity", doc({**ALLOW_ALL, "Effect": "Permit"}), "The policy failed legacy parsing"),
    ("identity", doc({**ALLOW_ALL, "Effect": True}), "Syntax errors in policy."),
    ("identity", doc(MISSING_ACTION), "Policy statement must contain actions."),
    ("identity", doc({**MISSING_ACTION, "Action": []}), "Policy statement must contain actions."),
    ("identity", doc({**ALLOW_ALL, "NotAction": "s3:*"}), "Syntax errors in policy."),
    ("identity", doc({**ALLOW_ALL, "Action": 5}), "Syntax errors in policy."),
    ("identity", doc({**ALLOW_ALL, "Action": ["s3:GetObject", 5]}), "Syntax errors in policy."),
    (
        "identity",
        doc({**ALLOW_ALL, "Action": "GetObject"}),
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
    ),
    (
        "identity",
        doc({**ALLOW_ALL, "Action": "s3:Get:Object"}),
        "Actions/Condition can contain only one colon.",
    ),
    ("identity", doc({**ALLOW_ALL, "Action": "s 3:GetObject"}), "Vendor s 3 is not valid"),
    ("identity", doc({**ALLOW_ALL, "Action": "s3*:GetObject"}), "Vendor s3* is not valid"),
    ("identity", doc({"Effect": "Allow", "Action": "*"}), "Policy statement must contain resources."),
    ("identity", doc({**ALLOW_ALL, "Resource": []}), "Policy statement must contain resources."),
    ("identity", doc({**ALLOW_ALL, "NotResource": "*"}), "Syntax errors in policy."),
    ("identity", doc({**ALLOW_ALL, "Resource": "bucket"}), 'Resource bucket must be in ARN format or "*".'),
    ("identity", doc({**ALLOW_ALL, "Resource": ""}), 'Resource  must be in ARN format or "*".'),
    (
        "identity",
        doc({**ALLOW_ALL, "Resource": "arn:aws:s3"}),
        'Resource arn:aws:s3 must be in ARN format or "*".',
    ),
    (
        "identity",
        doc({**ALLOW_ALL, "Resource": "arn:foo:s3:::b"}),
        'Partition "foo" is not valid for resource "arn:foo:s3:::b".',
    ),
    ("identity", doc({**ALLOW_ALL, "Resource": {"a": 1}}), "Syntax errors in policy."),
    ("identity", doc({**ALLOW_ALL, "Principal": "*"}), "Policy document should not specify a principal."),
    (
        "identity",
        doc({**ALLOW_ALL, "NotPrincipal": {"AWS": "123456789012"}}),
        "Policy document should not specify a principal.",
    ),
    ("boundary", doc({**ALLOW_ALL, "Principal": "*"}), "Policy document should not specify a principal."),
    ("session", doc({**ALLOW_ALL, "Principal": "*"}), "Policy document should not specify a principal."),
    (
        "identity",
        doc({**ALLOW_ALL, "Sid": "has-dash"}),
        "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
    ),
    (
        "identity",
        doc({**ALLOW_ALL, "Sid": "with space"}),
        "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
    ),
    (
        "trust",
        doc({**TRUST_EC2, "Sid": "under_score"}),
        "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
    ),
    ("identity", doc({**ALLOW_ALL, "Sid": 1}), "Syntax errors in policy."),
    (
        "identity",
        doc({**ALLOW_ALL, "Sid": "A"}, {**ALLOW_ALL, "Sid": "A"}),
        "Statement IDs (SID) in a single policy must be unique.",
    ),
    (
        "resource",
        doc({**BUCKET_PUBLIC_READ, "Sid": "x y"}, {**BUCKET_PUBLIC_READ, "Sid": "x y"}),
        "Statement IDs (SID) in a single policy must be unique.",
    ),
    ("trust", doc({**TRUST_EC2, "Resource": "*"}), "Has prohibited field Resource"),
    ("trust", doc({**TRUST_EC2, "NotResource": "*"}), "Has prohibited field NotResource"),
    ("trust", doc({"Effect": "Allow", "Action": "sts:AssumeRole"}), "Missing required field Principal"),
    (
        "trust",
        doc({**TRUST_EC2, "Action": "s3:GetObject"}),
        "AssumeRole policy may only specify STS AssumeRole actions.",
    ),
    (
        "resource",
        doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
        "Missing required field Principal",
    ),
    (
        "resource",
        doc({**BUCKET_PUBLIC_READ, "NotPrincipal": {"AWS": "123456789012"}}),
        "Syntax errors in policy.",
    ),
    (
        "resource",
        doc({k: v for k, v in BUCKET_PUBLIC_READ.items() if k != "Resource"}),
        "Policy statement must contain resources.",
    ),
    ("trust", doc({**TRUST_EC2, "Principal": {"AWS": "foo"}}), 'Invalid principal in policy: "AWS":"foo"'),
    (
        "trust",
        doc({**TRUST_EC2, "Principal": {"AWS": "12345"}}),
        'Invalid principal in policy: "AWS":"12345"',
    ),
    (
        "trust",
        doc({**TRUST_EC2, "Principal": {"AWS": "arn:aws:iam::123456789012:user/*"}}),
        'Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/*"',
    ),
    (
        "trust",
        doc({**TRUST_EC2, "Principal": {"AWS": "arn:aws:iam::123456789012:group/devs"}}),
        'Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:group/devs"',
    ),
    (
        "trust",
        doc({**TRUST_EC2, "Principal": {"Service": "not a service"}}),
        'Invalid principal in policy: "SERVICE":"not a service"',
    ),
    (
        "resource",
        doc({**BUCKET_PUBLIC_READ, "Principal": {"CanonicalUser": "abc"}}),
        'Invalid principal in policy: "CANONICALUSER":"abc"',
    ),
    ("trust", doc({**TRUST_EC2, "Principal": {"Group": "x"}}), "Syntax errors in policy."),
    ("trust", doc({**TRUST_EC2, "Principal": "someone"}), "Syntax errors in policy."),
    ("trust", doc({**TRUST_EC2, "Principal": {}}), "Syntax errors in policy."),
    ("trust", doc({**TRUST_EC2, "Principal": {"AWS": []}}), "Syntax errors in policy."),
    ("trust", doc({**TRUST_EC2, "Principal": ["*"]}), "Syntax errors in policy."),
    ("identity", doc({**ALLOW_ALL, "Condition": "x"}), "Syntax errors in policy."),
    ("identity", doc({**ALLOW_ALL, "Condition": {"StringEquals": "x"}}), "Syntax errors in policy."),
    (
        "identity",
        doc({**ALLOW_ALL, "Condition": {"StringEquals": {"aws:username": {"a": 1}}}}),
        "Syntax errors in policy.",
    ),
    (
        "identity",
        doc({**ALLOW_ALL, "Condition": {"StringEquals": {"aws:username": None}}}),
        "Syntax errors in policy.",
    ),
    (
        "identity",
        doc({**ALLOW_ALL, "Condition": {"StringEqual": {"aws:username": "a"}}}),
        "Syntax errors in policy.",
    ),
    (
        "identity",
        doc({**ALLOW_ALL, "Condition": {"ForSomeValues:StringEquals": {"aws:username": "a"}}}),
        "Syntax errors in policy.",
    ),
    (
        "identity",
        doc({**ALLOW_ALL, "Condition": {"NullIfExists": {"aws:username": "true"}}}),
        "Syntax errors in policy.",
    ),
    (
        "identity",
        doc({**ALLOW_ALL, "Condition": {"StringEquals": {"username": "a"}}}),
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
    ),
]


@pytest.mark.parametrize(("kind", "document", "message"), INVALID)
def test_invalid_policies_are_rejected_with_iam_message(kind: str, document: str, message: str) -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(document, kind)  # type: ignore[arg-type]
    assert raised.value.message == message
    assert str(raised.value) == message


def test_version_controls_variables() -> None:
    assert parse_policy(doc(ALLOW_ALL)).variables_enabled
    assert not parse_policy(doc(ALLOW_ALL, version="2008-10-17")).variables_enabled
    assert not parse_policy(doc(ALLOW_ALL, version=None)).version


def test_statement_fields_are_compiled() -> None:
    policy = parse_policy(
        doc(
            {"Sid": "One", "Effect": "Allow", "Action": "S3:GetObject", "Resource": "*"},
            {"Effect": "Deny", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::b"},
        )
    )
    first, second = policy.statements
    assert (first.index, first.sid, first.effect, first.is_allow) == (0, "One", "Allow", True)
    assert first.actions is not None and first.not_actions is None
    assert first.actions.patterns == ("S3:GetObject",)
    assert (second.index, second.sid, second.is_allow) == (1, None, False)
    assert second.not_actions is not None and second.not_resources is not None
    assert first.principals is None and first.not_principals is None


def test_cached_policy_is_memoized() -> None:
    document = doc(ALLOW_ALL)
    assert cached_policy(document) is cached_policy(document)
    assert cached_policy(document) is not cached_policy(document, "boundary")
    with pytest.raises(PolicyError):
        cached_policy("{")
