"""The least-privilege identity policy that allows exactly what a principal was seen doing.

Input: the IAM decisions recorded in audit (or enforce) mode. Actions used on the same set of
resources share one statement, so the policy stays short and reads like one written by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")


def decisions_of(records: Iterable[dict], principal: str) -> list[dict]:
    """The decisions of `principal` (its ARN; a role ARN also selects its sessions)."""
    session_prefix = None
    if ":role/" in principal:  # arn:aws:iam::ACCT:role/path/NAME → arn:aws:sts::ACCT:assumed-role/NAME/
        account = principal.split(":")[4]
        session_prefix = f"arn:aws:sts::{account}:assumed-role/{principal.rsplit('/', 1)[-1]}/"
    return [
        d
        for d in records
        if d.get("principal") == principal
        or (session_prefix and str(d.get("principal", "")).startswith(session_prefix))
    ]


def least_privilege_policy(decisions: Iterable[dict]) -> dict:
    resources_by_action: dict[str, set[str]] = {}
    for decision in decisions:
        resources_by_action.setdefault(decision["action"], set()).add(decision["resource"])
    actions_by_resources: dict[tuple[str, ...], list[str]] = {}
    for action, resources in resources_by_action.items():
        key = ("*",) if "*" in resources else tuple(sorted(resources))
        actions_by_resources.setdefault(key, []).append(action)
    statements = []
    for resources, actions in sorted(actions_by_resources.items(), key=lambda item: sorted(item[1])[0]):
        actions = sorted(actions)
        statements.append(
            {
                "Sid": _sid(actions, len(statements) + 1),
                "Effect": "Allow",
                "Action": actions if len(actions) > 1 else actions[0],
                "Resource": list(resources) if len(resources) > 1 else resources[0],
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def _sid(actions: list[str], number: int) -> str:
    services = sorted({action.split(":", 1)[0] for action in actions})
    return _NOT_ALNUM.sub("", "".join(s.capitalize() for s in services)) + str(number)
