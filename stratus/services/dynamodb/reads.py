"""Query and Scan: a page of a table or index read in key order, filtered, projected, counted.

Query is a range scan of one partition (the sort-key condition becomes byte bounds on the encoded
sort key), so its cost does not grow with the table. Scan walks the table or index in hash order;
a parallel scan's segment is a hash range. DynamoDbProvider supplies `db`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from stratus.core.context import RequestContext
from stratus.services.dynamodb import item_json
from stratus.services.dynamodb.attribute_values import normalize_item
from stratus.services.dynamodb.capacity import Consumption, read_units
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.expressions import check_filter_excludes_keys, resolve_key_condition
from stratus.services.dynamodb.item_expressions import ItemExpressions
from stratus.services.dynamodb.item_store import key_of, read_item, table_key
from stratus.services.dynamodb.key_codec import encode_key_value, partition_hash, segment_bounds
from stratus.services.dynamodb.paging import read_page
from stratus.services.dynamodb.query_store import SortRange, prefix_range, query_partition, scan_rows
from stratus.services.dynamodb.table_store import IndexKeys, Table, require_table
from stratus.services.dynamodb.throttle import READ, Throttle
from stratus.store import Database

ALL_ATTRIBUTES = "ALL_ATTRIBUTES"
ALL_PROJECTED = "ALL_PROJECTED_ATTRIBUTES"
SPECIFIC = "SPECIFIC_ATTRIBUTES"
COUNT = "COUNT"
BAD_START_KEY = "The provided starting key is invalid: The provided key element does not match the schema"
OUTSIDE_QUERY = "The provided starting key is outside query boundaries based on provided conditions"


def _index(table: Table, name: str | None) -> IndexKeys:
    if name is None:
        return table.keys
    index = table.indexes.get(name)
    if index is None:
        raise ValidationException(f"The table does not have the specified index: {name}")
    return index


def _select(req: dict, index: IndexKeys, expressions: ItemExpressions) -> str:
    """Select, defaulted and checked against the projection and the index as DynamoDB does."""
    projected = expressions.has_projection
    select = req.get("Select") or (SPECIFIC if projected else ALL_PROJECTED if index.name else ALL_ATTRIBUTES)
    if projected and select != SPECIFIC:
        shown = "only the Count" if select == COUNT else select
        raise ValidationException(f"Cannot specify the ProjectionExpression when choosing to get {shown}")
    if select == SPECIFIC and not projected:
        raise ValidationException(
            "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"
        )
    if select == ALL_PROJECTED and index.name is None:
        raise ValidationException(
            "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName"
        )
    if select == ALL_ATTRIBUTES and index.is_global and index.projection["ProjectionType"] != "ALL":
        raise ValidationException(
            f"One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for "
            f"global secondary index {index.name} because its projection type is not ALL"
        )
    return select


def _key_names(table: Table, index: IndexKeys) -> tuple[str, ...]:
    names = list(table.key_attribute_names)
    for attribute in (index.partition, index.sort):
        if attribute is not None and attribute.name not in names:
            names.append(attribute.name)
    return tuple(names)


def _start_key(table: Table, index: IndexKeys, req: dict) -> dict | None:
    """ExclusiveStartKey, checked: exactly the key attributes of the table and the index read."""
    start = req.get("ExclusiveStartKey")
    if start is None:
        return None
    start = normalize_item(start)
    names = _key_names(table, index)
    if set(start) != set(names) or key_of(table.keys, start) is None or key_of(index, start) is None:
        raise ValidationException(BAD_START_KEY)
    return start


def _sort_range(condition) -> SortRange:
    if condition is None:
        return SortRange()
    encoded = [encode_key_value(value) for value in condition.values]
    operator = condition.operator
    if operator == "EQ":
        return SortRange(encoded[0], True, encoded[0], True)
    if operator == "LT":
        return SortRange(high=encoded[0], high_inclusive=False)
    if operator == "LE":
        return SortRange(high=encoded[0])
    if operator == "GT":
        return SortRange(low=encoded[0], low_inclusive=False)
    if operator == "GE":
        return SortRange(low=encoded[0])
    if operator == "BETWEEN":
        return SortRange(encoded[0], True, encoded[1], True)
    return prefix_range(encoded[0])  # BEGINS_WITH


class ReadOperations:
    throttle: Throttle  # supplied by DynamoDbProvider

    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    def _shaper(
        self, db: Database, table: Table, index: IndexKeys, select: str, expressions: ItemExpressions
    ) -> tuple[Callable[[dict], dict] | None, Callable[[dict], dict] | None]:
        """(how a row's item becomes the item the filter sees, how it is shown)."""
        fetch = None
        partial_lsi = (
            index.name is not None and not index.is_global and index.projection["ProjectionType"] != "ALL"
        )
        if partial_lsi and (select in (ALL_ATTRIBUTES, SPECIFIC) or expressions.bound.filter is not None):

            def fetch(entry: dict) -> dict:  # an LSI reads what it does not hold from the table
                return read_item(db, table, table_key(table, entry)) or entry

        shape = expressions.project if select == SPECIFIC else None
        return fetch, shape

    def _page(self, rows, table, index, req, select, expressions, db):
        fetch, shape = self._shaper(db, table, index, select, expressions)
        keep = expressions.keeps if expressions.bound.filter is not None else None
        if fetch is not None:
            rows = _fetched(rows, fetch)
        return read_page(
            rows,
            limit=req.get("Limit"),
            key_names=_key_names(table, index),
            keep=keep,
            shape=shape,
            collect=select != COUNT,
        )

    def _answer(self, db: Database, req: dict, table: Table, index: IndexKeys, page, select: str) -> dict:
        result: dict = {"Count": page.count, "ScannedCount": page.scanned}
        if select != COUNT:
            result["Items"] = page.items
        if page.last_key is not None:
            result["LastEvaluatedKey"] = page.last_key
        consumption = Consumption(req["TableName"])
        units = read_units(page.read_bytes, consistent=bool(req.get("ConsistentRead")))
        if index.name is None:
            consumption.table = units
        else:
            consumption.add_index(index.name, units, is_global=index.is_global)
        capacity = self.throttle.settle(db, table, READ, consumption, req)
        if capacity is not None:
            result["ConsumedCapacity"] = capacity
        return result

    def query(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        table = require_table(ctx, db, req["TableName"])
        index = _index(table, req.get("IndexName"))
        self.throttle.admit(db, table, READ, index.name if index.is_global else None)
        if req.get("ConsistentRead") and index.is_global:
            raise ValidationException("Consistent reads are not supported on global secondary indexes")
        expressions = ItemExpressions.for_request(req, "Query")
        terms = expressions.bound.key_terms
        if terms is None:
            raise ValidationException(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
            )
        condition = resolve_key_condition(
            terms,
            partition_key=index.partition.name,
            sort_key=index.sort.name if index.sort else None,
            attribute_types=table.attribute_types,
        )
        key_names = _key_names(table, index)
        for name in req.get("QueryFilter") or ():  # the legacy filter is named as such
            if name in key_names:
                raise ValidationException(
                    f"QueryFilter can only contain non-primary key attributes: Primary key attribute: {name}"
                )
        if expressions.bound.filter is not None:
            check_filter_excludes_keys(expressions.bound.filter, key_names)
        select = _select(req, index, expressions)
        partition = encode_key_value(condition.partition_value)
        bounds = _sort_range(condition.sort)
        forward = req.get("ScanIndexForward", True)
        after = None
        start = _start_key(table, index, req)
        if start is not None:
            start_index_key = key_of(index, start)
            start_table_key = key_of(table.keys, start)
            assert start_index_key is not None and start_table_key is not None
            if start_index_key.pk != partition or not _within(bounds, start_index_key.sk):
                raise ValidationException(OUTSIDE_QUERY)
            after = (start_index_key.sk, start_table_key.pk, start_table_key.sk)
        rows = query_partition(
            db,
            table.table_id,
            index.name,
            partition_hash(partition),
            partition,
            bounds,
            forward=forward,
            after=after,
        )
        page = self._page(rows, table, index, req, select, expressions, db)
        return self._answer(db, req, table, index, page, select)

    def scan(self, ctx: RequestContext, req: dict) -> dict:
        db = self.db()
        table = require_table(ctx, db, req["TableName"])
        index = _index(table, req.get("IndexName"))
        self.throttle.admit(db, table, READ, index.name if index.is_global else None)
        if req.get("ConsistentRead") and index.is_global:
            raise ValidationException("Consistent reads are not supported on global secondary indexes")
        hash_bounds = _segment(req)
        expressions = ItemExpressions.for_request(req, "Scan")
        select = _select(req, index, expressions)
        after = None
        start = _start_key(table, index, req)
        if start is not None:
            start_index_key = key_of(index, start)
            start_table_key = key_of(table.keys, start)
            assert start_index_key is not None and start_table_key is not None
            if index.name is None:
                after = (start_table_key.hash, start_table_key.pk, start_table_key.sk)
            else:
                after = (
                    start_index_key.hash,
                    start_index_key.pk,
                    start_index_key.sk,
                    start_table_key.pk,
                    start_table_key.sk,
                )
        rows = scan_rows(db, table.table_id, index.name, hash_bounds, after)
        page = self._page(rows, table, index, req, select, expressions, db)
        return self._answer(db, req, table, index, page, select)


def _within(bounds: SortRange, key: bytes) -> bool:
    if bounds.low is not None and (key < bounds.low or (key == bounds.low and not bounds.low_inclusive)):
        return False
    return not (
        bounds.high is not None and (key > bounds.high or (key == bounds.high and not bounds.high_inclusive))
    )


def _segment(req: dict) -> tuple[int, int] | None:
    segment, total = req.get("Segment"), req.get("TotalSegments")
    if segment is None and total is None:
        return None
    if total is None:
        raise ValidationException(
            "The TotalSegments parameter is required but was not present in the request when Segment parameter is present"
        )
    if segment is None:
        raise ValidationException(
            "The Segment parameter is required but was not present in the request when parameter TotalSegments is present"
        )
    if segment >= total:
        raise ValidationException(
            f"The Segment parameter is zero-based and must be less than parameter TotalSegments: "
            f"Segment: {segment} is not less than TotalSegments: {total}"
        )
    return segment_bounds(segment, total)


def _fetched(rows, fetch: Callable[[dict], dict]):
    """Rows whose item is the table's whole item (an LSI whose projection lacks what is asked)."""
    for row in rows:
        yield replace(row, item=item_json.dumps(fetch(item_json.loads(row.item))))
