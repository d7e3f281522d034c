"""A table as DescribeTable (and CreateTable, UpdateTable, DeleteTable) shows it."""

from __future__ import annotations

from datetime import UTC, datetime

from stratus.services.dynamodb.replica_group import describe_replicas
from stratus.services.dynamodb.table_definition import PAY_PER_REQUEST
from stratus.services.dynamodb.table_options import shown_warm_throughput
from stratus.services.dynamodb.table_store import Table
from stratus.services.dynamodb.vector_indexes import describe_vector_indexes

ACTIVE = "ACTIVE"


def _time(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _throughput(throughput: dict | None, definition: dict) -> dict:
    shown = {"NumberOfDecreasesToday": definition.get("DecreasesToday", 0)}
    if definition.get("LastIncreaseAt"):
        shown["LastIncreaseDateTime"] = _time(definition["LastIncreaseAt"])
    if definition.get("LastDecreaseAt"):
        shown["LastDecreaseDateTime"] = _time(definition["LastDecreaseAt"])
    shown["ReadCapacityUnits"] = (throughput or {}).get("ReadCapacityUnits", 0)
    shown["WriteCapacityUnits"] = (throughput or {}).get("WriteCapacityUnits", 0)
    return shown


def describe_table(
    table: Table, status: str = ACTIVE, counts: dict[str, tuple[int, int]] | None = None
) -> dict:
    """TableDescription; `counts` maps index name -> (item count, size in bytes)."""
    definition = table.definition
    counts = counts or {}
    described: dict = {
        "AttributeDefinitions": definition["AttributeDefinitions"],
        "TableName": table.name,
        "KeySchema": definition["KeySchema"],
        "TableStatus": status,
        "CreationDateTime": _time(table.created_at),
        "ProvisionedThroughput": _throughput(definition.get("ProvisionedThroughput"), definition),
        "TableSizeBytes": table.size_bytes,
        "ItemCount": table.item_count,
        "TableArn": table.arn,
        "TableId": table.uuid,
        "DeletionProtectionEnabled": definition.get("DeletionProtectionEnabled", False),
    }
    if definition["BillingMode"] == PAY_PER_REQUEST or definition.get("PayPerRequestSince"):
        summary: dict = {"BillingMode": definition["BillingMode"]}
        if definition.get("PayPerRequestSince"):
            summary["LastUpdateToPayPerRequestDateTime"] = _time(definition["PayPerRequestSince"])
        described["BillingModeSummary"] = summary
    lsis = [
        {
            "IndexName": lsi["IndexName"],
            "KeySchema": lsi["KeySchema"],
            "Projection": lsi["Projection"],
            "IndexSizeBytes": counts.get(lsi["IndexName"], (0, 0))[1],
            "ItemCount": counts.get(lsi["IndexName"], (0, 0))[0],
            "IndexArn": f"{table.arn}/index/{lsi['IndexName']}",
        }
        for lsi in definition.get("LocalSecondaryIndexes") or ()
    ]
    if lsis:
        described["LocalSecondaryIndexes"] = lsis
    gsis = []
    for gsi in definition.get("GlobalSecondaryIndexes") or ():
        shown = {
            "IndexName": gsi["IndexName"],
            "KeySchema": gsi["KeySchema"],
            "Projection": gsi["Projection"],
            "IndexStatus": gsi.get("IndexStatus", ACTIVE),
            "ProvisionedThroughput": _throughput(gsi.get("ProvisionedThroughput"), gsi),
            "IndexSizeBytes": counts.get(gsi["IndexName"], (0, 0))[1],
            "ItemCount": counts.get(gsi["IndexName"], (0, 0))[0],
            "IndexArn": f"{table.arn}/index/{gsi['IndexName']}",
        }
        if gsi.get("IndexStatus") == "CREATING":
            shown["Backfilling"] = True
        if gsi.get("OnDemandThroughput"):
            shown["OnDemandThroughput"] = gsi["OnDemandThroughput"]
        gsis.append(shown)
    if gsis:
        described["GlobalSecondaryIndexes"] = gsis
    if definition.get("VectorIndexes"):  # vector_indexes.py
        described["VectorIndexes"] = describe_vector_indexes(definition, table.arn, counts)
    stream = definition.get("StreamSpecification")
    if stream:
        described["StreamSpecification"] = stream
    if definition.get("LatestStreamLabel"):
        described["LatestStreamLabel"] = definition["LatestStreamLabel"]
        described["LatestStreamArn"] = f"{table.arn}/stream/{definition['LatestStreamLabel']}"
    sse = definition.get("SSESpecification")
    if sse:
        # The key's ARN, as KMS resolved it when the table was created or updated (table_encryption.py).
        described["SSEDescription"] = {"Status": "ENABLED", "SSEType": sse["SSEType"]}
        if sse.get("KMSMasterKeyId"):
            described["SSEDescription"]["KMSMasterKeyArn"] = sse["KMSMasterKeyId"]
    if definition.get("TableClass", "STANDARD") != "STANDARD" or definition.get("TableClassSet"):
        described["TableClassSummary"] = {"TableClass": definition["TableClass"]}
    if definition.get("OnDemandThroughput"):
        described["OnDemandThroughput"] = definition["OnDemandThroughput"]
    described["WarmThroughput"] = shown_warm_throughput(definition.get("WarmThroughput"))
    described.update(describe_replicas(definition, table.region))
    return described
