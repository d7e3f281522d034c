"""CreateTable's request checked as DynamoDB checks it, turned into the stored definition.

The definition (JSON in `ddb_tables.definition`) keeps the request's own shapes: KeySchema,
AttributeDefinitions, BillingMode, ProvisionedThroughput, LocalSecondaryIndexes,
GlobalSecondaryIndexes, StreamSpecification, SSESpecification, TableClass,
DeletionProtectionEnabled, VectorIndexes (when there are any), plus the stream's label once
streams are on.
"""

from __future__ import annotations

from stratus.services.dynamodb import table_options
from stratus.services.dynamodb.common import LimitExceededException, ValidationException

INVALID = "One or more parameter values were invalid: "
MAX_LSIS = 5
MAX_GSIS = 20
MAX_CAPACITY_UNITS = 1_000_000_000_000
MAX_PROJECTED_ATTRIBUTES = 100  # across all indexes of a table (NonKeyAttributes)
PAY_PER_REQUEST = "PAY_PER_REQUEST"
PROVISIONED = "PROVISIONED"


def _invalid(message: str) -> ValidationException:
    return ValidationException(INVALID + message)


def key_names(key_schema: list[dict]) -> list[str]:
    return [element["AttributeName"] for element in key_schema]


def check_key_schema(key_schema: list[dict], defined: list[str]) -> None:
    """The rules every key schema (table, LSI, GSI) follows."""
    names = key_names(key_schema)
    if len(names) == 2 and (
        any(name not in defined for name in names) or (names[0] == names[1] and len(defined) == 1)
    ):
        raise ValidationException("Invalid KeySchema: Some index key attribute have no definition")
    if len(names) == 1 and names[0] not in defined:
        raise _invalid(
            "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(names)}], AttributeDefinitions: [{', '.join(defined)}]"
        )
    if len(names) == 2 and names[0] == names[1]:
        raise ValidationException(
            "Both the Hash Key and the Range Key element in the KeySchema have the same name"
        )
    if key_schema[0]["KeyType"] != "HASH":
        raise ValidationException("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(key_schema) == 2 and key_schema[1]["KeyType"] != "RANGE":
        raise ValidationException("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")


def check_throughput(throughput: dict | None, billing_mode: str, *, index: str | None = None) -> dict | None:
    """The ProvisionedThroughput a table or GSI gets under `billing_mode`."""
    if billing_mode == PAY_PER_REQUEST:
        if throughput is not None:
            raise _invalid(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
            )
        return None
    if throughput is None:
        if index is not None:
            raise _invalid(f"ProvisionedThroughput must be specified for index: {index}")
        raise _invalid(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
        )
    for member in ("ReadCapacityUnits", "WriteCapacityUnits"):
        value = throughput.get(member)
        if value is None:
            raise _invalid(
                "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
            )
        if value > MAX_CAPACITY_UNITS:  # values below 1 are refused by the model's own constraint
            raise ValidationException(f"Given value {value} for {member} is out of bounds")
    return {
        "ReadCapacityUnits": throughput["ReadCapacityUnits"],
        "WriteCapacityUnits": throughput["WriteCapacityUnits"],
    }


def check_projection(projection: dict, index: str) -> dict:
    projection_type = projection.get("ProjectionType")
    if projection_type is None:
        raise _invalid("Unknown ProjectionType: null")
    attributes = projection.get("NonKeyAttributes")
    if attributes is not None and projection_type != "INCLUDE":
        raise _invalid(f"ProjectionType is {projection_type}, but NonKeyAttributes is specified")
    if projection_type == "INCLUDE" and not attributes:
        raise _invalid(f"ProjectionType is INCLUDE, but NonKeyAttributes is not specified for index: {index}")
    shown = {"ProjectionType": projection_type}
    if attributes:
        shown["NonKeyAttributes"] = list(attributes)
    return shown


def _check_lsis(lsis: list[dict], key_schema: list[dict], defined: list[str], seen: set[str]) -> list[dict]:
    if not lsis:
        raise _invalid("List of LocalSecondaryIndexes is empty")
    if len(key_schema) != 2:
        raise _invalid(
            "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"
        )
    table_hash = key_schema[0]["AttributeName"]
    checked = []
    for lsi in lsis:
        name = lsi["IndexName"]
        check_key_schema(lsi["KeySchema"], defined)
        if len(lsi["KeySchema"]) != 2:
            raise _invalid(f"Index KeySchema does not have a range key for index: {name}")
        index_hash = lsi["KeySchema"][0]["AttributeName"]
        if index_hash != table_hash:
            raise _invalid(
                "Index KeySchema does not have the same leading hash key as table KeySchema for index: "
                f"{name}. index hash key: {index_hash}, table hash key: {table_hash}"
            )
        projection = check_projection(lsi["Projection"], name)
        if name in seen:
            raise _invalid(f"Duplicate index name: {name}")
        seen.add(name)
        checked.append({"IndexName": name, "KeySchema": lsi["KeySchema"], "Projection": projection})
    if len(lsis) > MAX_LSIS:
        raise _invalid(f"Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LSIS}")
    return checked


def check_gsi(gsi: dict, defined: list[str], billing_mode: str) -> dict:
    name = gsi["IndexName"]
    check_key_schema(gsi["KeySchema"], defined)
    projection = check_projection(gsi["Projection"], name)
    checked = {"IndexName": name, "KeySchema": gsi["KeySchema"], "Projection": projection}
    throughput = check_throughput(gsi.get("ProvisionedThroughput"), billing_mode, index=name)
    if throughput is not None:
        checked["ProvisionedThroughput"] = throughput
    if gsi.get("OnDemandThroughput"):
        checked["OnDemandThroughput"] = gsi["OnDemandThroughput"]
    return checked


def _check_gsis(gsis: list[dict], defined: list[str], billing_mode: str, seen: set[str]) -> list[dict]:
    if not gsis:
        raise _invalid("List of GlobalSecondaryIndexes is empty")
    checked = []
    for gsi in gsis:
        entry = check_gsi(gsi, defined, billing_mode)
        if entry["IndexName"] in seen:
            raise _invalid(f"Duplicate index name: {entry['IndexName']}")
        seen.add(entry["IndexName"])
        checked.append(entry)
    if len(gsis) > MAX_GSIS:
        raise LimitExceededException(
            f"Subscriber limit exceeded: The number of global secondary indexes exceeds the per-table limit of {MAX_GSIS}"
        )
    return checked


def check_stream_specification(spec: dict | None) -> dict | None:
    if spec is None:
        return None
    enabled = spec.get("StreamEnabled")
    view_type = spec.get("StreamViewType")
    if enabled and view_type is None:
        raise ValidationException(
            "One or more parameter values were invalid: StreamViewType must be specified when StreamEnabled is true"
        )
    if not enabled and view_type is not None:
        raise ValidationException(
            "One or more parameter values were invalid: StreamSpecification with StreamEnabled=false must not have a StreamViewType"
        )
    return {"StreamEnabled": True, "StreamViewType": view_type} if enabled else None


def _check_projected_total(indexes: list[dict]) -> None:
    total = sum(len(index["Projection"].get("NonKeyAttributes") or ()) for index in indexes)
    if total > MAX_PROJECTED_ATTRIBUTES:
        raise _invalid(
            "The number of attributes in key schema and non-key attributes projected into secondary indexes "
            f"exceeds the limit of {MAX_PROJECTED_ATTRIBUTES}"
        )


def build_definition(req: dict) -> dict:
    """The stored definition of the table CreateTable asks for, or DynamoDB's error."""
    definitions = req.get("AttributeDefinitions") or []
    key_schema = req.get("KeySchema") or []
    billing_mode = req.get("BillingMode") or PROVISIONED
    throughput = check_throughput(req.get("ProvisionedThroughput"), billing_mode)
    defined = [entry["AttributeName"] for entry in definitions]
    if len(set(defined)) != len(defined):
        raise _invalid("Cannot have two attributes with the same name")
    check_key_schema(key_schema, defined)
    lsis_requested = req.get("LocalSecondaryIndexes")
    gsis_requested = req.get("GlobalSecondaryIndexes")
    vectors_requested = req.get("VectorIndexes")  # vector indexes: vector_indexes.py
    if (
        lsis_requested is None
        and gsis_requested is None
        and vectors_requested is None
        and len(key_schema) != len(definitions)
    ):
        raise _invalid(
            "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"
        )
    seen: set[str] = set()
    lsis = _check_lsis(lsis_requested, key_schema, defined, seen) if lsis_requested is not None else []
    gsis = _check_gsis(gsis_requested, defined, billing_mode, seen) if gsis_requested is not None else []
    # Vector indexes (vector_indexes.py; imported here, it builds on this module): checked after the
    # GSIs, their SearchSchema attributes count as used.
    from stratus.services.dynamodb import vector_indexes

    vectors = []
    if vectors_requested is not None:
        vectors = vector_indexes.check_vector_indexes(vectors_requested, defined, billing_mode, [], seen)
    used = set(key_names(key_schema))
    for index in (*lsis, *gsis):
        used.update(key_names(index["KeySchema"]))
    used.update(vector_indexes.search_attribute_names({"VectorIndexes": vectors}))
    unused = [name for name in defined if name not in used]
    if unused:
        raise _invalid(
            f"Some AttributeDefinitions are not used. AttributeDefinitions: [{', '.join(defined)}], "
            f"keys used: [{', '.join(name for name in defined if name in used)}]"
        )
    _check_projected_total([*lsis, *gsis])
    definition: dict = {
        "KeySchema": key_schema,
        "AttributeDefinitions": definitions,
        "BillingMode": billing_mode,
        "ProvisionedThroughput": throughput,
        "LocalSecondaryIndexes": lsis,
        "GlobalSecondaryIndexes": gsis,
        "StreamSpecification": check_stream_specification(req.get("StreamSpecification")),
        "TableClass": req.get("TableClass") or "STANDARD",
        "DeletionProtectionEnabled": bool(req.get("DeletionProtectionEnabled")),
    }
    sse = req.get("SSESpecification")
    if sse and sse.get("Enabled"):
        definition["SSESpecification"] = {
            "Enabled": True,
            "SSEType": sse.get("SSEType") or "KMS",
            "KMSMasterKeyId": sse.get("KMSMasterKeyId"),
        }
    if req.get("OnDemandThroughput"):
        definition["OnDemandThroughput"] = req["OnDemandThroughput"]
    table_options.refuse_unsupported(req)
    if req.get("WarmThroughput"):
        definition["WarmThroughput"] = table_options.warm_throughput(req["WarmThroughput"])
    if vectors:  # vector_indexes.py
        definition["VectorIndexes"] = vectors
    return definition
