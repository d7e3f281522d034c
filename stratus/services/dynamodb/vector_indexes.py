"""Vector indexes: their definitions checked as DynamoDB checks them, how DescribeTable shows them,
UpdateTable's VectorIndexUpdates, and which items an index holds.

A vector index (CreateTable `VectorIndexes`, UpdateTable `VectorIndexUpdates`) names the item
attribute holding an embedding (a List of Numbers with exactly `Dimensions` elements), a distance
function (COSINE, EUCLIDEAN, DOT_PRODUCT), an optional SearchSchema (at most one HASH attribute,
the "vector index partition key", and INLINE_FILTER attributes, all declared in
AttributeDefinitions) and a projection. Only on-demand tables may have them, at most five a table.

An item is in an index when it holds a valid vector and, if the index has a HASH attribute, that
attribute with its declared type; the entry holds the table's keys, the SearchSchema attributes,
the vector (at f32 precision, as DynamoDB stores it in the index) and the projection. Writes of an
item whose vector has the wrong shape, or whose HASH attribute has the wrong type or is empty, are
refused (`check_written_item`, called by DynamoDbProvider.record_change inside the write's
transaction); an item without the HASH attribute is stored but not indexed.

The stored definition keeps the request's shapes under `VectorIndexes`. Indexes are ACTIVE as soon
as the call that makes them returns (an UpdateTable answer shows CREATING, Backfilling false, as
AWS's first phase does; the backfill itself is instant here).
"""

from __future__ import annotations

import math
import struct
from array import array
from dataclasses import dataclass
from decimal import Decimal

from stratus.services.dynamodb.common import (
    LimitExceededException,
    ResourceNotFoundException,
    ValidationException,
)
from stratus.services.dynamodb.table_definition import INVALID, PAY_PER_REQUEST, check_projection, key_names

MAX_VECTOR_INDEXES = 5
MAX_DIMENSIONS = 4096
# Projected non-key attributes of one index: the vector (1), each INLINE_FILTER (1 each) and the
# NonKeyAttributes share one budget (AWS's CreateTable documentation); the figure is NonKeyAttributes'
# own maximum in the model.
MAX_PROJECTED_NON_KEY = 20
HASH, INLINE_FILTER = "HASH", "INLINE_FILTER"
ONE_INDEX_AT_A_TIME = (
    "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table"
)
PROVISIONED_REFUSED = INVALID + "Vector indexes are only supported for PAY_PER_REQUEST tables"


@dataclass(frozen=True, slots=True)
class VectorIndex:
    """A stored vector index definition, ready to use."""

    name: str
    attribute: str
    dimensions: int
    distance: str  # COSINE | EUCLIDEAN | DOT_PRODUCT
    hash_key: tuple[str, str] | None  # (name, S|N|B)
    inline_filters: dict[str, str]  # name -> S|N|B
    projection_type: str  # ALL | KEYS_ONLY | INCLUDE
    non_key: frozenset[str]

    @property
    def schema_names(self) -> tuple[str, ...]:
        hash_names = (self.hash_key[0],) if self.hash_key else ()
        return (*hash_names, *self.inline_filters)


def vector_indexes(definition: dict) -> list[VectorIndex]:
    """The table's vector indexes (an empty list for the many tables without any)."""
    stored = definition.get("VectorIndexes")
    if not stored:
        return []
    types = {entry["AttributeName"]: entry["AttributeType"] for entry in definition["AttributeDefinitions"]}
    found = []
    for index in stored:
        hash_key, inline = None, {}
        for element in index.get("SearchSchema") or ():
            name = element["AttributeName"]
            if element["SearchSchemaElementType"] == HASH:
                hash_key = (name, types[name])
            else:
                inline[name] = types[name]
        projection = index["Projection"]
        found.append(
            VectorIndex(
                index["IndexName"],
                index["VectorAttribute"]["AttributeName"],
                index["Dimensions"],
                index["DistanceFunction"],
                hash_key,
                inline,
                projection["ProjectionType"],
                frozenset(projection.get("NonKeyAttributes") or ()),
            )
        )
    return found


def search_attribute_names(definition: dict) -> set[str]:
    """Attributes the vector indexes' SearchSchemas use (they keep AttributeDefinitions in use)."""
    return {
        element["AttributeName"]
        for index in definition.get("VectorIndexes") or ()
        for element in index.get("SearchSchema") or ()
    }


# ------------------------------------------------------------------ definitions


def check_vector_indexes(
    requested: list[dict], defined: list[str], billing_mode: str, existing: list[dict], taken: set[str]
) -> list[dict]:
    """The stored form of new vector indexes (CreateTable's, or one UpdateTable adds next to
    `existing`), or DynamoDB's error. `taken` holds the table's other index names; the new names
    are added to it."""
    if not requested:
        raise ValidationException(INVALID + "List of VectorIndexes is empty")  # wording guessed
    if len(existing) + len(requested) > MAX_VECTOR_INDEXES:
        raise ValidationException(
            INVALID + f"VectorIndex count exceeds the per-table limit of {MAX_VECTOR_INDEXES}"
        )
    if billing_mode != PAY_PER_REQUEST:
        raise ValidationException(PROVISIONED_REFUSED)
    dimensions_of = {index["VectorAttribute"]["AttributeName"]: index["Dimensions"] for index in existing}
    checked = []
    for index in requested:
        name = index["IndexName"]
        if name in taken:
            raise ValidationException(INVALID + f"Duplicate index name: {name}")  # wording guessed
        taken.add(name)
        projection = check_projection(index["Projection"], name)
        if index["Dimensions"] > MAX_DIMENSIONS:
            raise ValidationException(
                INVALID + f"Number of dimensions must be between 1 and {MAX_DIMENSIONS} inclusive."
            )
        attribute = index["VectorAttribute"]["AttributeName"]
        schema = _check_search_schema(index.get("SearchSchema"), name, attribute, defined)
        inline = sum(element["SearchSchemaElementType"] == INLINE_FILTER for element in schema or ())
        if 1 + inline + len(projection.get("NonKeyAttributes") or ()) > MAX_PROJECTED_NON_KEY:
            raise ValidationException(  # wording guessed
                INVALID + "The number of projected non-key attributes (the vector attribute, INLINE_FILTER "
                f"attributes and NonKeyAttributes) exceeds the limit of {MAX_PROJECTED_NON_KEY} for index: {name}"
            )
        if dimensions_of.setdefault(attribute, index["Dimensions"]) != index["Dimensions"]:
            raise ValidationException(
                INVALID
                + f"Conflicting attribute definition for '{attribute}'. All VectorIndexes on the same "
                "vector attribute must use the same dimensions."
            )
        stored = {
            "IndexName": name,
            "VectorAttribute": {"AttributeName": attribute},
            "Projection": projection,
            "Dimensions": index["Dimensions"],
            "DistanceFunction": index["DistanceFunction"],
        }
        if schema:
            stored["SearchSchema"] = schema
        checked.append(stored)
    return checked


def _check_search_schema(
    schema: list[dict] | None, index: str, vector: str, defined: list[str]
) -> list[dict]:
    if not schema:
        return []
    names = [element["AttributeName"] for element in schema]
    if any(name not in defined for name in names):
        raise ValidationException(
            INVALID + "One element in SearchSchema is not defined in attribute definitions"
        )
    if sum(element["SearchSchemaElementType"] == HASH for element in schema) > 1:  # wording guessed
        raise ValidationException(
            INVALID + f"SearchSchema can have at most one HASH element for index: {index}"
        )
    if len(set(names)) != len(names):  # wording guessed
        raise ValidationException(INVALID + f"Duplicate attribute in SearchSchema for index: {index}")
    if vector in names:  # wording guessed
        raise ValidationException(
            INVALID + f"The VectorAttribute {vector} cannot be part of the SearchSchema for index: {index}"
        )
    return [
        {"AttributeName": e["AttributeName"], "SearchSchemaElementType": e["SearchSchemaElementType"]}
        for e in schema
    ]


def check_billing(definition: dict) -> None:
    """A table with vector indexes stays on demand (UpdateTable to PROVISIONED is refused)."""
    if definition.get("VectorIndexes") and definition["BillingMode"] != PAY_PER_REQUEST:
        raise ValidationException(PROVISIONED_REFUSED)  # wording as CreateTable's


def apply_vector_index_updates(definition: dict, updates: list[dict], req: dict) -> dict[str, str]:
    """UpdateTable's VectorIndexUpdates applied to `definition` (AttributeDefinitions merged with the
    request's, as for a new GSI); {index name: CREATING | DELETING}. One index change a call, shared
    with GSI creation and deletion."""
    gsi_changes = [u for u in req.get("GlobalSecondaryIndexUpdates") or () if "Create" in u or "Delete" in u]
    if len(updates) + len(gsi_changes) > 1:
        raise LimitExceededException(ONE_INDEX_AT_A_TIME)
    (update,) = updates
    if ("Create" in update) == ("Delete" in update):  # wording guessed
        raise ValidationException(
            INVALID + "A VectorIndexUpdate must contain exactly one of Create or Delete"
        )
    existing = list(definition.get("VectorIndexes") or ())
    if "Delete" in update:
        name = update["Delete"]["IndexName"]
        if name not in {index["IndexName"] for index in existing}:
            raise ResourceNotFoundException(f"Requested resource not found: Index: {name} not found")
        definition["VectorIndexes"] = [index for index in existing if index["IndexName"] != name]
        used = {*key_names(definition["KeySchema"]), *search_attribute_names(definition)}
        for kind in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
            for index in definition.get(kind) or ():
                used.update(key_names(index["KeySchema"]))
        definition["AttributeDefinitions"] = [
            entry for entry in definition["AttributeDefinitions"] if entry["AttributeName"] in used
        ]
        return {name: "DELETING"}
    wanted = update["Create"]
    attributes = {entry["AttributeName"]: entry for entry in definition["AttributeDefinitions"]}
    for entry in req.get("AttributeDefinitions") or ():
        known = attributes.get(entry["AttributeName"])
        if known is not None and known["AttributeType"] != entry["AttributeType"]:
            raise ValidationException(
                INVALID + f"Cannot change the type of the attribute {entry['AttributeName']}"
            )
        attributes[entry["AttributeName"]] = entry
    taken = {index["IndexName"] for index in existing}
    for kind in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
        taken.update(index["IndexName"] for index in definition.get(kind) or ())
    if wanted["IndexName"] in taken:
        raise ValidationException(
            f"Attempting to create an index which already exists: {wanted['IndexName']}"
        )
    (created,) = check_vector_indexes([wanted], list(attributes), definition["BillingMode"], existing, taken)
    definition["VectorIndexes"] = [*existing, created]
    schema_names = {element["AttributeName"] for element in created.get("SearchSchema") or ()}
    known = {entry["AttributeName"] for entry in definition["AttributeDefinitions"]}
    definition["AttributeDefinitions"] = [
        *definition["AttributeDefinitions"],
        *(attributes[name] for name in attributes if name in schema_names and name not in known),
    ]
    return {created["IndexName"]: "CREATING"}


# ------------------------------------------------------------------ DescribeTable


def describe_vector_indexes(
    definition: dict,
    table_arn: str,
    counts: dict[str, tuple[int, int]],
    statuses: dict[str, str] | None = None,
) -> list[dict]:
    """TableDescription.VectorIndexes; `statuses` overrides ACTIVE (an UpdateTable answer)."""
    statuses = statuses or {}
    shown = []
    for index in definition.get("VectorIndexes") or ():
        name = index["IndexName"]
        entry = {"IndexName": name}
        if index.get("SearchSchema"):
            entry["SearchSchema"] = index["SearchSchema"]
        entry.update(
            Projection=index["Projection"],
            VectorAttribute=index["VectorAttribute"],
            Dimensions=index["Dimensions"],
            DistanceFunction=index["DistanceFunction"],
            IndexStatus=statuses.get(name, "ACTIVE"),
        )
        if entry["IndexStatus"] == "CREATING":
            entry["Backfilling"] = False  # AWS's first phase: provisioning, before the backfill
        entry.update(
            IndexSizeBytes=counts.get(name, (0, 0))[1],
            ItemCount=counts.get(name, (0, 0))[0],
            IndexArn=f"{table_arn}/index/{name}",
        )
        shown.append(entry)
    for name, status in statuses.items():
        if status == "DELETING":
            shown.append(
                {"IndexName": name, "IndexStatus": "DELETING", "IndexArn": f"{table_arn}/index/{name}"}
            )
    return shown


# ------------------------------------------------------------------ items


def to_f32(value: float) -> float:
    """`value` rounded to the nearest 32-bit float (OverflowError past f32's range)."""
    return struct.unpack("f", struct.pack("f", value))[0]


def parse_vector(value: dict | None, dimensions: int) -> array | None:
    """The f32 vector an attribute value holds, or None when it is not a List of `dimensions`
    finite Numbers."""
    if value is None or "L" not in value or len(value["L"]) != dimensions:
        return None
    try:
        vector = array("f", (float(element["N"]) for element in value["L"]))
    except (KeyError, OverflowError):
        return None
    return vector if all(math.isfinite(x) for x in vector) else None


def format_f32(value: float) -> str:
    """A Number's text for an f32, as the index returns it: the shortest decimal that names the
    float, in plain notation, `1.0` for a whole number."""
    for digits in range(1, 10):
        text = f"{value:.{digits}g}"
        if to_f32(float(text)) == value:
            break
    plain = format(Decimal(text), "f")
    return plain if "." in plain else plain + ".0"


def _hash_value_ok(index: VectorIndex, item: dict) -> bool:
    assert index.hash_key is not None
    name, kind = index.hash_key
    value = item.get(name)
    return value is not None and kind in value and len(value[kind]) > 0


def entry_of(index: VectorIndex, table_keys: tuple[str, ...], item: dict) -> tuple[dict, array] | None:
    """(the index entry without its vector, the f32 vector) when `item` is in the index."""
    vector = parse_vector(item.get(index.attribute), index.dimensions)
    if vector is None or (index.hash_key is not None and not _hash_value_ok(index, item)):
        return None
    if index.projection_type == "ALL":
        entry = {name: value for name, value in item.items() if name != index.attribute}
        return entry, vector
    wanted = {*table_keys, *index.schema_names, *index.non_key} - {index.attribute}
    return {name: value for name, value in item.items() if name in wanted}, vector


def check_written_item(definition: dict, item: dict) -> None:
    """DynamoDB's write validation for a table with vector indexes (all messages guessed: AWS
    documents the refusals, not their wording)."""
    for index in vector_indexes(definition):
        value = item.get(index.attribute)
        if value is not None:
            _check_vector(index, value)
        if index.hash_key is not None and index.hash_key[0] in item:
            name, kind = index.hash_key
            held = item[name]
            actual = next(iter(held))
            if actual != kind:
                raise ValidationException(
                    INVALID + f"Type mismatch for Index Key {name} Expected: {kind} Actual: {actual} "
                    f"IndexName: {index.name}"
                )
            if kind in ("S", "B") and len(held[kind]) == 0:
                raise ValidationException(
                    "One or more parameter values are not valid. A value specified for a secondary index key "
                    "is not supported. The AttributeValue for a key attribute cannot contain an empty "
                    f"{'string' if kind == 'S' else 'binary'} value. IndexName: {index.name}, IndexKey: {name}"
                )


def _check_vector(index: VectorIndex, value: dict) -> None:
    if "L" not in value:
        raise ValidationException(
            INVALID + f"Invalid type for parameter {index.attribute}: a vector must be a List (L) of "
            f"Numbers (N). IndexName: {index.name}"
        )
    for position, element in enumerate(value["L"]):
        try:
            finite = "N" in element and math.isfinite(to_f32(float(element["N"])))
        except OverflowError:
            finite = False
        if not finite:
            raise ValidationException(
                INVALID
                + f"Invalid type for parameter {index.attribute}[{position}]: each element of a vector "
                f"must be a Number (N) within the range of a 32-bit floating point number. IndexName: {index.name}"
            )
    if len(value["L"]) != index.dimensions:
        raise ValidationException(
            INVALID
            + f"Vector dimension {len(value['L'])} of attribute {index.attribute} does not match vector "
            f"index dimension {index.dimensions}. IndexName: {index.name}"
        )
