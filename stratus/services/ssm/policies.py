"""Parameter policies (advanced tier only): Expiration, ExpirationNotification, NoChangeNotification.

Policies arrive as a JSON array of `{"Type", "Version": "1.0", "Attributes"}` objects and are kept
in that form. Stratus executes Expiration: a background sweep, driven by the Stratus clock, deletes
the parameter once its timestamp has passed (AWS also deletes through periodic scans). The two
notification policies are validated and stored, and stay Pending: their EventBridge events are not
sent, as Stratus has no EventBridge yet.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from stratus.services.ssm.common import (
    IncompatiblePolicyException,
    InvalidPolicyAttributeException,
    InvalidPolicyTypeException,
    PoliciesLimitExceededException,
)
from stratus.services.ssm.store import delete_parameter, expired_parameter_ids
from stratus.store import Database

MAX_POLICIES = 10
SWEEP_SECONDS = 10.0
SWEEP_BATCH = 200
PENDING = "Pending"

# The API reference's descriptions of these errors, used as their messages.
BAD_TYPE = (
    "The policy type isn't supported. Parameter Store supports the following policy types: "
    "Expiration, ExpirationNotification, and NoChangeNotification."
)
BAD_ATTRIBUTE = "A policy attribute or its value is invalid."
CONFLICT = (
    "There is a conflict in the policies specified for this parameter. You can't, for example, specify "
    "two Expiration policies for a parameter. Review your policies, and try again."
)
TOO_MANY = (
    "You specified more than the maximum number of allowed policies for the parameter. The maximum is 10."
)

_UNITS = ("Days", "Hours")
_POSITIVE = re.compile(r"[1-9][0-9]{0,8}")
_KNOWN = {
    "Expiration": ("Timestamp",),
    "ExpirationNotification": ("Before", "Unit"),
    "NoChangeNotification": ("After", "Unit"),
}


def _timestamp(text: object) -> float:
    """ISO_INSTANT (`2030-12-02T21:34:33.000Z`) or ISO_OFFSET_DATE_TIME (`...+10:30`)."""
    if not isinstance(text, str) or "T" not in text:
        raise InvalidPolicyAttributeException(BAD_ATTRIBUTE)
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise InvalidPolicyAttributeException(BAD_ATTRIBUTE) from None
    if moment.tzinfo is None:
        raise InvalidPolicyAttributeException(BAD_ATTRIBUTE)
    return moment.timestamp()


def _check_policy(policy: object) -> str:
    """The policy's type, once its shape and attributes are valid."""
    if not isinstance(policy, dict):
        raise InvalidPolicyAttributeException(BAD_ATTRIBUTE)
    kind = policy.get("Type")
    if kind not in _KNOWN:
        raise InvalidPolicyTypeException(BAD_TYPE)
    attributes = policy.get("Attributes")
    if policy.get("Version") != "1.0" or not isinstance(attributes, dict):
        raise InvalidPolicyAttributeException(BAD_ATTRIBUTE)
    if set(attributes) != set(_KNOWN[kind]):
        raise InvalidPolicyAttributeException(BAD_ATTRIBUTE)
    if kind == "Expiration":
        _timestamp(attributes["Timestamp"])
    else:
        amount = attributes["Before" if kind == "ExpirationNotification" else "After"]
        if not isinstance(amount, str) or not _POSITIVE.fullmatch(amount) or attributes["Unit"] not in _UNITS:
            raise InvalidPolicyAttributeException(BAD_ATTRIBUTE)
    return kind


def parse_policies(text: str) -> list[dict]:
    """The policies of a PutParameter request, validated as Parameter Store validates them."""
    try:
        policies = json.loads(text)
    except ValueError:
        raise InvalidPolicyAttributeException(BAD_ATTRIBUTE) from None
    if isinstance(policies, dict):
        policies = [policies]  # a single policy object is accepted as a list of one
    if not isinstance(policies, list):
        raise InvalidPolicyAttributeException(BAD_ATTRIBUTE)
    if len(policies) > MAX_POLICIES:
        raise PoliciesLimitExceededException(TOO_MANY)
    kinds = [_check_policy(policy) for policy in policies]
    if len(set(kinds)) != len(kinds):
        raise IncompatiblePolicyException(CONFLICT)
    if "ExpirationNotification" in kinds and "Expiration" not in kinds:
        raise IncompatiblePolicyException(CONFLICT)  # guessed: a notification needs an expiration
    return policies


def stored_text(policies: list[dict]) -> str | None:
    return json.dumps(policies, separators=(",", ":")) if policies else None


def expiration_of(stored: str | None) -> float | None:
    """When the Expiration policy among stored policies deletes the parameter, if there is one."""
    for policy in json.loads(stored) if stored else ():
        if policy["Type"] == "Expiration":
            return _timestamp(policy["Attributes"]["Timestamp"])
    return None


def describe(stored: str | None) -> list[dict]:
    """ParameterInlinePolicy entries of DescribeParameters and GetParameterHistory."""
    return [
        {
            "PolicyText": json.dumps(policy, separators=(",", ":")),
            "PolicyType": policy["Type"],
            "PolicyStatus": PENDING,
        }
        for policy in (json.loads(stored) if stored else ())
    ]


def sweep(db: Database, now: float) -> int:
    """Delete the parameters whose Expiration has passed; returns how many."""
    deleted = 0
    while True:
        with db.transaction():
            ids = expired_parameter_ids(db, now, SWEEP_BATCH)
            for parameter_id in ids:
                delete_parameter(db, parameter_id)
        deleted += len(ids)
        if len(ids) < SWEEP_BATCH:
            return deleted
