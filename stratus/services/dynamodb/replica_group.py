"""A global table's replica group (version 2019.11.21) as each member table keeps it.

Every member's definition holds the same `ReplicaGroup`: one entry per region, in the order the
replicas were added, each with that replica's overrides. DescribeTable lists the *other* members
(as DynamoDB does: a replica's `Replicas` names the regions it replicates to, not itself).
"""

from __future__ import annotations

GLOBAL_TABLE_VERSION = "2019.11.21"
ACTIVE = "ACTIVE"

# Per-replica settings an entry may carry, shown in DescribeTable's ReplicaDescription.
OVERRIDES = ("KMSMasterKeyId", "ProvisionedThroughputOverride", "OnDemandThroughputOverride")


def group_of(definition: dict) -> list[dict]:
    return definition.get("ReplicaGroup") or []


def regions_of(definition: dict) -> list[str]:
    return [entry["RegionName"] for entry in group_of(definition)]


def replica_description(entry: dict) -> dict:
    """One ReplicaDescription: the region, its status and the overrides it was given."""
    shown: dict = {"RegionName": entry["RegionName"], "ReplicaStatus": ACTIVE}
    for name in OVERRIDES:
        if entry.get(name) is not None:
            shown[name] = entry[name]
    if entry.get("GlobalSecondaryIndexes"):
        shown["GlobalSecondaryIndexes"] = entry["GlobalSecondaryIndexes"]
    if entry.get("TableClassOverride"):
        shown["ReplicaTableClassSummary"] = {"TableClass": entry["TableClassOverride"]}
    return shown


def describe_replicas(definition: dict, own_region: str) -> dict:
    """The `GlobalTableVersion` and `Replicas` members of a TableDescription ({} for a regional table)."""
    group = group_of(definition)
    if not group:
        return {}
    return {
        "GlobalTableVersion": GLOBAL_TABLE_VERSION,
        "Replicas": [replica_description(entry) for entry in group if entry["RegionName"] != own_region],
    }
