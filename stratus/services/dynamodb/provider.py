"""Amazon DynamoDB: the provider is the sum of one mixin per operation group."""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.base import Provider
from stratus.services.dynamodb import pitr, stream_store, table_encryption, ttl_sweeper, vector_indexes
from stratus.services.dynamodb.backups import BackupOperations
from stratus.services.dynamodb.batches import BatchOperations
from stratus.services.dynamodb.contributor_insights import ContributorInsightsOperations
from stratus.services.dynamodb.global_tables import GlobalTableOperations
from stratus.services.dynamodb.global_tables_2017 import LegacyGlobalTableOperations
from stratus.services.dynamodb.items import ItemOperations
from stratus.services.dynamodb.kinesis_destinations import KinesisDestinationOperations
from stratus.services.dynamodb.partiql import PartiqlOperations
from stratus.services.dynamodb.reads import ReadOperations
from stratus.services.dynamodb.replica_autoscaling import ReplicaAutoScalingOperations
from stratus.services.dynamodb.resource_policies import ResourcePolicyOperations
from stratus.services.dynamodb.schema import DYNAMODB_DATABASE, MIGRATIONS
from stratus.services.dynamodb.table_settings import TableSettingOperations
from stratus.services.dynamodb.table_store import Table
from stratus.services.dynamodb.table_updates import TableUpdateOperations
from stratus.services.dynamodb.tables import TableOperations
from stratus.services.dynamodb.tags import TagOperations
from stratus.services.dynamodb.throttle import Throttle
from stratus.services.dynamodb.transactions import TransactionOperations
from stratus.services.dynamodb.vector_search import VectorSearchOperations
from stratus.store import Database


class DynamoDbProvider(
    VectorSearchOperations,  # first: its index_counts extends TableOperations'
    ItemOperations,
    BatchOperations,
    PartiqlOperations,
    TransactionOperations,
    ReadOperations,
    TableOperations,
    TableUpdateOperations,
    TableSettingOperations,
    TagOperations,
    GlobalTableOperations,
    ReplicaAutoScalingOperations,
    LegacyGlobalTableOperations,
    ResourcePolicyOperations,
    KinesisDestinationOperations,
    ContributorInsightsOperations,
    BackupOperations,
    Provider,
):
    service = "dynamodb"

    def __init__(self, runtime) -> None:
        self.throttle = Throttle(runtime.clock.time)
        super().__init__(runtime)

    def db(self) -> Database:
        return self.runtime.state.database(DYNAMODB_DATABASE, MIGRATIONS)

    # Tables encrypted with a KMS key name it by ARN, resolved through KMS first (table_encryption.py).

    async def create_table(self, ctx: RequestContext, req: dict) -> dict:
        return super().create_table(ctx, await table_encryption.with_key_arn(ctx, req))

    async def update_table(self, ctx: RequestContext, req: dict) -> dict:
        return super().update_table(ctx, await table_encryption.with_key_arn(ctx, req))

    async def restore_table_from_backup(self, ctx: RequestContext, req: dict) -> dict:
        req = await table_encryption.with_key_arn(ctx, req, "SSESpecificationOverride")
        return super().restore_table_from_backup(ctx, req)

    async def restore_table_to_point_in_time(self, ctx: RequestContext, req: dict) -> dict:
        req = await table_encryption.with_key_arn(ctx, req, "SSESpecificationOverride")
        return super().restore_table_to_point_in_time(ctx, req)

    def on_reset(self) -> None:
        self.throttle.reset()

    def register_deliveries(self) -> None:
        # Not a delivery, but the same moment: the provider exists, its background work starts.
        self.runtime.scheduler.every("dynamodb.ttl", ttl_sweeper.SWEEP_SECONDS, self._sweep_ttl)

    def _sweep_ttl(self) -> None:
        ttl_sweeper.sweep(self.db(), self.runtime.clock.time())

    def record_change(
        self, db: Database, table: Table, old: dict | None, new: dict | None, now: float
    ) -> None:
        # Vector indexes refuse a badly shaped vector: checked inside the write's transaction, so the
        # refusal undoes the write; tables without vector indexes pay one dict lookup.
        if new is not None and table.definition.get("VectorIndexes"):
            vector_indexes.check_written_item(table.definition, new)
        if table.definition.get("StreamSpecification"):
            stream_store.record_change(db, table, old, new, now)
        if table.definition.get("PointInTimeRecovery"):
            pitr.record_history(db, table, old, new, now)
