"""GetKeyLastUsage: the last successful cryptographic operation with each key (recorded by
last_usage_tracker.py)."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.kms.common import as_datetime
from stratus.services.kms.keyring import KeyRing
from stratus.services.kms.last_usage_tracker import UsageTracker


class LastUsageOperations(KeyRing):
    usage: UsageTracker

    def get_key_last_usage(self, ctx: RequestContext, req: dict) -> dict:
        key = self.key(ctx, req["KeyId"], params=req)
        db = self.db()
        self.usage.flush(db)
        row = db.query_one(
            "SELECT operation, used, request_id FROM kms_key_usage WHERE account_id = ? AND region = ? AND key_id = ?",
            (key.account_id, key.region, key.key_id),
        )
        out: dict = {
            "KeyId": key.key_id,
            "TrackingStartDate": as_datetime(key.created),
            "KeyCreationDate": as_datetime(key.created),
        }
        if row is not None:
            out["KeyLastUsage"] = {
                "Operation": row["operation"],
                "Timestamp": as_datetime(row["used"]),
                "KmsRequestId": row["request_id"],
            }
        return out
