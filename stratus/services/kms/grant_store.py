"""Grants: their records, their tokens, and whether one lets a principal do an operation."""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass

from stratus.auth.credentials import Principal
from stratus.services.kms.common import InvalidGrantTokenException
from stratus.services.kms.store import Key
from stratus.store import Database, Row

INVALID_TOKEN = "Invalid grant token."  # guessed


@dataclass(frozen=True, slots=True)
class Grant:
    account_id: str  # the key's account and region
    region: str
    grant_id: str
    key_id: str
    name: str | None
    created: float
    grantee: str | None
    grantee_service: str | None
    retiring: str | None
    retiring_service: str | None
    issuing_account: str
    operations: tuple[str, ...]
    constraints: dict | None


def _grant(row: Row) -> Grant:
    return Grant(
        account_id=row["account_id"],
        region=row["region"],
        grant_id=row["grant_id"],
        key_id=row["key_id"],
        name=row["name"],
        created=row["created"],
        grantee=row["grantee"],
        grantee_service=row["grantee_service"],
        retiring=row["retiring"],
        retiring_service=row["retiring_service"],
        issuing_account=row["issuing_account"],
        operations=tuple(json.loads(row["operations"])),
        constraints=json.loads(row["constraints"]) if row["constraints"] else None,
    )


def new_grant_id() -> str:
    return os.urandom(32).hex()


def insert_grant(db: Database, grant: Grant) -> None:
    db.execute(
        "INSERT INTO kms_grants (account_id, region, grant_id, key_id, name, created, grantee, grantee_service, "
        "retiring, retiring_service, issuing_account, operations, constraints) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            grant.account_id,
            grant.region,
            grant.grant_id,
            grant.key_id,
            grant.name,
            grant.created,
            grant.grantee,
            grant.grantee_service,
            grant.retiring,
            grant.retiring_service,
            grant.issuing_account,
            json.dumps(list(grant.operations)),
            json.dumps(grant.constraints) if grant.constraints else None,
        ),
    )


def find_grant(db: Database, account_id: str, region: str, grant_id: str) -> Grant | None:
    row = db.query_one(
        "SELECT * FROM kms_grants WHERE account_id = ? AND region = ? AND grant_id = ?",
        (account_id, region, grant_id),
    )
    return _grant(row) if row is not None else None


def grants_of(db: Database, key: Key) -> list[Grant]:
    rows = db.query(
        "SELECT * FROM kms_grants WHERE account_id = ? AND region = ? AND key_id = ? ORDER BY created, grant_id",
        (key.account_id, key.region, key.key_id),
    )
    return [_grant(row) for row in rows]


def grants_retirable_by(db: Database, region: str, principal: str | None, service: str | None) -> list[Grant]:
    if principal is not None:
        rows = db.query(
            "SELECT * FROM kms_grants WHERE retiring = ? AND region = ? ORDER BY created, grant_id",
            (principal, region),
        )
    else:
        rows = db.query(
            "SELECT * FROM kms_grants WHERE retiring_service = ? AND region = ? ORDER BY created, grant_id",
            (service, region),
        )
    return [_grant(row) for row in rows]


def delete_grant(db: Database, grant: Grant) -> None:
    db.execute(
        "DELETE FROM kms_grants WHERE account_id = ? AND region = ? AND grant_id = ?",
        (grant.account_id, grant.region, grant.grant_id),
    )


# -- tokens ---------------------------------------------------------------------------------


def grant_token(grant: Grant) -> str:
    """A token naming the grant; each CreateGrant answer gets a fresh one (a random part)."""
    payload = json.dumps([grant.account_id, grant.region, grant.grant_id, os.urandom(8).hex()])
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def read_token(token: str) -> tuple[str, str, str]:
    """(account, region, grant id) a token names; InvalidGrantTokenException if it is not one."""
    try:
        account_id, region, grant_id, _ = json.loads(
            base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        )
    except (ValueError, TypeError, UnicodeDecodeError):
        raise InvalidGrantTokenException(INVALID_TOKEN) from None
    if not all(isinstance(part, str) for part in (account_id, region, grant_id)):
        raise InvalidGrantTokenException(INVALID_TOKEN)
    return account_id, region, grant_id


def check_tokens(tokens: list[str] | None) -> None:
    """GrantTokens of a request must be tokens KMS handed out (their grants are effective at once in
    Stratus, which has no eventual consistency to bridge)."""
    for token in tokens or ():
        read_token(token)


# -- matching -------------------------------------------------------------------------------


def names_grantee(grant: Grant, principal: Principal) -> bool:
    if principal.type == "AWSService":
        return grant.grantee_service == principal.arn or grant.grantee == principal.arn
    return grant.grantee is not None and grant.grantee in (principal.arn, principal.role_arn)


def constraints_hold(grant: Grant, operation: str, encryption_context: dict[str, str] | None) -> bool:
    """Encryption context constraints bind the operations that take an encryption context; keys are
    compared without case, values exactly."""
    constraints = grant.constraints or {}
    if operation in ("DescribeKey", "RetireGrant"):
        return True
    context = {k.lower(): v for k, v in (encryption_context or {}).items()}
    equals = constraints.get("EncryptionContextEquals")
    if equals is not None and {k.lower(): v for k, v in equals.items()} != context:
        return False
    subset = constraints.get("EncryptionContextSubset")
    return subset is None or all(context.get(k.lower()) == v for k, v in subset.items())


def grant_allows(
    grant: Grant,
    principal: Principal,
    operation: str,
    encryption_context: dict[str, str] | None,
    source_arn: str | None,
) -> bool:
    if operation not in grant.operations or not names_grantee(grant, principal):
        return False
    wanted_source = (grant.constraints or {}).get("SourceArn")
    if wanted_source is not None and operation != "RetireGrant" and wanted_source != source_arn:
        return False
    return constraints_hold(grant, operation, encryption_context)
