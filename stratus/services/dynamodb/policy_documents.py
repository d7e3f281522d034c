"""DynamoDB resource-based policy documents: validation with DynamoDB's messages, and the canonical
form DynamoDB stores and returns.

Documents go through Stratus's IAM policy grammar (`stratus.auth.policy`, kind "resource"); its
messages are reworded the way DynamoDB's PutResourcePolicy words them. DynamoDB also refuses an
Allow to everyone ("unbounded access"), and actions that do not fit the resource (stream actions in
a table policy, table actions in a stream policy).

GetResourcePolicy answers a canonical document: minified, keys in IAM's order, one-element lists
as plain strings, a bare account id principal as the account's root ARN; two documents with the
same canonical form are the same policy (a re-Put is a no-op keeping its RevisionId).
"""

from __future__ import annotations

import json

from stratus.auth.conditions import SYNTAX_ERROR
from stratus.auth.policy import (
    DUPLICATE_SID,
    MISSING_RESOURCES,
    Policy,
    PolicyError,
    parse_policy,
)
from stratus.services.dynamodb.common import ValidationException

MAX_POLICY_BYTES = 20480
INVALID = "One or more parameter values were invalid: "
INVALID_DOCUMENT = INVALID + "Invalid policy document: "
UNBOUNDED = (
    "Resource-based policy grants unbounded access in one or more elements. "
    "Please revise the policy to ensure least-privilege form of access"
)
STREAM_ACTIONS = frozenset(
    {"dynamodb:describestream", "dynamodb:getrecords", "dynamodb:getshariterator", "dynamodb:liststreams"}
)
_TOP_ORDER = ("Version", "Id", "Statement")
_STATEMENT_ORDER = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
_IAM_TO_DYNAMODB = {
    DUPLICATE_SID: "The Statement Ids in the policy are not unique",
    MISSING_RESOURCES: "Missing required field Resource",
}


def check_policy(text: str, *, stream: bool) -> tuple[dict, Policy]:
    """The document (parsed JSON) and its compiled form, or DynamoDB's ValidationException."""
    if len(text.encode("utf-8")) > MAX_POLICY_BYTES:
        raise ValidationException(INVALID + f"Maximum policy size of {MAX_POLICY_BYTES} bytes exceeded")
    try:
        document = json.loads(text)
    except ValueError:
        raise ValidationException(INVALID_DOCUMENT + "This policy contains invalid Json") from None
    if isinstance(document, dict) and document.get("Statement") in ([], {}):
        raise ValidationException(INVALID_DOCUMENT + "Could not parse the policy: Statement is empty!")
    try:
        policy = parse_policy(text, "resource")
    except PolicyError as error:
        if error.message.startswith("Invalid principal"):
            raise ValidationException(INVALID + "Invalid principal in policy document.") from None
        if error.message == SYNTAX_ERROR:
            # guessed: DynamoDB names the position ("Syntax error at position (1,94)"); Stratus's
            # parser does not track it
            raise ValidationException(INVALID_DOCUMENT + "Syntax error in policy") from None
        raise ValidationException(
            INVALID_DOCUMENT + _IAM_TO_DYNAMODB.get(error.message, error.message)
        ) from None
    statements = _statements(document)
    _check_actions(statements, stream)
    for statement in statements:
        if (
            statement.get("Effect") == "Allow"
            and _everyone(statement.get("Principal"))
            and not statement.get("Condition")
        ):
            raise ValidationException(UNBOUNDED)
    return document, policy


def _statements(document: dict) -> list[dict]:
    statements = document["Statement"]
    return [statements] if isinstance(statements, dict) else list(statements)


def _as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _everyone(principal: object) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))


def _check_actions(statements: list[dict], stream: bool) -> None:
    """Stream actions belong in stream policies and the other DynamoDB actions in table policies."""
    misplaced: list[str] = []
    for statement in statements:
        for action in _as_list(statement.get("Action")) + _as_list(statement.get("NotAction")):
            lowered = action.lower()
            if not lowered.startswith("dynamodb:") or "*" in lowered or "?" in lowered:
                continue
            if (lowered in STREAM_ACTIONS) != stream and action not in misplaced:
                misplaced.append(action)
    if misplaced:
        names = ", ".join(f'"{action}"' for action in misplaced)
        raise ValidationException(INVALID_DOCUMENT + f"The following action names are invalid: {names}")


def canonical(document: dict, partition: str) -> str:
    """The document as DynamoDB keeps it (see the module docstring)."""
    shown: dict = {key: document[key] for key in _TOP_ORDER if key in document}
    shown["Statement"] = [_canonical_statement(s, partition) for s in _statements(document)]
    return json.dumps(shown, separators=(",", ":"))


def _canonical_statement(statement: dict, partition: str) -> dict:
    shown: dict = {}
    for key in _STATEMENT_ORDER:
        if key not in statement:
            continue
        value = statement[key]
        if key == "Effect":
            value = value.capitalize()
        elif key in ("Principal", "NotPrincipal") and isinstance(value, dict):
            value = {kind: _single(_principals(kind, names, partition)) for kind, names in value.items()}
        elif key != "Condition":
            value = _single(_as_list(value))
        shown[key] = value
    return shown


def _principals(kind: str, names: object, partition: str) -> list[str]:
    found: list[str] = []
    for name in _as_list(names):
        if kind == "AWS" and isinstance(name, str) and name.isdigit() and len(name) == 12:
            name = f"arn:{partition}:iam::{name}:root"
        if name not in found:
            found.append(name)
    return found


def _single(values: list) -> object:
    return values[0] if len(values) == 1 else values


def shown_document(stored: str) -> str:
    """What GetResourcePolicy returns: the stored form, with the Version IAM assumes when none was given."""
    document = json.loads(stored)
    if "Version" in document:
        return stored
    return json.dumps({"Version": "2008-10-17", **document}, separators=(",", ":"))
