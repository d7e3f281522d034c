"""Provisioned throughput enforced for a table tagged `stratus:throttle` (off by default)."""

from .support import definitions, key_schema, refused

EXCEEDED = (
    "ProvisionedThroughputExceededException",
    "The level of configured provisioned throughput for the table was exceeded. "
    "Consider increasing your provisioning level with the UpdateTable API.",
)


def _provisioned(ddb, name, tags=()):
    ddb.create_table(
        TableName=name,
        AttributeDefinitions=definitions(id="S"),
        KeySchema=key_schema("id"),
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        Tags=list(tags),
    )


def test_an_untagged_provisioned_table_is_not_throttled(ddb):
    _provisioned(ddb, "free")
    for n in range(400):  # more than 300 seconds of burst at 1 WCU
        ddb.put_item(TableName="free", Item={"id": {"S": str(n)}})


def test_a_tagged_table_throttles_past_its_burst_and_recovers_with_time(ddb, stratus_server):
    _provisioned(ddb, "tight", tags=[{"Key": "stratus:throttle", "Value": "true"}])
    big = {"S": "x" * 10_000}  # 10 write units per put
    written = 0
    while written < 100:
        try:
            ddb.put_item(TableName="tight", Item={"id": {"S": str(written)}, "big": big})
        except ddb.exceptions.ProvisionedThroughputExceededException as error:
            assert error.response["Error"]["Message"] == EXCEEDED[1]
            break
        written += 1
    # 300 seconds x 1 WCU of burst, 10 units each (plus what the real seconds of the test refill)
    assert 30 <= written <= 32
    # reads have their own bucket
    assert "Item" in ddb.get_item(TableName="tight", Key={"id": {"S": "0"}})
    stratus_server.advance_clock(15)  # 15 units back
    ddb.put_item(TableName="tight", Item={"id": {"S": "again"}})


def test_batches_hand_back_throttled_requests_unprocessed(ddb, simple_table):
    _provisioned(ddb, "tight", tags=[{"Key": "stratus:throttle", "Value": "true"}])
    ddb.put_item(TableName="tight", Item={"id": {"S": "huge"}, "big": {"S": "x" * 300_000}})  # 293 units
    ddb.put_item(TableName="tight", Item={"id": {"S": "huge2"}, "big": {"S": "x" * 10_000}})
    request = {
        "tight": [{"PutRequest": {"Item": {"id": {"S": "a"}}}}],
        simple_table: [{"PutRequest": {"Item": {"id": {"S": "b"}}}}],
    }
    answer = ddb.batch_write_item(RequestItems=request)
    assert answer["UnprocessedItems"] == {"tight": request["tight"]}
    assert "Item" in ddb.get_item(TableName=simple_table, Key={"id": {"S": "b"}})
    assert refused(ddb.batch_write_item, RequestItems={"tight": request["tight"]}) == EXCEEDED
