"""UpdateTable: billing mode and throughput, streams, global secondary indexes (created with a
backfill of the existing items), vector indexes (vector_indexes.py), deletion protection, table
class, encryption settings.

The answer shows the table UPDATING (a new index CREATING, a deleted one DELETING), as DynamoDB
does; the change itself is complete when the call returns, so the next DescribeTable is ACTIVE.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.dynamodb import item_json, stream_store, table_options, vector_indexes
from stratus.services.dynamodb.common import (
    LimitExceededException,
    ResourceNotFoundException,
    ValidationException,
)
from stratus.services.dynamodb.describe import describe_table
from stratus.services.dynamodb.item_store import StoredKey, write_index_entry
from stratus.services.dynamodb.replica_group import group_of
from stratus.services.dynamodb.table_definition import (
    INVALID,
    MAX_GSIS,
    PAY_PER_REQUEST,
    PROVISIONED,
    check_gsi,
    check_stream_specification,
    check_throughput,
    key_names,
)
from stratus.services.dynamodb.table_store import Table, find_table, require_table, save_definition
from stratus.store import Database

NOTHING_TO_UPDATE = (
    "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates "
    "or SSESpecification or ReplicaUpdates is required"
)
UPDATABLE = (
    "ProvisionedThroughput",
    "BillingMode",
    "StreamSpecification",
    "GlobalSecondaryIndexUpdates",
    "SSESpecification",
    "ReplicaUpdates",
    "DeletionProtectionEnabled",
    "TableClass",
    "OnDemandThroughput",
    "WarmThroughput",
    "MultiRegionConsistency",
    "GlobalTableWitnessUpdates",
    "GlobalTableSettingsReplicationMode",
    "VectorIndexUpdates",  # vector_indexes.py
    "AttributeDefinitions",
)


class TableUpdateOperations:
    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    def index_counts(self, table_id: int) -> dict[str, tuple[int, int]]:  # TableOperations
        raise NotImplementedError

    def update_table(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        table = require_table(ctx, db, req["TableName"], detailed=True)
        if not any(req.get(member) is not None for member in UPDATABLE if member != "AttributeDefinitions"):
            raise ValidationException(NOTHING_TO_UPDATE)
        definition = dict(table.definition)
        now = ctx.time.timestamp()
        self._billing(definition, req, now)
        if req.get("StreamSpecification") is not None:
            self._stream(ctx, table, definition, req["StreamSpecification"])
        if req.get("DeletionProtectionEnabled") is not None:
            definition["DeletionProtectionEnabled"] = req["DeletionProtectionEnabled"]
        if req.get("TableClass") is not None:
            definition["TableClass"] = req["TableClass"]
            definition["TableClassSet"] = True
        if req.get("SSESpecification") is not None:
            self._encryption(definition, req["SSESpecification"])
        if req.get("OnDemandThroughput") is not None:
            definition["OnDemandThroughput"] = req["OnDemandThroughput"]
        table_options.refuse_unsupported(req)
        if req.get("WarmThroughput") is not None:
            definition["WarmThroughput"] = table_options.warm_throughput(
                req["WarmThroughput"], definition.get("WarmThroughput")
            )
        if req.get("ReplicaUpdates"):
            self.apply_replica_updates(ctx, table, definition, req)  # GlobalTableOperations
        statuses: dict[str, str] = {}
        created: list[str] = []
        for update in req.get("GlobalSecondaryIndexUpdates") or ():
            self._index_update(definition, update, req, statuses, created)
        vector_statuses: dict[str, str] = {}  # vector indexes: vector_indexes.py
        if req.get("VectorIndexUpdates"):
            vector_statuses = vector_indexes.apply_vector_index_updates(
                definition, req["VectorIndexUpdates"], req
            )
        vector_indexes.check_billing(definition)
        with db.transaction():
            save_definition(db, table, definition)
            self._stream_switch(db, table, definition, now)
            updated = find_table(db, table.account_id, table.region, table.name)
            assert updated is not None
            for name in created:
                _backfill(db, updated, name)
            drop_index_entries(
                db, table.table_id, [name for name, status in statuses.items() if status == "DELETING"]
            )
        counts = self.index_counts(updated.table_id)
        shown = describe_table(updated, "UPDATING", counts)
        if vector_statuses:  # the new vector index CREATING, a deleted one DELETING
            shown["VectorIndexes"] = vector_indexes.describe_vector_indexes(
                updated.definition, table.arn, counts, vector_statuses
            )
        for gsi in shown.get("GlobalSecondaryIndexes") or ():
            if gsi["IndexName"] in statuses:
                gsi["IndexStatus"] = statuses[gsi["IndexName"]]
                if statuses[gsi["IndexName"]] == "CREATING":
                    gsi["Backfilling"] = False
        for name, status in statuses.items():
            if status == "DELETING":
                shown.setdefault("GlobalSecondaryIndexes", []).append(
                    {"IndexName": name, "IndexStatus": "DELETING", "IndexArn": f"{table.arn}/index/{name}"}
                )
        return {"TableDescription": shown}

    @staticmethod
    def _billing(definition: dict, req: dict, now: float) -> None:
        mode = req.get("BillingMode") or definition["BillingMode"]
        throughput = req.get("ProvisionedThroughput")
        if mode == PAY_PER_REQUEST:
            check_throughput(throughput, mode)
            if definition["BillingMode"] != PAY_PER_REQUEST:
                definition["PayPerRequestSince"] = now
                for gsi in definition.get("GlobalSecondaryIndexes") or ():
                    gsi.pop("ProvisionedThroughput", None)
            definition["BillingMode"] = PAY_PER_REQUEST
            definition["ProvisionedThroughput"] = None
            return
        if req.get("BillingMode") == PROVISIONED and definition["BillingMode"] != PROVISIONED:
            definition["ProvisionedThroughput"] = check_throughput(throughput, PROVISIONED)
            definition["BillingMode"] = PROVISIONED
            for gsi in definition.get("GlobalSecondaryIndexes") or ():
                if "ProvisionedThroughput" not in gsi:
                    raise ValidationException(
                        INVALID + f"ProvisionedThroughput must be specified for index: {gsi['IndexName']}"
                    )
            return
        if throughput is None:
            return
        requested = check_throughput(throughput, PROVISIONED)
        current = definition.get("ProvisionedThroughput") or {}
        assert requested is not None
        if requested == current:
            raise ValidationException(
                "The provisioned throughput for the table will not change. The requested value equals the "
                f"current value. Current ReadCapacityUnits provisioned for the table: {current['ReadCapacityUnits']}. "
                f"Requested ReadCapacityUnits: {requested['ReadCapacityUnits']}. Current WriteCapacityUnits "
                f"provisioned for the table: {current['WriteCapacityUnits']}. Requested WriteCapacityUnits: "
                f"{requested['WriteCapacityUnits']}. Refer to the Amazon DynamoDB Developer Guide for current "
                "limits and how to request higher limits."
            )
        if any(requested[k] > current.get(k, 0) for k in requested):
            definition["LastIncreaseAt"] = now
        if any(requested[k] < current.get(k, 0) for k in requested):
            definition["LastDecreaseAt"] = now
            definition["DecreasesToday"] = definition.get("DecreasesToday", 0) + 1
        definition["ProvisionedThroughput"] = requested

    @staticmethod
    def _stream_switch(db: Database, table: Table, definition: dict, now: float) -> None:
        """Open the new stream / close the old one, as the definition now says."""
        before, after = table.definition.get("StreamSpecification"), definition.get("StreamSpecification")
        if before is not None and after is None:
            stream_store.stream_disabled(db, table, now)
        elif before is None and after is not None:
            stream_store.stream_enabled(
                db, table, definition["LatestStreamLabel"], after["StreamViewType"], now
            )

    @staticmethod
    def _stream(ctx: RequestContext, table: Table, definition: dict, spec: dict) -> None:
        current = definition.get("StreamSpecification")
        wanted = check_stream_specification(spec)
        if group_of(definition):
            raise ValidationException("Disabling Stream is not allowed for a Global Table replica.")
        if wanted is not None and current is not None:
            raise ValidationException(f"Table already has an enabled stream: TableName: {table.name}")
        if wanted is None and current is None:
            raise ValidationException(f"Table does not have an enabled stream: TableName: {table.name}")
        definition["StreamSpecification"] = wanted
        if wanted is not None:
            definition["LatestStreamLabel"] = stream_store.stream_label(ctx)

    @staticmethod
    def _encryption(definition: dict, spec: dict) -> None:
        if spec.get("Enabled") is False:
            definition.pop("SSESpecification", None)
            return
        definition["SSESpecification"] = {
            "Enabled": True,
            "SSEType": spec.get("SSEType") or "KMS",
            "KMSMasterKeyId": spec.get("KMSMasterKeyId"),
        }

    @staticmethod
    def _index_update(definition: dict, update: dict, req: dict, statuses: dict, created: list) -> None:
        gsis = [dict(gsi) for gsi in definition.get("GlobalSecondaryIndexes") or ()]
        names = [gsi["IndexName"] for gsi in gsis]
        if "Create" in update:
            wanted = update["Create"]
            attributes = {entry["AttributeName"]: entry for entry in definition["AttributeDefinitions"]}
            for entry in req.get("AttributeDefinitions") or ():
                known = attributes.get(entry["AttributeName"])
                if known is not None and known["AttributeType"] != entry["AttributeType"]:
                    raise ValidationException(
                        INVALID + f"Cannot change the type of the attribute {entry['AttributeName']}"
                    )
                attributes[entry["AttributeName"]] = entry
            if wanted["IndexName"] in names or wanted["IndexName"] in {
                index["IndexName"]
                for index in (
                    *definition.get("LocalSecondaryIndexes", ()),
                    *definition.get("VectorIndexes", ()),
                )
            }:
                raise ValidationException(
                    f"Attempting to create an index which already exists: {wanted['IndexName']}"
                )
            gsi = check_gsi(wanted, list(attributes), definition["BillingMode"])
            if len(gsis) >= MAX_GSIS:
                raise LimitExceededException(
                    f"Subscriber limit exceeded: The number of global secondary indexes exceeds the per-table limit of {MAX_GSIS}"
                )
            used = set(key_names(definition["KeySchema"]))
            for index in (*definition.get("LocalSecondaryIndexes", ()), *gsis, gsi):
                used.update(key_names(index["KeySchema"]))
            used.update(vector_indexes.search_attribute_names(definition))
            definition["AttributeDefinitions"] = [entry for name, entry in attributes.items() if name in used]
            gsis.append(gsi)
            statuses[gsi["IndexName"]] = "CREATING"
            created.append(gsi["IndexName"])
        elif "Update" in update:
            name = update["Update"]["IndexName"]
            if name not in names:
                raise ResourceNotFoundException(f"Requested resource not found: Index: {name} not found")
            if definition["BillingMode"] == PAY_PER_REQUEST and update["Update"].get("ProvisionedThroughput"):
                raise ValidationException(
                    INVALID + "ProvisionedThroughput cannot be specified for index: "
                    f"{name} when BillingMode is PAY_PER_REQUEST"
                )
            gsi = gsis[names.index(name)]
            if update["Update"].get("ProvisionedThroughput"):
                gsi["ProvisionedThroughput"] = check_throughput(
                    update["Update"]["ProvisionedThroughput"], PROVISIONED, index=name
                )
            if update["Update"].get("OnDemandThroughput"):
                gsi["OnDemandThroughput"] = update["Update"]["OnDemandThroughput"]
            statuses[name] = "UPDATING"
        elif "Delete" in update:
            name = update["Delete"]["IndexName"]
            if name not in names:
                raise ResourceNotFoundException(f"Requested resource not found: Index: {name} not found")
            del gsis[names.index(name)]
            statuses[name] = "DELETING"
            used = set(key_names(definition["KeySchema"]))
            for index in (*definition.get("LocalSecondaryIndexes", ()), *gsis):
                used.update(key_names(index["KeySchema"]))
            used.update(vector_indexes.search_attribute_names(definition))
            definition["AttributeDefinitions"] = [
                entry for entry in definition["AttributeDefinitions"] if entry["AttributeName"] in used
            ]
        definition["GlobalSecondaryIndexes"] = gsis


def _backfill(db: Database, table: Table, index_name: str) -> None:
    """Index entries for the items already in the table (a new GSI), in the caller's transaction."""
    index = table.indexes[index_name]
    for row in db.query("SELECT hash, pk, sk, item FROM ddb_items WHERE table_id = ?", (table.table_id,)):
        write_index_entry(
            db, table, index, StoredKey(row["hash"], row["pk"], row["sk"]), item_json.loads(row["item"]), None
        )


def drop_index_entries(db: Database, table_id: int, index_names: list[str]) -> None:
    db.executemany(
        "DELETE FROM ddb_index_items WHERE table_id = ? AND index_name = ?",
        [(table_id, name) for name in index_names],
    )
