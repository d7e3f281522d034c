"""BatchGetItem and BatchWriteItem.

Every request of a batch is checked before any is applied, so a malformed batch changes nothing;
the writes then commit in one transaction. Nothing is ever left unprocessed here (no throttling):
UnprocessedItems / UnprocessedKeys come back empty, as from an idle DynamoDB table.
DynamoDbProvider supplies `db` and `record_change`.
"""

from __future__ import annotations

from stratus.core.context import RequestContext
from stratus.services.dynamodb.capacity import Consumption, read_units
from stratus.services.dynamodb.common import ProvisionedThroughputExceededException, ValidationException
from stratus.services.dynamodb.item_checks import checked_key, sized_item
from stratus.services.dynamodb.item_collections import check_collection, collection_metrics
from stratus.services.dynamodb.item_expressions import ItemExpressions
from stratus.services.dynamodb.item_size import item_size
from stratus.services.dynamodb.item_store import StoredKey, read_sized, table_key, write_item
from stratus.services.dynamodb.items import write_consumption
from stratus.services.dynamodb.table_store import Table, require_table
from stratus.services.dynamodb.throttle import EXCEEDED, READ, WRITE, Throttle
from stratus.store import Database

MAX_BATCH_WRITES = 25
MAX_BATCH_KEYS = 100
MAX_BATCH_GET_BYTES = 16 * 1024 * 1024  # a BatchGetItem answers at most 16 MB of items
DUPLICATE_KEYS = "Provided list of item keys contains duplicates"


def _capacities(consumptions: dict[str, Consumption], mode: str | None) -> list[dict] | None:
    if mode not in ("TOTAL", "INDEXES"):
        return None
    return [consumption.answer(mode) for consumption in consumptions.values()]  # type: ignore[misc]


class BatchOperations:
    throttle: Throttle  # supplied by DynamoDbProvider

    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    def record_change(
        self, db: Database, table: Table, old: dict | None, new: dict | None, now: float
    ) -> None:
        raise NotImplementedError

    def _throttled(self, db: Database, planned: list, requests: dict, kind: str) -> dict:
        """The requests of tables whose throughput is exhausted, handed back unprocessed, as
        DynamoDB does; when that is all of them, the whole call is refused."""
        tables = {entry[1]: entry[0] for entry in planned}
        unprocessed = {}
        for name, table in tables.items():
            try:
                self.throttle.admit(db, table, kind)
            except ProvisionedThroughputExceededException:
                unprocessed[name] = requests[name]
        if tables and len(unprocessed) == len(tables):
            raise ProvisionedThroughputExceededException(EXCEEDED)
        return unprocessed

    def _charge(self, db: Database, planned: list, consumptions: dict[str, Consumption], kind: str) -> None:
        tables = {entry[1]: entry[0] for entry in planned}
        for name, consumption in consumptions.items():
            self.throttle.charge(db, tables[name], kind, consumption)

    def batch_write_item(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        requests = req["RequestItems"]
        if sum(len(entries) for entries in requests.values()) > MAX_BATCH_WRITES:
            raise ValidationException("Too many items requested for the BatchWriteItem call")
        planned: list[tuple[Table, str, StoredKey, dict | None, int]] = []
        for name, entries in requests.items():
            table = require_table(ctx, db, name)
            seen: set[StoredKey] = set()
            for entry in entries:
                put, delete = entry.get("PutRequest"), entry.get("DeleteRequest")
                if (put is None) == (delete is None):  # wording guessed
                    raise ValidationException("Request must contain either a PutRequest or a DeleteRequest")
                if put is not None:
                    item, size = sized_item(table, put["Item"])
                    key = table_key(table, item)
                else:
                    item, size = None, 0
                    key = table_key(table, checked_key(table, delete["Key"]))
                if key in seen:
                    raise ValidationException(DUPLICATE_KEYS)
                seen.add(key)
                planned.append((table, name, key, item, size))
        unprocessed = self._throttled(db, planned, requests, WRITE)
        planned = [entry for entry in planned if entry[1] not in unprocessed]
        consumptions: dict[str, Consumption] = {}
        collections: dict[str, list[dict]] = {}
        now = ctx.time.timestamp()
        with db.transaction():
            for table, name, key, item, size in planned:
                old, old_size = read_sized(db, table, key)
                touched = (
                    write_item(db, table, key, item, old, new_size=size, old_size=old_size)
                    if (item is not None or old is not None)
                    else []
                )
                if item != old:
                    check_collection(db, table, key)
                    self.record_change(db, table, old, item, now)
                if req.get("ReturnItemCollectionMetrics") == "SIZE" and (item or old) is not None:
                    metrics = collection_metrics(db, table, key, item or old)
                    if metrics is not None:
                        collections.setdefault(name, []).append(metrics)
                used = write_consumption(table, name, old_size, size, touched)
                total = consumptions.setdefault(name, Consumption(name))
                total.table += used.table
                for index_name, units in used.local_indexes.items():
                    total.add_index(index_name, units, is_global=False)
                for index_name, units in used.global_indexes.items():
                    total.add_index(index_name, units, is_global=True)
        self._charge(db, planned, consumptions, WRITE)
        result: dict = {"UnprocessedItems": unprocessed}
        if collections:
            result["ItemCollectionMetrics"] = collections
        capacity = _capacities(consumptions, req.get("ReturnConsumedCapacity"))
        if capacity is not None:
            result["ConsumedCapacity"] = capacity
        return result

    def batch_get_item(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        requests = req["RequestItems"]
        if sum(len(entry["Keys"]) for entry in requests.values()) > MAX_BATCH_KEYS:
            raise ValidationException("Too many items requested for the BatchGetItem call")
        planned = []
        for name, entry in requests.items():
            table = require_table(ctx, db, name)
            expressions = ItemExpressions.for_request(entry, "BatchGetItem")
            keys = []
            for key in entry["Keys"]:
                stored = table_key(table, checked_key(table, key))
                if stored in keys:
                    raise ValidationException(DUPLICATE_KEYS)
                keys.append(stored)
            planned.append((table, name, expressions, keys, bool(entry.get("ConsistentRead"))))
        unprocessed = self._throttled(db, planned, requests, READ)
        planned = [entry for entry in planned if entry[1] not in unprocessed]
        responses: dict[str, list[dict]] = {}
        consumptions: dict[str, Consumption] = {}
        answered = 0
        for table, name, expressions, keys, consistent in planned:
            found = responses.setdefault(name, [])
            consumption = consumptions.setdefault(name, Consumption(name))
            for position, key in enumerate(keys):
                if answered >= MAX_BATCH_GET_BYTES:  # the rest is handed back, as DynamoDB does
                    left = unprocessed.setdefault(
                        name, {k: v for k, v in requests[name].items() if k != "Keys"}
                    )
                    left.setdefault("Keys", []).extend(requests[name]["Keys"][position:])
                    break
                item, size = read_sized(db, table, key)
                consumption.table += read_units(size, consistent=consistent)
                if item is not None:
                    shown = expressions.project(item)
                    answered += size if shown is item else item_size(shown)
                    found.append(shown)
        self._charge(db, planned, consumptions, READ)
        result: dict = {"Responses": responses, "UnprocessedKeys": unprocessed}
        capacity = _capacities(consumptions, req.get("ReturnConsumedCapacity"))
        if capacity is not None:
            result["ConsumedCapacity"] = capacity
        return result
