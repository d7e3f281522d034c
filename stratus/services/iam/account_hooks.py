"""What the core IAM operations ask of the account-level part (login profiles, MFA devices,
signing certificates, SSH keys ...), which lives in account_store.py, written separately."""

from __future__ import annotations

from stratus.services.iam import account_store
from stratus.store.sqlite import Database


def user_dependents(db: Database, account_id: str, user_name: str) -> str | None:
    """The DeleteConflict message for the user's first account-level dependent, or None."""
    return account_store.user_dependents(db, account_id, user_name)


def rename_user(db: Database, account_id: str, old_name: str, new_name: str) -> None:
    """UpdateUser's NewUserName carries the user's login profile, MFA devices and keys along."""
    account_store.rename_user(db, account_id, old_name, new_name)


def summary_counts(db: Database, account_id: str) -> dict[str, int]:
    """GetAccountSummary entries the account-level part owns (MFADevices, Providers, ...), when it
    exports `account_summary(db, account_id)`; otherwise none, and the core counts stay at 0."""
    counts = getattr(account_store, "account_summary", None)
    return dict(counts(db, account_id)) if counts else {}
