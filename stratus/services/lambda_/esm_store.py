"""Event source mappings' rows (table lambda_event_source_mappings): the record, reads and writes.

`config` holds the settings as EventSourceMappingConfiguration shows them, plus our own keys
prefixed with "_" (`_kind`, `_fifo`, `_tags`, `_created`). `state` is the settled state (Enabled
or Disabled); the transitional states AWS reports are only ever answered, never stored.
`position` is the poller's progress (a stream's checkpoints), so a restart continues.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from stratus.store import Database

ENABLED = "Enabled"
DISABLED = "Disabled"
SQS = "sqs"
DYNAMODB = "dynamodb"


@dataclass(frozen=True, slots=True)
class Mapping:
    uuid: str
    account_id: str
    region: str
    function_arn: str  # as resolved at create/update (qualified when it was given so)
    event_source_arn: str
    config: dict
    state: str
    state_reason: str
    last_modified: float
    position: dict | None

    @property
    def kind(self) -> str:
        return self.config["_kind"]

    @property
    def enabled(self) -> bool:
        return self.state == ENABLED

    def setting(self, name: str, default: object = None) -> object:
        return self.config.get(name, default)


def _mapping(row) -> Mapping:
    return Mapping(
        uuid=row["uuid"],
        account_id=row["account_id"],
        region=row["region"],
        function_arn=row["function_arn"],
        event_source_arn=row["event_source_arn"],
        config=json.loads(row["config"]),
        state=row["state"],
        state_reason=row["state_reason"],
        last_modified=row["last_modified"],
        position=json.loads(row["position"]) if row["position"] else None,
    )


def find_mapping(db: Database, uuid: str) -> Mapping | None:
    row = db.query_one("SELECT * FROM lambda_event_source_mappings WHERE uuid = ?", (uuid,))
    return _mapping(row) if row is not None else None


def find_in_account(db: Database, account_id: str, region: str, uuid: str) -> Mapping | None:
    mapping = find_mapping(db, uuid)
    if mapping is None or mapping.account_id != account_id or mapping.region != region:
        return None
    return mapping


def find_duplicate(
    db: Database, account_id: str, region: str, function_arn: str, source_arn: str, other_than: str = ""
) -> Mapping | None:
    row = db.query_one(
        "SELECT * FROM lambda_event_source_mappings WHERE account_id = ? AND region = ? AND function_arn = ?"
        " AND event_source_arn = ? AND uuid != ?",
        (account_id, region, function_arn, source_arn, other_than),
    )
    return _mapping(row) if row is not None else None


def list_mappings(
    db: Database,
    account_id: str,
    region: str,
    *,
    function_arn: str | None,
    source_arn: str | None,
    after: str,
    limit: int,
) -> list[Mapping]:
    """In UUID order, after `after` (the previous page's last UUID), at most `limit`."""
    sql = "SELECT * FROM lambda_event_source_mappings WHERE account_id = ? AND region = ? AND uuid > ?"
    params: list = [account_id, region, after]
    if function_arn is not None:
        sql += " AND function_arn = ?"
        params.append(function_arn)
    if source_arn is not None:
        sql += " AND event_source_arn = ?"
        params.append(source_arn)
    rows = db.query(sql + " ORDER BY uuid LIMIT ?", (*params, limit))
    return [_mapping(row) for row in rows]


def enabled_mappings(db: Database) -> list[str]:
    """UUIDs of every enabled mapping, of every account and region (their pollers run)."""
    rows = db.query("SELECT uuid FROM lambda_event_source_mappings WHERE state = ?", (ENABLED,))
    return [row["uuid"] for row in rows]


def insert_mapping(db: Database, mapping: Mapping) -> None:
    db.execute(
        "INSERT INTO lambda_event_source_mappings (uuid, account_id, region, function_arn, event_source_arn,"
        " config, state, state_reason, last_modified, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            mapping.uuid,
            mapping.account_id,
            mapping.region,
            mapping.function_arn,
            mapping.event_source_arn,
            json.dumps(mapping.config),
            mapping.state,
            mapping.state_reason,
            mapping.last_modified,
            json.dumps(mapping.position) if mapping.position is not None else None,
        ),
    )


def update_mapping(db: Database, mapping: Mapping) -> None:
    """Write back what UpdateEventSourceMapping may change (not the poller's position)."""
    db.execute(
        "UPDATE lambda_event_source_mappings SET function_arn = ?, config = ?, state = ?, state_reason = ?,"
        " last_modified = ? WHERE uuid = ?",
        (
            mapping.function_arn,
            json.dumps(mapping.config),
            mapping.state,
            mapping.state_reason,
            mapping.last_modified,
            mapping.uuid,
        ),
    )


def delete_mapping(db: Database, uuid: str) -> None:
    db.execute("DELETE FROM lambda_event_source_mappings WHERE uuid = ?", (uuid,))


def save_position(db: Database, uuid: str, position: dict) -> None:
    with db.transaction():
        db.execute(
            "UPDATE lambda_event_source_mappings SET position = ? WHERE uuid = ?",
            (json.dumps(position), uuid),
        )


def save_setting(db: Database, uuid: str, name: str, value: object) -> None:
    """Change one config entry (e.g. LastProcessingResult, written by the poller)."""
    with db.transaction():
        mapping = find_mapping(db, uuid)
        if mapping is None or mapping.config.get(name) == value:
            return
        config = {**mapping.config, name: value}
        db.execute(
            "UPDATE lambda_event_source_mappings SET config = ? WHERE uuid = ?", (json.dumps(config), uuid)
        )
