"""stream_store: the records item writes leave, shards rolling over, trimming, disabling.

Unit tests against a real database with DynamoDB's migrations (no server), so the storage rules
are checked on their own; test_streams.py checks the same through the DynamoDB Streams API.
SizeBytes figures are those of AWS's documented sample stream records (Keys {"Id": N 101}).
"""

from __future__ import annotations

import pytest

from stratus.services.dynamodb import stream_store
from stratus.services.dynamodb.item_size import item_size
from stratus.services.dynamodb.schema import MIGRATIONS
from stratus.services.dynamodb.table_store import Table
from stratus.store import Database

T0 = 1_800_000_000.0
HOUR = 3600.0
LABEL = "2027-01-15T08:00:00.000"


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "dynamodb.sqlite", MIGRATIONS)
    yield database
    database.close()


def make_table(
    view_type: str | None = "NEW_AND_OLD_IMAGES", *, table_id: int = 1, name: str = "Forum"
) -> Table:
    definition = {
        "AttributeDefinitions": [{"AttributeName": "Id", "AttributeType": "N"}],
        "KeySchema": [{"AttributeName": "Id", "KeyType": "HASH"}],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": view_type} if view_type else None,
        "LatestStreamLabel": LABEL if view_type else None,
    }
    return Table(
        table_id=table_id,
        account_id="000000000000",
        region="us-east-1",
        name=name,
        arn=f"arn:aws:dynamodb:us-east-1:000000000000:table/{name}",
        uuid="00000000-0000-0000-0000-000000000000",
        created_at=T0,
        definition=definition,
        item_count=0,
        size_bytes=0,
    )


def enabled(db: Database, view_type: str = "NEW_AND_OLD_IMAGES", **kwargs) -> Table:
    table = make_table(view_type, **kwargs)
    with db.transaction():
        stream_store.stream_enabled(db, table, LABEL, view_type, T0)
    return table


def the_stream(db: Database, table: Table, now: float = T0) -> stream_store.Stream:
    stream = stream_store.find_stream(db, stream_store.stream_arn(table, LABEL), now)
    assert stream is not None
    return stream


def shards(db: Database, stream: stream_store.Stream) -> list[stream_store.Shard]:
    return stream_store.list_shards(db, stream, None, 100)


def read_all(db: Database, table: Table, now: float = T0) -> list[dict]:
    stream = the_stream(db, table, now)
    records = []
    for shard in shards(db, stream):
        records += stream_store.read_records(db, stream, shard, shard.first_seq, 1000, 1 << 20).records
    return records


def change(db, table, old, new, now=T0, **kwargs) -> None:
    with db.transaction():
        stream_store.record_change(db, table, old, new, now, **kwargs)


ITEM = {"Id": {"N": "101"}, "Message": {"S": "New item!"}}
CHANGED = {"Id": {"N": "101"}, "Message": {"S": "This item has changed"}}


def test_insert_modify_remove_as_aws_documents_them(db):
    table = enabled(db)
    change(db, table, None, ITEM)
    change(db, table, ITEM, CHANGED, T0 + 1.7)
    change(db, table, CHANGED, None, T0 + 2)
    records = read_all(db, table)
    assert [record["eventName"] for record in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = (record["dynamodb"] for record in records)
    assert insert["Keys"] == {"Id": {"N": "101"}}
    assert insert["NewImage"] == ITEM and "OldImage" not in insert
    assert (modify["OldImage"], modify["NewImage"]) == (ITEM, CHANGED)
    assert remove["OldImage"] == CHANGED and "NewImage" not in remove
    # The sizes of the developer guide's sample records: keys plus the images the record carries.
    assert [record["SizeBytes"] for record in (insert, modify, remove)] == [26, 59, 38]
    assert {record["StreamViewType"] for record in (insert, modify, remove)} == {"NEW_AND_OLD_IMAGES"}
    assert modify["ApproximateCreationDateTime"].timestamp() == T0 + 1  # rounded down to the second
    first = records[0]
    assert (first["eventVersion"], first["eventSource"], first["awsRegion"]) == (
        "1.1",
        "aws:dynamodb",
        "us-east-1",
    )
    assert len(first["eventID"]) == 32 and "userIdentity" not in first


@pytest.mark.parametrize(
    ("view_type", "images"),
    [
        ("KEYS_ONLY", [(), (), ()]),
        ("NEW_IMAGE", [("NewImage",), ("NewImage",), ()]),
        ("OLD_IMAGE", [(), ("OldImage",), ("OldImage",)]),
        ("NEW_AND_OLD_IMAGES", [("NewImage",), ("NewImage", "OldImage"), ("OldImage",)]),
    ],
)
def test_each_view_type_carries_its_images(db, view_type, images):
    table = enabled(db, view_type)
    change(db, table, None, ITEM)
    change(db, table, ITEM, CHANGED)
    change(db, table, CHANGED, None)
    records = [record["dynamodb"] for record in read_all(db, table)]
    assert [tuple(sorted(set(record) & {"NewImage", "OldImage"})) for record in records] == images
    for record in records:
        assert record["StreamViewType"] == view_type
        assert record["Keys"] == {"Id": {"N": "101"}}
        expected = 5 + sum(item_size(record[name]) for name in ("NewImage", "OldImage") if name in record)
        assert record["SizeBytes"] == expected


def test_no_record_when_nothing_changed_or_no_stream(db):
    table = enabled(db)
    change(db, table, ITEM, dict(ITEM))
    change(db, table, None, None)
    change(db, make_table(None), None, ITEM)  # a table without a stream
    assert read_all(db, table) == []


def test_binary_values_and_ttl_identity(db):
    table = enabled(db)
    item = {"Id": {"N": "1"}, "blob": {"B": b"\x00\xff"}, "nested": {"M": {"set": {"BS": [b"a", b"b"]}}}}
    change(db, table, None, item)
    change(db, table, item, None, service_identity=True)
    insert, ttl_delete = read_all(db, table)
    assert insert["dynamodb"]["NewImage"] == item
    assert ttl_delete["dynamodb"]["OldImage"] == item
    assert ttl_delete["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}


def test_sequence_numbers_look_like_aws_and_sort_as_strings(db):
    table = enabled(db)
    for value in range(12):
        change(
            db,
            table,
            None if value == 0 else {"Id": {"N": "1"}, "v": {"N": str(value - 1)}},
            {"Id": {"N": "1"}, "v": {"N": str(value)}},
        )
    numbers = [record["dynamodb"]["SequenceNumber"] for record in read_all(db, table)]
    assert all(len(number) == 21 and number.isdigit() for number in numbers)
    assert numbers == sorted(numbers) and [int(n) for n in numbers] == sorted(int(n) for n in numbers)
    assert len(set(numbers)) == 12
    assert (
        stream_store.parse_sequence_number(numbers[3]) == stream_store.parse_sequence_number(numbers[2]) + 1
    )
    for wrong in ("12", "abcdefghijklmnopqrstu", "0" * 21, "1" + "0" * 25):
        assert stream_store.parse_sequence_number(wrong) is None


def test_a_new_stream_has_one_open_shard(db):
    table = enabled(db)
    stream = the_stream(db, table)
    (shard,) = shards(db, stream)
    assert shard.is_open and shard.parent_shard_id is None and shard.first_seq == 1
    assert shard.shard_id.startswith("shardId-") and 28 <= len(shard.shard_id) <= 65
    assert (stream.enabled, stream.view_type, stream.table_name, stream.label) == (
        True,
        "NEW_AND_OLD_IMAGES",
        "Forum",
        LABEL,
    )
    assert stream.key_schema == [{"AttributeName": "Id", "KeyType": "HASH"}]


def test_shards_roll_over_every_four_hours(db):
    table = enabled(db)
    change(db, table, None, ITEM, T0 + 10)
    change(db, table, ITEM, CHANGED, T0 + 4 * HOUR + 5)  # due: the shard closes, a child takes it
    stream = the_stream(db, table, T0 + 4 * HOUR + 5)
    first, second = shards(db, stream)
    assert (first.first_seq, first.last_seq, first.closed_at) == (1, 1, T0 + 4 * HOUR)
    assert second.is_open and second.parent_shard_id == first.shard_id and second.first_seq == 2
    assert second.shard_id > first.shard_id
    records = read_all(db, table, T0 + 4 * HOUR + 5)
    assert [record["eventName"] for record in records] == ["INSERT", "MODIFY"]


def test_an_empty_shard_closes_with_a_range_of_its_own(db):
    table = enabled(db)
    with db.transaction():
        stream = stream_store.maintain(db, the_stream(db, table), T0 + 5 * HOUR)
    first, second = shards(db, stream)
    assert (first.first_seq, first.last_seq) == (1, 1)  # reserved: closed shards always have an end
    assert second.first_seq == 2 and second.is_open
    change(db, table, None, ITEM, T0 + 5 * HOUR)
    assert read_all(db, table, T0 + 5 * HOUR)[0]["dynamodb"][
        "SequenceNumber"
    ] == stream_store.sequence_number(2)


def test_records_are_trimmed_after_24_hours(db):
    table = enabled(db)
    change(db, table, None, ITEM, T0)
    change(db, table, ITEM, CHANGED, T0 + 2 * HOUR)
    with db.transaction():
        stream = stream_store.maintain(db, the_stream(db, table), T0 + 24 * HOUR + 60)
    assert stream.trimmed_seq == 1
    assert [record["eventName"] for record in read_all(db, table, T0 + 24 * HOUR + 60)] == ["MODIFY"]
    # The first shard closed at 4 h; at 28 h it goes, with its last record.
    with db.transaction():
        stream = stream_store.maintain(db, stream, T0 + 28 * HOUR + 1)
    assert stream.trimmed_seq == 2
    remaining = shards(db, stream)
    assert all(shard.first_seq > 2 for shard in remaining) and remaining


def test_disabling_closes_the_open_shard_and_keeps_the_stream_a_day(db):
    table = enabled(db)
    change(db, table, None, ITEM, T0 + 1)
    with db.transaction():
        stream_store.stream_disabled(db, table, T0 + 2)
    stream = the_stream(db, table, T0 + 2)
    assert not stream.enabled
    (shard,) = shards(db, stream)
    assert (shard.last_seq, shard.closed_at) == (1, T0 + 2)
    # Writes after the stream was disabled leave nothing (the table's definition says so, and
    # even a stale definition finds no enabled stream).
    change(db, table, ITEM, CHANGED, T0 + 3)
    assert len(read_all(db, table, T0 + 3)) == 1
    assert stream_store.find_stream(db, stream.arn, T0 + 2 + 24 * HOUR) is not None
    assert stream_store.find_stream(db, stream.arn, T0 + 3 + 24 * HOUR) is None
    assert db.query("SELECT * FROM ddb_stream_records") == []
    assert db.query("SELECT * FROM ddb_stream_shards") == []


def test_deleting_the_table_detaches_its_streams(db):
    table = enabled(db)
    with db.transaction():
        stream_store.stream_disabled(db, table, T0 + 1, table_deleted=True)
    row = db.query_one("SELECT table_id, disabled_at FROM ddb_streams")
    assert (row["table_id"], row["disabled_at"]) == (None, T0 + 1)


def test_a_re_enabled_stream_is_a_new_stream(db):
    table = enabled(db)
    with db.transaction():
        stream_store.stream_disabled(db, table, T0 + 1)
    relabelled = make_table()
    relabelled.definition["LatestStreamLabel"] = "2027-01-15T09:00:00.000"
    with db.transaction():
        stream_store.stream_enabled(db, relabelled, "2027-01-15T09:00:00.000", "KEYS_ONLY", T0 + 2)
    change(db, relabelled, None, ITEM, T0 + 3)
    streams = stream_store.list_streams(db, "000000000000", "us-east-1", "Forum", None, 10)
    assert [(stream.label, stream.enabled) for stream in streams] == [
        (LABEL, False),
        ("2027-01-15T09:00:00.000", True),
    ]
    assert read_all(db, table, T0 + 3) == []


def test_read_records_pages_and_knows_the_end_of_a_closed_shard(db):
    table = enabled(db)
    for value in range(5):
        old = None if value == 0 else {"Id": {"N": "1"}, "v": {"S": "x" * 100 + str(value - 1)}}
        change(db, table, old, {"Id": {"N": "1"}, "v": {"S": "x" * 100 + str(value)}}, T0 + value)
    stream = the_stream(db, table)
    (shard,) = shards(db, stream)
    batch = stream_store.read_records(db, stream, shard, 1, 2, 1 << 20)
    assert [r["dynamodb"]["SequenceNumber"] for r in batch.records] == [
        stream_store.sequence_number(n) for n in (1, 2)
    ]
    assert (batch.next_position, batch.at_end) == (3, False)
    # The 1 MB cap (here: 250 bytes) stops early but never returns nothing.
    capped = stream_store.read_records(db, stream, shard, 1, 100, 250)
    assert len(capped.records) == 1 and capped.next_position == 2
    tail = stream_store.read_records(db, stream, shard, 3, 100, 1 << 20)
    assert len(tail.records) == 3 and not tail.at_end  # open: more may come
    with db.transaction():
        stream_store.stream_disabled(db, table, T0 + 10)
    (closed,) = shards(db, stream_store.find_stream(db, stream.arn, T0 + 10))
    last = stream_store.read_records(db, stream, closed, 3, 100, 1 << 20)
    assert len(last.records) == 3 and last.at_end


def test_streams_of_other_accounts_and_tables_are_apart(db):
    enabled(db)
    other = make_table(table_id=2, name="Other")
    with db.transaction():
        stream_store.stream_enabled(db, other, LABEL, "KEYS_ONLY", T0)
    assert [
        s.table_name for s in stream_store.list_streams(db, "000000000000", "us-east-1", None, None, 10)
    ] == [
        "Forum",
        "Other",
    ]
    assert stream_store.list_streams(db, "111111111111", "us-east-1", None, None, 10) == []
    assert stream_store.list_streams(db, "000000000000", "eu-west-1", None, None, 10) == []
    after = stream_store.list_streams(
        db, "000000000000", "us-east-1", None, stream_store.stream_arn(make_table(), LABEL), 10
    )
    assert [s.table_name for s in after] == ["Other"]


def test_enabling_again_under_the_same_label(db):
    table = enabled(db)
    with db.transaction():
        stream_store.stream_enabled(db, table, LABEL, "KEYS_ONLY", T0)  # already enabled: kept as is
    assert the_stream(db, table).view_type == "NEW_AND_OLD_IMAGES"
    change(db, table, None, ITEM)
    with db.transaction():
        stream_store.stream_disabled(db, table, T0)
        stream_store.stream_enabled(db, table, LABEL, "KEYS_ONLY", T0)  # the same millisecond
    stream = the_stream(db, table)
    assert (stream.enabled, stream.view_type) == (True, "KEYS_ONLY")
    assert read_all(db, table) == []
