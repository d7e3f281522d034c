"""What a Decision reports: matched statements, missing context values, derived context keys,
and AWS's AccessDenied message text."""

from __future__ import annotations

import pytest

from stratus.auth.evaluate import AuthzRequest, denial_message, evaluate, request_context

from .evaluate_support import (
    ACCOUNT,
    ADMIN,
    ALICE_ARN,
    BOUNDARY_DENIES_DELETE,
    CAROL,
    OBJECT,
    READ_OBJECTS,
    ROLE_ARN,
    S3_AND_CLOUDWATCH,
    SESSION_ARN,
    SESSION_READ,
    allow,
    deny,
    from_other_account,
    grant,
    identity,
    labeled,
    resource,
    role_session,
    user,
)

ANONYMOUS = AuthzRequest(
    action="s3:GetObject",
    resource=OBJECT,
    principal_arn="anonymous",
    principal_account=None,
    principal_type="Anonymous",
    resource_account=ACCOUNT,
)

# ---------------------------------------------------------------- what the decision reports


def test_matched_statements_and_missing_context_values() -> None:
    conditional = identity(allow("s3:*", Condition={"StringEquals": {"aws:PrincipalTag/team": "red"}}))
    unrelated = identity(allow("sqs:*", Condition={"StringEquals": {"aws:SourceVpc": "vpc-1"}}))
    decision = evaluate(user(), identity=[READ_OBJECTS, conditional, unrelated])
    assert decision.allowed
    assert [(lp.source_id, st.index) for lp, st in decision.matched] == [("identity-policy", 0)]
    assert decision.missing_context_values == ["aws:PrincipalTag/team"]


def test_matched_lists_allow_and_deny_statements() -> None:
    both = identity(allow(), deny("s3:GetObject"))
    decision = evaluate(user(), identity=[both])
    assert [st.effect for _, st in decision.matched] == ["Allow", "Deny"]


def test_request_context_fills_principal_keys() -> None:
    assert request_context(user()) == {
        "aws:principalarn": ALICE_ARN,
        "aws:principalaccount": ACCOUNT,
        "aws:principaltype": "User",
        "aws:username": "alice",
    }
    session = request_context(role_session(**{"aws:PrincipalTag/Team": "red"}))
    assert session["aws:principalarn"] == ROLE_ARN  # the role, not the session
    assert session["aws:principaltype"] == "AssumedRole"
    assert session["aws:principaltag/team"] == "red"
    assert "aws:username" not in session
    supplied = request_context(user(**{"aws:username": "override"}))
    assert supplied["aws:username"] == "override"


@pytest.mark.parametrize(
    ("decision_args", "request_", "message"),
    [
        (
            {},
            user(),
            f"User: {ALICE_ARN} is not authorized to perform: s3:GetObject on resource: {OBJECT} "
            "because no identity-based policy allows the s3:GetObject action",
        ),
        (
            {"identity": [identity(deny())]},
            user(),
            f"User: {ALICE_ARN} is not authorized to perform: s3:GetObject on resource: {OBJECT} "
            "with an explicit deny in an identity-based policy",
        ),
        (
            {"identity": [ADMIN], "resource_policy": resource(grant("*", effect="Deny"))},
            user(),
            f"User: {ALICE_ARN} is not authorized to perform: s3:GetObject on resource: {OBJECT} "
            "with an explicit deny in a resource-based policy",
        ),
        (
            {"identity": [ADMIN], "boundary": S3_AND_CLOUDWATCH},
            user("iam:ListUsers", "*"),
            f"User: {ALICE_ARN} is not authorized to perform: iam:ListUsers "
            "because no permissions boundary allows the iam:ListUsers action",
        ),
        (
            {"identity": [ADMIN], "boundary": BOUNDARY_DENIES_DELETE},
            user("s3:DeleteObject"),
            f"User: {ALICE_ARN} is not authorized to perform: s3:DeleteObject on resource: {OBJECT} "
            "with an explicit deny in a permissions boundary",
        ),
        (
            {"identity": [ADMIN], "session": [SESSION_READ]},
            role_session("s3:PutObject"),
            f"User: {SESSION_ARN} is not authorized to perform: s3:PutObject on resource: {OBJECT} "
            "because no session policy allows the s3:PutObject action",
        ),
        (
            {"identity": [ADMIN]},
            from_other_account(),
            f"User: {CAROL} is not authorized to perform: s3:GetObject on resource: {OBJECT} "
            "because no resource-based policy allows the s3:GetObject action",
        ),
        (
            {},
            ANONYMOUS,
            f"User: anonymous is not authorized to perform: s3:GetObject on resource: {OBJECT} "
            "because no resource-based policy allows the s3:GetObject action",
        ),
        (
            {"identity": [ADMIN], "scps": [labeled("identity", allow(), deny("s3:*"), source_type="none")]},
            user(),
            f"User: {ALICE_ARN} is not authorized to perform: s3:GetObject on resource: {OBJECT} "
            "with an explicit deny in a service control policy",
        ),
    ],
)
def test_denial_messages(decision_args: dict, request_: AuthzRequest, message: str) -> None:
    decision = evaluate(request_, **decision_args)
    assert not decision.allowed
    assert denial_message(request_, decision) == message


def test_denial_message_is_empty_when_allowed() -> None:
    request = user()
    assert denial_message(request, evaluate(request, identity=[ADMIN])) == ""


def test_action_names_are_case_insensitive_in_requests() -> None:
    assert evaluate(user("S3:GETOBJECT"), identity=[READ_OBJECTS]).allowed
