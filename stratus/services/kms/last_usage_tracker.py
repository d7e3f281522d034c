"""Recording key uses for GetKeyLastUsage without a database write per use.

Uses are kept in memory and written by the periodic sweep (and before every GetKeyLastUsage answer).
A crash loses at most the uses since the last sweep, which only makes a key look idle for a while
(KMS too says not to rely on GetKeyLastUsage alone before deleting a key).
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.kms.common import now
from stratus.services.kms.store import Key
from stratus.store import Database


class UsageTracker:
    def __init__(self) -> None:
        self._pending: dict[tuple[str, str, str], tuple[str, float, str]] = {}

    def record(self, ctx: RequestContext, key: Key, operation: str | None = None) -> None:
        self._pending[(key.account_id, key.region, key.key_id)] = (
            operation or ctx.operation,
            now(ctx),
            ctx.request_id,
        )

    def flush(self, db: Database) -> None:
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        with db.transaction():
            db.executemany(
                "INSERT INTO kms_key_usage (account_id, region, key_id, operation, used, request_id) "
                "SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM kms_keys WHERE account_id = ? AND region = ? "
                "AND key_id = ?) ON CONFLICT (account_id, region, key_id) DO UPDATE SET "
                "operation = excluded.operation, used = excluded.used, request_id = excluded.request_id",
                [(*scope, *use, *scope) for scope, use in pending.items()],
            )

    def clear(self) -> None:
        self._pending.clear()
