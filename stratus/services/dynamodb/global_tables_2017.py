"""Global tables, version 2017.11.29 (Legacy): CreateGlobalTable, UpdateGlobalTable,
DescribeGlobalTable, ListGlobalTables, DescribeGlobalTableSettings, UpdateGlobalTableSettings.

DynamoDB no longer creates global tables of this version: CreateGlobalTable (and UpdateGlobalTable)
answer "DynamoDB global tables version 2017.11.29 is not supported..." and only accounts that made
legacy global tables long ago still have any. Stratus answers as DynamoDB does for an account
without them: the other operations find no legacy global table (GlobalTableNotFoundException, an
empty ListGlobalTables), and version 2019.11.21 global tables (UpdateTable's ReplicaUpdates, see
global_tables.py) are invisible to them, as in DynamoDB. There is therefore nothing to store
(schema_global.TABLES stays empty).
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.protocol.errors import ServiceError
from stratus.services.dynamodb.common import ValidationException

NOT_SUPPORTED = (
    "One or more parameter values were invalid: DynamoDB global tables version 2017.11.29 is not "
    "supported. We recommend using DynamoDB global tables version 2019.11.21, instead of version "
    "2017.11.29 (Legacy)."
)


class GlobalTableNotFoundException(ServiceError):
    code = "GlobalTableNotFoundException"
    status = 400


def global_table_not_found(name: str) -> GlobalTableNotFoundException:
    return GlobalTableNotFoundException(f"Global table with name '{name}' does not exist.")


class LegacyGlobalTableOperations:
    def create_global_table(self, ctx: RequestContext, req: dict) -> dict:
        raise ValidationException(NOT_SUPPORTED)

    def update_global_table(self, ctx: RequestContext, req: dict) -> dict:
        # DynamoDB looks the legacy global table up first; none can exist any more.
        raise global_table_not_found(req["GlobalTableName"])

    def describe_global_table(self, ctx: RequestContext, req: dict) -> dict:
        raise global_table_not_found(req["GlobalTableName"])

    def describe_global_table_settings(self, ctx: RequestContext, req: dict) -> dict:
        raise global_table_not_found(req["GlobalTableName"])

    def update_global_table_settings(self, ctx: RequestContext, req: dict) -> dict:
        raise global_table_not_found(req["GlobalTableName"])

    def list_global_tables(self, ctx: RequestContext, req: dict) -> dict:
        return {"GlobalTables": []}
