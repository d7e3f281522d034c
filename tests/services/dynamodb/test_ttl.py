"""Time to live: settings, and expired items deleted by the sweeper as the Stratus clock moves."""

import time

from .support import refused


def _wait_until(check, seconds: float = 3.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.02)
    return check()


def test_ttl_settings(ddb, simple_table):
    assert ddb.describe_time_to_live(TableName=simple_table)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"
    }
    spec = {"Enabled": True, "AttributeName": "expires"}
    assert (
        ddb.update_time_to_live(TableName=simple_table, TimeToLiveSpecification=spec)[
            "TimeToLiveSpecification"
        ]
        == spec
    )
    assert ddb.describe_time_to_live(TableName=simple_table)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires",
    }
    assert refused(ddb.update_time_to_live, TableName=simple_table, TimeToLiveSpecification=spec) == (
        "ValidationException",
        "TimeToLive is already enabled",
    )
    ddb.update_time_to_live(TableName=simple_table, TimeToLiveSpecification={**spec, "Enabled": False})
    assert refused(
        ddb.update_time_to_live, TableName=simple_table, TimeToLiveSpecification={**spec, "Enabled": False}
    ) == ("ValidationException", "TimeToLive is already disabled")


def test_expired_items_are_deleted_when_the_clock_passes(ddb, simple_table, stratus_server):
    now = int(time.time())
    ddb.put_item(TableName=simple_table, Item={"id": {"S": "before"}, "expires": {"N": str(now + 100)}})
    ddb.update_time_to_live(
        TableName=simple_table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    ddb.put_item(TableName=simple_table, Item={"id": {"S": "soon"}, "expires": {"N": str(now + 200)}})
    ddb.put_item(TableName=simple_table, Item={"id": {"S": "later"}, "expires": {"N": str(now + 10_000)}})
    ddb.put_item(
        TableName=simple_table, Item={"id": {"S": "text"}, "expires": {"S": str(now)}}
    )  # not a number
    ddb.put_item(
        TableName=simple_table, Item={"id": {"S": "ancient"}, "expires": {"N": str(now - 6 * 365 * 86400)}}
    )
    stratus_server.advance_clock(300)

    def remaining():
        names = sorted(item["id"]["S"] for item in ddb.scan(TableName=simple_table)["Items"])
        return names if names == ["ancient", "later", "text"] else None

    assert _wait_until(remaining) == ["ancient", "later", "text"]


def test_an_item_whose_ttl_moved_is_kept(ddb, simple_table, stratus_server):
    now = int(time.time())
    ddb.update_time_to_live(
        TableName=simple_table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
    )
    ddb.put_item(TableName=simple_table, Item={"id": {"S": "a"}, "ttl": {"N": str(now + 100)}})
    ddb.update_item(
        TableName=simple_table,
        Key={"id": {"S": "a"}},
        UpdateExpression="SET #t = :later",
        ExpressionAttributeNames={"#t": "ttl"},
        ExpressionAttributeValues={":later": {"N": str(now + 100_000)}},
    )
    ddb.put_item(TableName=simple_table, Item={"id": {"S": "b"}, "ttl": {"N": str(now + 100)}})
    stratus_server.advance_clock(200)
    assert _wait_until(lambda: ddb.scan(TableName=simple_table)["Count"] == 1)
    assert ddb.scan(TableName=simple_table)["Items"][0]["id"] == {"S": "a"}


def test_ttl_deletions_appear_in_the_stream_as_the_service(aws_client, ddb, stratus_server):
    ddb.create_table(
        TableName="sessions",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "OLD_IMAGE"},
    )
    ddb.update_time_to_live(
        TableName="sessions", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"}
    )
    ddb.put_item(TableName="sessions", Item={"id": {"S": "s1"}, "exp": {"N": str(int(time.time()) + 60)}})
    stratus_server.advance_clock(120)
    assert _wait_until(lambda: ddb.scan(TableName="sessions")["Count"] == 0)
    streams = aws_client("dynamodbstreams")
    arn = ddb.describe_table(TableName="sessions")["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")[
        "ShardIterator"
    ]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [record["eventName"] for record in records] == ["INSERT", "REMOVE"]
    assert "userIdentity" not in records[0]
    assert records[1]["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
