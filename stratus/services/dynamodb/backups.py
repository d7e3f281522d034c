"""On-demand backups and restores: CreateBackup, DescribeBackup, ListBackups, DeleteBackup,
RestoreTableFromBackup, RestoreTableToPointInTime. `BackupOperations` also carries the export
and import operations (exports.py, imports.py), so the provider adds one mixin.

Backups and restores are real copies made inside the call (see backup_store.py, restore.py); a
point-in-time restore reads the table's undo log (pitr.py). DynamoDbProvider supplies `db`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from stratus.core.context import RequestContext
from stratus.services.dynamodb import pitr
from stratus.services.dynamodb.backup_errors import (
    BackupNotFoundException,
    InvalidRestoreTimeException,
    TableAlreadyExistsException,
    TableNotFoundException,
    parse_child_arn,
    pitr_unavailable,
    table_of_arn,
)
from stratus.services.dynamodb.backup_store import (
    SYSTEM,
    USER,
    Backup,
    backup_items,
    delete_backup,
    description,
    details,
    drop_expired,
    find_backup,
    list_backups,
    summary,
    take_backup,
)
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.exports import ExportOperations
from stratus.services.dynamodb.imports import ImportOperations
from stratus.services.dynamodb.restore import create_table, fill, restored_definition, restoring_answer
from stratus.services.dynamodb.table_store import Table, find_table
from stratus.store import Database

LIST_BACKUPS_PAGE = 1000  # without a Limit DynamoDB pages at 1 MB of summaries
BACKUP_TYPES = {
    "USER": (USER,),
    "SYSTEM": (SYSTEM,),
    "AWS_BACKUP": ("AWS_BACKUP",),
    "ALL": (USER, SYSTEM, "AWS_BACKUP"),
}


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _millis(moment: datetime) -> float:
    return round(moment.timestamp() * 1000) / 1000


def table_deleting(db: Database, table: Table, now: float, partition: str) -> None:
    """DeleteTable's hook, inside its transaction before the items go: a PITR-enabled table leaves
    its SYSTEM backup `<table>$DeletedTableBackup` (35 days), and its undo log is dropped."""
    if table.definition.get("PointInTimeRecovery"):
        take_backup(db, table, f"{table.name}$DeletedTableBackup", SYSTEM, now, partition)
    pitr.forget(db, table.table_id)


class BackupOperations(ExportOperations, ImportOperations):
    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    # ------------------------------------------------------------------ backups

    def create_backup(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        name = req["TableName"]
        if name.startswith("arn:"):
            name = table_of_arn(name, "tableName")[1]
        table = find_table(db, ctx.account_id, ctx.region, name)
        if table is None:
            raise TableNotFoundException(f"Table not found: {name}")
        with db.transaction():
            backup = take_backup(db, table, req["BackupName"], USER, ctx.time.timestamp(), ctx.partition)
        return {"BackupDetails": details(backup, "CREATING")}

    def _backup(self, ctx: RequestContext, db: Database, arn: str) -> Backup:
        drop_expired(db, ctx.time.timestamp())
        wanted = parse_child_arn(ctx, arn, "backup")
        backup = find_backup(db, wanted.account_id, ctx.region, wanted.resource)
        if backup is None:
            raise BackupNotFoundException(f"Backup not found: {arn}")
        return backup

    def describe_backup(self, ctx: RequestContext, req: dict) -> dict:
        return {"BackupDescription": description(self._backup(ctx, self.db(), req["BackupArn"]))}

    def delete_backup(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        backup = self._backup(ctx, db, req["BackupArn"])
        if backup.backup_type == SYSTEM:
            assert backup.expires_at is not None
            raise ValidationException(
                f"User is not allowed to delete the system backup with arn {backup.arn}. "
                f"It will automatically expire on {_iso(backup.expires_at)}"
            )
        with db.transaction():
            delete_backup(db, backup.backup_id)
        return {"BackupDescription": description(backup, "DELETED")}

    def list_backups(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        drop_expired(db, ctx.time.timestamp())
        lower = _millis(req["TimeRangeLowerBound"]) if req.get("TimeRangeLowerBound") else None
        upper = _millis(req["TimeRangeUpperBound"]) if req.get("TimeRangeUpperBound") else None
        if lower is not None and upper is not None and lower > upper:
            raise ValidationException("Time range lower bound must be less than or equal to upper bound")
        after = None
        if req.get("ExclusiveStartBackupArn"):
            # a pure cursor: the ARN's own id says where it stood, deleted or not
            resource = parse_child_arn(ctx, req["ExclusiveStartBackupArn"], "backup").resource
            millis = resource.rsplit("/", 1)[1].split("-", 1)[0]
            if not millis.isdigit():
                raise ValidationException("Invalid Backup ARN")
            after = (int(millis) / 1000, resource)
        limit = req.get("Limit") or LIST_BACKUPS_PAGE
        table_name = req.get("TableName")
        if table_name and table_name.startswith("arn:"):
            table_name = table_of_arn(table_name, "tableName")[1]
        found = list_backups(
            db,
            ctx.account_id,
            ctx.region,
            table_name=table_name,
            types=BACKUP_TYPES[req.get("BackupType") or "USER"],
            lower=lower,
            upper=upper,
            after=after,
            limit=limit + 1,
        )
        result: dict = {"BackupSummaries": [summary(backup) for backup in found[:limit]]}
        if len(found) > limit:
            result["LastEvaluatedBackupArn"] = found[limit - 1].arn
        return result

    # ------------------------------------------------------------------ restores

    def _free_target(self, ctx: RequestContext, db: Database, name: str) -> None:
        if find_table(db, ctx.account_id, ctx.region, name) is not None:
            raise TableAlreadyExistsException(f"Table already exists: {name}")

    def restore_table_from_backup(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        backup = self._backup(ctx, db, req["BackupArn"])
        definition = restored_definition(backup.definition, req)
        target = req["TargetTableName"]
        with db.transaction():
            self._free_target(ctx, db, target)
            table = create_table(ctx, db, target, definition)
            fill(db, table, backup_items(db, backup.backup_id))
        restored = {
            "SourceBackupArn": backup.arn,
            "SourceTableArn": backup.table_arn,
            "RestoreDateTime": datetime.fromtimestamp(backup.created_at, UTC),
        }
        return {"TableDescription": restoring_answer(table, restored)}

    def _source_table(self, ctx: RequestContext, db: Database, req: dict) -> Table:
        name, arn = req.get("SourceTableName"), req.get("SourceTableArn")
        if name is not None and arn is not None:
            raise ValidationException("Must provide exactly one of: sourceTableArn, sourceTableName")
        if name is None and arn is None:
            raise ValidationException("The parameter 'TableName' is required")
        if arn is not None:
            account, name = table_of_arn(arn, "sourceTableArn")
            if account != ctx.account_id:
                raise ValidationException(
                    "This action is only supported by accounts that match the resource owner's account"
                )
        assert name is not None
        table = find_table(db, ctx.account_id, ctx.region, name)
        if table is None:
            raise TableNotFoundException(f"Table not found: {name}")
        return table

    def restore_table_to_point_in_time(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        use_latest = bool(req.get("UseLatestRestorableTime"))
        requested = req.get("RestoreDateTime")
        if use_latest and requested is not None:
            raise ValidationException(
                "Invalid Request: Both RestoreDateTime and UseLatestRestorableTime cannot be set for "
                "point-in-time restore request. Please specify only one of them."
            )
        if not use_latest and requested is None:
            raise ValidationException(
                "Invalid Request: Either one of RestoreDateTime or UseLatestRestorableTime must be "
                "specified, but not both"
            )
        source = self._source_table(ctx, db, req)
        now = ctx.time.timestamp()
        window = pitr.recovery_window(source.definition, now)
        if window is None:
            raise pitr_unavailable(source.name)
        moment = window.latest if use_latest else requested.timestamp()
        if not window.holds(moment):
            raise InvalidRestoreTimeException(
                f"RestoreDateTime '{_iso(moment)}' must be within EarliestRestorableDateTime "
                f"'{_iso(window.earliest)}' and LatestRestorableDateTime '{_iso(window.latest)}'"
            )
        moment = min(max(moment, window.earliest), window.latest)
        definition = restored_definition(source.definition, req)
        target = req["TargetTableName"]
        with db.transaction():
            self._free_target(ctx, db, target)
            items = pitr.items_at(db, source, moment)
            table = create_table(ctx, db, target, definition)
            fill(db, table, items)
        restored = {"SourceTableArn": source.arn, "RestoreDateTime": datetime.fromtimestamp(moment, UTC)}
        return {"TableDescription": restoring_answer(table, restored)}
