"""Helpers shared by the vector-search tests (test_vector_search_*.py): vector and index builders,
table creation, float32 rounding, the `by_distance` fixture (one index per distance function
over four vectors), the `products` fixture (a table with a search schema) and helpers that search them.
"""

import struct

import pytest

from .support import definitions, key_schema

INVALID = "One or more parameter values were invalid: "


def f32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def vec(*values: float) -> dict:
    return {"L": [{"N": str(value)} for value in values]}


def query(*values: float) -> list[dict]:
    return [{"N": str(value)} for value in values]


def vector_index(name="vix", attribute="embedding", dimensions=3, distance="COSINE", **extra) -> dict:
    index = {
        "IndexName": name,
        "VectorAttribute": {"AttributeName": attribute},
        "Dimensions": dimensions,
        "DistanceFunction": distance,
        "Projection": {"ProjectionType": "ALL"},
    }
    index.update(extra)
    return index


def create(ddb, name="vectors", indexes=None, attributes=None, **extra):
    request = {
        "TableName": name,
        "AttributeDefinitions": definitions(**(attributes or {"pk": "S"})),
        "KeySchema": key_schema("pk"),
        "BillingMode": "PAY_PER_REQUEST",
        "VectorIndexes": indexes if indexes is not None else [vector_index()],
    }
    request.update(extra)
    return ddb.create_table(**request)["TableDescription"]


# 'a' equals the query vector, 'd' is a unit-length mix, 'b' is orthogonal, 'c' opposite.
FIXTURE = {"a": (1, 0, 0), "b": (0, 1, 0), "c": (-1, 0, 0), "d": (0.6, 0.8, 0)}


@pytest.fixture(name="by_distance")
def by_distance_fixture(ddb):
    """One index per distance function over the same four vectors."""
    create(
        ddb,
        indexes=[
            vector_index("cosine", distance="COSINE"),
            vector_index("euclidean", distance="EUCLIDEAN"),
            vector_index("dot", distance="DOT_PRODUCT"),
        ],
    )
    for pk, embedding in FIXTURE.items():
        ddb.put_item(
            TableName="vectors",
            Item={"pk": {"S": pk}, "label": {"S": f"item-{pk}"}, "embedding": vec(*embedding)},
        )
    return "vectors"


def search(ddb, index="cosine", vector=(1, 0, 0), top_k=10, table="vectors", **extra):
    return ddb.search_vectors(
        TableName=table, IndexName=index, SearchVector=query(*vector), TopK=top_k, **extra
    )


def scores(ddb, index):
    return {result["Item"]["pk"]["S"]: result["Score"] for result in search(ddb, index)["SearchResults"]}


@pytest.fixture(name="products")
def products_fixture(ddb):
    create(
        ddb,
        name="products",
        attributes={"pk": "S", "category": "S", "price": "N"},
        indexes=[
            vector_index(
                SearchSchema=[
                    {"AttributeName": "category", "SearchSchemaElementType": "HASH"},
                    {"AttributeName": "price", "SearchSchemaElementType": "INLINE_FILTER"},
                ],
                Dimensions=2,
            )
        ],
    )
    rows = [
        ("p1", "audio", 10, (1, 0)),
        ("p2", "audio", 30, (0.9, 0.1)),
        ("p3", "video", 10, (1, 0)),
        ("p4", "audio", None, (0, 1)),
    ]
    for pk, category, price, embedding in rows:
        item = {"pk": {"S": pk}, "category": {"S": category}, "embedding": vec(*embedding)}
        if price is not None:
            item["price"] = {"N": str(price)}
        ddb.put_item(TableName="products", Item=item)
    ddb.put_item(
        TableName="products", Item={"pk": {"S": "p5"}, "embedding": vec(1, 0)}
    )  # no partition: not indexed
    return "products"


def find(ddb, condition=None, values=None, top_k=10, **extra):
    if condition is not None:
        extra["SearchConditionExpression"] = condition
    if values is not None:
        extra["ExpressionAttributeValues"] = values
    results = ddb.search_vectors(
        TableName="products", IndexName="vix", SearchVector=query(1, 0), TopK=top_k, **extra
    )
    return [r["Item"]["pk"]["S"] for r in results["SearchResults"]]
