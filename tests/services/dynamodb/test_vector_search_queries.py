"""SearchVectors: exact k-nearest-neighbour search with each distance function, TopK, projection,
float32 precision, errors, and the consumed capacity of a search.

Messages not marked were measured against DynamoDB (or are in its documentation); those marked
"guessed" are Stratus's wording where AWS's is not known.
"""

import math

import pytest

from stratus.services.dynamodb import vector_search

from .support import refused
from .vector_search_support import (
    by_distance_fixture,  # noqa: F401
    create,
    f32,
    scores,
    search,
    vec,
    vector_index,
)

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
