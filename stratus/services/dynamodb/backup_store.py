"""On-demand backups: a full copy of a table's items and definition, and their records as
DescribeBackup, ListBackups and DeleteBackup show them.

A backup is complete when CreateBackup returns (its items are copied in the same transaction), so
it is AVAILABLE from the first DescribeBackup on; the CreateBackup answer says CREATING, as
DynamoDB's does. SYSTEM backups are the ones DynamoDB takes when a PITR-enabled table is deleted
(`<table>$DeletedTableBackup`, kept 35 days, not deletable by users).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from stratus.services.dynamodb.backup_errors import new_job_id
from stratus.services.dynamodb.table_definition import PAY_PER_REQUEST
from stratus.services.dynamodb.table_store import Table
from stratus.store import Database

USER = "USER"
SYSTEM = "SYSTEM"
SYSTEM_BACKUP_DAYS = 35


@dataclass(frozen=True)
class Backup:
    backup_id: int
    account_id: str
    region: str
    resource: str
    arn: str
    name: str
    backup_type: str
    created_at: float
    expires_at: float | None
    table_name: str
    table_arn: str
    table_uuid: str
    table_created_at: float
    definition: dict
    item_count: int
    size_bytes: int


def _backup(row) -> Backup:
    return Backup(
        backup_id=row["backup_id"],
        account_id=row["account_id"],
        region=row["region"],
        resource=row["resource"],
        arn=row["arn"],
        name=row["name"],
        backup_type=row["backup_type"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        table_name=row["table_name"],
        table_arn=row["table_arn"],
        table_uuid=row["table_uuid"],
        table_created_at=row["table_created_at"],
        definition=json.loads(row["definition"]),
        item_count=row["item_count"],
        size_bytes=row["size_bytes"],
    )


def take_backup(
    db: Database, table: Table, name: str, backup_type: str, now: float, partition: str
) -> Backup:
    """Copy the table (items and definition) into a new backup; the caller holds the transaction."""
    millis = int(now * 1000)
    job_id = new_job_id(now) if backup_type == USER else f"{millis:014d}-00000000"
    resource = f"table/{table.name}/backup/{job_id}"
    created_at = millis / 1000
    expires_at = created_at + SYSTEM_BACKUP_DAYS * 86400 if backup_type == SYSTEM else None
    cursor = db.execute(
        "INSERT INTO ddb_backups (account_id, region, resource, arn, name, backup_type, created_at,"
        " expires_at, table_name, table_arn, table_uuid, table_created_at, definition, item_count, size_bytes)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            table.account_id,
            table.region,
            resource,
            f"arn:{partition}:dynamodb:{table.region}:{table.account_id}:{resource}",
            name,
            backup_type,
            created_at,
            expires_at,
            table.name,
            table.arn,
            table.uuid,
            table.created_at,
            json.dumps(table.definition),
            table.item_count,
            table.size_bytes,
        ),
    )
    db.execute(
        "INSERT INTO ddb_backup_items (backup_id, hash, pk, sk, item)"
        " SELECT ?, hash, pk, sk, item FROM ddb_items WHERE table_id = ?",
        (cursor.lastrowid, table.table_id),
    )
    row = db.query_one("SELECT * FROM ddb_backups WHERE backup_id = ?", (cursor.lastrowid,))
    return _backup(row)


def drop_expired(db: Database, now: float) -> None:
    expired = [
        row["backup_id"]
        for row in db.query(
            "SELECT backup_id FROM ddb_backups WHERE expires_at IS NOT NULL AND expires_at <= ?", (now,)
        )
    ]
    if expired:
        with db.transaction():
            for backup_id in expired:
                delete_backup(db, backup_id)


def find_backup(db: Database, account_id: str, region: str, resource: str) -> Backup | None:
    row = db.query_one(
        "SELECT * FROM ddb_backups WHERE account_id = ? AND region = ? AND resource = ?",
        (account_id, region, resource),
    )
    return _backup(row) if row is not None else None


def list_backups(
    db: Database,
    account_id: str,
    region: str,
    *,
    table_name: str | None,
    types: tuple[str, ...],
    lower: float | None,
    upper: float | None,
    after: tuple[float, str] | None,
    limit: int,
) -> list[Backup]:
    """Backups in creation order; `after` is the (created_at, resource) position to resume after."""
    sql = "SELECT * FROM ddb_backups WHERE account_id = ? AND region = ?"
    params: list = [account_id, region]
    if table_name is not None:
        sql += " AND table_name = ?"
        params.append(table_name)
    sql += f" AND backup_type IN ({', '.join('?' for _ in types)})"
    params.extend(types)
    if lower is not None:
        sql += " AND created_at >= ?"
        params.append(lower)
    if upper is not None:
        sql += " AND created_at < ?"
        params.append(upper)
    if after is not None:
        sql += " AND (created_at > ? OR (created_at = ? AND resource > ?))"
        params.extend((after[0], after[0], after[1]))
    sql += " ORDER BY created_at, resource LIMIT ?"
    params.append(limit)
    return [_backup(row) for row in db.query(sql, params)]


def delete_backup(db: Database, backup_id: int) -> None:
    db.execute("DELETE FROM ddb_backup_items WHERE backup_id = ?", (backup_id,))
    db.execute("DELETE FROM ddb_backups WHERE backup_id = ?", (backup_id,))


def backup_items(db: Database, backup_id: int) -> list[str]:
    return [
        row["item"] for row in db.query("SELECT item FROM ddb_backup_items WHERE backup_id = ?", (backup_id,))
    ]


# ---------------------------------------------------------------------- as the API shows them


def _time(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def details(backup: Backup, status: str = "AVAILABLE") -> dict:
    shown = {
        "BackupArn": backup.arn,
        "BackupName": backup.name,
        "BackupSizeBytes": backup.size_bytes,
        "BackupStatus": status,
        "BackupType": backup.backup_type,
        "BackupCreationDateTime": _time(backup.created_at),
    }
    if backup.expires_at is not None:
        shown["BackupExpiryDateTime"] = _time(backup.expires_at)
    return shown


def _throughput(throughput: dict | None) -> dict:
    throughput = throughput or {}
    return {
        "ReadCapacityUnits": throughput.get("ReadCapacityUnits", 0),
        "WriteCapacityUnits": throughput.get("WriteCapacityUnits", 0),
    }


def _source_table(backup: Backup) -> dict:
    definition = backup.definition
    shown = {
        "TableName": backup.table_name,
        "TableId": backup.table_uuid,
        "TableArn": backup.table_arn,
        "TableSizeBytes": backup.size_bytes,
        "KeySchema": definition["KeySchema"],
        "TableCreationDateTime": _time(backup.table_created_at),
        "ProvisionedThroughput": _throughput(definition.get("ProvisionedThroughput")),
        "ItemCount": backup.item_count,
        "BillingMode": definition["BillingMode"],
    }
    if definition.get("OnDemandThroughput") and definition["BillingMode"] == PAY_PER_REQUEST:
        shown["OnDemandThroughput"] = definition["OnDemandThroughput"]
    return shown


def _features(backup: Backup) -> dict:
    """What a backup records beyond keys and throughput: indexes, stream, TTL, encryption (a
    SYSTEM backup shows none of it, as DynamoDB's do)."""
    if backup.backup_type == SYSTEM:
        return {}
    definition = backup.definition
    features: dict = {}
    lsis = [
        {"IndexName": lsi["IndexName"], "KeySchema": lsi["KeySchema"], "Projection": lsi["Projection"]}
        for lsi in definition.get("LocalSecondaryIndexes") or ()
    ]
    if lsis:
        features["LocalSecondaryIndexes"] = lsis
    gsis = []
    for gsi in definition.get("GlobalSecondaryIndexes") or ():
        shown = {
            "IndexName": gsi["IndexName"],
            "KeySchema": gsi["KeySchema"],
            "Projection": gsi["Projection"],
        }
        if gsi.get("ProvisionedThroughput"):
            shown["ProvisionedThroughput"] = _throughput(gsi["ProvisionedThroughput"])
        if gsi.get("OnDemandThroughput"):
            shown["OnDemandThroughput"] = gsi["OnDemandThroughput"]
        gsis.append(shown)
    if gsis:
        features["GlobalSecondaryIndexes"] = gsis
    if definition.get("StreamSpecification"):
        features["StreamDescription"] = definition["StreamSpecification"]
    if definition.get("TimeToLive"):
        features["TimeToLiveDescription"] = {
            "TimeToLiveStatus": "ENABLED",
            "AttributeName": definition["TimeToLive"],
        }
    sse = definition.get("SSESpecification")
    if sse:
        features["SSEDescription"] = {"Status": "ENABLED", "SSEType": sse["SSEType"]}
        if sse.get("KMSMasterKeyId"):
            features["SSEDescription"]["KMSMasterKeyArn"] = sse["KMSMasterKeyId"]
    return features


def description(backup: Backup, status: str = "AVAILABLE") -> dict:
    return {
        "BackupDetails": details(backup, status),
        "SourceTableDetails": _source_table(backup),
        "SourceTableFeatureDetails": _features(backup),
    }


def summary(backup: Backup) -> dict:
    shown = {
        "TableName": backup.table_name,
        "TableId": backup.table_uuid,
        "TableArn": backup.table_arn,
        "BackupArn": backup.arn,
        "BackupName": backup.name,
        "BackupCreationDateTime": _time(backup.created_at),
        "BackupStatus": "AVAILABLE",
        "BackupType": backup.backup_type,
        "BackupSizeBytes": backup.size_bytes,
    }
    if backup.expires_at is not None:
        shown["BackupExpiryDateTime"] = _time(backup.expires_at)
    return shown
