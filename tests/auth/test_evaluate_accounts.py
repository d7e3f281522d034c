"""evaluate() across accounts, for root, service principals, anonymous callers, web identities,
trust policies and SCPs (IAM's "Cross-account policy evaluation logic")."""

from __future__ import annotations

from dataclasses import replace

import pytest

from stratus.auth.evaluate import AuthzRequest, LabeledPolicy, evaluate

from .evaluate_support import (
    ACCOUNT,
    ADMIN,
    ALICE_ARN,
    BUCKET,
    CAROL,
    OBJECT,
    OTHER,
    ROLE_ARN,
    S3_AND_CLOUDWATCH,
    SESSION_ARN,
    allow,
    deny,
    from_other_account,
    grant,
    identity,
    labeled,
    outcome,
    resource,
    role_session,
    user,
)

# ---------------------------------------------------------------- cross-account


CROSS_ACCOUNT_CASES = [
    ([ADMIN], None, from_other_account(), ("implicitDeny", "cross_account_resource", "resource-based")),
    (
        [ADMIN],
        resource(grant({"AWS": CAROL})),
        from_other_account(),
        ("allowed", "cross_account_allow", None),
    ),
    (
        [ADMIN],
        resource(grant({"AWS": OTHER})),
        from_other_account(),
        ("allowed", "cross_account_allow", None),
    ),
    (
        [ADMIN],
        resource(grant({"AWS": f"arn:aws:iam::{OTHER}:root"})),
        from_other_account(),
        ("allowed", "cross_account_allow", None),
    ),
    ([ADMIN], resource(grant("*")), from_other_account(), ("allowed", "cross_account_allow", None)),
    (
        [],
        resource(grant({"AWS": CAROL})),
        from_other_account(),
        ("implicitDeny", "no_identity_allow", "identity-based"),
    ),
    ([], resource(grant("*")), from_other_account(), ("implicitDeny", "no_identity_allow", "identity-based")),
    (
        [ADMIN],
        resource(grant({"AWS": ACCOUNT})),
        from_other_account(),
        ("implicitDeny", "cross_account_resource", "resource-based"),
    ),
    (
        [ADMIN],
        resource(grant({"AWS": f"arn:aws:iam::{OTHER}:user/dave"})),
        from_other_account(),
        ("implicitDeny", "cross_account_resource", "resource-based"),
    ),
    (
        [ADMIN],
        resource(grant({"AWS": CAROL}, effect="Deny")),
        from_other_account(),
        ("explicitDeny", "explicit_deny", "resource-based"),
    ),
    (
        [identity(deny("s3:*"))],
        resource(grant({"AWS": CAROL})),
        from_other_account(),
        ("explicitDeny", "explicit_deny", "identity-based"),
    ),
    (
        [ADMIN],
        resource(grant({"AWS": CAROL})),
        from_other_account("s3:PutObject"),
        ("implicitDeny", "cross_account_resource", "resource-based"),
    ),
]


@pytest.mark.parametrize(("policies", "resource_policy", "request_", "expected"), CROSS_ACCOUNT_CASES)
def test_cross_account_needs_both_sides(
    policies: list, resource_policy: LabeledPolicy | None, request_: AuthzRequest, expected: tuple
) -> None:
    assert outcome(evaluate(request_, identity=policies, resource_policy=resource_policy)) == expected


def test_cross_account_role_session_is_capped_by_its_boundary() -> None:
    request = replace(
        role_session("sqs:SendMessage", "arn:aws:sqs:us-east-1:444455556666:q"), resource_account=OTHER
    )
    bucket = resource(grant({"AWS": SESSION_ARN}, "sqs:SendMessage", "*"))
    decision = evaluate(request, identity=[ADMIN], resource_policy=bucket, boundary=S3_AND_CLOUDWATCH)
    assert outcome(decision) == ("implicitDeny", "boundary", "permissions boundary")


# ---------------------------------------------------------------- root, services, anonymous, web identity

ROOT = AuthzRequest(
    action="s3:DeleteBucket",
    resource=BUCKET,
    principal_arn=f"arn:aws:iam::{ACCOUNT}:root",
    principal_account=ACCOUNT,
    principal_type="Root",
)
OTHER_ROOT = AuthzRequest(
    action="s3:GetObject",
    resource=OBJECT,
    principal_arn=f"arn:aws:iam::{OTHER}:root",
    principal_account=OTHER,
    principal_type="Root",
    resource_account=ACCOUNT,
)
SNS = AuthzRequest(
    action="sqs:SendMessage",
    resource="arn:aws:sqs:us-east-1:111122223333:q",
    principal_arn="sns.amazonaws.com",
    principal_account=None,
    principal_type="AWSService",
    resource_account=ACCOUNT,
    context={"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"},
)
ANONYMOUS = AuthzRequest(
    action="s3:GetObject",
    resource=OBJECT,
    principal_arn="anonymous",
    principal_account=None,
    principal_type="Anonymous",
    resource_account=ACCOUNT,
)
WEB_IDENTITY = AuthzRequest(
    action="sts:AssumeRoleWithWebIdentity",
    resource=ROLE_ARN,
    principal_arn="cognito-identity.amazonaws.com",
    principal_account=None,
    principal_type="WebIdentityUser",
    resource_account=ACCOUNT,
    context={"cognito-identity.amazonaws.com:aud": "us-east-1:pool"},
)
QUEUE = "arn:aws:sqs:us-east-1:111122223333:q"

SPECIAL_CASES = [
    # (request, identity, resource policy, expected)
    (ROOT, [], None, ("allowed", "root", None)),
    (
        ROOT,
        [],
        resource(grant("*", "s3:DeleteBucket", BUCKET, effect="Deny")),
        ("explicitDeny", "explicit_deny", "resource-based"),
    ),
    (
        ROOT,
        [],
        resource(grant({"AWS": "arn:aws:iam::111122223333:user/x"}, "s3:*", "*")),
        ("allowed", "root", None),
    ),
    (OTHER_ROOT, [], None, ("implicitDeny", "cross_account_resource", "resource-based")),
    (OTHER_ROOT, [], resource(grant({"AWS": OTHER})), ("allowed", "cross_account_resource_allow", None)),
    (
        SNS,
        [],
        resource(grant({"Service": "sns.amazonaws.com"}, "sqs:SendMessage", QUEUE)),
        ("allowed", "resource_allow", None),
    ),
    (
        SNS,
        [],
        resource(
            grant(
                {"Service": "sns.amazonaws.com"},
                "sqs:SendMessage",
                QUEUE,
                Condition={"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"}},
            )
        ),
        ("allowed", "resource_allow", None),
    ),
    (
        SNS,
        [],
        resource(
            grant(
                {"Service": "sns.amazonaws.com"},
                "sqs:SendMessage",
                QUEUE,
                Condition={"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:other"}},
            )
        ),
        ("implicitDeny", "no_resource_allow", "resource-based"),
    ),
    (
        SNS,
        [],
        resource(
            grant(
                {"AWS": "*"},
                "sqs:SendMessage",
                QUEUE,
                Condition={"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:topic"}},
            )
        ),
        ("allowed", "resource_allow", None),
    ),
    (
        SNS,
        [],
        resource(grant({"Service": "events.amazonaws.com"}, "sqs:SendMessage", QUEUE)),
        ("implicitDeny", "no_resource_allow", "resource-based"),
    ),
    (SNS, [ADMIN], None, ("implicitDeny", "no_resource_allow", "resource-based")),
    (ANONYMOUS, [], resource(grant("*")), ("allowed", "resource_allow", None)),
    (ANONYMOUS, [], resource(grant({"AWS": "*"})), ("allowed", "resource_allow", None)),
    (
        ANONYMOUS,
        [],
        resource(grant({"AWS": ACCOUNT})),
        ("implicitDeny", "no_resource_allow", "resource-based"),
    ),
    (ANONYMOUS, [], None, ("implicitDeny", "no_resource_allow", "resource-based")),
    (
        ANONYMOUS,
        [],
        resource(
            grant("*"),
            grant("*", effect="Deny", Condition={"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}),
        ),
        ("explicitDeny", "explicit_deny", "resource-based"),
    ),
    (
        WEB_IDENTITY,
        [],
        labeled(
            "trust",
            {
                "Effect": "Allow",
                "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"}},
            },
        ),
        ("allowed", "resource_allow", None),
    ),
    (
        WEB_IDENTITY,
        [],
        labeled(
            "trust",
            {
                "Effect": "Allow",
                "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:other"}},
            },
        ),
        ("implicitDeny", "no_resource_allow", "resource-based"),
    ),
]


@pytest.mark.parametrize(("request_", "policies", "resource_policy", "expected"), SPECIAL_CASES)
def test_root_services_anonymous_and_web_identity(
    request_: AuthzRequest, policies: list, resource_policy: LabeledPolicy | None, expected: tuple
) -> None:
    assert outcome(evaluate(request_, identity=policies, resource_policy=resource_policy)) == expected


def test_is_root_flag_treats_the_caller_as_root() -> None:
    decision = evaluate(replace(ROOT, principal_type="IAMUser"), is_root=True)
    assert outcome(decision) == ("allowed", "root", None)


# ---------------------------------------------------------------- trust policies (AssumeRole)

TRUST_ACCOUNT = labeled(
    "trust",
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"}, "Action": "sts:AssumeRole"},
    source_type="resource",
)
TRUST_SAME = labeled(
    "trust",
    {"Effect": "Allow", "Principal": {"AWS": ALICE_ARN}, "Action": "sts:AssumeRole"},
    source_type="resource",
)


@pytest.mark.parametrize(
    ("request_", "policies", "trust", "expected"),
    [
        (
            replace(from_other_account("sts:AssumeRole", ROLE_ARN)),
            [identity(allow("sts:AssumeRole", ROLE_ARN))],
            TRUST_ACCOUNT,
            ("allowed", "cross_account_allow", None),
        ),
        (
            replace(from_other_account("sts:AssumeRole", ROLE_ARN)),
            [],
            TRUST_ACCOUNT,
            ("implicitDeny", "no_identity_allow", "identity-based"),
        ),
        (
            replace(from_other_account("sts:AssumeRole", ROLE_ARN)),
            [ADMIN],
            TRUST_SAME,
            ("implicitDeny", "cross_account_resource", "resource-based"),
        ),
        (user("sts:AssumeRole", ROLE_ARN), [], TRUST_SAME, ("allowed", "resource_allow", None)),
        (
            user("sts:TagSession", ROLE_ARN),
            [],
            TRUST_SAME,
            ("implicitDeny", "no_identity_allow", "identity-based"),
        ),
    ],
)
def test_trust_policies(
    request_: AuthzRequest, policies: list, trust: LabeledPolicy, expected: tuple
) -> None:
    assert outcome(evaluate(request_, identity=policies, resource_policy=trust)) == expected


# ---------------------------------------------------------------- service control policies


@pytest.mark.parametrize(
    ("scps", "request_", "expected"),
    [
        ([labeled("identity", allow(), source_type="none")], user(), ("allowed", "identity_allow", None)),
        (
            [labeled("identity", allow("ec2:*"), source_type="none")],
            user(),
            ("implicitDeny", "scp", "service control policy"),
        ),
        (
            [labeled("identity", allow(), deny("s3:*"), source_type="none")],
            user(),
            ("explicitDeny", "explicit_deny", "service control policy"),
        ),
        (
            [labeled("identity", allow(), deny("s3:*"), source_type="none")],
            ROOT,
            ("explicitDeny", "explicit_deny", "service control policy"),
        ),
        ([], user(), ("implicitDeny", "scp", "service control policy")),
    ],
)
def test_service_control_policies(scps: list, request_: AuthzRequest, expected: tuple) -> None:
    assert outcome(evaluate(request_, identity=[ADMIN], scps=scps)) == expected
