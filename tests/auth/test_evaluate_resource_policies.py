"""evaluate() within one account when the resource has a policy: who it names decides whether
identity policies, boundaries and session policies still have a say.

Cases follow IAM's "Policy evaluation logic" and "Determining whether a request is allowed or
denied within an account"."""

from __future__ import annotations

import pytest

from stratus.auth.evaluate import AuthzRequest, LabeledPolicy, evaluate

from .evaluate_support import (
    ACCOUNT,
    ADMIN,
    ALICE_ARN,
    BUCKET,
    READ_OBJECTS,
    ROLE_ARN,
    S3_AND_CLOUDWATCH,
    SESSION_ARN,
    SESSION_READ,
    allow,
    grant,
    identity,
    labeled,
    outcome,
    resource,
    role_session,
    user,
)

# ---------------------------------------------------------------- resource policies, same account


SAME_ACCOUNT_CASES = [
    # (identity, resource policy, boundary, session, request, expected)
    # either side allowing is enough within one account
    ([], resource(grant({"AWS": ALICE_ARN})), None, None, user(), ("allowed", "resource_allow", None)),
    (
        [READ_OBJECTS],
        resource(grant({"AWS": "arn:aws:iam::111122223333:user/bob"})),
        None,
        None,
        user(),
        ("allowed", "identity_allow", None),
    ),
    (
        [],
        resource(grant({"AWS": "arn:aws:iam::111122223333:user/bob"})),
        None,
        None,
        user(),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
    ([], resource(grant("*")), None, None, user(), ("allowed", "resource_allow", None)),
    # naming the account delegates to identity policies
    (
        [],
        resource(grant({"AWS": ACCOUNT})),
        None,
        None,
        user(),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
    (
        [READ_OBJECTS],
        resource(grant({"AWS": ACCOUNT})),
        None,
        None,
        user(),
        ("allowed", "identity_allow", None),
    ),
    # a resource-policy deny wins over an identity allow
    (
        [ADMIN],
        resource(grant({"AWS": ALICE_ARN}, effect="Deny")),
        None,
        None,
        user(),
        ("explicitDeny", "explicit_deny", "resource-based"),
    ),
    (
        [ADMIN],
        resource(grant("*", "s3:*", effect="Deny", Condition={"Bool": {"aws:SecureTransport": "false"}})),
        None,
        None,
        user(**{"aws:SecureTransport": False}),
        ("explicitDeny", "explicit_deny", "resource-based"),
    ),
    (
        [ADMIN],
        resource(grant("*", "s3:*", effect="Deny", Condition={"Bool": {"aws:SecureTransport": "false"}})),
        None,
        None,
        user(**{"aws:SecureTransport": True}),
        ("allowed", "identity_allow", None),
    ),
    # a statement for another action or object does not apply
    (
        [],
        resource(grant({"AWS": ALICE_ARN}, "s3:PutObject")),
        None,
        None,
        user(),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
    (
        [],
        resource(grant({"AWS": ALICE_ARN}, target=f"{BUCKET}/public/*")),
        None,
        None,
        user(),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
    # naming the IAM user: not limited by an implicit deny in its boundary
    (
        [],
        resource(grant({"AWS": ALICE_ARN})),
        S3_AND_CLOUDWATCH,
        None,
        user("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q"),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
    (
        [],
        resource(grant({"AWS": ALICE_ARN}, "sqs:SendMessage", "*")),
        S3_AND_CLOUDWATCH,
        None,
        user("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q"),
        ("allowed", "resource_allow", None),
    ),
    # naming the role session: not limited by the boundary or session policy
    (
        [],
        resource(grant({"AWS": SESSION_ARN}, "s3:PutObject")),
        S3_AND_CLOUDWATCH,
        [SESSION_READ],
        role_session("s3:PutObject"),
        ("allowed", "resource_allow", None),
    ),
    # naming the role: limited by the session policy and the boundary, not by identity policies
    (
        [],
        resource(grant({"AWS": ROLE_ARN}, "s3:PutObject")),
        None,
        None,
        role_session("s3:PutObject"),
        ("allowed", "resource_allow", None),
    ),
    (
        [],
        resource(grant({"AWS": ROLE_ARN}, "s3:PutObject")),
        None,
        [SESSION_READ],
        role_session("s3:PutObject"),
        ("implicitDeny", "session_policy", "session policy"),
    ),
    (
        [],
        resource(grant({"AWS": ROLE_ARN}, "sqs:*", "*")),
        S3_AND_CLOUDWATCH,
        None,
        role_session("sqs:SendMessage", "*"),
        ("implicitDeny", "boundary", "permissions boundary"),
    ),
    (
        [],
        resource(grant({"AWS": ROLE_ARN}, "s3:PutObject")),
        S3_AND_CLOUDWATCH,
        None,
        role_session("s3:PutObject"),
        ("allowed", "resource_allow", None),
    ),
    # NotPrincipal
    (
        [ADMIN],
        resource({"Effect": "Deny", "NotPrincipal": {"AWS": ALICE_ARN}, "Action": "s3:*", "Resource": "*"}),
        None,
        None,
        user(),
        ("allowed", "identity_allow", None),
    ),
    (
        [ADMIN],
        resource(
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/bob"},
                "Action": "s3:*",
                "Resource": "*",
            }
        ),
        None,
        None,
        user(),
        ("explicitDeny", "explicit_deny", "resource-based"),
    ),
    # IAM: Deny + NotPrincipal always denies a principal that has a permissions boundary
    (
        [ADMIN],
        resource({"Effect": "Deny", "NotPrincipal": {"AWS": ALICE_ARN}, "Action": "s3:*", "Resource": "*"}),
        labeled("boundary", allow(), source_type="boundary"),
        None,
        user(),
        ("explicitDeny", "explicit_deny", "resource-based"),
    ),
    # the documentation's Carlos example: the identity policy lists, the bucket policy lets him write
    (
        [identity(allow(["s3:GetBucketLocation", "s3:ListBucket"], BUCKET))],
        resource(grant({"AWS": ALICE_ARN}, "s3:PutObject", f"{BUCKET}/*")),
        None,
        None,
        user("s3:PutObject"),
        ("allowed", "resource_allow", None),
    ),
    (
        [identity(allow(["s3:GetBucketLocation", "s3:ListBucket"], BUCKET))],
        resource(grant({"AWS": ALICE_ARN}, "s3:PutObject", f"{BUCKET}/*")),
        None,
        None,
        user("s3:ListBucket", BUCKET),
        ("allowed", "identity_allow", None),
    ),
    (
        [identity(allow(["s3:GetBucketLocation", "s3:ListBucket"], BUCKET))],
        resource(grant({"AWS": ALICE_ARN}, "s3:PutObject", f"{BUCKET}/*")),
        None,
        None,
        user("s3:DeleteObject"),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
]


@pytest.mark.parametrize(
    ("policies", "resource_policy", "boundary", "session", "request_", "expected"), SAME_ACCOUNT_CASES
)
def test_resource_policies_in_the_same_account(
    policies: list,
    resource_policy: LabeledPolicy,
    boundary: LabeledPolicy | None,
    session: list | None,
    request_: AuthzRequest,
    expected: tuple,
) -> None:
    decision = evaluate(
        request_, identity=policies, resource_policy=resource_policy, boundary=boundary, session=session
    )
    assert outcome(decision) == expected
