"""Vector index definitions: CreateTable VectorIndexes, DescribeTable, UpdateTable
VectorIndexUpdates (including backfill of existing items), their refusals, and vector indexes
kept by a restored backup.

Messages not marked were measured against DynamoDB (or are in its documentation); those marked
"guessed" are Stratus's wording where AWS's is not known.
"""

import pytest

from .support import definitions, key_schema, refused
from .vector_search_support import (
    INVALID,
    by_distance_fixture,  # noqa: F401
    create,
    query,
    search,
    vec,
    vector_index,
)

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
