"""Tables and shared lookups of IAM's account-level entities (MFA, passwords, providers, certificates).

The identities part of IAM (users, roles, policies) lives in `store.py`; its migration list applies
`ACCOUNT_SCHEMA` together with its own. STS reads MFA devices and OIDC providers through the lookups
here. Timestamps are stored as ISO-8601 text in UTC; list-valued columns and tags as JSON text.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pyotp

from stratus.store.sqlite import Database

ACCOUNT_SCHEMA = """
CREATE TABLE mfa_devices (
    account_id TEXT NOT NULL,
    serial_number TEXT NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    seed_base32 TEXT NOT NULL,
    user_name TEXT COLLATE NOCASE,
    enabled INTEGER NOT NULL DEFAULT 0,
    enable_date TEXT,
    create_date TEXT NOT NULL,
    last_time_step INTEGER,
    tags TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (account_id, serial_number)
);
CREATE INDEX mfa_devices_by_user ON mfa_devices (account_id, user_name);

CREATE TABLE login_profiles (
    account_id TEXT NOT NULL,
    user_name TEXT NOT NULL COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    password_reset_required INTEGER NOT NULL DEFAULT 0,
    create_date TEXT NOT NULL,
    password_changed TEXT NOT NULL,
    password_last_used TEXT,
    previous_hashes TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (account_id, user_name)
);

CREATE TABLE password_policy (
    account_id TEXT NOT NULL PRIMARY KEY,
    minimum_password_length INTEGER NOT NULL,
    require_symbols INTEGER NOT NULL,
    require_numbers INTEGER NOT NULL,
    require_uppercase INTEGER NOT NULL,
    require_lowercase INTEGER NOT NULL,
    allow_users_to_change INTEGER NOT NULL,
    max_password_age INTEGER,
    password_reuse_prevention INTEGER,
    hard_expiry INTEGER
);

CREATE TABLE account_aliases (
    alias TEXT NOT NULL PRIMARY KEY,
    account_id TEXT NOT NULL
);
CREATE UNIQUE INDEX account_aliases_by_account ON account_aliases (account_id);

CREATE TABLE oidc_providers (
    account_id TEXT NOT NULL,
    arn TEXT NOT NULL,
    url TEXT NOT NULL,
    client_ids TEXT NOT NULL DEFAULT '[]',
    thumbprints TEXT NOT NULL DEFAULT '[]',
    tags TEXT NOT NULL DEFAULT '[]',
    create_date TEXT NOT NULL,
    PRIMARY KEY (account_id, arn)
);

CREATE TABLE saml_providers (
    account_id TEXT NOT NULL,
    arn TEXT NOT NULL,
    name TEXT NOT NULL,
    provider_uuid TEXT NOT NULL,
    metadata_document TEXT NOT NULL,
    assertion_encryption_mode TEXT,
    private_keys TEXT NOT NULL DEFAULT '[]',
    valid_until TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    create_date TEXT NOT NULL,
    PRIMARY KEY (account_id, arn)
);

CREATE TABLE server_certificates (
    account_id TEXT NOT NULL,
    name TEXT NOT NULL,
    certificate_id TEXT NOT NULL,
    path TEXT NOT NULL,
    body TEXT NOT NULL,
    chain TEXT,
    expiration TEXT NOT NULL,
    upload_date TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (account_id, name)
);

CREATE TABLE signing_certificates (
    account_id TEXT NOT NULL,
    certificate_id TEXT NOT NULL,
    user_name TEXT NOT NULL COLLATE NOCASE,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    upload_date TEXT NOT NULL,
    PRIMARY KEY (account_id, certificate_id)
);
CREATE INDEX signing_certificates_by_user ON signing_certificates (account_id, user_name);

CREATE TABLE ssh_public_keys (
    account_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    user_name TEXT NOT NULL COLLATE NOCASE,
    body TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL,
    upload_date TEXT NOT NULL,
    PRIMARY KEY (account_id, key_id)
);
CREATE INDEX ssh_public_keys_by_user ON ssh_public_keys (account_id, user_name);

CREATE TABLE service_specific_credentials (
    account_id TEXT NOT NULL,
    credential_id TEXT NOT NULL,
    user_name TEXT NOT NULL COLLATE NOCASE,
    service_name TEXT NOT NULL,
    service_user_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    create_date TEXT NOT NULL,
    expiration_date TEXT,
    PRIMARY KEY (account_id, credential_id)
);
CREATE INDEX service_specific_credentials_by_user ON service_specific_credentials (account_id, user_name);

CREATE TABLE credential_reports (
    account_id TEXT NOT NULL PRIMARY KEY,
    content TEXT NOT NULL,
    generated_time TEXT NOT NULL
);
"""

# ---------------------------------------------------------------- row helpers


def to_text(moment: datetime | None) -> str | None:
    """How a timestamp is stored: ISO-8601 in UTC."""
    return None if moment is None else moment.astimezone(UTC).isoformat()


def from_text(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def tags_from(text: str | None) -> list[dict[str, str]]:
    return json.loads(text) if text else []


# ---------------------------------------------------------------- users' dependents

# The order IAM checks them in DeleteUser, each with AWS's DeleteConflict message.
_USER_DEPENDENTS = (
    ("login_profiles", "Cannot delete entity, must delete login profile first."),
    ("mfa_devices", "Cannot delete entity, must delete MFA device first."),
    ("signing_certificates", "Cannot delete entity, must delete signing certificates first."),
    ("ssh_public_keys", "Cannot delete entity, must delete SSH public keys first."),
    ("service_specific_credentials", "Cannot delete entity, must delete service specific credentials first."),
)


def user_dependents(db: Database, account_id: str, user_name: str) -> str | None:
    """AWS's DeleteConflict message for the first account-level thing the user still has, else None."""
    for table, message in _USER_DEPENDENTS:
        # Table names come from the constant above, never from input.
        row = db.query_one(
            f"SELECT 1 FROM {table} WHERE account_id = ? AND user_name = ? LIMIT 1", (account_id, user_name)
        )
        if row is not None:
            return message
    return None


def rename_user(db: Database, account_id: str, old_name: str, new_name: str) -> None:
    """Carry the user's account-level things along when UpdateUser renames them."""
    for table, _message in _USER_DEPENDENTS:
        db.execute(
            f"UPDATE {table} SET user_name = ? WHERE account_id = ? AND user_name = ?",
            (new_name, account_id, old_name),
        )


# ---------------------------------------------------------------- MFA (used by STS)


def mfa_device(db: Database, account_id: str, serial_number: str) -> dict[str, Any] | None:
    """The virtual MFA device with that serial number (ARN): serial_number, user_name (None when
    unassigned), seed_base32, enabled, enable_date, plus path, name, create_date, tags."""
    row = db.query_one(
        "SELECT * FROM mfa_devices WHERE account_id = ? AND serial_number = ?", (account_id, serial_number)
    )
    return None if row is None else _mfa_record(row)


def mfa_devices_for_user(db: Database, account_id: str, user_name: str) -> list[dict[str, Any]]:
    rows = db.query(
        "SELECT * FROM mfa_devices WHERE account_id = ? AND user_name = ? ORDER BY serial_number",
        (account_id, user_name),
    )
    return [_mfa_record(row) for row in rows]


def _mfa_record(row: Any) -> dict[str, Any]:
    return {
        "serial_number": row["serial_number"],
        "name": row["name"],
        "path": row["path"],
        "user_name": row["user_name"],
        "seed_base32": row["seed_base32"],
        "enabled": bool(row["enabled"]),
        "enable_date": from_text(row["enable_date"]),
        "create_date": from_text(row["create_date"]),
        "last_time_step": row["last_time_step"],
        "tags": tags_from(row["tags"]),
    }


TOTP_PERIOD = 30


def totp_time_step(seed_base32: str, code: str, at: datetime, window: int = 1) -> int | None:
    """The 30-second time step (counter) whose TOTP code of the seed is `code`, searching `window`
    steps either side of `at`, else None."""
    if not (isinstance(code, str) and len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(seed_base32)
    current = int(at.timestamp()) // TOTP_PERIOD
    for step in sorted(range(current - window, current + window + 1), key=lambda s: abs(s - current)):
        if totp.at(step * TOTP_PERIOD) == code:
            return step
    return None


def totp_matches(seed_base32: str, code: str, at: datetime, window: int = 1) -> bool:
    """Whether `code` is the seed's TOTP code at `at`, allowing `window` 30-second steps of drift."""
    return totp_time_step(seed_base32, code, at, window) is not None


def accept_mfa_code(db: Database, account_id: str, serial_number: str, code: str, at: datetime) -> bool:
    """Check a code for an enabled device and remember its time step, so a code (or an older one)
    is never accepted twice, as AWS refuses a replayed MFA code. Returns whether it was accepted."""
    device = mfa_device(db, account_id, serial_number)
    if device is None or not device["enabled"]:
        return False
    step = totp_time_step(device["seed_base32"], code, at)
    if step is None:
        return False
    last = device["last_time_step"]
    if last is not None and step <= last:
        return False
    record_mfa_time_step(db, account_id, serial_number, step)
    return True


def record_mfa_time_step(db: Database, account_id: str, serial_number: str, step: int) -> None:
    """Remember the last time step a device's code was used at (see `accept_mfa_code`)."""
    db.execute(
        "UPDATE mfa_devices SET last_time_step = ? WHERE account_id = ? AND serial_number = ?",
        (step, account_id, serial_number),
    )


# ---------------------------------------------------------------- OIDC providers (used by STS)


def oidc_provider(db: Database, account_id: str, arn: str) -> dict[str, Any] | None:
    """arn, url (without scheme, as IAM stores it), client_ids, thumbprints, tags, create_date."""
    row = db.query_one("SELECT * FROM oidc_providers WHERE account_id = ? AND arn = ?", (account_id, arn))
    return None if row is None else _oidc_record(row)


def oidc_provider_for_issuer(db: Database, account_id: str, issuer_url: str) -> dict[str, Any] | None:
    """The provider for a token's `iss` claim (with or without `https://`, trailing `/` ignored)."""
    url = oidc_url_key(issuer_url)
    row = db.query_one("SELECT * FROM oidc_providers WHERE account_id = ? AND url = ?", (account_id, url))
    return None if row is None else _oidc_record(row)


def oidc_url_key(url: str) -> str:
    """The provider URL as IAM keeps it: no scheme, no trailing slash (the ARN's resource part)."""
    for scheme in ("https://", "http://"):
        if url.lower().startswith(scheme):
            url = url[len(scheme) :]
            break
    return url.rstrip("/")


def _oidc_record(row: Any) -> dict[str, Any]:
    return {
        "arn": row["arn"],
        "url": row["url"],
        "client_ids": json.loads(row["client_ids"]),
        "thumbprints": json.loads(row["thumbprints"]),
        "tags": tags_from(row["tags"]),
        "create_date": from_text(row["create_date"]),
    }
