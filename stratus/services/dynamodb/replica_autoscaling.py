"""DescribeTableReplicaAutoScaling and UpdateTableReplicaAutoScaling (global tables 2019.11.21).

In DynamoDB these are a front for Application Auto Scaling: scalable targets and target-tracking
policies per replica (read) and per global table (write), for the table and each GSI. Stratus keeps
the settings they set, shown back as DynamoDB shows them; nothing scales capacity yet (there is no
Application Auto Scaling in Stratus), so provisioned throughput changes only through UpdateTable.
Both operations answer only for a global table (a regional one is "Global table ... does not
exist", as DynamoDB answers). Write settings are shared by the group; read settings are per replica.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.dynamodb.common import ResourceNotFoundException, ValidationException
from stratus.services.dynamodb.replica_group import ACTIVE, group_of, regions_of
from stratus.services.dynamodb.table_definition import PAY_PER_REQUEST
from stratus.services.dynamodb.table_store import Table, find_table, require_table, save_definition
from stratus.store import Database

ROLE = (
    "arn:{partition}:iam::{account}:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/"
    "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"
)
# The order DynamoDB names missing parameters in.
_REQUIRED = ("MaximumUnits", "ScalingPolicyUpdate", "MinimumUnits")


def no_global_table(name: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Global table with name: '{name}' does not exist.")


def _failed(name: str, detail: str) -> ValidationException:
    return ValidationException(
        f"Failed to update settings for global table with name: \u2018{name}\u2019{detail}"
    )


class ReplicaAutoScalingOperations:
    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    def _global_table(self, ctx: RequestContext, name_or_arn: str) -> Table:
        name = name_or_arn.split(":table/", 1)[-1].split("/", 1)[0]
        try:
            table = require_table(ctx, self.db(), name_or_arn)
        except ResourceNotFoundException:
            raise no_global_table(name) from None
        if not group_of(table.definition):
            raise no_global_table(name)
        return table

    def describe_table_replica_auto_scaling(self, ctx: RequestContext, req: dict) -> dict:
        table = self._global_table(ctx, req["TableName"])
        return {"TableAutoScalingDescription": self._description(ctx, table)}

    def update_table_replica_auto_scaling(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        table = self._global_table(ctx, req["TableName"])
        name = table.name
        scaling = dict(table.definition.get("AutoScaling") or {})
        updates = [
            req.get("ProvisionedWriteCapacityAutoScalingUpdate"),
            *(
                u.get("ProvisionedWriteCapacityAutoScalingUpdate")
                for u in req.get("GlobalSecondaryIndexUpdates") or ()
            ),
            *(
                u.get("ReplicaProvisionedReadCapacityAutoScalingUpdate")
                for u in req.get("ReplicaUpdates") or ()
            ),
            *(
                g.get("ProvisionedReadCapacityAutoScalingUpdate")
                for u in req.get("ReplicaUpdates") or ()
                for g in u.get("ReplicaGlobalSecondaryIndexUpdates") or ()
            ),
        ]
        if not any(update is not None for update in updates):
            raise _failed(name, " because at least one update parameter must be specified.")
        for update in updates:
            if update is not None:
                _check_update(name, update)
        indexes = {gsi["IndexName"] for gsi in table.definition.get("GlobalSecondaryIndexes") or ()}
        named = [u.get("IndexName") for u in req.get("GlobalSecondaryIndexUpdates") or ()]
        named += [
            g.get("IndexName")
            for u in req.get("ReplicaUpdates") or ()
            for g in u.get("ReplicaGlobalSecondaryIndexUpdates") or ()
        ]
        unknown = sorted({index for index in named if index not in indexes})
        if unknown:
            raise ResourceNotFoundException(
                f"Failed to update settings for global table with name: \u2018{name}\u2019 because the global "
                f"secondary indexes with names: \u2018[{', '.join(unknown)}]\u2019 do not exist."
            )
        regions = [u["RegionName"] for u in req.get("ReplicaUpdates") or ()]
        repeated = sorted({region for region in regions if regions.count(region) > 1})
        if repeated:
            raise _failed(
                name,
                f" because the regions: \u2018[{', '.join(repeated)}]\u2019 were specified more than once.",
            )
        members = regions_of(table.definition)
        strangers = sorted({region for region in regions if region not in members})
        if strangers:
            # guessed wording: DynamoDB's answer for a region outside the group is not documented
            raise _failed(
                name, f" because the replicas in regions: \u2018[{', '.join(strangers)}]\u2019 do not exist."
            )
        if table.definition["BillingMode"] == PAY_PER_REQUEST:
            _refuse_on_demand(table, req, members)
        _set(scaling, "Write", None, req.get("ProvisionedWriteCapacityAutoScalingUpdate"))
        for update in req.get("GlobalSecondaryIndexUpdates") or ():
            _set(
                scaling,
                "GsiWrite",
                update["IndexName"],
                update.get("ProvisionedWriteCapacityAutoScalingUpdate"),
            )
        for update in req.get("ReplicaUpdates") or ():
            region = update["RegionName"]
            _set(scaling, "Read", region, update.get("ReplicaProvisionedReadCapacityAutoScalingUpdate"))
            for gsi in update.get("ReplicaGlobalSecondaryIndexUpdates") or ():
                _set(
                    scaling,
                    "GsiRead",
                    f"{region}/{gsi['IndexName']}",
                    gsi.get("ProvisionedReadCapacityAutoScalingUpdate"),
                )
        with db.transaction():
            for region in members:
                member = find_table(db, table.account_id, region, table.name)
                if member is not None:
                    save_definition(db, member, {**member.definition, "AutoScaling": scaling})
        updated = require_table(ctx, db, req["TableName"], detailed=True)
        return {"TableAutoScalingDescription": self._description(ctx, updated)}

    def _description(self, ctx: RequestContext, table: Table) -> dict:
        scaling = table.definition.get("AutoScaling") or {}
        on_demand = table.definition["BillingMode"] == PAY_PER_REQUEST
        role = ROLE.format(partition=ctx.partition, account=table.account_id)

        def shown(settings: dict | None, dimension: str) -> dict:
            return _settings(settings, on_demand, role, table.name, dimension)

        replicas = []
        for region in sorted(regions_of(table.definition)):
            member = find_table(self.db(), table.account_id, region, table.name)
            gsis = [
                {
                    "IndexName": gsi["IndexName"],
                    "IndexStatus": ACTIVE,
                    "ProvisionedReadCapacityAutoScalingSettings": shown(
                        (scaling.get("GsiRead") or {}).get(f"{region}/{gsi['IndexName']}"), "Read"
                    ),
                    "ProvisionedWriteCapacityAutoScalingSettings": shown(
                        (scaling.get("GsiWrite") or {}).get(gsi["IndexName"]), "Write"
                    ),
                }
                for gsi in (member or table).definition.get("GlobalSecondaryIndexes") or ()
            ]
            replicas.append(
                {
                    "RegionName": region,
                    "GlobalSecondaryIndexes": gsis,
                    "ReplicaProvisionedReadCapacityAutoScalingSettings": shown(
                        (scaling.get("Read") or {}).get(region), "Read"
                    ),
                    "ReplicaProvisionedWriteCapacityAutoScalingSettings": shown(
                        scaling.get("Write"), "Write"
                    ),
                    "ReplicaStatus": ACTIVE,
                }
            )
        return {"TableName": table.name, "TableStatus": ACTIVE, "Replicas": replicas}


def _check_update(name: str, update: dict) -> None:
    """AutoScalingSettingsUpdate's shape rules: all of min, max and policy, or a bare disable."""
    if update.get("AutoScalingDisabled"):
        given = [field for field in _REQUIRED if update.get(field) is not None]
        if given:
            quoted = ", ".join(f"'{field}'" for field in given)
            raise _failed(name, f": Parameters {quoted} must be left blank when disabling auto scaling.")
        return
    missing = [field for field in _REQUIRED if update.get(field) is None]
    if missing:
        quoted = ", ".join(f"'{field}'" for field in missing)
        raise _failed(name, f": Parameters {quoted} are required unless auto scaling is being disabled.")


def _refuse_on_demand(table: Table, req: dict, members: list[str]) -> None:
    """On-demand groups accept only disabling auto scaling."""
    enabling = [
        member
        for member in (
            "ProvisionedWriteCapacityAutoScalingUpdate",
            "GlobalSecondaryIndexUpdates",
            "ReplicaUpdates",
        )
        if req.get(member) is not None and not _only_disables(req[member])
    ]
    if enabling:
        regions = ", ".join(f"'{region}'" for region in sorted(members))
        raise ValidationException(
            f"Failed to update global table with name \u2018{table.name}\u2018. Replicas {regions} BillingMode is "
            f"PayPerRequest. You must convert table's BillingMode to PROVISIONED to set parameters: "
            f"'{enabling[0]}'."
        )


def _only_disables(value: object) -> bool:
    if isinstance(value, list):
        return all(_only_disables(item) for item in value)
    if not isinstance(value, dict):
        return True
    if "AutoScalingDisabled" in value or "MinimumUnits" in value or "ScalingPolicyUpdate" in value:
        return bool(value.get("AutoScalingDisabled"))
    return all(_only_disables(item) for key, item in value.items() if key not in ("IndexName", "RegionName"))


def _set(scaling: dict, dimension: str, key: str | None, update: dict | None) -> None:
    if update is None:
        return
    settings = None if update.get("AutoScalingDisabled") else _stored(update)
    if key is None:
        scaling[dimension] = settings
    else:
        scaling[dimension] = {**(scaling.get(dimension) or {}), key: settings}


def _stored(update: dict) -> dict:
    policy = update["ScalingPolicyUpdate"]
    return {
        "MinimumUnits": update["MinimumUnits"],
        "MaximumUnits": update["MaximumUnits"],
        "PolicyName": policy.get("PolicyName"),
        "TargetTracking": policy["TargetTrackingScalingPolicyConfiguration"],
    }


def _settings(settings: dict | None, on_demand: bool, role: str, table_name: str, kind: str) -> dict:
    """AutoScalingSettingsDescription: disabled (never set, or on demand) or min/max/role/policy."""
    if settings is None or on_demand:
        shown: dict = {"AutoScalingDisabled": True}
        if settings is not None:
            shown.update(MinimumUnits=settings["MinimumUnits"], MaximumUnits=settings["MaximumUnits"])
        return shown
    name = settings.get("PolicyName") or f"DynamoDB{kind}CapacityUtilization:table/{table_name}"
    return {
        "MinimumUnits": settings["MinimumUnits"],
        "MaximumUnits": settings["MaximumUnits"],
        "AutoScalingRoleArn": role,
        "ScalingPolicies": [
            {"PolicyName": name, "TargetTrackingScalingPolicyConfiguration": settings["TargetTracking"]}
        ],
    }
