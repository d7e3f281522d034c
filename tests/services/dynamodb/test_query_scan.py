"""Query and Scan: key conditions, order, pages (Limit, 1 MB, LastEvaluatedKey), filters,
projections, Select, secondary indexes, parallel scans."""

import pytest

from .support import definitions, key_schema, refused


def _fill(ddb, table, partition="p", count=10, **extra):
    for n in range(count):
        ddb.put_item(
            TableName=table, Item={"pk": {"S": partition}, "sk": {"N": str(n)}, "n": {"N": str(n)}, **extra}
        )


def _query(ddb, table, condition="pk = :p", values=None, **kwargs):
    values = {":p": {"S": "p"}, **(values or {})}
    return ddb.query(
        TableName=table, KeyConditionExpression=condition, ExpressionAttributeValues=values, **kwargs
    )


def _sks(answer):
    return [int(item["sk"]["N"]) for item in answer["Items"]]


def test_query_returns_one_partition_in_sort_order(ddb, table):
    _fill(ddb, table)
    _fill(ddb, table, partition="other", count=3)
    answer = _query(ddb, table)
    assert _sks(answer) == list(range(10))
    assert (answer["Count"], answer["ScannedCount"]) == (10, 10)
    assert "LastEvaluatedKey" not in answer
    assert _sks(_query(ddb, table, ScanIndexForward=False)) == list(range(9, -1, -1))


def test_numbers_sort_numerically(ddb, table):
    for value in ["10", "-2.5", "9", "0.001", "-100", "1E+3"]:
        ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"N": value}})
    answer = _query(ddb, table)
    assert [item["sk"]["N"] for item in answer["Items"]] == ["-100", "-2.5", "0.001", "9", "10", "1000"]


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        ("sk = :v", {":v": {"N": "3"}}, [3]),
        ("sk < :v", {":v": {"N": "3"}}, [0, 1, 2]),
        ("sk <= :v", {":v": {"N": "3"}}, [0, 1, 2, 3]),
        ("sk > :v", {":v": {"N": "7"}}, [8, 9]),
        ("sk >= :v", {":v": {"N": "7"}}, [7, 8, 9]),
        ("sk BETWEEN :a AND :b", {":a": {"N": "2"}, ":b": {"N": "4"}}, [2, 3, 4]),
    ],
)
def test_sort_key_conditions(ddb, table, condition, values, expected):
    _fill(ddb, table)
    assert _sks(_query(ddb, table, f"pk = :p AND {condition}", values)) == expected


def test_begins_with_on_a_string_sort_key(ddb):
    ddb.create_table(
        TableName="events",
        AttributeDefinitions=definitions(pk="S", sk="S"),
        KeySchema=key_schema("pk", "sk"),
        BillingMode="PAY_PER_REQUEST",
    )
    for sk in ["2026-01-01", "2026-02-01", "2026-02-15", "2026-03-01", "2026-020"]:
        ddb.put_item(TableName="events", Item={"pk": {"S": "p"}, "sk": {"S": sk}})
    answer = _query(ddb, "events", "pk = :p AND begins_with(sk, :m)", {":m": {"S": "2026-02-"}})
    assert [item["sk"]["S"] for item in answer["Items"]] == ["2026-02-01", "2026-02-15"]


def test_limit_pages_with_last_evaluated_key(ddb, table):
    _fill(ddb, table, count=5)
    seen, start = [], None
    while True:
        kwargs = {"Limit": 2}
        if start:
            kwargs["ExclusiveStartKey"] = start
        answer = _query(ddb, table, **kwargs)
        seen += _sks(answer)
        start = answer.get("LastEvaluatedKey")
        if not start:
            break
    assert seen == [0, 1, 2, 3, 4]
    # the page that ends exactly at the last item still names it; the next page is empty
    last = _query(ddb, table, ExclusiveStartKey={"pk": {"S": "p"}, "sk": {"N": "2"}}, Limit=2)
    assert _sks(last) == [3, 4] and last["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "4"}}


def test_pages_stop_at_one_megabyte(ddb, table):
    _fill(ddb, table, count=30, blob={"S": "x" * 100_000})  # about 100 KB each: ~10 per page
    pages, start = [], None
    while True:
        answer = _query(ddb, table, **({"ExclusiveStartKey": start} if start else {}))
        pages.append(answer["Count"])
        start = answer.get("LastEvaluatedKey")
        if not start:
            break
    assert sum(pages) == 30
    assert 9 <= pages[0] <= 11 and len(pages) >= 3


def test_filters_apply_after_the_limit(ddb, table):
    _fill(ddb, table)
    answer = _query(ddb, table, FilterExpression="n >= :five", values={":five": {"N": "5"}}, Limit=7)
    assert _sks(answer) == [5, 6]
    assert (answer["Count"], answer["ScannedCount"]) == (2, 7)


def test_a_filter_cannot_use_key_attributes(ddb, table):
    code, message = refused(_query, ddb, table, FilterExpression="sk > :v", values={":v": {"N": "1"}})
    assert (code, message) == (
        "ValidationException",
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk",
    )


def test_select_count_and_projection(ddb, table):
    _fill(ddb, table, count=3)
    counted = _query(ddb, table, Select="COUNT")
    assert counted["Count"] == 3 and "Items" not in counted
    projected = _query(ddb, table, ProjectionExpression="n")
    assert projected["Items"] == [{"n": {"N": "0"}}, {"n": {"N": "1"}}, {"n": {"N": "2"}}]
    assert refused(_query, ddb, table, ProjectionExpression="n", Select="ALL_ATTRIBUTES") == (
        "ValidationException",
        "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES",
    )


def test_query_needs_the_partition_key(ddb, table):
    code, message = refused(
        ddb.query,
        TableName=table,
        KeyConditionExpression="sk = :v",
        ExpressionAttributeValues={":v": {"N": "1"}},
    )
    assert (code, message) == ("ValidationException", "Query condition missed key schema element: pk")


def test_a_start_key_outside_the_query(ddb, table):
    _fill(ddb, table, count=3)
    code, message = refused(_query, ddb, table, ExclusiveStartKey={"pk": {"S": "other"}, "sk": {"N": "1"}})
    assert (code, message) == (
        "ValidationException",
        "The provided starting key is outside query boundaries based on provided conditions",
    )


@pytest.fixture
def indexed(ddb):
    ddb.create_table(
        TableName="orders",
        AttributeDefinitions=definitions(pk="S", sk="N", status="S", placed="N"),
        KeySchema=key_schema("pk", "sk"),
        BillingMode="PAY_PER_REQUEST",
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-placed",
                "KeySchema": key_schema("pk", "placed"),
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-status",
                "KeySchema": key_schema("status", "placed"),
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]},
            }
        ],
    )
    rows = [
        ("a", 1, "open", 30, "5"),
        ("a", 2, "shipped", 10, "7"),
        ("b", 1, "open", 20, "9"),
        ("c", 1, None, 5, "1"),
    ]
    for pk, sk, status, placed, total in rows:
        item = {
            "pk": {"S": pk},
            "sk": {"N": str(sk)},
            "placed": {"N": str(placed)},
            "total": {"N": total},
            "note": {"S": "x"},
        }
        if status:
            item["status"] = {"S": status}
        ddb.put_item(TableName="orders", Item=item)
    return "orders"


def test_query_a_global_index(ddb, indexed):
    answer = ddb.query(
        TableName=indexed,
        IndexName="by-status",
        KeyConditionExpression="#s = :open",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":open": {"S": "open"}},
    )
    assert [(item["pk"]["S"], item["placed"]["N"]) for item in answer["Items"]] == [("b", "20"), ("a", "30")]
    assert all(set(item) == {"pk", "sk", "status", "placed", "total"} for item in answer["Items"])


def test_global_index_rules(ddb, indexed):
    values = {":open": {"S": "open"}}
    common = {
        "TableName": indexed,
        "IndexName": "by-status",
        "KeyConditionExpression": "#s = :open",
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": values,
    }
    assert refused(ddb.query, ConsistentRead=True, **common) == (
        "ValidationException",
        "Consistent reads are not supported on global secondary indexes",
    )
    assert refused(ddb.query, Select="ALL_ATTRIBUTES", **common)[1] == (
        "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global "
        "secondary index by-status because its projection type is not ALL"
    )
    assert refused(ddb.query, **{**common, "IndexName": "nope"}) == (
        "ValidationException",
        "The table does not have the specified index: nope",
    )


def test_a_local_index_with_all_attributes_reads_the_table(ddb, indexed):
    answer = ddb.query(
        TableName=indexed,
        IndexName="by-placed",
        KeyConditionExpression="pk = :a",
        ExpressionAttributeValues={":a": {"S": "a"}},
        Select="ALL_ATTRIBUTES",
    )
    assert [item["placed"]["N"] for item in answer["Items"]] == ["10", "30"]
    assert answer["Items"][0]["note"] == {"S": "x"}
    keys_only = ddb.query(
        TableName=indexed,
        IndexName="by-placed",
        KeyConditionExpression="pk = :a",
        ExpressionAttributeValues={":a": {"S": "a"}},
    )
    assert set(keys_only["Items"][0]) == {"pk", "sk", "placed"}


def test_index_entries_follow_updates_and_deletes(ddb, indexed):
    ddb.update_item(
        TableName=indexed,
        Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
        UpdateExpression="SET #s = :shipped",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":shipped": {"S": "shipped"}},
    )
    ddb.delete_item(TableName=indexed, Key={"pk": {"S": "a"}, "sk": {"N": "2"}})
    by_status = ddb.scan(TableName=indexed, IndexName="by-status")["Items"]
    assert sorted((item["pk"]["S"], item["status"]["S"]) for item in by_status) == [
        ("a", "shipped"),
        ("b", "open"),
    ]


def test_scan_reads_every_item_and_pages(ddb, table):
    _fill(ddb, table, count=7)
    _fill(ddb, table, partition="q", count=5)
    everything = ddb.scan(TableName=table)
    assert everything["Count"] == 12
    seen, start = [], None
    while True:
        answer = ddb.scan(TableName=table, Limit=5, **({"ExclusiveStartKey": start} if start else {}))
        seen += [(item["pk"]["S"], item["sk"]["N"]) for item in answer["Items"]]
        start = answer.get("LastEvaluatedKey")
        if not start:
            break
    assert sorted(seen) == sorted((item["pk"]["S"], item["sk"]["N"]) for item in everything["Items"])
    assert len(seen) == 12


def test_parallel_scan_segments_partition_the_table(ddb, simple_table):
    for n in range(60):
        ddb.put_item(TableName=simple_table, Item={"id": {"S": f"item-{n}"}})
    found = []
    for segment in range(4):
        answer = ddb.scan(TableName=simple_table, Segment=segment, TotalSegments=4)
        found += [item["id"]["S"] for item in answer["Items"]]
    assert sorted(found) == sorted(f"item-{n}" for n in range(60))
    assert refused(ddb.scan, TableName=simple_table, Segment=4, TotalSegments=4) == (
        "ValidationException",
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: 4 is not less than TotalSegments: 4",
    )


def test_scan_filter_and_capacity(ddb, table):
    _fill(ddb, table, count=4)
    answer = ddb.scan(
        TableName=table,
        FilterExpression="sk >= :two",
        ExpressionAttributeValues={":two": {"N": "2"}},
        ReturnConsumedCapacity="TOTAL",
    )
    assert sorted(_sks(answer)) == [2, 3]
    assert answer["ScannedCount"] == 4
    assert answer["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 0.5}


def test_gsi_created_later_is_backfilled(ddb, table):
    _fill(ddb, table, count=3, colour={"S": "red"})
    ddb.update_table(
        TableName=table,
        AttributeDefinitions=definitions(colour="S"),
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-colour",
                    "KeySchema": key_schema("colour"),
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
    )
    answer = ddb.query(
        TableName=table,
        IndexName="by-colour",
        KeyConditionExpression="colour = :c",
        ExpressionAttributeValues={":c": {"S": "red"}},
    )
    assert answer["Count"] == 3
    index = ddb.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"][0]
    assert (index["IndexStatus"], index["ItemCount"]) == ("ACTIVE", 3)
