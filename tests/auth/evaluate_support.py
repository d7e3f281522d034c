"""Builders shared by the evaluate() tests: policies, requests and the outcome triple."""

from __future__ import annotations

import json

from stratus.auth.evaluate import AuthzRequest, Decision, LabeledPolicy
from stratus.auth.policy import parse_policy

ACCOUNT = "111122223333"
OTHER = "444455556666"
BUCKET = "arn:aws:s3:::amzn-s3-demo-bucket"
OBJECT = f"{BUCKET}/report.csv"
ALICE_ARN = f"arn:aws:iam::{ACCOUNT}:user/alice"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/Reader"
SESSION_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/Reader/s1"


def labeled(
    kind: str, *statements: dict, source_type: str = "user", version: str = "2012-10-17"
) -> LabeledPolicy:
    document = json.dumps({"Version": version, "Statement": list(statements)})
    return LabeledPolicy(parse_policy(document, kind), source_id=f"{kind}-policy", source_type=source_type)  # type: ignore[arg-type]


def allow(action: object = "*", resource: object = "*", **extra: object) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: object = "*", resource: object = "*", **extra: object) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def identity(*statements: dict) -> LabeledPolicy:
    return labeled("identity", *statements)


def resource(*statements: dict) -> LabeledPolicy:
    return labeled("resource", *statements, source_type="resource")


def user(action: str = "s3:GetObject", target: str = OBJECT, **context: object) -> AuthzRequest:
    return AuthzRequest(
        action=action,
        resource=target,
        principal_arn=ALICE_ARN,
        principal_account=ACCOUNT,
        principal_type="IAMUser",
        context=context,
    )


def role_session(action: str = "s3:GetObject", target: str = OBJECT, **context: object) -> AuthzRequest:
    return AuthzRequest(
        action=action,
        resource=target,
        principal_arn=SESSION_ARN,
        principal_account=ACCOUNT,
        principal_type="AssumedRole",
        role_arn=ROLE_ARN,
        context=context,
    )


def outcome(decision: Decision) -> tuple[str, str, str | None]:
    return decision.eval_decision, decision.reason, decision.deny_policy_type


ADMIN = identity(allow())
READ_OBJECTS = identity(allow("s3:GetObject", f"{BUCKET}/*"))

S3_AND_CLOUDWATCH = labeled("boundary", allow(["s3:*", "cloudwatch:*"]), source_type="boundary")
BOUNDARY_DENIES_DELETE = labeled("boundary", allow(), deny("s3:DeleteObject"), source_type="boundary")
SESSION_READ = labeled("session", allow("s3:GetObject", f"{BUCKET}/*"), source_type="session")
SESSION_IAM = labeled("session", allow("iam:*"), source_type="session")


def grant(
    principal: object,
    action: object = "s3:GetObject",
    target: object = f"{BUCKET}/*",
    effect: str = "Allow",
    **extra: object,
) -> dict:
    return {"Effect": effect, "Principal": principal, "Action": action, "Resource": target, **extra}


def from_other_account(action: str = "s3:GetObject", target: str = OBJECT) -> AuthzRequest:
    return AuthzRequest(
        action=action,
        resource=target,
        principal_arn=f"arn:aws:iam::{OTHER}:user/carol",
        principal_account=OTHER,
        principal_type="IAMUser",
        resource_account=ACCOUNT,
    )


CAROL = f"arn:aws:iam::{OTHER}:user/carol"
