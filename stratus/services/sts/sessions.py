"""Temporary security credentials: what STS issued, so later requests signed with them resolve to
their session's principal, permissions and expiry.

Sessions live in the `sts` database. Times are emulated epoch seconds (the Stratus clock), so
moving the clock forward expires them as an hour of waiting would.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field

from stratus.core.ids import random_upper
from stratus.store import Database

STS_DATABASE = "sts"

MIGRATIONS = [
    """
    CREATE TABLE sessions (
        access_key_id TEXT PRIMARY KEY,
        secret_access_key TEXT NOT NULL,
        session_token TEXT NOT NULL,
        account_id TEXT NOT NULL,
        principal_type TEXT NOT NULL,      -- AssumedRole | IAMUser | Root | FederatedUser | WebIdentityUser
        arn TEXT NOT NULL,
        user_id TEXT NOT NULL,
        name TEXT,                         -- role, user or federated user name
        role_arn TEXT,
        session_name TEXT,
        source_user_name TEXT,             -- GetSessionToken/GetFederationToken: the IAM user it came from
        session_policies TEXT NOT NULL,    -- JSON list of policy documents that narrow the session
        session_tags TEXT NOT NULL,        -- JSON object: principal tags of the session
        transitive_tag_keys TEXT NOT NULL, -- JSON list
        mfa_authenticated INTEGER NOT NULL,
        mfa_authenticated_at REAL,
        source_identity TEXT,
        chained INTEGER NOT NULL,          -- assumed by an assumed role (role chaining)
        issued_at REAL NOT NULL,
        expires_at REAL NOT NULL
    );
    CREATE INDEX sessions_by_expiry ON sessions (expires_at);
    CREATE TABLE settings (name TEXT PRIMARY KEY, value BLOB NOT NULL);
    """,
]


@dataclass(frozen=True, slots=True)
class Session:
    access_key_id: str
    secret_access_key: str
    session_token: str
    account_id: str
    principal_type: str
    arn: str
    user_id: str
    name: str | None
    role_arn: str | None
    session_name: str | None
    source_user_name: str | None
    session_policies: tuple[str, ...]
    session_tags: dict[str, str] = field(default_factory=dict)
    transitive_tag_keys: tuple[str, ...] = ()
    mfa_authenticated: bool = False
    mfa_authenticated_at: float | None = None
    source_identity: str | None = None
    chained: bool = False
    issued_at: float = 0.0
    expires_at: float = 0.0


def new_credentials() -> tuple[str, str, str]:
    """(access key id ASIA..., 40-character secret, session token) as AWS shapes them."""
    secret = base64.b64encode(os.urandom(30)).decode().replace("/", "+")[:40]
    token = "IQoJb3JpZ2luX2VjE" + base64.b64encode(os.urandom(240)).decode()
    return "ASIA" + random_upper(16), secret, token


def save(db: Database, session: Session) -> None:
    db.execute(
        "INSERT INTO sessions (access_key_id, secret_access_key, session_token, account_id, principal_type, arn,"
        " user_id, name, role_arn, session_name, source_user_name, session_policies, session_tags,"
        " transitive_tag_keys, mfa_authenticated, mfa_authenticated_at, source_identity, chained, issued_at,"
        " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            session.access_key_id,
            session.secret_access_key,
            session.session_token,
            session.account_id,
            session.principal_type,
            session.arn,
            session.user_id,
            session.name,
            session.role_arn,
            session.session_name,
            session.source_user_name,
            json.dumps(list(session.session_policies)),
            json.dumps(session.session_tags),
            json.dumps(list(session.transitive_tag_keys)),
            int(session.mfa_authenticated),
            session.mfa_authenticated_at,
            session.source_identity,
            int(session.chained),
            session.issued_at,
            session.expires_at,
        ),
    )


def find(db: Database, access_key_id: str) -> Session | None:
    row = db.query_one("SELECT * FROM sessions WHERE access_key_id = ?", (access_key_id,))
    if row is None:
        return None
    record = dict(row)
    record["session_policies"] = tuple(json.loads(record["session_policies"]))
    record["session_tags"] = json.loads(record["session_tags"])
    record["transitive_tag_keys"] = tuple(json.loads(record["transitive_tag_keys"]))
    record["mfa_authenticated"] = bool(record["mfa_authenticated"])
    record["chained"] = bool(record["chained"])
    return Session(**record)


def prune_expired(db: Database, now: float, grace: float = 86_400.0) -> int:
    """Forget sessions a day past expiry (an expired token still answers ExpiredToken until then)."""
    return db.execute("DELETE FROM sessions WHERE expires_at < ?", (now - grace,)).rowcount


def setting(db: Database, name: str, make: callable) -> bytes:  # type: ignore[valid-type]
    """A value generated once per data directory (e.g. the key that seals authorization messages)."""
    row = db.query_one("SELECT value FROM settings WHERE name = ?", (name,))
    if row is not None:
        return bytes(row["value"])
    value = make()
    db.execute("INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)", (name, value))
    return value
