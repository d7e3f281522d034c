"""DynamoDB Streams event source mappings at work: real Python functions fed by the stream poller."""

import json

import pytest

from .test_esm_support import events_in, recorder_fixture, records_in, settle, wait_for  # noqa: F401


@pytest.fixture
def ddb(aws_client):
    return aws_client("dynamodb")


@pytest.fixture
def stream_arn(ddb):
    answer = ddb.create_table(
        TableName="items",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return answer["TableDescription"]["LatestStreamArn"]


def put(ddb, item_id, **attributes):
    item = {"id": {"S": item_id}, **{name: {"S": value} for name, value in attributes.items()}}
    ddb.put_item(TableName="items", Item=item)


def ids_in(output):
    return [r["dynamodb"]["Keys"]["id"]["S"] for r in records_in(output)]


def map_stream(lambda_client, stream_arn, **kwargs):
    kwargs.setdefault("StartingPosition", "TRIM_HORIZON")
    return lambda_client.create_event_source_mapping(
        FunctionName="recorder", EventSourceArn=stream_arn, **kwargs
    )


@pytest.fixture
def queue(aws_client):
    sqs = aws_client("sqs")
    url = sqs.create_queue(QueueName="failures")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return sqs, url, arn


def test_changes_reach_the_function_as_lambdas_dynamodb_event(recorder, lambda_client, ddb, stream_arn):
    output = recorder()
    map_stream(lambda_client, stream_arn)
    put(ddb, "a", colour="red")
    ddb.update_item(
        TableName="items",
        Key={"id": {"S": "a"}},
        UpdateExpression="SET colour = :c",
        ExpressionAttributeValues={":c": {"S": "blue"}},
    )
    ddb.delete_item(TableName="items", Key={"id": {"S": "a"}})
    records = wait_for(lambda: len(records_in(output)) == 3 and records_in(output))
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = records
    assert insert["eventSource"] == "aws:dynamodb"
    assert insert["eventVersion"] == "1.1"
    assert insert["awsRegion"] == "us-east-1"
    assert insert["eventSourceARN"] == stream_arn
    assert insert["dynamodb"]["Keys"] == {"id": {"S": "a"}}
    assert insert["dynamodb"]["NewImage"] == {"id": {"S": "a"}, "colour": {"S": "red"}}
    assert insert["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert isinstance(insert["dynamodb"]["ApproximateCreationDateTime"], int | float)
    assert modify["dynamodb"]["OldImage"]["colour"] == {"S": "red"}
    assert modify["dynamodb"]["NewImage"]["colour"] == {"S": "blue"}
    assert "NewImage" not in remove["dynamodb"]
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert numbers == sorted(numbers)
    got = lambda_client.list_event_source_mappings(FunctionName="recorder")["EventSourceMappings"][0]
    wait_for(lambda: lambda_client.get_event_source_mapping(UUID=got["UUID"])["LastProcessingResult"] == "OK")


def test_binary_attributes_arrive_in_base64(recorder, lambda_client, ddb, stream_arn):
    output = recorder()
    map_stream(lambda_client, stream_arn)
    ddb.put_item(TableName="items", Item={"id": {"S": "b"}, "blob": {"B": b"foobar"}})
    (record,) = wait_for(lambda: records_in(output))
    assert record["dynamodb"]["NewImage"]["blob"] == {"B": "Zm9vYmFy"}


def test_trim_horizon_includes_earlier_changes_and_latest_does_not(recorder, lambda_client, ddb, stream_arn):
    output = recorder()
    put(ddb, "before")
    map_stream(lambda_client, stream_arn, StartingPosition="LATEST")
    put(ddb, "after")
    wait_for(lambda: ids_in(output) == ["after"])
    settle()
    assert ids_in(output) == ["after"]


def test_trim_horizon_reads_from_the_start(recorder, lambda_client, ddb, stream_arn):
    output = recorder()
    put(ddb, "before")
    map_stream(lambda_client, stream_arn)
    put(ddb, "after")
    wait_for(lambda: ids_in(output) == ["before", "after"])


def test_batches_hold_up_to_batch_size_records(recorder, lambda_client, ddb, stream_arn):
    output = recorder()
    for index in range(5):
        put(ddb, f"k{index}")
    map_stream(lambda_client, stream_arn, BatchSize=2)
    wait_for(lambda: len(ids_in(output)) == 5)
    assert [len(event["Records"]) for event in events_in(output)] == [2, 2, 1]
    assert ids_in(output) == [f"k{index}" for index in range(5)]


def test_the_checkpoint_survives_disabling_and_enabling(recorder, lambda_client, ddb, stream_arn):
    output = recorder()
    uuid = map_stream(lambda_client, stream_arn)["UUID"]
    put(ddb, "one")
    wait_for(lambda: ids_in(output) == ["one"])
    lambda_client.update_event_source_mapping(UUID=uuid, Enabled=False)
    put(ddb, "two")
    settle()
    assert ids_in(output) == ["one"]
    lambda_client.update_event_source_mapping(UUID=uuid, Enabled=True)
    wait_for(lambda: ids_in(output) == ["one", "two"])  # not "one" again


def test_filter_criteria_skip_records_that_do_not_match(recorder, lambda_client, ddb, stream_arn):
    output = recorder()
    pattern = {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"colour": {"S": ["red"]}}}}
    map_stream(lambda_client, stream_arn, FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]})
    put(ddb, "x", colour="blue")
    put(ddb, "y", colour="red")
    put(ddb, "x", colour="red")  # a MODIFY
    put(ddb, "z", colour="red")
    wait_for(lambda: ids_in(output) == ["y", "z"])
    settle()
    assert ids_in(output) == ["y", "z"]


def test_a_failing_batch_is_retried_until_it_succeeds(
    recorder, lambda_client, ddb, stream_arn, stratus_server
):
    output = recorder()
    put(ddb, "first", note="flaky")
    put(ddb, "second")
    map_stream(lambda_client, stream_arn)
    wait_for(lambda: len(events_in(output)) == 2, advance=2, server=stratus_server)
    settle()
    batches = [[r["dynamodb"]["Keys"]["id"]["S"] for r in e["Records"]] for e in events_in(output)]
    assert batches == [["first", "second"], ["first", "second"]]  # the same batch again, then on


def test_retries_exhausted_send_the_batch_location_to_the_on_failure_queue(
    recorder, lambda_client, ddb, stream_arn, queue, stratus_server
):
    sqs, url, queue_arn = queue
    output = recorder()
    mapping = map_stream(
        lambda_client,
        stream_arn,
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )
    put(ddb, "bad", note="fail")
    put(ddb, "good")
    messages = wait_for(
        lambda: sqs.receive_message(QueueUrl=url).get("Messages"), advance=2, server=stratus_server
    )
    record = json.loads(messages[0]["Body"])
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert record["requestContext"]["functionArn"] == mapping["FunctionArn"]
    assert record["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert record["version"] == "1.0"
    info = record["DDBStreamBatchInfo"]
    assert info["batchSize"] == 2
    assert info["streamArn"] == stream_arn
    assert info["shardId"].startswith("shardId-")
    assert int(info["startSequenceNumber"]) < int(info["endSequenceNumber"])
    assert info["approximateArrivalOfFirstRecord"].endswith("Z")
    settle()
    put(ddb, "later")
    wait_for(lambda: "later" in ids_in(output))  # the stream moved on past the discarded batch
    assert ids_in(output).count("bad") == 2


def test_bisect_isolates_the_failing_record(recorder, lambda_client, ddb, stream_arn, queue, stratus_server):
    sqs, url, queue_arn = queue
    output = recorder()
    for item in ("a", "b", "c"):
        put(ddb, item)
    put(ddb, "d", note="fail")
    map_stream(
        lambda_client,
        stream_arn,
        MaximumRetryAttempts=0,
        BisectBatchOnFunctionError=True,
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )
    messages = wait_for(
        lambda: sqs.receive_message(QueueUrl=url).get("Messages"), advance=2, server=stratus_server
    )
    info = json.loads(messages[0]["Body"])["DDBStreamBatchInfo"]
    assert info["batchSize"] == 1  # only the bad record was discarded
    sizes = [len(event["Records"]) for event in events_in(output)]
    assert sizes == [4, 2, 2, 1, 1]  # all fail; [a b] ok; [c d] fail; [c] ok; [d] fails alone
    successful = [e for e in events_in(output) if "fail" not in json.dumps(e)]
    assert sorted(r["dynamodb"]["Keys"]["id"]["S"] for e in successful for r in e["Records"]) == [
        "a",
        "b",
        "c",
    ]


def test_report_batch_item_failures_checkpoints_before_the_failed_record(
    recorder, lambda_client, ddb, stream_arn, stratus_server
):
    output = recorder(mode="report")
    for item in ("a", "b"):
        put(ddb, item)
    put(ddb, "c", note="flaky")
    put(ddb, "d")
    map_stream(lambda_client, stream_arn, FunctionResponseTypes=["ReportBatchItemFailures"])
    wait_for(lambda: len(events_in(output)) == 2, advance=2, server=stratus_server)
    first, second = ([r["dynamodb"]["Keys"]["id"]["S"] for r in e["Records"]] for e in events_in(output))
    assert first == ["a", "b", "c", "d"]
    assert second == ["c", "d"]  # retried from the failed record on


def test_maximum_record_age_discards_old_records(
    recorder, lambda_client, ddb, stream_arn, queue, stratus_server
):
    sqs, url, queue_arn = queue
    output = recorder()
    put(ddb, "old")
    stratus_server.advance_clock(120)
    put(ddb, "new")
    map_stream(
        lambda_client,
        stream_arn,
        MaximumRecordAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )
    wait_for(lambda: ids_in(output) == ["new"])
    record = json.loads(wait_for(lambda: sqs.receive_message(QueueUrl=url).get("Messages"))[0]["Body"])
    assert record["requestContext"]["condition"] == "RecordAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert record["DDBStreamBatchInfo"]["batchSize"] == 1


def test_the_poller_continues_into_the_child_shard_after_a_roll_over(
    recorder, lambda_client, ddb, stream_arn, stratus_server
):
    output = recorder()
    map_stream(lambda_client, stream_arn)
    put(ddb, "parent")
    wait_for(lambda: ids_in(output) == ["parent"])
    stratus_server.advance_clock(4 * 3600 + 1)  # DynamoDB closes the shard; a child opens
    put(ddb, "child")
    wait_for(lambda: ids_in(output) == ["parent", "child"])
