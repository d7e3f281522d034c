"""SearchVectors: the k items of a vector index nearest a query vector.

The search here is EXACT: every item of the index (of one vector index partition, when the index
has a HASH attribute) is scored by brute force, so the results are the true k nearest neighbours.
AWS's search is APPROXIMATE (an ANN graph): on real DynamoDB a result can occasionally be missing
or out of place, and an application must not rely on exact recall.

Scores follow the index's distance function on the f32 copies of the vectors, rounded to f32:
COSINE is 1 - cos(angle), from 0 (same direction) to 2 (opposite), lower is closer; EUCLIDEAN is
the straight-line distance, lower is closer; DOT_PRODUCT is the dot product, higher is closer.
Ties keep the table's key order.

The SearchConditionExpression is DynamoDB's condition language over the index's SearchSchema
attributes (top-level only): the HASH attribute, required when the index has one, only as a
top-level `= :value` conjunct; INLINE_FILTER attributes with any comparison, BETWEEN, IN, AND/OR/NOT
and the condition functions (the model documents comparison and range operators for them). It is
a pre-filter, as AWS's storage-layer filtering is: the k results are the nearest among the items
that match. Results show the index's projection, the vector left out unless the
ProjectionExpression names it.

ConsumedCapacity is `VectorSearchRequestBytes` only (vector searches are metered apart from read
units). AWS documents that it grows with the dimensions, TopK and the bytes returned, not with the
index size, but not its formula; Stratus counts 4 bytes per dimension per result (at least one),
plus the returned entries' sizes (their vectors included when projected), and at least 1 KB.

A table of more than OFFLOAD_ABOVE_ITEMS items is searched on a worker thread through its own
read connection, so a big search does not hold the event loop.
"""

from __future__ import annotations

import heapq
import json
import math
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import mul

from stratus.core.context import RequestContext
from stratus.services.dynamodb import item_json, numbers
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.expressions import (
    BoundCondition,
    Placeholders,
    bind_condition,
    bind_projection,
    check_placeholder_maps,
    evaluate_condition,
    parse_condition,
    parse_projection,
    project,
)
from stratus.services.dynamodb.expressions.ast import (
    And,
    AttrPath,
    Between,
    Call,
    Compare,
    In,
    Literal,
    Not,
    Or,
)
from stratus.services.dynamodb.expressions.placeholders import normalized_values
from stratus.services.dynamodb.item_size import item_size
from stratus.services.dynamodb.table_store import Table, require_table, table_by_id
from stratus.services.dynamodb.vector_indexes import (
    VectorIndex,
    entry_of,
    format_f32,
    to_f32,
    vector_indexes,
)
from stratus.store import Database

MAX_TOP_K = 100
OFFLOAD_ABOVE_ITEMS = 500
PAGE_ROWS = 256
MIN_SEARCH_BYTES = 1024.0
LABEL = "SearchConditionExpression"
INVALID_VECTOR = (
    "Search vector contains invalid values. All values in the search vector must be a 32-bit "
    "floating-point number attribute"
)
COMPARATOR = f"Invalid {LABEL}: Invalid comparator used in {LABEL}"
OPERATOR = f"Invalid {LABEL}: Invalid operator used in {LABEL}"

Query = Callable[[str, tuple], list]


@dataclass(frozen=True, slots=True)
class SearchPlan:
    table_id: int
    key_names: tuple[str, ...]
    index: VectorIndex
    query: array
    top_k: int
    condition: BoundCondition | None
    hash_value: dict | None  # the vector index partition the search is scoped to
    projection: tuple | None  # ProjectionExpression's paths


@dataclass(frozen=True, slots=True)
class Hit:
    score: float
    entry: dict  # the index entry, without its vector
    vector: array


class VectorSearchOperations:
    """SearchVectors, and the vector indexes' item counts for DescribeTable. Listed before
    TableOperations in DynamoDbProvider's bases: `index_counts` extends that class's."""

    def db(self) -> Database:  # supplied by DynamoDbProvider
        raise NotImplementedError

    async def search_vectors(self, ctx: RequestContext, req: dict) -> dict:
        if req["TopK"] > MAX_TOP_K:
            raise ValidationException(
                f"Provided TopK value '{req['TopK']}' is out of valid range. "
                f"The value must be between 1 and {MAX_TOP_K} inclusive"
            )
        query = _query_vector(req["SearchVector"])
        db = self.db()
        table = require_table(ctx, db, req["TableName"])
        name = req["IndexName"]
        index = next((found for found in vector_indexes(table.definition) if found.name == name), None)
        if index is None:
            raise ValidationException(f"The table does not have the specified index: {name}")
        if len(query) != index.dimensions:
            raise ValidationException(
                f"Input search vector dimension {len(query)} does not match vector index dimension {index.dimensions}"
            )
        plan = _plan(req, table, index, query)
        if table.item_count > OFFLOAD_ABOVE_ITEMS:
            hits = await ctx.offload(_search_on_reader, db, plan)
        else:
            hits = run_search(db.query, plan)
        result: dict = {"SearchResults": [{"Item": _shown(plan, hit), "Score": hit.score} for hit in hits]}
        if req.get("ReturnConsumedCapacity") in ("TOTAL", "INDEXES"):
            result["ConsumedCapacity"] = {"VectorSearchRequestBytes": _request_bytes(plan, hits)}
        return result

    def index_counts(self, table_id: int) -> dict[str, tuple[int, int]]:
        counts = super().index_counts(table_id)  # type: ignore[misc]  # TableOperations
        table = table_by_id(self.db(), table_id)
        if table is not None and table.definition.get("VectorIndexes"):
            counts.update(vector_index_counts(self.db(), table))
        return counts


def vector_index_counts(db: Database, table: Table) -> dict[str, tuple[int, int]]:
    """{index name: (items, bytes)}, exact where DynamoDB's are refreshed about every six hours.
    An entry's bytes are its attributes' plus 4 per dimension. Reads the table's items that hold a
    vector (DescribeTable of a table with vector indexes only)."""
    counts = {}
    for index in vector_indexes(table.definition):
        items = size = 0
        vector_bytes = len(index.attribute.encode()) + 4 * index.dimensions
        for entry, _vector in indexed_entries(db.query, table.table_id, table.key_attribute_names, index):
            items += 1
            size += item_size(entry) + vector_bytes
        counts[index.name] = (items, size)
    return counts


# ------------------------------------------------------------------ the request


def _query_vector(values: list[dict]) -> array:
    floats = []
    for value in values:
        if set(value) != {"N"}:
            raise ValidationException(INVALID_VECTOR)
        try:
            number = float(numbers.normalize(value["N"]))
        except numbers.InvalidNumber:
            raise ValidationException(INVALID_VECTOR) from None
        if not math.isfinite(to_f32(number)):
            raise ValidationException(INVALID_VECTOR)
        floats.append(number)
    return array("f", floats)


def _plan(req: dict, table: Table, index: VectorIndex, query: array) -> SearchPlan:
    names, values = req.get("ExpressionAttributeNames"), req.get("ExpressionAttributeValues")
    check_placeholder_maps(names, values)
    placeholders = Placeholders(names, normalized_values(values))
    text = req.get("SearchConditionExpression")
    condition = (
        bind_condition(parse_condition(text, LABEL), placeholders, LABEL) if text is not None else None
    )
    projection = None
    if req.get("ProjectionExpression") is not None:
        projection = bind_projection(parse_projection(req["ProjectionExpression"]), placeholders).paths
    placeholders.check_all_used()
    hash_value = _check_condition(condition, index, table.attribute_types)
    return SearchPlan(
        table.table_id,
        table.key_attribute_names,
        index,
        query,
        req["TopK"],
        condition,
        hash_value,
        projection,
    )


def _check_condition(
    condition: BoundCondition | None, index: VectorIndex, types: dict[str, str]
) -> dict | None:
    """The condition checked against the SearchSchema; the HASH attribute's value, if any."""
    hash_name = index.hash_key[0] if index.hash_key else None
    if condition is None:
        if hash_name is not None:
            raise ValidationException(f"{LABEL} must be provided when SearchSchema has a HASH key")
        return None
    schema = set(index.schema_names)
    for path in _paths(condition.root):
        if len(path) != 1:  # wording guessed
            raise ValidationException(f"{LABEL} cannot have conditions on nested attributes")
        if path[0] not in schema:
            raise ValidationException(
                f"{LABEL} must not contain any attributes that is not in SearchSchema. Invalid attribute: {path[0]}"
            )
    conjuncts = _conjuncts(condition.root)
    hash_terms = [node for node in conjuncts if _hash_equality(node, hash_name)]
    for node in _leaves(condition.root):
        if node in hash_terms or hash_name not in {path[0] for path in _paths(node)}:
            continue
        raise ValidationException(
            COMPARATOR if isinstance(node, Compare) and node.operator != "=" else OPERATOR
        )
    if len(hash_terms) > 1:  # wording guessed
        raise ValidationException(f"{LABEL} must only contain one condition per attribute")
    if hash_name is not None and not hash_terms:
        raise ValidationException(f"{LABEL} must have all HASH attributes in configured SearchSchema")
    for node in _leaves(condition.root):
        _check_literal_types(node, types)
    if not hash_terms:
        return None
    term = hash_terms[0]
    return term.right.value if isinstance(term.right, Literal) else term.left.value


def _conjuncts(node) -> list:
    return [*_conjuncts(node.left), *_conjuncts(node.right)] if isinstance(node, And) else [node]


def _leaves(node) -> Iterator:
    if isinstance(node, (And, Or)):
        yield from _leaves(node.left)
        yield from _leaves(node.right)
    elif isinstance(node, Not):
        yield from _leaves(node.operand)
    else:
        yield node


def _operands(node) -> tuple:
    if isinstance(node, Compare):
        return (node.left, node.right)
    if isinstance(node, Between):
        return (node.subject, node.low, node.high)
    if isinstance(node, In):
        return (node.subject, *node.options)
    return node.args  # a function call


def _paths(node) -> Iterator[tuple]:
    for leaf in _leaves(node):
        stack = list(_operands(leaf))
        while stack:
            operand = stack.pop(0)
            if isinstance(operand, AttrPath):
                yield operand.path
            elif isinstance(operand, Call):
                stack.extend(operand.args)


def _hash_equality(node, hash_name: str | None) -> bool:
    if hash_name is None or not isinstance(node, Compare) or node.operator != "=":
        return False
    sides = (node.left, node.right)
    return any(isinstance(side, AttrPath) and side.path == (hash_name,) for side in sides) and any(
        isinstance(side, Literal) for side in sides
    )


def _check_literal_types(node, types: dict[str, str]) -> None:
    """A value compared with a SearchSchema attribute has the attribute's declared type."""
    if isinstance(node, Call):
        return
    operands = _operands(node)
    subjects = [operand.path[0] for operand in operands if isinstance(operand, AttrPath)]
    for name in subjects:
        for operand in operands:
            if isinstance(operand, Literal) and next(iter(operand.value)) != types[name]:
                raise ValidationException(  # wording guessed
                    f"Search condition value for attribute '{name}' does not match type in search schema"
                )


# ------------------------------------------------------------------ the search


def _like(needle: str) -> str:
    return "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def indexed_entries(
    query: Query,
    table_id: int,
    key_names: tuple[str, ...],
    index: VectorIndex,
    hash_value: dict | None = None,
) -> Iterator[tuple[dict, array]]:
    """The entries of a vector index (of one partition), in the table's key order, read a page at a
    time. The stored JSON text is matched first (LIKE), so only items that may hold the vector (and
    the partition) are parsed."""
    needles = [json.dumps(index.attribute, ensure_ascii=False) + ':{"L":[{"N":']
    if index.hash_key is not None:
        name, kind = index.hash_key
        if hash_value is not None:
            needles.append(item_json.dumps({name: hash_value})[1:-1])
        else:
            needles.append(json.dumps(name, ensure_ascii=False) + f':{{"{kind}":')
    matches = " AND ".join("item LIKE ? ESCAPE '\\'" for _ in needles)
    patterns = tuple(_like(needle) for needle in needles)
    after: tuple = ()
    while True:
        position = " AND (hash, pk, sk) > (?, ?, ?)" if after else ""
        rows = query(
            f"SELECT hash, pk, sk, item FROM ddb_items WHERE table_id = ? AND {matches}{position}"
            f" ORDER BY hash, pk, sk LIMIT {PAGE_ROWS}",
            (table_id, *patterns, *after),
        )
        for row in rows:
            found = entry_of(index, key_names, item_json.loads(row["item"]))
            if found is not None:
                yield found
        if len(rows) < PAGE_ROWS:
            return
        last = rows[-1]
        after = (last["hash"], last["pk"], last["sk"])


def _scorer(index: VectorIndex, query: array) -> Callable[[array], float]:
    if index.distance == "EUCLIDEAN":
        return lambda vector: math.sqrt(sum((a - b) * (a - b) for a, b in zip(query, vector, strict=True)))
    if index.distance == "DOT_PRODUCT":
        return lambda vector: sum(map(mul, query, vector))
    query_norm = math.sqrt(sum(map(mul, query, query)))

    def cosine(vector: array) -> float:
        norm = math.sqrt(sum(map(mul, vector, vector)))
        if norm == 0 or query_norm == 0:
            return 1.0  # no direction: as far as orthogonal (AWS documents no value for it)
        return min(2.0, max(0.0, 1.0 - sum(map(mul, query, vector)) / (norm * query_norm)))

    return cosine


def run_search(query: Query, plan: SearchPlan) -> list[Hit]:
    """The plan's nearest hits, best first (`query` reads the dynamodb database)."""
    ranked = _ranked(indexed_entries(query, plan.table_id, plan.key_names, plan.index, plan.hash_value), plan)
    return [hit for _rank, _position, hit in heapq.nsmallest(plan.top_k, ranked, key=lambda t: t[:2])]


def _ranked(entries: Iterator[tuple[dict, array]], plan: SearchPlan) -> Iterator[tuple[float, int, Hit]]:
    """(rank, position, hit) of the entries the condition keeps; a lower rank is nearer."""
    score = _scorer(plan.index, plan.query)
    sign = -1.0 if plan.index.distance == "DOT_PRODUCT" else 1.0
    for position, (entry, vector) in enumerate(entries):
        if plan.condition is None or evaluate_condition(plan.condition, entry):
            value = to_f32(score(vector))
            yield sign * value, position, Hit(value, entry, vector)


def _search_on_reader(db: Database, plan: SearchPlan) -> list[Hit]:
    with db.reader() as reader, reader.snapshot():
        return run_search(reader.query, plan)


def _vector_shown(plan: SearchPlan) -> bool:
    return plan.projection is not None and any(path[0] == plan.index.attribute for path in plan.projection)


def _shown(plan: SearchPlan, hit: Hit) -> dict:
    if plan.projection is None:
        return hit.entry
    entry = hit.entry
    if _vector_shown(plan):
        entry = {**entry, plan.index.attribute: {"L": [{"N": format_f32(x)} for x in hit.vector]}}
    return project(entry, plan.projection)


def _request_bytes(plan: SearchPlan, hits: list[Hit]) -> float:
    per_vector = 4 * plan.index.dimensions
    returned = sum(item_size(hit.entry) for hit in hits) + (
        per_vector * len(hits) if _vector_shown(plan) else 0
    )
    return max(MIN_SEARCH_BYTES, float(per_vector * max(1, len(hits)) + returned))
