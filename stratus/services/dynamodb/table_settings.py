"""Per-table settings kept in the definition: time to live, continuous backups (point-in-time
recovery settings). The TTL sweeper that deletes expired items lives in `ttl_sweeper.py`."""

from __future__ import annotations

from datetime import UTC, datetime

from stratus.core.context import RequestContext
from stratus.services.dynamodb import pitr, ttl_index
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.table_store import find_table, require_table, save_definition
from stratus.store import Database

PITR_DEFAULT_DAYS = 35


class TableSettingOperations:
    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    # ------------------------------------------------------------------ time to live

    def update_time_to_live(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        table = require_table(ctx, db, req["TableName"], detailed=True)
        spec = req["TimeToLiveSpecification"]
        current = table.definition.get("TimeToLive")
        if spec["Enabled"]:
            if current is not None:
                raise ValidationException("TimeToLive is already enabled")
        elif current is None:
            raise ValidationException("TimeToLive is already disabled")
        elif current != spec["AttributeName"]:
            raise ValidationException(
                "The attribute name does not match the current TimeToLive attribute name: " + current
            )
        definition = dict(table.definition)
        definition["TimeToLive"] = spec["AttributeName"] if spec["Enabled"] else None
        with db.transaction():
            save_definition(db, table, definition)
            if spec["Enabled"]:
                ttl_index.backfill(db, table.table_id, spec["AttributeName"])
            else:
                ttl_index.forget(db, table.table_id)
        return {
            "TimeToLiveSpecification": {"Enabled": spec["Enabled"], "AttributeName": spec["AttributeName"]}
        }

    def describe_time_to_live(self, ctx: RequestContext, req: dict) -> dict:
        table = require_table(ctx, self.db(), req["TableName"], detailed=True)
        attribute = table.definition.get("TimeToLive")
        if attribute is None:
            return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": attribute}}

    # ------------------------------------------------------------------ continuous backups

    def describe_continuous_backups(self, ctx: RequestContext, req: dict) -> dict:
        table = require_table(ctx, self.db(), req["TableName"])
        return {"ContinuousBackupsDescription": _backups_description(table.definition, ctx.time)}

    def update_continuous_backups(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        table = require_table(ctx, db, req["TableName"])
        spec = req["PointInTimeRecoverySpecification"]
        days = spec.get("RecoveryPeriodInDays")
        if days is not None and not spec["PointInTimeRecoveryEnabled"]:
            raise ValidationException(
                "One or more parameter values were invalid: RecoveryPeriodInDays cannot be specified "
                "when PointInTimeRecoveryEnabled is false"
            )
        definition = dict(table.definition)
        if spec["PointInTimeRecoveryEnabled"]:
            current = definition.get("PointInTimeRecovery") or {}
            definition["PointInTimeRecovery"] = {
                "Since": current.get("Since") or ctx.time.timestamp(),
                "Days": days or current.get("Days") or PITR_DEFAULT_DAYS,
            }
        else:
            definition["PointInTimeRecovery"] = None
        with db.transaction():
            save_definition(db, table, definition)
            if not spec["PointInTimeRecoveryEnabled"]:
                pitr.forget(db, table.table_id)  # the change log goes with the setting
        updated = find_table(db, table.account_id, table.region, table.name)
        assert updated is not None
        return {"ContinuousBackupsDescription": _backups_description(updated.definition, ctx.time)}


def _backups_description(definition: dict, now: datetime) -> dict:
    setting = definition.get("PointInTimeRecovery")
    if not setting:
        recovery: dict = {"PointInTimeRecoveryStatus": "DISABLED"}
    else:
        earliest = max(setting["Since"], now.timestamp() - setting["Days"] * 86400)
        recovery = {
            "PointInTimeRecoveryStatus": "ENABLED",
            "RecoveryPeriodInDays": setting["Days"],
            "EarliestRestorableDateTime": datetime.fromtimestamp(earliest, UTC),
            "LatestRestorableDateTime": datetime.fromtimestamp(now.timestamp() - 300, UTC)
            if now.timestamp() - 300 > earliest
            else datetime.fromtimestamp(earliest, UTC),
        }
    return {"ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": recovery}
