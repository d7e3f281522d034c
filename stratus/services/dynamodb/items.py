"""Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem.

Each write reads the current item, checks the condition and writes the new one (with its index
entries and stream record) in one SQLite transaction, so a conditional write is atomic however
many clients race. DynamoDbProvider supplies `db` and `record_change` (streams).
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.dynamodb.capacity import Consumption, read_units, write_units
from stratus.services.dynamodb.common import ConditionalCheckFailedException, ValidationException
from stratus.services.dynamodb.item_checks import checked_key, sized_item
from stratus.services.dynamodb.item_collections import check_collection, collection_metrics
from stratus.services.dynamodb.item_expressions import ItemExpressions
from stratus.services.dynamodb.item_store import read_sized, table_key, write_item
from stratus.services.dynamodb.table_store import Table, require_table
from stratus.services.dynamodb.throttle import READ, WRITE, Throttle
from stratus.store import Database

CONDITION_FAILED = "The conditional request failed"
PUT_RETURN_VALUES = ("NONE", "ALL_OLD")
UPDATE_RETURN_VALUES = ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")


def check_return_values(req: dict, allowed: tuple[str, ...]) -> str:
    value = req.get("ReturnValues") or "NONE"
    if value not in allowed:
        raise ValidationException("Return values set to invalid value")
    return value


def condition_failed(req: dict, old: dict | None) -> ConditionalCheckFailedException:
    if req.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and old is not None:
        return ConditionalCheckFailedException(CONDITION_FAILED, Item=old)
    return ConditionalCheckFailedException(CONDITION_FAILED)


def write_consumption(table: Table, name: str, old_size: int, new_size: int, touched: list) -> Consumption:
    """Write units of an item write: the larger image on the table (LSI writes count there too)."""
    consumption = Consumption(name)
    consumption.table = write_units(max(old_size, new_size))
    for index, units in touched:
        consumption.add_index(index.name, units, is_global=index.is_global)
    return consumption


class ItemOperations:
    throttle: Throttle  # supplied by DynamoDbProvider

    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    def record_change(
        self, db: Database, table: Table, old: dict | None, new: dict | None, now: float
    ) -> None:
        """Streams hook (DynamoDbProvider): called inside the write's transaction."""

    @staticmethod
    def _metrics(db: Database, table: Table, key, item: dict, req: dict) -> dict | None:
        if req.get("ReturnItemCollectionMetrics") != "SIZE":
            return None
        return collection_metrics(db, table, key, item)

    def _item_write_answer(
        self,
        db: Database,
        table: Table,
        req: dict,
        written: tuple,
        attributes: dict | None,
        metrics: dict | None,
    ) -> dict:
        """The answer of an item write: Attributes (per ReturnValues), ConsumedCapacity (charged
        against enforced throughput), ItemCollectionMetrics. `written` is (old size, new size,
        touched indexes)."""
        old_size, new_size, touched = written
        result: dict = {}
        if attributes is not None:
            result["Attributes"] = attributes
        used = write_consumption(table, req["TableName"], old_size, new_size, touched)
        capacity = self.throttle.settle(db, table, WRITE, used, req)
        if capacity is not None:
            result["ConsumedCapacity"] = capacity
        if metrics is not None:
            result["ItemCollectionMetrics"] = metrics
        return result

    def put_item(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        table = require_table(ctx, db, req["TableName"])
        self.throttle.admit(db, table, WRITE)
        return_values = check_return_values(req, PUT_RETURN_VALUES)
        expressions = ItemExpressions.for_request(req, "PutItem")
        item, size = sized_item(table, req["Item"])
        key = table_key(table, item)
        with db.transaction():
            old, old_size = read_sized(db, table, key)
            if not expressions.condition_holds(old):
                raise condition_failed(req, old)
            touched = write_item(db, table, key, item, old, new_size=size, old_size=old_size)
            check_collection(db, table, key)
            self.record_change(db, table, old, item, ctx.time.timestamp())
            metrics = self._metrics(db, table, key, item, req)
        shown = old if return_values == "ALL_OLD" else None
        return self._item_write_answer(db, table, req, (old_size, size, touched), shown, metrics)

    def get_item(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        table = require_table(ctx, db, req["TableName"])
        self.throttle.admit(db, table, READ)
        expressions = ItemExpressions.for_request(req, "GetItem")
        key = checked_key(table, req["Key"])
        item, size = read_sized(db, table, table_key(table, key))
        result: dict = {}
        if item is not None:
            result["Item"] = expressions.project(item)
        consumption = Consumption(req["TableName"])
        consumption.table = read_units(size, consistent=bool(req.get("ConsistentRead")))
        capacity = self.throttle.settle(db, table, READ, consumption, req)
        if capacity is not None:
            result["ConsumedCapacity"] = capacity
        return result

    def delete_item(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        table = require_table(ctx, db, req["TableName"])
        self.throttle.admit(db, table, WRITE)
        return_values = check_return_values(req, PUT_RETURN_VALUES)
        expressions = ItemExpressions.for_request(req, "DeleteItem")
        key = table_key(table, checked_key(table, req["Key"]))
        touched: list = []
        with db.transaction():
            old, old_size = read_sized(db, table, key)
            if not expressions.condition_holds(old):
                raise condition_failed(req, old)
            if old is not None:
                touched = write_item(db, table, key, None, old, new_size=0, old_size=old_size)
                self.record_change(db, table, old, None, ctx.time.timestamp())
            metrics = self._metrics(db, table, key, old, req) if old is not None else None
        shown = old if return_values == "ALL_OLD" else None
        return self._item_write_answer(db, table, req, (old_size, 0, touched), shown, metrics)

    def update_item(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        table = require_table(ctx, db, req["TableName"])
        self.throttle.admit(db, table, WRITE)
        return_values = check_return_values(req, UPDATE_RETURN_VALUES)
        expressions = ItemExpressions.for_request(req, "UpdateItem")
        key_item = checked_key(table, req["Key"])
        key = table_key(table, key_item)
        with db.transaction():
            old, old_size = read_sized(db, table, key)
            if not expressions.condition_holds(old):
                raise condition_failed(req, old)
            new, size = sized_item(table, expressions.apply_update(old, key_item), updated=True)
            touched = (
                write_item(db, table, key, new, old, new_size=size, old_size=old_size) if new != old else []
            )
            if new != old:
                check_collection(db, table, key)
                self.record_change(db, table, old, new, ctx.time.timestamp())
            metrics = self._metrics(db, table, key, new, req)
        shown = None
        if return_values == "ALL_OLD":
            shown = old
        elif return_values == "ALL_NEW":
            shown = new
        elif return_values in ("UPDATED_OLD", "UPDATED_NEW"):
            shown = expressions.updated_part(new if return_values == "UPDATED_NEW" else old or {}) or None
        return self._item_write_answer(db, table, req, (old_size, size, touched), shown, metrics)
