"""The tags of an IAM resource named by its ARN, for `aws:ResourceTag/*` and `iam:ResourceTag/*`."""

from __future__ import annotations

from stratus.services.iam.entities import INSTANCE_PROFILE, ROLE, USER, find, tag_map
from stratus.services.iam.managed import find_policy
from stratus.store.sqlite import Database

_ENTITY_KINDS = {"user": USER, "role": ROLE, "instance-profile": INSTANCE_PROFILE}


def tags_of(db: Database, arn: str) -> dict[str, str] | None:
    """`arn:aws:iam::ACCT:user/path/name` (user, role, instance-profile) or a customer managed
    policy ARN → its tags; None for anything else or an ARN of no existing resource."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam":
        return None
    account_id, resource = parts[4], parts[5]
    kind_name, _, rest = resource.partition("/")
    if kind_name == "policy":
        policy = find_policy(db, account_id, arn)
        if policy is None or policy.aws_managed:
            return None
        return tag_map(db, account_id, "policy", policy.policy_id)
    kind = _ENTITY_KINDS.get(kind_name)
    if kind is None or not rest:
        return None
    row = find(db, kind, account_id, rest.rsplit("/", 1)[-1])
    return tag_map(db, account_id, kind.kind, row[kind.id_column]) if row is not None else None
