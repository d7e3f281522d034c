"""What an access key id stands for: the principal, its secret, and its session (if temporary).

Three sources, tried by the key's shape: STS sessions (`ASIA...`, in the `sts` database), IAM
users' access keys (`AKIA...`, in the `iam` database), and the built-in root keys: `test` for the
default account and any 12-digit key id for that account (secret `test` for both).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stratus.auth.credentials import Principal, account_for_access_key

if TYPE_CHECKING:
    from stratus.runtime import Runtime
    from stratus.services.sts.sessions import Session

ROOT_SECRET = "test"


@dataclass(frozen=True, slots=True)
class Credential:
    access_key_id: str
    secret: str
    principal: Principal
    active: bool = True
    session: Session | None = None  # set for STS temporary credentials
    user_name: str | None = None  # the IAM user a long-term key (or GetSessionToken session) belongs to
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def is_temporary(self) -> bool:
        return self.session is not None


def _looks_like(prefix: str, access_key_id: str) -> bool:
    return access_key_id.startswith(prefix) and 16 <= len(access_key_id) <= 128


class CredentialDirectory:
    """Resolves access key ids; remembers answers until `clear()` (called on every IAM/STS change)."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._cache: dict[str, Credential | None] = {}

    def clear(self) -> None:
        self._cache.clear()

    def root(self, access_key_id: str | None) -> Credential:
        account_id = account_for_access_key(access_key_id)
        return Credential(access_key_id or "", ROOT_SECRET, Principal.root(account_id))

    def lookup(self, access_key_id: str) -> Credential | None:
        """The credential for a known key, or None for a key Stratus never issued (nor `test`)."""
        try:
            return self._cache[access_key_id]
        except KeyError:
            pass
        found = self._find(access_key_id)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[access_key_id] = found
        return found

    def _find(self, access_key_id: str) -> Credential | None:
        if access_key_id == "test" or (len(access_key_id) == 12 and access_key_id.isdigit()):
            return self.root(access_key_id)
        if _looks_like("ASIA", access_key_id):
            return self._session(access_key_id)
        if _looks_like("AKIA", access_key_id):
            return self._iam_key(access_key_id)
        return None

    def _session(self, access_key_id: str) -> Credential | None:
        from stratus.services.sts import sessions

        db = self._runtime.state.database(sessions.STS_DATABASE, sessions.MIGRATIONS)
        session = sessions.find(db, access_key_id)
        if session is None:
            return None
        principal = Principal(
            session.account_id,
            session.arn,
            session.user_id,
            session.principal_type,
            name=session.name,
            role_arn=session.role_arn,
            session_name=session.session_name,
            access_key_id=access_key_id,
        )
        return Credential(
            access_key_id,
            session.secret_access_key,
            principal,
            session=session,
            user_name=session.source_user_name,
            tags=dict(session.session_tags),
        )

    def _iam_key(self, access_key_id: str) -> Credential | None:
        from stratus.services.iam.directory import IamDirectory
        from stratus.services.iam.store import MIGRATIONS

        directory = IamDirectory(self._runtime.state.database("iam", MIGRATIONS))
        key = directory.access_key(access_key_id)
        if key is None:
            return None
        user = directory.user(key.account_id, key.user_name)
        principal = Principal(
            key.account_id,
            key.user_arn,
            key.user_id,
            "IAMUser",
            name=key.user_name,
            access_key_id=access_key_id,
        )
        return Credential(
            access_key_id,
            key.secret_access_key,
            principal,
            active=key.status == "Active",
            user_name=key.user_name,
            tags=dict(user.tags) if user is not None else {},
        )
