"""Vector indexes (CreateTable VectorIndexes, UpdateTable VectorIndexUpdates, DescribeTable) and
SearchVectors: exact k-nearest-neighbour search, search schema filters, projection, capacity.

Messages not marked were measured against DynamoDB (or are in its documentation); those marked
"guessed" are Stratus's wording where AWS's is not known.
"""

import math
import struct

import pytest

from stratus.services.dynamodb import vector_search

from .support import definitions, key_schema, refused

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


@pytest.fixture
def by_distance(ddb):
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


# ------------------------------------------------------------------ definitions


def test_create_table_shows_the_vector_index_active(ddb):
    schema = [
        {"AttributeName": "tenant", "SearchSchemaElementType": "HASH"},
        {"AttributeName": "brand", "SearchSchemaElementType": "INLINE_FILTER"},
    ]
    created = create(
        ddb,
        attributes={"pk": "S", "tenant": "S", "brand": "S"},
        indexes=[
            vector_index(
                SearchSchema=schema, Projection={"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]}
            )
        ],
    )
    (shown,) = created["VectorIndexes"]
    assert shown == {
        "IndexName": "vix",
        "SearchSchema": schema,
        "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]},
        "VectorAttribute": {"AttributeName": "embedding"},
        "Dimensions": 3,
        "DistanceFunction": "COSINE",
        "IndexStatus": "ACTIVE",
        "IndexSizeBytes": 0,
        "ItemCount": 0,
        "IndexArn": "arn:aws:dynamodb:us-east-1:000000000000:table/vectors/index/vix",
    }
    table = ddb.describe_table(TableName="vectors")["Table"]
    assert table["VectorIndexes"] == [shown]
    assert {entry["AttributeName"] for entry in table["AttributeDefinitions"]} == {"pk", "tenant", "brand"}
    assert "GlobalSecondaryIndexes" not in table


def test_describe_counts_the_items_an_index_holds(ddb):
    create(
        ddb,
        attributes={"pk": "S", "tenant": "S"},
        indexes=[
            vector_index("all"),
            vector_index(
                "scoped", SearchSchema=[{"AttributeName": "tenant", "SearchSchemaElementType": "HASH"}]
            ),
        ],
    )
    ddb.put_item(
        TableName="vectors", Item={"pk": {"S": "1"}, "tenant": {"S": "t"}, "embedding": vec(1, 2, 3)}
    )
    ddb.put_item(
        TableName="vectors", Item={"pk": {"S": "2"}, "embedding": vec(1, 2, 3)}
    )  # no partition: not in "scoped"
    ddb.put_item(TableName="vectors", Item={"pk": {"S": "3"}, "other": {"S": "no vector"}})
    counts = {
        i["IndexName"]: (i["ItemCount"], i["IndexSizeBytes"])
        for i in ddb.describe_table(TableName="vectors")["Table"]["VectorIndexes"]
    }
    assert counts["all"][0] == 2 and counts["scoped"][0] == 1
    # entry: pk (2+1) and tenant (6+1) attributes, the vector as 3 f32 (12) plus its name (9)
    assert counts["scoped"][1] == 2 + 1 + 6 + 1 + 12 + 9


@pytest.mark.parametrize(
    ("indexes", "extra", "message"),
    [
        (
            [vector_index()],
            {
                "BillingMode": "PROVISIONED",
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            },
            INVALID + "Vector indexes are only supported for PAY_PER_REQUEST tables",
        ),
        (
            [vector_index(f"vix-{n}") for n in range(6)],
            {},
            INVALID + "VectorIndex count exceeds the per-table limit of 5",
        ),
        (
            [vector_index(dimensions=4097)],
            {},
            INVALID + "Number of dimensions must be between 1 and 4096 inclusive.",
        ),
        (
            [vector_index(SearchSchema=[{"AttributeName": "tenant", "SearchSchemaElementType": "HASH"}])],
            {},
            INVALID + "One element in SearchSchema is not defined in attribute definitions",
        ),
        (
            [vector_index(), vector_index("vix2", dimensions=4)],
            {},
            INVALID
            + "Conflicting attribute definition for 'embedding'. All VectorIndexes on the same vector "
            "attribute must use the same dimensions.",
        ),
        ([vector_index(), vector_index()], {}, INVALID + "Duplicate index name: vix"),  # guessed
        (
            [
                vector_index(
                    Projection={"ProjectionType": "INCLUDE", "NonKeyAttributes": [f"a{n}" for n in range(20)]}
                )
            ],
            {},  # guessed: the vector shares the 20 projected non-key attributes
            INVALID
            + "The number of projected non-key attributes (the vector attribute, INLINE_FILTER attributes "
            "and NonKeyAttributes) exceeds the limit of 20 for index: vix",
        ),
    ],
)
def test_create_table_refuses_bad_vector_indexes(ddb, indexes, extra, message):
    code, text = refused(create, ddb, indexes=indexes, **extra)
    assert (code, text) == ("ValidationException", message)
    assert ddb.list_tables()["TableNames"] == []


def test_search_schema_attributes_must_be_defined_and_count_as_used(ddb):
    create(
        ddb,
        attributes={"pk": "S", "tenant": "N"},
        indexes=[
            vector_index(
                SearchSchema=[{"AttributeName": "tenant", "SearchSchemaElementType": "INLINE_FILTER"}]
            )
        ],
    )
    code, message = refused(create, ddb, name="other", attributes={"pk": "S", "unused": "S"})
    assert code == "ValidationException" and "Some AttributeDefinitions are not used" in message


def test_the_model_checks_the_distance_function(ddb):
    code, message = refused(create, ddb, indexes=[vector_index(distance="MANHATTAN")])
    assert code == "ValidationException" and "COSINE" in message


# ------------------------------------------------------------------ search


def test_cosine_scores_from_zero_to_two_lower_first(ddb, by_distance):
    results = search(ddb, "cosine")["SearchResults"]
    assert [r["Item"]["pk"]["S"] for r in results] == ["a", "d", "b", "c"]
    found = scores(ddb, "cosine")
    assert found["a"] == 0 and found["b"] == 1 and found["c"] == 2
    assert found["d"] == pytest.approx(f32(0.4), abs=1e-6)


def test_euclidean_is_the_straight_line_distance(ddb, by_distance):
    found = scores(ddb, "euclidean")
    assert found["a"] == 0 and found["c"] == 2
    assert found["d"] == pytest.approx(f32(math.sqrt(0.8)), abs=1e-6)
    assert found["b"] == pytest.approx(f32(math.sqrt(2)), abs=1e-6)
    assert [r["Item"]["pk"]["S"] for r in search(ddb, "euclidean")["SearchResults"]] == ["a", "d", "b", "c"]


def test_dot_product_higher_first_and_negative_scores(ddb, by_distance):
    results = search(ddb, "dot")["SearchResults"]
    assert [r["Item"]["pk"]["S"] for r in results] == ["a", "d", "b", "c"]
    assert [r["Score"] for r in results] == [1, pytest.approx(f32(0.6), abs=1e-6), 0, -1]


def test_top_k_bounds_the_results(ddb, by_distance):
    assert [r["Item"]["pk"]["S"] for r in search(ddb, "cosine", top_k=2)["SearchResults"]] == ["a", "d"]
    assert len(search(ddb, "cosine", top_k=100)["SearchResults"]) == 4
    code, message = refused(search, ddb, "cosine", top_k=101)
    assert (code, message) == (
        "ValidationException",
        "Provided TopK value '101' is out of valid range. The value must be between 1 and 100 inclusive",
    )


def test_the_vector_is_left_out_unless_projected(ddb, by_distance):
    first = search(ddb, "cosine", top_k=1)["SearchResults"][0]["Item"]
    assert first == {"pk": {"S": "a"}, "label": {"S": "item-a"}}
    projected = search(
        ddb, "cosine", top_k=1, ProjectionExpression="pk, #e", ExpressionAttributeNames={"#e": "embedding"}
    )
    # the index's f32 copy, as DynamoDB returns it ('1' comes back as '1.0')
    assert projected["SearchResults"][0]["Item"] == {
        "pk": {"S": "a"},
        "embedding": {"L": [{"N": "1.0"}, {"N": "0.0"}, {"N": "0.0"}]},
    }


def test_the_index_holds_vectors_at_f32_precision(ddb, by_distance):
    precise = ["0.1", "16777217", "1.000000059604644775390625"]
    ddb.put_item(
        TableName="vectors", Item={"pk": {"S": "f32"}, "embedding": {"L": [{"N": n} for n in precise]}}
    )
    stored = ddb.get_item(TableName="vectors", Key={"pk": {"S": "f32"}})["Item"]["embedding"]["L"]
    assert [value["N"] for value in stored] == precise  # the table keeps what was written
    results = ddb.search_vectors(
        TableName="vectors",
        IndexName="cosine",
        SearchVector=[{"N": n} for n in precise],
        TopK=1,
        ProjectionExpression="pk, embedding",
    )["SearchResults"]
    assert results[0]["Item"]["pk"] == {"S": "f32"} and results[0]["Score"] == 0
    # f32: 16777217 has no f32 of its own, 1 + 2**-24 rounds (to even) to 1
    assert [value["N"] for value in results[0]["Item"]["embedding"]["L"]] == ["0.1", "16777216.0", "1.0"]


def test_projection_keys_only_and_include(ddb):
    create(
        ddb,
        attributes={"pk": "S", "tenant": "S"},
        indexes=[
            vector_index(
                "keys",
                Projection={"ProjectionType": "KEYS_ONLY"},
                SearchSchema=[{"AttributeName": "tenant", "SearchSchemaElementType": "INLINE_FILTER"}],
            ),
            vector_index("some", Projection={"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]}),
        ],
    )
    item = {
        "pk": {"S": "p"},
        "tenant": {"S": "t"},
        "title": {"S": "T"},
        "price": {"N": "3"},
        "embedding": vec(1, 1, 1),
    }
    ddb.put_item(TableName="vectors", Item=item)
    assert search(ddb, "keys")["SearchResults"][0]["Item"] == {"pk": {"S": "p"}, "tenant": {"S": "t"}}
    assert search(ddb, "some")["SearchResults"][0]["Item"] == {"pk": {"S": "p"}, "title": {"S": "T"}}
    # only what the index holds can be returned
    shown = search(ddb, "some", ProjectionExpression="pk, price, embedding")["SearchResults"][0]["Item"]
    assert set(shown) == {"pk", "embedding"}


def test_search_errors(ddb, by_distance):
    assert refused(search, ddb, "nope") == (
        "ValidationException",
        "The table does not have the specified index: nope",
    )
    assert refused(search, ddb, "cosine", vector=(1, 0)) == (
        "ValidationException",
        "Input search vector dimension 2 does not match vector index dimension 3",
    )
    code, message = refused(
        ddb.search_vectors, TableName="vectors", IndexName="cosine", SearchVector=[vec(1, 0, 0)], TopK=1
    )
    assert (code, message) == (
        "ValidationException",
        "Search vector contains invalid values. All values in the search vector must be a 32-bit floating-point "
        "number attribute",
    )
    assert refused(search, ddb, "cosine", vector=(1e39, 0, 0))[1].startswith(
        "Search vector contains invalid values"
    )
    assert refused(search, ddb, "cosine", table="missing") == (
        "ResourceNotFoundException",
        "Requested resource not found",
    )


def test_a_table_arn_names_the_table(ddb, by_distance):
    arn = ddb.describe_table(TableName="vectors")["Table"]["TableArn"]
    assert len(search(ddb, "cosine", table=arn)["SearchResults"]) == 4


def test_query_and_scan_cannot_read_a_vector_index(ddb, by_distance):
    assert refused(ddb.scan, TableName="vectors", IndexName="cosine")[1] == (
        "The table does not have the specified index: cosine"
    )


def test_removing_the_vector_takes_the_item_out(ddb, by_distance):
    ddb.update_item(TableName="vectors", Key={"pk": {"S": "a"}}, UpdateExpression="REMOVE embedding")
    assert [r["Item"]["pk"]["S"] for r in search(ddb, "cosine")["SearchResults"]] == ["d", "b", "c"]
    ddb.delete_item(TableName="vectors", Key={"pk": {"S": "d"}})
    assert [r["Item"]["pk"]["S"] for r in search(ddb, "cosine")["SearchResults"]] == ["b", "c"]


def test_names_and_values_with_like_wildcards(ddb):
    schema = [{"AttributeName": "t_1", "SearchSchemaElementType": "HASH"}]
    create(
        ddb, attributes={"pk": "S", "t_1": "S"}, indexes=[vector_index(attribute="v_%", SearchSchema=schema)]
    )
    for pk, tenant in (("1", "50%_off"), ("2", "50xxoff"), ("3", "50%_OFF")):
        ddb.put_item(TableName="vectors", Item={"pk": {"S": pk}, "t_1": {"S": tenant}, "v_%": vec(1, 0, 0)})
    found = search(
        ddb,
        "vix",
        SearchConditionExpression="#t = :t",
        ExpressionAttributeNames={"#t": "t_1"},
        ExpressionAttributeValues={":t": {"S": "50%_off"}},
    )
    assert [r["Item"]["pk"]["S"] for r in found["SearchResults"]] == ["1"]


def test_a_big_table_is_searched_off_the_event_loop(ddb, by_distance, monkeypatch, stratus_server):
    if type(stratus_server).__name__ == "_ExternalServer":
        pytest.skip("patches the in-process server's module")
    expected = search(ddb, "euclidean")["SearchResults"]
    monkeypatch.setattr(vector_search, "OFFLOAD_ABOVE_ITEMS", 0)
    monkeypatch.setattr(vector_search, "PAGE_ROWS", 2)  # several pages
    assert search(ddb, "euclidean")["SearchResults"] == expected


# ------------------------------------------------------------------ search schema


@pytest.fixture
def products(ddb):
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


def test_the_partition_key_scopes_the_search(ddb, products):
    assert find(ddb, "category = :c", {":c": {"S": "audio"}}) == ["p1", "p2", "p4"]
    assert find(ddb, "#c = :c", {":c": {"S": "video"}}, ExpressionAttributeNames={"#c": "category"}) == ["p3"]
    assert find(ddb, "category = :c", {":c": {"S": "books"}}) == []


def test_inline_filters_narrow_before_the_top_k(ddb, products):
    # a pre-filter: the nearest audio item under 20 is p1; over 20, p2 (though p1 is nearer)
    assert find(ddb, "category = :c AND price < :p", {":c": {"S": "audio"}, ":p": {"N": "20"}}, top_k=1) == [
        "p1"
    ]
    assert find(ddb, "category = :c AND price > :p", {":c": {"S": "audio"}, ":p": {"N": "20"}}, top_k=1) == [
        "p2"
    ]
    assert find(
        ddb,
        "category = :c AND (price BETWEEN :lo AND :hi OR attribute_not_exists(price))",
        {":c": {"S": "audio"}, ":lo": {"N": "25"}, ":hi": {"N": "35"}},
    ) == ["p2", "p4"]
    assert find(
        ddb,
        "category = :c AND price IN (:a, :b)",
        {":c": {"S": "audio"}, ":a": {"N": "10"}, ":b": {"N": "11"}},
    ) == ["p1"]


@pytest.mark.parametrize(
    ("condition", "values", "message"),
    [
        (None, None, "SearchConditionExpression must be provided when SearchSchema has a HASH key"),
        (
            "price = :p",
            {":p": {"N": "10"}},
            "SearchConditionExpression must have all HASH attributes in configured SearchSchema",
        ),
        (
            "category < :c",
            {":c": {"S": "b"}},
            "Invalid SearchConditionExpression: Invalid comparator used in SearchConditionExpression",
        ),
        (
            "category = :c OR price = :p",
            {":c": {"S": "audio"}, ":p": {"N": "1"}},
            "Invalid SearchConditionExpression: Invalid operator used in SearchConditionExpression",
        ),
        (
            "category = :c AND title = :t",
            {":c": {"S": "audio"}, ":t": {"S": "x"}},
            "SearchConditionExpression must not contain any attributes that is not in SearchSchema. "
            "Invalid attribute: title",
        ),
        (
            "category = :c",
            {":c": {"N": "1"}},  # guessed
            "Search condition value for attribute 'category' does not match type in search schema",
        ),
        (
            "category = :c AND price.x = :p",
            {":c": {"S": "audio"}, ":p": {"N": "1"}},  # guessed
            "SearchConditionExpression cannot have conditions on nested attributes",
        ),
        (
            "category = :c AND category = :d",
            {":c": {"S": "audio"}, ":d": {"S": "video"}},  # guessed
            "SearchConditionExpression must only contain one condition per attribute",
        ),
        (
            "category = :c",
            {":c": {"S": "audio"}, ":unused": {"S": "x"}},
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}",
        ),
    ],
)
def test_search_condition_rules(ddb, products, condition, values, message):
    assert refused(find, ddb, condition, values) == ("ValidationException", message)


def test_a_syntax_error_names_the_search_condition(ddb, products):
    code, message = refused(find, ddb, "category = = :c", {":c": {"S": "audio"}})
    assert code == "ValidationException" and message.startswith(
        "Invalid SearchConditionExpression: Syntax error"
    )


def test_without_a_search_schema_no_condition_may_be_given(ddb, by_distance):
    code, message = refused(
        search,
        ddb,
        "cosine",
        SearchConditionExpression="label = :l",
        ExpressionAttributeValues={":l": {"S": "x"}},
    )
    assert (
        message
        == "SearchConditionExpression must not contain any attributes that is not in SearchSchema. Invalid attribute: label"
    )


# ------------------------------------------------------------------ writes


def test_writes_of_a_bad_vector_are_refused(ddb, products):
    item = {"pk": {"S": "bad"}, "category": {"S": "audio"}}
    for embedding in (vec(1, 0, 0), {"S": "1,0"}, {"L": [{"N": "1"}, {"S": "0"}]}):
        code, message = refused(ddb.put_item, TableName="products", Item={**item, "embedding": embedding})
        assert code == "ValidationException" and message.startswith(INVALID)  # wording guessed
    code, message = refused(ddb.put_item, TableName="products", Item={**item, "embedding": vec(1, 0, 0)})
    assert (
        message
        == INVALID
        + "Vector dimension 3 of attribute embedding does not match vector index dimension 2. IndexName: vix"
    )
    assert "Item" not in ddb.get_item(TableName="products", Key={"pk": {"S": "bad"}})
    code, _ = refused(
        ddb.update_item,
        TableName="products",
        Key={"pk": {"S": "p1"}},
        UpdateExpression="SET embedding = :v",
        ExpressionAttributeValues={":v": vec(1)},
    )
    assert code == "ValidationException"
    assert find(ddb, "category = :c", {":c": {"S": "audio"}}, top_k=1) == ["p1"]  # unchanged
    code, _ = refused(
        ddb.batch_write_item,
        RequestItems={"products": [{"PutRequest": {"Item": {"pk": {"S": "x"}, "embedding": vec(1, 2, 3)}}}]},
    )
    assert code == "ValidationException"


def test_transactions_and_partiql_writes_are_checked_too(ddb, products):
    bad = {"pk": {"S": "t"}, "embedding": vec(1, 2, 3)}
    code, _ = refused(
        ddb.transact_write_items, TransactItems=[{"Put": {"TableName": "products", "Item": bad}}]
    )
    assert code == "ValidationException"
    code, _ = refused(
        ddb.execute_statement, Statement="INSERT INTO products VALUE {'pk': 'q', 'embedding': [1, 2, 3]}"
    )
    assert code == "ValidationException"
    ddb.execute_statement(
        Statement="INSERT INTO products VALUE {'pk': 'q', 'category': 'books', 'embedding': [0, 1]}"
    )
    assert find(ddb, "category = :c", {":c": {"S": "books"}}) == ["q"]
    assert "Item" not in ddb.get_item(TableName="products", Key={"pk": {"S": "t"}})


def test_the_partition_attribute_keeps_its_type(ddb, products):
    code, message = refused(
        ddb.put_item, TableName="products", Item={"pk": {"S": "x"}, "category": {"N": "1"}}
    )
    assert (code, message) == (
        "ValidationException",
        INVALID + "Type mismatch for Index Key category Expected: S Actual: N IndexName: vix",  # guessed
    )
    ddb.put_item(TableName="products", Item={"pk": {"S": "y"}, "title": {"S": "no vector is fine"}})


# ------------------------------------------------------------------ UpdateTable


def test_update_table_adds_a_vector_index_over_existing_items(ddb):
    ddb.create_table(
        TableName="docs",
        AttributeDefinitions=definitions(pk="S"),
        KeySchema=key_schema("pk"),
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="docs", Item={"pk": {"S": "old"}, "tenant": {"S": "t"}, "embedding": vec(0, 1)})
    ddb.put_item(
        TableName="docs", Item={"pk": {"S": "bad"}, "tenant": {"S": "t"}, "embedding": vec(0, 1, 2)}
    )  # not indexed
    answer = ddb.update_table(
        TableName="docs",
        AttributeDefinitions=definitions(tenant="S"),
        VectorIndexUpdates=[
            {
                "Create": vector_index(
                    dimensions=2,
                    distance="EUCLIDEAN",
                    SearchSchema=[{"AttributeName": "tenant", "SearchSchemaElementType": "HASH"}],
                )
            }
        ],
    )["TableDescription"]
    assert answer["TableStatus"] == "UPDATING"
    assert (
        answer["VectorIndexes"][0]["IndexStatus"] == "CREATING"
        and answer["VectorIndexes"][0]["Backfilling"] is False
    )
    table = ddb.describe_table(TableName="docs")["Table"]
    assert (
        table["VectorIndexes"][0]["IndexStatus"] == "ACTIVE"
        and "Backfilling" not in table["VectorIndexes"][0]
    )
    assert table["VectorIndexes"][0]["ItemCount"] == 1
    assert {entry["AttributeName"] for entry in table["AttributeDefinitions"]} == {"pk", "tenant"}
    results = ddb.search_vectors(
        TableName="docs",
        IndexName="vix",
        SearchVector=query(0, 0),
        TopK=5,
        SearchConditionExpression="tenant = :t",
        ExpressionAttributeValues={":t": {"S": "t"}},
    )["SearchResults"]
    assert [(r["Item"]["pk"]["S"], r["Score"]) for r in results] == [("old", 1.0)]

    deleted = ddb.update_table(TableName="docs", VectorIndexUpdates=[{"Delete": {"IndexName": "vix"}}])[
        "TableDescription"
    ]
    assert deleted["VectorIndexes"] == [
        {
            "IndexName": "vix",
            "IndexStatus": "DELETING",
            "IndexArn": "arn:aws:dynamodb:us-east-1:000000000000:table/docs/index/vix",
        }
    ]
    table = ddb.describe_table(TableName="docs")["Table"]
    assert "VectorIndexes" not in table
    assert [entry["AttributeName"] for entry in table["AttributeDefinitions"]] == ["pk"]
    assert refused(ddb.search_vectors, TableName="docs", IndexName="vix", SearchVector=query(0, 0), TopK=1)[
        1
    ] == ("The table does not have the specified index: vix")


def test_update_table_vector_index_errors(ddb, by_distance):
    code, message = refused(
        ddb.update_table,
        TableName="vectors",
        VectorIndexUpdates=[{"Create": vector_index("one")}, {"Create": vector_index("two")}],
    )
    assert (code, message) == (
        "LimitExceededException",
        "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table",
    )
    code, message = refused(
        ddb.update_table, TableName="vectors", VectorIndexUpdates=[{"Create": vector_index("cosine")}]
    )
    assert (code, message) == (
        "ValidationException",
        "Attempting to create an index which already exists: cosine",
    )
    code, message = refused(
        ddb.update_table,
        TableName="vectors",
        VectorIndexUpdates=[{"Create": vector_index("wide", dimensions=8)}],
    )
    assert message.startswith(INVALID + "Conflicting attribute definition for 'embedding'")
    code, message = refused(
        ddb.update_table, TableName="vectors", VectorIndexUpdates=[{"Delete": {"IndexName": "nope"}}]
    )
    assert (code, message) == (
        "ResourceNotFoundException",
        "Requested resource not found: Index: nope not found",
    )
    code, message = refused(
        ddb.update_table,
        TableName="vectors",
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    )
    assert message == INVALID + "Vector indexes are only supported for PAY_PER_REQUEST tables"
    ddb.update_table(TableName="vectors", VectorIndexUpdates=[{"Create": vector_index("fourth")}])
    ddb.update_table(TableName="vectors", VectorIndexUpdates=[{"Create": vector_index("fifth")}])
    code, message = refused(
        ddb.update_table, TableName="vectors", VectorIndexUpdates=[{"Create": vector_index("sixth")}]
    )
    assert message == INVALID + "VectorIndex count exceeds the per-table limit of 5"


def test_update_table_on_a_provisioned_table_is_refused(ddb):
    ddb.create_table(
        TableName="prov",
        AttributeDefinitions=definitions(pk="S"),
        KeySchema=key_schema("pk"),
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
    )
    code, message = refused(
        ddb.update_table, TableName="prov", VectorIndexUpdates=[{"Create": vector_index()}]
    )
    assert (code, message) == (
        "ValidationException",
        INVALID + "Vector indexes are only supported for PAY_PER_REQUEST tables",
    )


# ------------------------------------------------------------------ capacity


def test_consumed_capacity_is_vector_search_bytes(ddb, by_distance):
    assert "ConsumedCapacity" not in search(ddb, "cosine")
    assert "ConsumedCapacity" not in search(ddb, "cosine", ReturnConsumedCapacity="NONE")
    small = search(ddb, "cosine", top_k=1, ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
    assert small == {"VectorSearchRequestBytes": 1024.0}  # the floor
    create(ddb, name="wide", indexes=[vector_index(dimensions=512)])
    ddb.put_item(TableName="wide", Item={"pk": {"S": "w"}, "embedding": vec(*([1] * 512))})
    wide = search(ddb, "vix", vector=[1] * 512, table="wide", ReturnConsumedCapacity="INDEXES")
    entry_bytes = 3  # pk "w": name (2) + value (1)
    assert wide["ConsumedCapacity"] == {"VectorSearchRequestBytes": float(4 * 512 + entry_bytes)}
    with_vector = search(
        ddb,
        "vix",
        vector=[1] * 512,
        table="wide",
        ReturnConsumedCapacity="TOTAL",
        ProjectionExpression="embedding",
    )
    assert with_vector["ConsumedCapacity"]["VectorSearchRequestBytes"] == float(2 * 4 * 512 + entry_bytes)


def test_a_restored_backup_keeps_its_vector_indexes(ddb):
    ddb.create_table(
        TableName="docs",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        VectorIndexes=[vector_index("by-embedding", dimensions=2, distance="EUCLIDEAN")],
    )
    ddb.put_item(TableName="docs", Item={"id": {"S": "a"}, "embedding": vec(1, 0)})
    backup = ddb.create_backup(TableName="docs", BackupName="docs-backup")["BackupDetails"]["BackupArn"]
    ddb.restore_table_from_backup(TargetTableName="copy", BackupArn=backup)
    (index,) = ddb.describe_table(TableName="copy")["Table"]["VectorIndexes"]
    assert index["IndexName"] == "by-embedding"
    found = search(ddb, "by-embedding", vector=(1, 0), top_k=1, table="copy")["SearchResults"]
    assert [result["Item"]["id"]["S"] for result in found] == ["a"]
