"""Helpers shared by the action-mapping tests."""

from __future__ import annotations

from stratus.auth.actions import Authorization, authorizations

ACCOUNT = "000000000000"
OTHER = "111122223333"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


def authorize(service: str, operation: str, params: dict) -> list[tuple[str, str, str | None]]:
    found = authorizations(
        service, operation, params, account_id=ACCOUNT, region="us-east-1", partition="aws"
    )
    assert all(isinstance(item, Authorization) for item in found)
    return [(item.action, item.resource, item.resource_account) for item in found]


def one(action: str, resource: str, account: str | None = None) -> list[tuple[str, str, str | None]]:
    return [(action, resource, account)]
