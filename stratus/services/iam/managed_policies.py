"""AWS managed policies: the ones every account sees under ``arn:aws:iam::aws:policy/...``.

The documents, versions and dates come from AWS's "AWS Managed Policy Reference Guide" and live
in ``data/aws_managed_policies.json`` next to this module, loaded once on first use.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).parent / "data" / "aws_managed_policies.json"
AWS_POLICY_ARN_PREFIX = "arn:aws:iam::aws:policy"

# AWS's real policy ids are not published, so ids are derived from the name: stable across runs.
_POLICY_ID_PREFIX = "ANPA"
_POLICY_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_POLICY_ID_SUFFIX_LENGTH = 17


@dataclass(frozen=True, slots=True)
class AwsManagedPolicy:
    arn: str
    name: str
    path: str
    policy_id: str
    description: str
    document: str  # the policy JSON text, compact
    default_version_id: str  # e.g. "v7"
    create_date: datetime  # UTC
    update_date: datetime  # UTC


def aws_managed_policy_arn(path: str, name: str) -> str:
    """``/service-role/`` + ``X`` -> ``arn:aws:iam::aws:policy/service-role/X``."""
    return f"{AWS_POLICY_ARN_PREFIX}{path}{name}"


def derived_policy_id(name: str) -> str:
    """A 21-character ``ANPA...`` id that is the same for a given name in every run."""
    number = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest(), "big")
    characters = []
    for _ in range(_POLICY_ID_SUFFIX_LENGTH):
        number, index = divmod(number, len(_POLICY_ID_ALPHABET))
        characters.append(_POLICY_ID_ALPHABET[index])
    return _POLICY_ID_PREFIX + "".join(characters)


def _utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    # The data is written in UTC; a naive value is read as UTC rather than local time.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _policy_from_entry(entry: dict[str, Any]) -> AwsManagedPolicy:
    name: str = entry["name"]
    path: str = entry["path"]
    return AwsManagedPolicy(
        arn=aws_managed_policy_arn(path, name),
        name=name,
        path=path,
        policy_id=derived_policy_id(name),
        description=entry["description"],
        document=json.dumps(entry["document"], separators=(",", ":")),
        default_version_id=entry["version"],
        create_date=_utc(entry["created"]),
        update_date=_utc(entry["updated"]),
    )


@functools.cache
def aws_managed_policies() -> dict[str, AwsManagedPolicy]:
    """Every shipped AWS managed policy, keyed by ARN, in the order of the data file."""
    entries: list[dict[str, Any]] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    policies = (_policy_from_entry(entry) for entry in entries)
    return {policy.arn: policy for policy in policies}


def aws_managed_policy(arn: str) -> AwsManagedPolicy | None:
    return aws_managed_policies().get(arn)
