"""evaluate() within one account: identity policies, permissions boundaries, session policies.

Cases follow IAM's "Policy evaluation logic" and "Determining whether a request is allowed or
denied within an account"."""

from __future__ import annotations

import pytest

from stratus.auth.evaluate import AuthzRequest, LabeledPolicy, evaluate

from .evaluate_support import (
    ACCOUNT,
    ADMIN,
    ALICE_ARN,
    BOUNDARY_DENIES_DELETE,
    BUCKET,
    OBJECT,
    READ_OBJECTS,
    S3_AND_CLOUDWATCH,
    SESSION_IAM,
    SESSION_READ,
    allow,
    deny,
    identity,
    labeled,
    outcome,
    role_session,
    user,
)

# ---------------------------------------------------------------- identity policies

IDENTITY_CASES = [
    # (identity policies, request, expected (eval_decision, reason, deny type))
    ([], user(), ("implicitDeny", "no_identity_allow", "identity-based")),
    ([ADMIN], user(), ("allowed", "identity_allow", None)),
    ([READ_OBJECTS], user(), ("allowed", "identity_allow", None)),
    ([READ_OBJECTS], user("s3:PutObject"), ("implicitDeny", "no_identity_allow", "identity-based")),
    (
        [READ_OBJECTS],
        user("s3:GetObject", "arn:aws:s3:::other/x"),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
    ([identity(allow(), deny("s3:*"))], user(), ("explicitDeny", "explicit_deny", "identity-based")),
    (
        [ADMIN, identity(deny("s3:GetObject", OBJECT))],
        user(),
        ("explicitDeny", "explicit_deny", "identity-based"),
    ),
    (
        [ADMIN, identity(deny("s3:GetObject", f"{BUCKET}/private/*"))],
        user(),
        ("allowed", "identity_allow", None),
    ),
    ([identity(deny("s3:*"))], user(), ("explicitDeny", "explicit_deny", "identity-based")),
    (
        [identity({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})],
        user(),
        ("allowed", "identity_allow", None),
    ),
    (
        [identity({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})],
        user("iam:CreateUser", "*"),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
    (
        [ADMIN, identity({"Effect": "Deny", "Action": "s3:*", "NotResource": [BUCKET, f"{BUCKET}/*"]})],
        user(),
        ("allowed", "identity_allow", None),
    ),
    (
        [ADMIN, identity({"Effect": "Deny", "Action": "s3:*", "NotResource": [BUCKET, f"{BUCKET}/*"]})],
        user("s3:GetObject", "arn:aws:s3:::other/k"),
        ("explicitDeny", "explicit_deny", "identity-based"),
    ),
    # the documentation's "deny everything except IAM self-service unless signed in with MFA"
    (
        [
            ADMIN,
            identity(
                {
                    "Effect": "Deny",
                    "NotAction": ["iam:ChangePassword", "sts:GetSessionToken"],
                    "Resource": "*",
                    "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
                }
            ),
        ],
        user(),
        ("explicitDeny", "explicit_deny", "identity-based"),
    ),
    (
        [
            ADMIN,
            identity(
                {
                    "Effect": "Deny",
                    "NotAction": ["iam:ChangePassword", "sts:GetSessionToken"],
                    "Resource": "*",
                    "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
                }
            ),
        ],
        user(**{"aws:MultiFactorAuthPresent": True}),
        ("allowed", "identity_allow", None),
    ),
    (
        [
            ADMIN,
            identity(
                {
                    "Effect": "Deny",
                    "NotAction": ["iam:ChangePassword", "sts:GetSessionToken"],
                    "Resource": "*",
                    "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
                }
            ),
        ],
        user("iam:ChangePassword", ALICE_ARN),
        ("allowed", "identity_allow", None),
    ),
    # conditions
    (
        [identity(allow(Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))],
        user(**{"aws:SourceIp": "203.0.113.5"}),
        ("allowed", "identity_allow", None),
    ),
    (
        [identity(allow(Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))],
        user(**{"aws:SourceIp": "198.51.100.5"}),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
    (
        [ADMIN, identity(deny(Condition={"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))],
        user(**{"aws:SourceIp": "198.51.100.5"}),
        ("explicitDeny", "explicit_deny", "identity-based"),
    ),
    (
        [ADMIN, identity(deny(Condition={"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))],
        user(**{"aws:SourceIp": "203.0.113.5"}),
        ("allowed", "identity_allow", None),
    ),
    (
        [identity(allow(Condition={"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}))],
        user(**{"aws:CurrentTime": "2021-06-01T00:00:00Z"}),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
    (
        [identity(allow(Condition={"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}))],
        user(**{"aws:RequestedRegion": "eu-west-1"}),
        ("allowed", "identity_allow", None),
    ),
    # policy variables, aws:username filled in from the principal
    (
        [identity(allow("s3:*", f"{BUCKET}/home/${{aws:username}}/*"))],
        user("s3:PutObject", f"{BUCKET}/home/alice/notes.txt"),
        ("allowed", "identity_allow", None),
    ),
    (
        [identity(allow("s3:*", f"{BUCKET}/home/${{aws:username}}/*"))],
        user("s3:PutObject", f"{BUCKET}/home/bob/notes.txt"),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
    (
        [
            identity(
                allow(
                    "s3:ListBucket",
                    BUCKET,
                    Condition={"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/*"]}},
                )
            )
        ],
        user("s3:ListBucket", BUCKET, **{"s3:prefix": "home/alice/"}),
        ("allowed", "identity_allow", None),
    ),
    (
        [
            identity(
                allow(
                    "s3:ListBucket",
                    BUCKET,
                    Condition={"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/*"]}},
                )
            )
        ],
        user("s3:ListBucket", BUCKET, **{"s3:prefix": "home/bob/"}),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
    (
        [
            identity(
                allow(
                    "ec2:*",
                    "*",
                    Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
                )
            )
        ],
        user("ec2:StopInstances", "*", **{"aws:ResourceTag/team": "red", "aws:PrincipalTag/team": "red"}),
        ("allowed", "identity_allow", None),
    ),
    (
        [
            identity(
                allow(
                    "ec2:*",
                    "*",
                    Condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
                )
            )
        ],
        user("ec2:StopInstances", "*", **{"aws:ResourceTag/team": "blue", "aws:PrincipalTag/team": "red"}),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
    (
        [identity(allow("iam:*", "arn:aws:iam::*:user/${aws:username}"))],
        user("iam:GetUser", ALICE_ARN),
        ("allowed", "identity_allow", None),
    ),
    (
        [identity(allow("iam:*", "arn:aws:iam::*:user/${aws:username}"))],
        user("iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/bob"),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
    # 2008-10-17: no substitution
    (
        [labeled("identity", allow("s3:*", f"{BUCKET}/home/${{aws:username}}/*"), version="2008-10-17")],
        user("s3:PutObject", f"{BUCKET}/home/alice/notes.txt"),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
]


@pytest.mark.parametrize(("policies", "request_", "expected"), IDENTITY_CASES)
def test_identity_policies(policies: list[LabeledPolicy], request_: AuthzRequest, expected: tuple) -> None:
    assert outcome(evaluate(request_, identity=policies)) == expected


# ---------------------------------------------------------------- boundaries and session policies


LIMIT_CASES = [
    # (identity, boundary, session, request, expected)
    ([ADMIN], S3_AND_CLOUDWATCH, None, user(), ("allowed", "identity_allow", None)),
    (
        [ADMIN],
        S3_AND_CLOUDWATCH,
        None,
        user("iam:CreateUser", "*"),
        ("implicitDeny", "boundary", "permissions boundary"),
    ),
    (
        [READ_OBJECTS],
        S3_AND_CLOUDWATCH,
        None,
        user("cloudwatch:PutMetricData", "*"),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
    (
        [],
        S3_AND_CLOUDWATCH,
        None,
        user(),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),  # a boundary grants nothing
    (
        [ADMIN],
        BOUNDARY_DENIES_DELETE,
        None,
        user("s3:DeleteObject"),
        ("explicitDeny", "explicit_deny", "permissions boundary"),
    ),
    ([ADMIN], BOUNDARY_DENIES_DELETE, None, user(), ("allowed", "identity_allow", None)),
    ([ADMIN], None, [SESSION_READ], role_session(), ("allowed", "identity_allow", None)),
    (
        [ADMIN],
        None,
        [SESSION_READ],
        role_session("s3:PutObject"),
        ("implicitDeny", "session_policy", "session policy"),
    ),
    (
        [READ_OBJECTS],
        None,
        [SESSION_IAM],
        role_session("iam:CreateUser", "*"),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
    (
        [ADMIN],
        None,
        [SESSION_READ, SESSION_IAM],
        role_session("iam:CreateUser", "*"),
        ("allowed", "identity_allow", None),
    ),
    ([ADMIN], None, [], role_session(), ("implicitDeny", "session_policy", "session policy")),
    (
        [ADMIN],
        None,
        [labeled("session", allow(), deny("s3:GetObject"), source_type="session")],
        role_session(),
        ("explicitDeny", "explicit_deny", "session policy"),
    ),
    (
        [ADMIN],
        S3_AND_CLOUDWATCH,
        [SESSION_IAM],
        role_session("iam:CreateUser", "*"),
        ("implicitDeny", "boundary", "permissions boundary"),
    ),
    ([ADMIN], S3_AND_CLOUDWATCH, [SESSION_READ], role_session(), ("allowed", "identity_allow", None)),
]


@pytest.mark.parametrize(("policies", "boundary", "session", "request_", "expected"), LIMIT_CASES)
def test_boundaries_and_session_policies(
    policies: list,
    boundary: LabeledPolicy | None,
    session: list | None,
    request_: AuthzRequest,
    expected: tuple,
) -> None:
    assert outcome(evaluate(request_, identity=policies, boundary=boundary, session=session)) == expected
