"""DynamoDB Streams through boto3: the records item writes leave, and the four Streams operations.

Sources: the developer guide ("Change data capture for DynamoDB Streams": records appear once, in
the order of each item's changes, kept 24 hours; shards close and get children; a disabled stream
stays readable 24 hours), the API reference of ListStreams, DescribeStream, GetShardIterator and
GetRecords (iterators last 15 minutes; a closed shard read to its end has no NextShardIterator;
GetRecords' Limit is at most 1000), and behaviour recorded against live DynamoDB by ScyllaDB
Alternator's test suite (no record for a write that changes nothing, ValidationException for
malformed ARNs and out-of-range limits, ResourceNotFoundException for an unknown shard).
Messages marked "guessed" are not documented and were chosen to read like AWS's.
"""

from __future__ import annotations

import time

import pytest

from .support import definitions, key_schema, refused

HOUR = 3600


@pytest.fixture
def streams(aws_client):
    return aws_client("dynamodbstreams")


def create(ddb, name="events", view_type="NEW_AND_OLD_IMAGES", **overrides) -> dict:
    request = {
        "TableName": name,
        "AttributeDefinitions": definitions(pk="S", sk="N"),
        "KeySchema": key_schema("pk", "sk"),
        "BillingMode": "PAY_PER_REQUEST",
    }
    if view_type:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view_type}
    request.update(overrides)
    return ddb.create_table(**request)["TableDescription"]


def shards_of(streams, arn) -> list[dict]:
    return streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]


def iterator(streams, arn, shard_id, kind="TRIM_HORIZON", **extra) -> str:
    return streams.get_shard_iterator(StreamArn=arn, ShardId=shard_id, ShardIteratorType=kind, **extra)[
        "ShardIterator"
    ]


def read_shard(streams, shard_iterator) -> list[dict]:
    """Every record from the iterator on, up to the end of what is there now."""
    records = []
    while shard_iterator:
        answer = streams.get_records(ShardIterator=shard_iterator)
        records += answer["Records"]
        if not answer["Records"]:
            break
        shard_iterator = answer.get("NextShardIterator")
    return records


def read_stream(streams, arn) -> list[dict]:
    records = []
    for shard in shards_of(streams, arn):
        records += read_shard(streams, iterator(streams, arn, shard["ShardId"]))
    return records


def item(pk="a", sk=1, **attributes) -> dict:
    shown = {"pk": {"S": pk}, "sk": {"N": str(sk)}}
    shown.update({name: {"S": value} for name, value in attributes.items()})
    return shown


KEY = {"pk": {"S": "a"}, "sk": {"N": "1"}}


# -- the stream a table has ----------------------------------------------------------------------


def test_a_table_created_with_a_stream_has_it_listed_and_described(ddb, streams):
    created = create(ddb, view_type="KEYS_ONLY")
    arn, label = created["LatestStreamArn"], created["LatestStreamLabel"]
    assert arn == f"{created['TableArn']}/stream/{label}"
    listed = streams.list_streams()["Streams"]
    assert listed == [{"StreamArn": arn, "TableName": "events", "StreamLabel": label}]
    described = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert described["StreamArn"] == arn
    assert described["StreamLabel"] == label
    assert described["StreamStatus"] == "ENABLED"
    assert described["StreamViewType"] == "KEYS_ONLY"
    assert described["TableName"] == "events"
    assert described["KeySchema"] == key_schema("pk", "sk")
    assert abs(described["CreationRequestDateTime"].timestamp() - time.time()) < 60
    (shard,) = described["Shards"]
    assert shard["ShardId"].startswith("shardId-") and 28 <= len(shard["ShardId"]) <= 65
    assert "ParentShardId" not in shard
    assert list(shard["SequenceNumberRange"]) == ["StartingSequenceNumber"]  # open: no end yet
    assert shard["SequenceNumberRange"]["StartingSequenceNumber"].isdecimal()
    assert "LastEvaluatedShardId" not in described


def test_a_table_without_a_stream_has_none(ddb, streams):
    create(ddb, view_type=None)
    assert streams.list_streams(TableName="events")["Streams"] == []
    assert streams.list_streams()["Streams"] == []


# -- the records item writes leave -----------------------------------------------------------------


def test_put_update_delete_leave_insert_modify_remove(ddb, streams):
    arn = create(ddb)["LatestStreamArn"]
    ddb.put_item(TableName="events", Item=item(text="New item!"))
    ddb.update_item(
        TableName="events",
        Key=KEY,
        UpdateExpression="SET #t = :t",
        ExpressionAttributeNames={"#t": "text"},
        ExpressionAttributeValues={":t": {"S": "changed"}},
    )
    ddb.delete_item(TableName="events", Key=KEY)
    records = read_stream(streams, arn)
    assert [record["eventName"] for record in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = (record["dynamodb"] for record in records)
    assert insert["Keys"] == modify["Keys"] == remove["Keys"] == KEY
    assert insert["NewImage"] == item(text="New item!") and "OldImage" not in insert
    assert modify["OldImage"] == item(text="New item!") and modify["NewImage"] == item(text="changed")
    assert remove["OldImage"] == item(text="changed") and "NewImage" not in remove
    # Keys ("pk" + "a": 3, "sk" + the number 1: 2 + 2) plus each image carried (the keys again,
    # "text" and its value).
    assert [record["SizeBytes"] for record in (insert, modify, remove)] == [7 + 20, 7 + 20 + 18, 7 + 18]
    for record in records:
        assert record["eventVersion"] == "1.1"
        assert record["eventSource"] == "aws:dynamodb"
        assert record["awsRegion"] == "us-east-1"
        assert len(record["eventID"]) == 32
        assert "userIdentity" not in record
        assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
        assert abs(record["dynamodb"]["ApproximateCreationDateTime"].timestamp() - time.time()) < 60
    assert len({record["eventID"] for record in records}) == 3


@pytest.mark.parametrize(
    ("view_type", "carried"),
    [
        ("KEYS_ONLY", [set(), set()]),
        ("NEW_IMAGE", [{"NewImage"}, set()]),
        ("OLD_IMAGE", [set(), {"OldImage"}]),
    ],
)
def test_each_view_type_carries_its_images(ddb, streams, view_type, carried):
    arn = create(ddb, view_type=view_type)["LatestStreamArn"]
    ddb.put_item(TableName="events", Item=item(text="x"))
    ddb.delete_item(TableName="events", Key=KEY)
    records = [record["dynamodb"] for record in read_stream(streams, arn)]
    assert [set(record) & {"NewImage", "OldImage"} for record in records] == carried
    assert {record["StreamViewType"] for record in records} == {view_type}
    assert all(record["Keys"] == KEY for record in records)
    if view_type == "KEYS_ONLY":
        assert [record["SizeBytes"] for record in records] == [7, 7]


def test_writes_that_change_nothing_leave_no_record(ddb, streams):
    arn = create(ddb)["LatestStreamArn"]
    ddb.put_item(TableName="events", Item=item(text="same"))
    ddb.put_item(TableName="events", Item=item(text="same"))  # the same item again
    ddb.update_item(
        TableName="events",
        Key=KEY,
        UpdateExpression="SET #t = :t",
        ExpressionAttributeNames={"#t": "text"},
        ExpressionAttributeValues={":t": {"S": "same"}},
    )
    ddb.delete_item(TableName="events", Key=item(pk="missing"))  # nothing to delete
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.put_item(
            TableName="events", Item=item(text="other"), ConditionExpression="attribute_not_exists(pk)"
        )
    assert [record["eventName"] for record in read_stream(streams, arn)] == ["INSERT"]


def test_records_keep_each_items_order_and_binaries(ddb, streams):
    arn = create(ddb, view_type="NEW_IMAGE")["LatestStreamArn"]
    for version in range(5):
        for pk in ("a", "b"):
            ddb.put_item(
                TableName="events", Item={**item(pk=pk), "v": {"N": str(version)}, "bin": {"B": b"\x00\xff"}}
            )
    records = read_stream(streams, arn)
    numbers = [record["dynamodb"]["SequenceNumber"] for record in records]
    assert numbers == sorted(numbers) and len(set(numbers)) == 10
    assert all(number.isdecimal() and len(number) >= 21 for number in numbers)
    for pk in ("a", "b"):
        versions = [
            r["dynamodb"]["NewImage"]["v"]["N"] for r in records if r["dynamodb"]["Keys"]["pk"]["S"] == pk
        ]
        assert versions == ["0", "1", "2", "3", "4"]
    assert records[0]["dynamodb"]["NewImage"]["bin"] == {"B": b"\x00\xff"}


# -- shard iterators -------------------------------------------------------------------------------


def test_iterator_types(ddb, streams):
    arn = create(ddb)["LatestStreamArn"]
    (shard,) = shards_of(streams, arn)
    shard_id = shard["ShardId"]
    start = shard["SequenceNumberRange"]["StartingSequenceNumber"]
    latest = iterator(streams, arn, shard_id, "LATEST")
    # A fresh shard's StartingSequenceNumber is a valid position even before any record.
    at_start = iterator(streams, arn, shard_id, "AT_SEQUENCE_NUMBER", SequenceNumber=start)
    for version in ("1", "2", "3"):
        ddb.put_item(TableName="events", Item={**item(), "v": {"N": version}})
    first, second, third = (r["dynamodb"]["SequenceNumber"] for r in read_shard(streams, latest))
    assert [r["dynamodb"]["SequenceNumber"] for r in read_shard(streams, at_start)] == [first, second, third]
    at = iterator(streams, arn, shard_id, "AT_SEQUENCE_NUMBER", SequenceNumber=second)
    assert [r["dynamodb"]["SequenceNumber"] for r in read_shard(streams, at)] == [second, third]
    after = iterator(streams, arn, shard_id, "AFTER_SEQUENCE_NUMBER", SequenceNumber=second)
    assert [r["dynamodb"]["SequenceNumber"] for r in read_shard(streams, after)] == [third]
    horizon = iterator(streams, arn, shard_id, "TRIM_HORIZON")
    assert len(read_shard(streams, horizon)) == 3
    # LATEST now: nothing yet, and an open shard always gives a NextShardIterator.
    answer = streams.get_records(ShardIterator=iterator(streams, arn, shard_id, "LATEST"))
    assert answer["Records"] == [] and "NextShardIterator" in answer
    ddb.delete_item(TableName="events", Key=KEY)
    assert [
        r["eventName"] for r in streams.get_records(ShardIterator=answer["NextShardIterator"])["Records"]
    ] == ["REMOVE"]


def test_get_records_pages_with_limit(ddb, streams):
    arn = create(ddb, view_type="KEYS_ONLY")["LatestStreamArn"]
    for sk in range(5):
        ddb.put_item(TableName="events", Item=item(sk=sk))
    shard_id = shards_of(streams, arn)[0]["ShardId"]
    answer = streams.get_records(ShardIterator=iterator(streams, arn, shard_id), Limit=2)
    assert [r["dynamodb"]["Keys"]["sk"]["N"] for r in answer["Records"]] == ["0", "1"]
    answer = streams.get_records(ShardIterator=answer["NextShardIterator"], Limit=2)
    assert [r["dynamodb"]["Keys"]["sk"]["N"] for r in answer["Records"]] == ["2", "3"]
    code, message = refused(streams.get_records, ShardIterator=answer["NextShardIterator"], Limit=1001)
    assert (code, message) == (
        "ValidationException",
        "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000",
    )
    assert len(streams.get_records(ShardIterator=answer["NextShardIterator"], Limit=1000)["Records"]) == 1


def test_iterator_errors(ddb, streams):
    arn = create(ddb)["LatestStreamArn"]
    ddb.put_item(TableName="events", Item=item())
    shard_id = shards_of(streams, arn)[0]["ShardId"]
    (record,) = read_stream(streams, arn)
    number = record["dynamodb"]["SequenceNumber"]
    code, _ = refused(
        streams.get_shard_iterator, StreamArn=arn, ShardId=shard_id, ShardIteratorType="AT_SEQUENCE_NUMBER"
    )
    assert code == "ValidationException"  # guessed message
    code, _ = refused(
        streams.get_shard_iterator,
        StreamArn=arn,
        ShardId=shard_id,
        ShardIteratorType="LATEST",
        SequenceNumber=number,
    )
    assert code == "ValidationException"  # guessed message
    beyond = str(int(number) + 5)
    code, _ = refused(
        streams.get_shard_iterator,
        StreamArn=arn,
        ShardId=shard_id,
        ShardIteratorType="AFTER_SEQUENCE_NUMBER",
        SequenceNumber=beyond,
    )
    assert code == "ValidationException"  # guessed message: not a number of this shard
    assert refused(
        streams.get_shard_iterator,
        StreamArn=arn,
        ShardId="shardId-00000000000000000000-00000000",
        ShardIteratorType="LATEST",
    ) == ("ResourceNotFoundException", "Requested resource not found: Shard does not exist")
    missing = arn.replace("events", "nothing")
    assert refused(
        streams.get_shard_iterator, StreamArn=missing, ShardId=shard_id, ShardIteratorType="LATEST"
    ) == (
        "ResourceNotFoundException",
        f"Requested resource not found: Stream: {missing} not found",
    )
    assert refused(streams.describe_stream, StreamArn="arn:aws:dynamodb:us-east-1:000000000000:table/x") == (
        "ValidationException",
        "Invalid StreamArn",
    )
    code, _ = refused(streams.get_records, ShardIterator="not-an-iterator-we-gave")
    assert code == "ValidationException"  # guessed message


def test_iterators_expire_after_15_minutes(ddb, streams, stratus_server):
    arn = create(ddb)["LatestStreamArn"]
    ddb.put_item(TableName="events", Item=item())
    shard_id = shards_of(streams, arn)[0]["ShardId"]
    old = iterator(streams, arn, shard_id)
    stratus_server.advance_clock(14 * 60)
    answer = streams.get_records(ShardIterator=old)
    assert len(answer["Records"]) == 1
    fresh = answer["NextShardIterator"]  # handed out now: a new 15 minutes
    stratus_server.advance_clock(2 * 60)
    assert refused(streams.get_records, ShardIterator=old) == (
        "ExpiredIteratorException",
        "Shard iterator has expired",
    )
    assert streams.get_records(ShardIterator=fresh)["Records"] == []


# -- retention and shards --------------------------------------------------------------------------


def test_records_are_trimmed_after_24_hours(ddb, streams, stratus_server):
    arn = create(ddb)["LatestStreamArn"]
    ddb.put_item(TableName="events", Item=item(text="old"))
    (first,) = read_stream(streams, arn)
    old_number = first["dynamodb"]["SequenceNumber"]
    stratus_server.advance_clock(20 * HOUR)
    ddb.put_item(TableName="events", Item=item(text="new"))
    stratus_server.advance_clock(4 * HOUR - 30)
    # An iterator from just before the first record turns 24 hours old...
    shard_id = shards_of(streams, arn)[0]["ShardId"]
    horizon = iterator(streams, arn, shard_id)
    stratus_server.advance_clock(60)
    # ...cannot read it any more, nor can a new one name it.
    assert refused(streams.get_records, ShardIterator=horizon) == (
        "TrimmedDataAccessException",
        "The data you are trying to access has been trimmed",
    )
    code, _ = refused(
        streams.get_shard_iterator,
        StreamArn=arn,
        ShardId=shard_id,
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        SequenceNumber=old_number,
    )
    assert code == "TrimmedDataAccessException"
    assert [r["dynamodb"]["NewImage"]["text"]["S"] for r in read_stream(streams, arn)] == ["new"]


def test_shards_roll_over_to_children(ddb, streams, stratus_server):
    arn = create(ddb, view_type="KEYS_ONLY")["LatestStreamArn"]
    ddb.put_item(TableName="events", Item=item(sk=1))
    stratus_server.advance_clock(4 * HOUR - 300)
    parent_iterator = iterator(streams, arn, shards_of(streams, arn)[0]["ShardId"])
    stratus_server.advance_clock(301)
    ddb.put_item(TableName="events", Item=item(sk=2))
    parent, child = shards_of(streams, arn)
    assert (
        parent["SequenceNumberRange"]["EndingSequenceNumber"]
        >= parent["SequenceNumberRange"]["StartingSequenceNumber"]
    )
    assert child["ParentShardId"] == parent["ShardId"]
    assert "EndingSequenceNumber" not in child["SequenceNumberRange"]
    assert (
        child["SequenceNumberRange"]["StartingSequenceNumber"]
        > parent["SequenceNumberRange"]["EndingSequenceNumber"]
    )
    # An iterator taken while the parent was open reads its record, then finds the shard's end.
    answer = streams.get_records(ShardIterator=parent_iterator)
    assert [r["dynamodb"]["Keys"]["sk"]["N"] for r in answer["Records"]] == ["1"]
    assert "NextShardIterator" not in answer
    child_records = read_shard(streams, iterator(streams, arn, child["ShardId"]))
    assert [r["dynamodb"]["Keys"]["sk"]["N"] for r in child_records] == ["2"]
    children = streams.describe_stream(
        StreamArn=arn, ShardFilter={"Type": "CHILD_SHARDS", "ShardId": parent["ShardId"]}
    )["StreamDescription"]["Shards"]
    assert [shard["ShardId"] for shard in children] == [child["ShardId"]]
    code, _ = refused(streams.describe_stream, StreamArn=arn, ShardFilter={"Type": "CHILD_SHARDS"})
    assert code == "ValidationException"  # guessed message


def test_describe_stream_pages_its_shards(ddb, streams, stratus_server):
    arn = create(ddb, view_type="KEYS_ONLY")["LatestStreamArn"]
    for _ in range(2):
        stratus_server.advance_clock(4 * HOUR + 1)
        ddb.put_item(TableName="events", Item=item())
        ddb.delete_item(TableName="events", Key=KEY)
    every = [shard["ShardId"] for shard in shards_of(streams, arn)]
    assert len(every) == 3 and every == sorted(every)
    page = streams.describe_stream(StreamArn=arn, Limit=2)["StreamDescription"]
    assert [shard["ShardId"] for shard in page["Shards"]] == every[:2]
    assert page["LastEvaluatedShardId"] == every[1]
    rest = streams.describe_stream(StreamArn=arn, ExclusiveStartShardId=page["LastEvaluatedShardId"])
    assert [shard["ShardId"] for shard in rest["StreamDescription"]["Shards"]] == every[2:]
    assert "LastEvaluatedShardId" not in rest["StreamDescription"]
    code, _ = refused(streams.describe_stream, StreamArn=arn, Limit=101)
    assert code == "ValidationException"


# -- disabling, re-enabling, deleting --------------------------------------------------------------


def test_a_disabled_stream_stays_readable_for_a_day(ddb, streams, stratus_server):
    arn = create(ddb)["LatestStreamArn"]
    ddb.put_item(TableName="events", Item=item())
    ddb.update_table(TableName="events", StreamSpecification={"StreamEnabled": False})
    ddb.put_item(TableName="events", Item=item(text="unrecorded"))
    described = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert described["StreamStatus"] == "DISABLED"
    assert all("EndingSequenceNumber" in shard["SequenceNumberRange"] for shard in described["Shards"])
    (shard,) = described["Shards"]
    answer = streams.get_records(ShardIterator=iterator(streams, arn, shard["ShardId"]))
    assert [r["eventName"] for r in answer["Records"]] == ["INSERT"] and "NextShardIterator" not in answer
    assert [s["StreamArn"] for s in streams.list_streams(TableName="events")["Streams"]] == [arn]
    stratus_server.advance_clock(24 * HOUR + 60)
    assert refused(streams.describe_stream, StreamArn=arn) == (
        "ResourceNotFoundException",
        f"Requested resource not found: Stream: {arn} not found",
    )
    assert streams.list_streams(TableName="events")["Streams"] == []


def test_re_enabling_makes_a_new_stream(ddb, streams):
    first = create(ddb, view_type="KEYS_ONLY")["LatestStreamArn"]
    ddb.update_table(TableName="events", StreamSpecification={"StreamEnabled": False})
    time.sleep(0.01)  # labels are milliseconds
    second = ddb.update_table(
        TableName="events", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    )["TableDescription"]["LatestStreamArn"]
    assert second != first
    ddb.put_item(TableName="events", Item=item())
    listed = {s["StreamArn"] for s in streams.list_streams(TableName="events")["Streams"]}
    assert listed == {first, second}
    assert streams.describe_stream(StreamArn=first)["StreamDescription"]["StreamStatus"] == "DISABLED"
    assert read_stream(streams, first) == []
    (record,) = read_stream(streams, second)
    assert record["dynamodb"]["StreamViewType"] == "NEW_IMAGE"


def test_a_deleted_tables_stream_is_disabled_and_readable(ddb, streams):
    arn = create(ddb)["LatestStreamArn"]
    ddb.put_item(TableName="events", Item=item())
    ddb.delete_table(TableName="events")
    described = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert (described["StreamStatus"], described["TableName"]) == ("DISABLED", "events")
    assert [r["eventName"] for r in read_stream(streams, arn)] == ["INSERT"]
    assert [s["StreamArn"] for s in streams.list_streams(TableName="events")["Streams"]] == [arn]


# -- ListStreams -----------------------------------------------------------------------------------


def test_list_streams_filters_and_pages(ddb, streams):
    arns = sorted(
        create(ddb, name=name, view_type="KEYS_ONLY")["LatestStreamArn"]
        for name in ("table1", "table2", "table3")
    )
    create(ddb, name="plain", view_type=None)
    assert [s["StreamArn"] for s in streams.list_streams()["Streams"]] == arns
    assert [s["TableName"] for s in streams.list_streams(TableName="table2")["Streams"]] == ["table2"]
    assert streams.list_streams(TableName="plain")["Streams"] == []
    seen, start = [], None
    while True:
        page = streams.list_streams(Limit=2, **({"ExclusiveStartStreamArn": start} if start else {}))
        seen += [s["StreamArn"] for s in page["Streams"]]
        start = page.get("LastEvaluatedStreamArn")
        if start is None:
            break
        assert len(page["Streams"]) == 2
    assert seen == arns
    assert refused(streams.list_streams, Limit=101) == (
        "ValidationException",
        "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 100",
    )
    code, _ = refused(
        streams.list_streams, ExclusiveStartStreamArn="arn:aws:dynamodb:us-east-1:000000000000:nope"
    )
    assert code == "ValidationException"
    # guessed: an unknown table (no streams either) is ResourceNotFoundException
    assert refused(streams.list_streams, TableName="nothing") == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: nothing not found",
    )


def test_streams_belong_to_their_account_and_region(ddb, aws_client):
    create(ddb)
    assert aws_client("dynamodbstreams", region_name="eu-west-1").list_streams()["Streams"] == []
    other = aws_client("dynamodbstreams", aws_access_key_id="111111111111", aws_secret_access_key="x")
    assert other.list_streams()["Streams"] == []
