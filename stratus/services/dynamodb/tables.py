"""Table management: create, describe, list, delete, limits and endpoints.

Tables become ACTIVE at once: CreateTable answers CREATING (as DynamoDB does) and the next
DescribeTable shows ACTIVE, so waiters return on their first poll. DeleteTable answers DELETING and
the table is gone. Item counts and sizes are exact at every moment (DynamoDB refreshes them about
every six hours). DynamoDbProvider supplies `db`.
"""

from __future__ import annotations

import json
import uuid

from stratus.core.context import RequestContext
from stratus.services.dynamodb import backups, global_tables, resource_policies, stream_store
from stratus.services.dynamodb.common import ResourceInUseException, ValidationException
from stratus.services.dynamodb.describe import describe_table
from stratus.services.dynamodb.table_definition import build_definition
from stratus.services.dynamodb.table_store import find_table, require_table, table_from_row
from stratus.services.dynamodb.tags import check_tags, write_tags
from stratus.store import Database

MAX_LIST_TABLES = 100
ACCOUNT_MAX_CAPACITY_UNITS = 80_000
TABLE_MAX_CAPACITY_UNITS = 40_000


class TableOperations:
    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    def index_counts(self, table_id: int) -> dict[str, tuple[int, int]]:
        rows = self.db().query(
            "SELECT index_name, COUNT(*) AS items, COALESCE(SUM(size), 0) AS size FROM ddb_index_items"
            " WHERE table_id = ? GROUP BY index_name",
            (table_id,),
        )
        return {row["index_name"]: (row["items"], row["size"]) for row in rows}

    def create_table(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        name = req["TableName"]
        definition = build_definition(req)
        tags = {tag["Key"]: tag["Value"] for tag in req.get("Tags") or ()}
        check_tags(req.get("Tags") or ())
        if find_table(db, ctx.account_id, ctx.region, name) is not None:
            raise ResourceInUseException(f"Table already exists: {name}")
        now = ctx.time.timestamp()
        if definition["StreamSpecification"]:
            definition["LatestStreamLabel"] = stream_store.stream_label(ctx)
        if req.get("ResourcePolicy"):
            definition["ResourcePolicy"] = resource_policies.create_time_policy(ctx, req["ResourcePolicy"])
        arn = f"arn:{ctx.partition}:dynamodb:{ctx.region}:{ctx.account_id}:table/{name}"
        with db.transaction():
            cursor = db.execute(
                "INSERT INTO ddb_tables (account_id, region, name, arn, uuid, created_at, definition)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (ctx.account_id, ctx.region, name, arn, str(uuid.uuid4()), now, json.dumps(definition)),
            )
            write_tags(db, cursor.lastrowid, tags)
            table = find_table(db, ctx.account_id, ctx.region, name)
            assert table is not None
            if definition["StreamSpecification"]:
                stream = definition["StreamSpecification"]
                stream_store.stream_enabled(
                    db, table, definition["LatestStreamLabel"], stream["StreamViewType"], now
                )
        return {"TableDescription": describe_table(table, "CREATING")}

    def describe_table(self, ctx: RequestContext, req: dict) -> dict:
        table = require_table(ctx, self.db(), req["TableName"], detailed=True)
        return {"Table": describe_table(table, counts=self.index_counts(table.table_id))}

    def list_tables(self, ctx: RequestContext, req: dict) -> dict:
        limit = req.get("Limit") or MAX_LIST_TABLES
        start = req.get("ExclusiveStartTableName")
        rows = self.db().query(
            "SELECT name FROM ddb_tables WHERE account_id = ? AND region = ? AND name > ? ORDER BY name LIMIT ?",
            (ctx.account_id, ctx.region, start or "", limit + 1),
        )
        names = [row["name"] for row in rows]
        result: dict = {"TableNames": names[:limit]}
        if len(names) > limit:
            result["LastEvaluatedTableName"] = names[limit - 1]
        return result

    def delete_table(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        table = require_table(ctx, db, req["TableName"], detailed=True)
        if table.definition.get("DeletionProtectionEnabled"):
            raise ValidationException(
                "Resource cannot be deleted as it is currently protected against deletion. "
                "Disable deletion protection first."
            )
        counts = self.index_counts(table.table_id)
        with db.transaction():
            row = db.query_one("SELECT * FROM ddb_tables WHERE table_id = ?", (table.table_id,))
            table = table_from_row(row)
            # Always: it also detaches streams disabled earlier from a table id SQLite may reuse.
            stream_store.stream_disabled(db, table, ctx.time.timestamp(), table_deleted=True)
            global_tables.forget_replica(db, table)
            backups.table_deleting(db, table, ctx.time.timestamp(), ctx.partition)
            for statement in (
                "DELETE FROM ddb_items WHERE table_id = ?",
                "DELETE FROM ddb_index_items WHERE table_id = ?",
                "DELETE FROM ddb_tags WHERE table_id = ?",
                "DELETE FROM ddb_ttl WHERE table_id = ?",
                "DELETE FROM ddb_tables WHERE table_id = ?",
            ):
                db.execute(statement, (table.table_id,))
        return {"TableDescription": describe_table(table, "DELETING", counts)}

    def describe_limits(self, ctx: RequestContext, req: dict) -> dict:
        return {
            "AccountMaxReadCapacityUnits": ACCOUNT_MAX_CAPACITY_UNITS,
            "AccountMaxWriteCapacityUnits": ACCOUNT_MAX_CAPACITY_UNITS,
            "TableMaxReadCapacityUnits": TABLE_MAX_CAPACITY_UNITS,
            "TableMaxWriteCapacityUnits": TABLE_MAX_CAPACITY_UNITS,
        }

    def describe_endpoints(self, ctx: RequestContext, req: dict) -> dict:
        host = ctx.request.headers.get("host") if ctx.request is not None else None
        address = host or ctx.runtime.endpoint.split("://", 1)[-1]
        return {"Endpoints": [{"Address": address, "CachePeriodInMinutes": 1440}]}
