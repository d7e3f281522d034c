"""Making a new table from a recorded one: the definition a restore gives it (the source's keys,
indexes, billing and encryption, with the request's overrides) and the table itself, filled with
items. Shared by RestoreTableFromBackup, RestoreTableToPointInTime and ImportTable.

A restore keeps keys, indexes, billing mode, throughput, on-demand maxima and encryption; it drops
streams, TTL, PITR, tags, deletion protection and table class, as DynamoDB's restores do. It
completes inside the call: the answer shows the table CREATING with RestoreInProgress (as DynamoDB
answers), and the next DescribeTable shows it ACTIVE, where DynamoDB drops RestoreSummary too.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable

from stratus.core.context import RequestContext
from stratus.services.dynamodb import item_json
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.describe import describe_table
from stratus.services.dynamodb.item_store import read_item, table_key, write_item
from stratus.services.dynamodb.table_definition import (
    INVALID,
    PROVISIONED,
    build_definition,
    key_names,
)
from stratus.services.dynamodb.table_store import Table, find_table
from stratus.services.dynamodb.vector_indexes import search_attribute_names
from stratus.store import Database


def _no_new_index(name: str) -> ValidationException:
    return ValidationException(
        f"Index {name} does not match a secondary index that existed in the source table and cannot be "
        "created during the restore operation"
    )


def _matching(source_indexes: list[dict], wanted: dict) -> dict:
    """The source index an override names: same key schema and projection (it may be renamed)."""
    for index in source_indexes:
        if index["KeySchema"] == wanted["KeySchema"] and index["Projection"] == _projection(wanted):
            return index
    raise _no_new_index(wanted["IndexName"])


def _projection(index: dict) -> dict:
    projection = index.get("Projection") or {}
    shown = {"ProjectionType": projection.get("ProjectionType")}
    if projection.get("NonKeyAttributes"):
        shown["NonKeyAttributes"] = list(projection["NonKeyAttributes"])
    return shown


def _billing(source: dict, req: dict) -> tuple[str, dict | None, dict | None]:
    """(billing mode, table throughput, on-demand maxima) of the restored table."""
    mode = req.get("BillingModeOverride") or source["BillingMode"]
    throughput = req.get("ProvisionedThroughputOverride")
    on_demand = req.get("OnDemandThroughputOverride")
    if throughput is not None and mode != PROVISIONED:
        raise ValidationException("Cannot override ProvisionedThroughput unless BillingMode is PROVISIONED")
    if mode == PROVISIONED:
        if throughput is None:
            throughput = source.get("ProvisionedThroughput")
            if throughput is None:
                raise ValidationException(
                    "Must override ProvisionedThroughput if BillingMode is overridden to PROVISIONED"
                )
        if on_demand:
            member = "MaxWriteRequestUnits" if "MaxWriteRequestUnits" in on_demand else "MaxReadRequestUnits"
            raise ValidationException(
                INVALID
                + f"{member} for OnDemandThroughput cannot be specified when table BillingMode is PROVISIONED."
            )
        return mode, throughput, None
    if on_demand is not None:
        for member in ("MaxReadRequestUnits", "MaxWriteRequestUnits"):
            value = on_demand.get(member)
            if value is not None and value != -1 and value < 1:
                raise ValidationException(
                    f"Requested {member} for OnDemandThroughput is outside of valid range"
                )
        return mode, None, on_demand or None
    return mode, None, source.get("OnDemandThroughput")


def _indexes(source: dict, req: dict, mode: str, throughput: dict | None) -> tuple[list[dict], list[dict]]:
    source_lsis = source.get("LocalSecondaryIndexes") or []
    source_gsis = source.get("GlobalSecondaryIndexes") or []
    lsi_override = req.get("LocalSecondaryIndexOverride")
    gsi_override = req.get("GlobalSecondaryIndexOverride")
    lsis = []
    for wanted in source_lsis if lsi_override is None else lsi_override:
        _matching(source_lsis, wanted)
        lsis.append(
            {
                "IndexName": wanted["IndexName"],
                "KeySchema": wanted["KeySchema"],
                "Projection": _projection(wanted),
            }
        )
    gsis = []
    for wanted in source_gsis if gsi_override is None else gsi_override:
        recorded = _matching(source_gsis, wanted)
        gsi = {
            "IndexName": wanted["IndexName"],
            "KeySchema": wanted["KeySchema"],
            "Projection": _projection(wanted),
        }
        if mode == PROVISIONED:
            # the override's own, else the recorded one, else the table's (a table leaving on-demand)
            gsi["ProvisionedThroughput"] = (
                wanted.get("ProvisionedThroughput") or recorded.get("ProvisionedThroughput") or throughput
            )
        elif gsi_override is not None and wanted.get("ProvisionedThroughput"):
            gsi["ProvisionedThroughput"] = wanted["ProvisionedThroughput"]  # refused below, as DynamoDB does
        elif recorded.get("OnDemandThroughput") or wanted.get("OnDemandThroughput"):
            gsi["OnDemandThroughput"] = wanted.get("OnDemandThroughput") or recorded["OnDemandThroughput"]
        gsis.append(gsi)
    return lsis, gsis


def _encryption(source: dict, req: dict) -> dict | None:
    if "SSESpecificationOverride" not in req:
        return source.get("SSESpecification")
    wanted = req["SSESpecificationOverride"] or {}
    if not wanted.get("Enabled"):
        return None  # DynamoDB's own key: no SSEDescription
    return {
        "Enabled": True,
        "SSEType": wanted.get("SSEType") or "KMS",
        "KMSMasterKeyId": wanted.get("KMSMasterKeyId"),
    }


def restored_definition(source: dict, req: dict) -> dict:
    """The definition of a table restored from `source` (a stored definition) with the overrides
    of a RestoreTableFromBackup / RestoreTableToPointInTime request."""
    mode, throughput, on_demand = _billing(source, req)
    lsis, gsis = _indexes(source, req, mode, throughput)
    override = req.get("VectorIndexOverride")
    vectors = override if override is not None else source.get("VectorIndexes")
    used = set(key_names(source["KeySchema"])) | search_attribute_names({"VectorIndexes": vectors})
    for index in (*lsis, *gsis):
        used.update(key_names(index["KeySchema"]))
    request = {
        "KeySchema": source["KeySchema"],
        "AttributeDefinitions": [
            entry for entry in source["AttributeDefinitions"] if entry["AttributeName"] in used
        ],
        "BillingMode": mode,
        "ProvisionedThroughput": throughput,
        "LocalSecondaryIndexes": lsis or None,
        "GlobalSecondaryIndexes": gsis or None,
        "SSESpecification": _encryption(source, req),
        "OnDemandThroughput": on_demand,
        "VectorIndexes": vectors or None,
    }
    return build_definition(request)


def create_table(
    ctx: RequestContext, db: Database, name: str, definition: dict, table_uuid: str | None = None
) -> Table:
    """A new, empty table (the caller checked the name is free and holds the transaction)."""
    db.execute(
        "INSERT INTO ddb_tables (account_id, region, name, arn, uuid, created_at, definition)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            ctx.account_id,
            ctx.region,
            name,
            f"arn:{ctx.partition}:dynamodb:{ctx.region}:{ctx.account_id}:table/{name}",
            table_uuid or str(uuid.uuid4()),
            ctx.time.timestamp(),
            json.dumps(definition),
        ),
    )
    table = find_table(db, ctx.account_id, ctx.region, name)
    assert table is not None
    return table


def fill(db: Database, table: Table, items: Iterable[str]) -> None:
    """Write stored items (JSON text, keys unique) into a new table, with their index entries."""
    for text in items:
        item = item_json.loads(text)
        write_item(db, table, table_key(table, item), item, None)


def put_imported(db: Database, table: Table, item: dict) -> None:
    """Write one checked item of an import (a later line with the same key replaces the earlier)."""
    key = table_key(table, item)
    write_item(db, table, key, item, read_item(db, table, key))


def restoring_answer(table: Table, restore_summary: dict) -> dict:
    """The TableDescription a restore answers with: CREATING, counts not yet known, the summary."""
    shown = describe_table(table, "CREATING")
    shown["TableSizeBytes"] = 0
    shown["ItemCount"] = 0
    shown.setdefault("BillingModeSummary", {"BillingMode": table.definition["BillingMode"]})
    for gsi in shown.get("GlobalSecondaryIndexes") or ():
        gsi.pop("IndexStatus", None)  # DynamoDB lists a restoring table's indexes without a status
    shown["RestoreSummary"] = {**restore_summary, "RestoreInProgress": True}
    return shown
