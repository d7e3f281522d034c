"""A function's resource-based policy as Lambda writes it: AddPermission's parameters turned into
one statement, statements into the document GetPolicy returns, and the checks of the parameters.

The statement has AWS's shape and member order (Sid, Effect, Principal, Action, Resource,
Condition): an account id becomes `{"AWS": "arn:aws:iam::ACCOUNT:root"}`, an IAM ARN
`{"AWS": arn}`, a service `{"Service": name}`, `*` stays `"*"`; SourceAccount, PrincipalOrgID,
EventSourceToken and FunctionUrlAuthType are `StringEquals` conditions, SourceArn is `ArnLike`.
"""

from __future__ import annotations

import json
import re
from functools import cache

from stratus.protocol.loader import service_model
from stratus.services.lambda_.common import (
    InvalidParameterValue,
    LambdaError,
    ValidationError,
    validation_message,
)

POLICY_VERSION = "2012-10-17"
POLICY_ID = "default"
MAX_POLICY_BYTES = 20 * 1024
INVALID_PRINCIPAL = "The provided principal was invalid. Please check the principal and try again."

_ACCOUNT = re.compile(r"\d{12}")
_IAM_ARN = re.compile(r"arn:aws[a-zA-Z-]*:(iam|sts)::\d{12}:(root|[a-zA-Z-]+/\S+)")
# Service principals are DNS-style names: s3.amazonaws.com, alexa-appkit.amazon.com, ...
_SERVICE = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")
# AddPermission members whose model pattern the service itself enforces (the protocol layer
# checks lengths and enums, not patterns).
_PATTERN_MEMBERS = (
    "StatementId",
    "Principal",
    "Action",
    "SourceArn",
    "SourceAccount",
    "EventSourceToken",
    "PrincipalOrgID",
)


class PolicyLengthExceeded(LambdaError):
    code = "PolicyLengthExceededException"
    status = 400


def check_members(req: dict) -> None:
    """AWS's ValidationException for AddPermission members that break the model's patterns."""
    patterns = _add_permission_patterns()
    for member in _PATTERN_MEMBERS:
        value = req.get(member)
        pattern = patterns.get(member)
        if value is None or pattern is None or re.fullmatch(pattern, value):
            continue
        raise ValidationError(
            validation_message(
                value,
                member[:1].lower() + member[1:],
                f"Member must satisfy regular expression pattern: {pattern}",
            )
        )


@cache
def _add_permission_patterns() -> dict[str, str]:
    shape = service_model("lambda").operation_model("AddPermission").input_shape
    return {
        name: member.metadata["pattern"]
        for name, member in shape.members.items()
        if "pattern" in member.metadata
    }


def principal_element(principal: str, partition: str) -> str | dict[str, str]:
    """The statement's Principal for AddPermission's `Principal` parameter."""
    if principal == "*":
        return "*"
    if _ACCOUNT.fullmatch(principal):
        return {"AWS": f"arn:{partition}:iam::{principal}:root"}
    if _IAM_ARN.fullmatch(principal):
        return {"AWS": principal}
    if _SERVICE.fullmatch(principal):
        return {"Service": principal}
    raise InvalidParameterValue(INVALID_PRINCIPAL)


def statement(req: dict, resource_arn: str, partition: str) -> dict:
    """The statement AddPermission adds, as GetPolicy shows it."""
    built: dict = {
        "Sid": req["StatementId"],
        "Effect": "Allow",
        "Principal": principal_element(req["Principal"], partition),
        "Action": req["Action"],
        "Resource": resource_arn,
    }
    string_equals: dict[str, str] = {}
    if req.get("SourceAccount"):
        string_equals["AWS:SourceAccount"] = req["SourceAccount"]
    if req.get("PrincipalOrgID"):
        string_equals["aws:PrincipalOrgID"] = req["PrincipalOrgID"]
    if req.get("EventSourceToken"):
        string_equals["lambda:EventSourceToken"] = req["EventSourceToken"]
    if req.get("FunctionUrlAuthType"):
        string_equals["lambda:FunctionUrlAuthType"] = req["FunctionUrlAuthType"]
    condition: dict[str, dict[str, str]] = {}
    if string_equals:
        condition["StringEquals"] = string_equals
    if req.get("SourceArn"):
        condition["ArnLike"] = {"AWS:SourceArn": req["SourceArn"]}
    if req.get("InvokedViaFunctionUrl") is not None:
        # Guessed form: AWS documents the parameter, not the condition it writes.
        condition["Bool"] = {
            "lambda:InvokedViaFunctionUrl": "true" if req["InvokedViaFunctionUrl"] else "false"
        }
    if condition:
        built["Condition"] = condition
    return built


def document(statements: list[dict]) -> dict:
    return {"Version": POLICY_VERSION, "Id": POLICY_ID, "Statement": statements}


def compact(value: object) -> str:
    """JSON as Lambda returns it (no spaces)."""
    return json.dumps(value, separators=(",", ":"))


def check_size(statements: list[dict]) -> None:
    """Lambda's 20 KB limit on a function's policy (per version or alias)."""
    size = len(compact(document(statements)).encode())
    if size > MAX_POLICY_BYTES:
        raise PolicyLengthExceeded(
            f"The final policy size ({size}) is bigger than the limit ({MAX_POLICY_BYTES})."
        )
