"""Global tables, version 2019.11.21: UpdateTable's ReplicaUpdates (Create, Update, Delete a replica
in another region of the same account).

A Create makes the replica table in its region at once: same key schema, attribute definitions,
indexes, billing mode, stream, time to live, encryption type and table class (or the replica's
override), and a copy of the items the table holds at that moment; the table gets a
NEW_AND_OLD_IMAGES stream when it had none (an existing stream of another view type is kept), as
DynamoDB does. Every member then shows the others in DescribeTable's `Replicas` (ACTIVE) with
`GlobalTableVersion` "2019.11.21"; removing the last replica makes the table regional again (its
stream stays). Settings that DynamoDB keeps per region (tags, deletion protection, point-in-time
recovery, resource policy, Contributor Insights, Kinesis destinations) are not copied.

Not done yet: item writes made after a replica was added are NOT replicated to the other regions
(each replica is then an independent table), and settings changed later on one member (GSIs, TTL,
throughput) are not propagated. PROVISIONED tables cannot get a replica, because DynamoDB requires
write auto scaling (Application Auto Scaling) for them and Stratus has none yet.
"""

from __future__ import annotations

import dataclasses

import botocore.session

from stratus.core.context import RequestContext
from stratus.services.dynamodb import stream_store
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.replica_group import group_of, regions_of
from stratus.services.dynamodb.replica_tables import (
    create_replica_table,
    drop_replica_table,
    replica_definition,
)
from stratus.services.dynamodb.stream_store import stream_label
from stratus.services.dynamodb.table_definition import PAY_PER_REQUEST
from stratus.services.dynamodb.table_store import Table, find_table, save_definition
from stratus.store import Database

INVALID = "One or more parameter values were invalid: "
ONLY_OPERATION = INVALID + "Replica modification must be the only operation in the request"
NO_ACTION = "There are no actions specified in the Replica Update Action of the request."
MIXED_ACTIONS = "Update table operation with more than one type of replica actions not allowed."
MANY_ACTIONS = "Update table operation with more than one create or delete replica actions not allowed"
LOCAL_REGION = (
    "Cannot add or delete the local region through ReplicaUpdates. "
    "Use CreateTable, DeleteTable, or UpdateTable as required."
)
# guessed: the Update flavour of LOCAL_REGION (the wording Terraform's provider quotes)
LOCAL_REGION_UPDATE = (
    "Cannot add, delete, or update the local region through ReplicaUpdates. "
    "Use CreateTable, DeleteTable, or UpdateTable as required."
)
NOT_AUTOSCALED = "Table write capacity should either be Pay-Per-Request or AutoScaled."
PPR_OVERRIDE = (
    INVALID
    + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
)
# guessed: DynamoDB refuses a KMS key change through ReplicaUpdates.Update; its wording is not known
KMS_UPDATE = INVALID + "KMSMasterKeyId cannot be updated through ReplicaUpdates"
NEW_AND_OLD_IMAGES = "NEW_AND_OLD_IMAGES"

# UpdateTable members that are operations of their own (AttributeDefinitions only supports them).
_OTHER_OPERATIONS = (
    "ProvisionedThroughput",
    "BillingMode",
    "StreamSpecification",
    "GlobalSecondaryIndexUpdates",
    "SSESpecification",
    "DeletionProtectionEnabled",
    "TableClass",
    "OnDemandThroughput",
    "WarmThroughput",
    "MultiRegionConsistency",
    "GlobalTableWitnessUpdates",
)
_UPDATE_FIELDS = (
    "KMSMasterKeyId",
    "ProvisionedThroughputOverride",
    "OnDemandThroughputOverride",
    "GlobalSecondaryIndexes",
    "TableClassOverride",
)


def already_exists(name: str) -> ValidationException:
    return ValidationException(
        f"Failed to create a the new replica of table with name: \u2018{name}\u2019 "
        "because one or more replicas already existed as tables."
    )


def not_in_group(regions: list[str]) -> ValidationException:
    return ValidationException(
        "Update global table operation failed because one or more replicas were not part of the "
        f"global table. Please retry the request without these replicas: [{', '.join(regions)}]."
    )


def supported_regions(partition: str) -> list[str]:
    return botocore.session.get_session().get_available_regions("dynamodb", partition)


class GlobalTableOperations:
    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    def apply_replica_updates(self, ctx: RequestContext, table: Table, definition: dict, req: dict) -> None:
        """UpdateTable's ReplicaUpdates: applied to every region at once, and to `definition` (the
        table's definition the caller saves next)."""
        if any(req.get(member) is not None for member in _OTHER_OPERATIONS):
            raise ValidationException(ONLY_OPERATION)
        action, region, params = _single_action(ctx, req["ReplicaUpdates"])
        db = self.db()
        group = [dict(entry) for entry in group_of(definition)] or [{"RegionName": ctx.region}]
        members = [entry["RegionName"] for entry in group]
        now = ctx.time.timestamp()
        with db.transaction():
            if action == "Create":
                group = self._create_replica(ctx, db, table, definition, group, region, params, now)
            elif region not in members:
                raise not_in_group([region])
            elif action == "Delete":
                group = self._delete_replica(ctx, db, table, group, region, now)
            else:
                group = self._update_replica(ctx, db, table, definition, group, region, params)
            _share_group(db, table, group, skip={ctx.region, region if action != "Update" else ""})
            definition["ReplicaGroup"] = group if len(group) > 1 else None
            save_definition(db, table, definition)

    def _create_replica(
        self,
        ctx: RequestContext,
        db: Database,
        table: Table,
        definition: dict,
        group: list[dict],
        region: str,
        params: dict,
        now: float,
    ) -> list[dict]:
        if region in [entry["RegionName"] for entry in group] or find_table(
            db, table.account_id, region, table.name
        ):
            raise already_exists(table.name)
        if definition["BillingMode"] != PAY_PER_REQUEST and not _write_autoscaled(definition):
            raise ValidationException(NOT_AUTOSCALED)
        if not definition.get("StreamSpecification"):
            definition["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": NEW_AND_OLD_IMAGES}
            definition["LatestStreamLabel"] = stream_label(ctx)
            stream_store.stream_enabled(db, table, definition["LatestStreamLabel"], NEW_AND_OLD_IMAGES, now)
        entry = {"RegionName": region, **{name: params[name] for name in _UPDATE_FIELDS if params.get(name)}}
        group = [*group, entry]
        source = dataclasses.replace(table, definition={**definition, "ReplicaGroup": group})
        replica = replica_definition(source, entry, definition.get("LatestStreamLabel"))
        replica["ReplicaGroup"] = group
        create_replica_table(db, source, region, replica, now, ctx.partition)
        return group

    @staticmethod
    def _delete_replica(
        ctx: RequestContext, db: Database, table: Table, group: list[dict], region: str, now: float
    ) -> list[dict]:
        replica = find_table(db, table.account_id, region, table.name)
        if replica is not None:
            if replica.definition.get("DeletionProtectionEnabled"):
                raise ValidationException(
                    f"Cannot delete table {table.name} in region {region} because it has deletion "
                    "protection enabled. Disable deletion protection first."
                )
            drop_replica_table(db, replica, now)
        return [entry for entry in group if entry["RegionName"] != region]

    @staticmethod
    def _update_replica(
        ctx: RequestContext,
        db: Database,
        table: Table,
        definition: dict,
        group: list[dict],
        region: str,
        params: dict,
    ) -> list[dict]:
        if params.get("KMSMasterKeyId"):
            raise ValidationException(KMS_UPDATE)
        if definition["BillingMode"] == PAY_PER_REQUEST and params.get("ProvisionedThroughputOverride"):
            raise ValidationException(PPR_OVERRIDE)
        entry = next(entry for entry in group if entry["RegionName"] == region)
        for name in _UPDATE_FIELDS:
            if params.get(name) is not None:
                entry[name] = params[name]
        replica = find_table(db, table.account_id, region, table.name)
        if replica is not None:
            changed = dict(replica.definition)
            if params.get("TableClassOverride"):
                changed["TableClass"] = params["TableClassOverride"]
                changed["TableClassSet"] = True
            override = params.get("ProvisionedThroughputOverride")
            if override and changed.get("ProvisionedThroughput"):
                changed["ProvisionedThroughput"] = {
                    **changed["ProvisionedThroughput"],
                    "ReadCapacityUnits": override["ReadCapacityUnits"],
                }
            changed["ReplicaGroup"] = group
            save_definition(db, replica, changed)
        return group


def _single_action(ctx: RequestContext, updates: list[dict]) -> tuple[str, str, dict]:
    """The one replica action of the request as (Create|Update|Delete, region, parameters)."""
    actions: list[tuple[str, str, dict]] = []
    for update in updates:
        present = [name for name in ("Create", "Update", "Delete") if update.get(name) is not None]
        if not present:
            raise ValidationException(NO_ACTION)
        if len(present) > 1:
            raise ValidationException(MIXED_ACTIONS)
        params = update[present[0]]
        if (present[0], params["RegionName"], params) not in actions:
            actions.append((present[0], params["RegionName"], params))
    if len(actions) > 1:
        raise ValidationException(MANY_ACTIONS)
    action, region, params = actions[0]
    if region == ctx.region:
        raise ValidationException(LOCAL_REGION_UPDATE if action == "Update" else LOCAL_REGION)
    supported = supported_regions(ctx.partition)
    if region not in supported:
        raise ValidationException(
            f"Region {region} is not supported. The latest version of global tables are only supported "
            f"in the following regions: [{', '.join(supported)}]."
        )
    if action == "Update" and not any(params.get(name) is not None for name in _UPDATE_FIELDS):
        raise ValidationException(NO_ACTION)
    return action, region, params


def _write_autoscaled(definition: dict) -> bool:
    """Write auto scaling on the table and every GSI (set through UpdateTableReplicaAutoScaling)."""
    scaling = definition.get("AutoScaling") or {}
    if not scaling.get("Write"):
        return False
    indexes = scaling.get("GsiWrite") or {}
    return all(indexes.get(gsi["IndexName"]) for gsi in definition.get("GlobalSecondaryIndexes") or ())


def _share_group(db: Database, table: Table, group: list[dict], skip: set[str]) -> None:
    """Every other member of the group (but those in `skip`) records the group as it now is."""
    for region in regions_of({"ReplicaGroup": group}):
        if region in skip:
            continue
        member = find_table(db, table.account_id, region, table.name)
        if member is not None:
            changed = dict(member.definition)
            changed["ReplicaGroup"] = group if len(group) > 1 else None
            save_definition(db, member, changed)


def forget_replica(db: Database, table: Table) -> None:
    """When a member table is deleted with DeleteTable: the other members stop listing it."""
    group = group_of(table.definition)
    if not group:
        return
    remaining = [entry for entry in group if entry["RegionName"] != table.region]
    _share_group(db, table, remaining, skip={table.region})
