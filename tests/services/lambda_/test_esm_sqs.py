"""SQS event source mappings at work: real Python functions fed by the poller, as in AWS."""

import hashlib
import json

import pytest

from .test_esm_support import events_in, recorder_fixture, records_in, settle, wait_for  # noqa: F401


@pytest.fixture
def sqs(aws_client):
    return aws_client("sqs")


def make_queue(sqs, name="source", **attributes):
    if name.endswith(".fifo"):
        attributes.setdefault("FifoQueue", "true")
    url = sqs.create_queue(QueueName=name, Attributes={k: str(v) for k, v in attributes.items()})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def messages_left(sqs, url):
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def test_messages_reach_the_function_in_lambdas_sqs_event_and_are_deleted(recorder, lambda_client, sqs):
    output = recorder()
    url, arn = make_queue(sqs)
    lambda_client.create_event_source_mapping(FunctionName="recorder", EventSourceArn=arn)
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="hello",
        MessageAttributes={
            "Color": {"DataType": "String", "StringValue": "blue"},
            "Blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )
    (record,) = wait_for(lambda: records_in(output))
    assert record["messageId"] == sent["MessageId"]
    assert record["body"] == "hello"
    assert record["md5OfBody"] == hashlib.md5(b"hello").hexdigest()
    assert record["md5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == arn
    assert record["awsRegion"] == "us-east-1"
    assert record["receiptHandle"]
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(record["attributes"])
    assert record["messageAttributes"]["Color"] == {
        "stringValue": "blue",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    assert record["messageAttributes"]["Blob"]["binaryValue"] == "AAE="
    wait_for(lambda: messages_left(sqs, url) == 0)


def test_a_batch_holds_up_to_batch_size_messages(recorder, lambda_client, sqs):
    output = recorder()
    url, arn = make_queue(sqs)
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(7)])
    lambda_client.create_event_source_mapping(FunctionName="recorder", EventSourceArn=arn, BatchSize=3)
    wait_for(lambda: len(records_in(output)) == 7)
    assert all(len(event["Records"]) <= 3 for event in events_in(output))
    assert sorted(r["body"] for r in records_in(output)) == [f"m{i}" for i in range(7)]
    wait_for(lambda: messages_left(sqs, url) == 0)


def test_a_batching_window_gathers_more_than_ten_messages_in_one_invocation(recorder, lambda_client, sqs):
    output = recorder()
    url, arn = make_queue(sqs)
    for start in (0, 10):
        sqs.send_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(start, start + 10)]
        )
    lambda_client.create_event_source_mapping(
        FunctionName="recorder", EventSourceArn=arn, BatchSize=20, MaximumBatchingWindowInSeconds=1
    )
    (event,) = wait_for(lambda: events_in(output))
    assert len(event["Records"]) == 20


def test_a_failed_batch_stays_in_the_queue_and_is_retried_after_the_visibility_timeout(
    recorder, lambda_client, sqs, stratus_server
):
    output = recorder()
    url, arn = make_queue(sqs, VisibilityTimeout=30)
    lambda_client.create_event_source_mapping(FunctionName="recorder", EventSourceArn=arn)
    sqs.send_message(QueueUrl=url, MessageBody="flaky")
    wait_for(lambda: len(records_in(output)) == 1)
    settle()
    assert messages_left(sqs, url) == 1  # in flight, not deleted
    assert len(records_in(output)) == 1  # not retried before the visibility timeout ends
    records = wait_for(
        lambda: len(records_in(output)) == 2 and records_in(output), advance=31, server=stratus_server
    )
    assert records[1]["attributes"]["ApproximateReceiveCount"] == "2"
    wait_for(lambda: messages_left(sqs, url) == 0)


def test_the_queues_redrive_policy_moves_a_failing_message_to_its_dead_letter_queue(
    recorder, lambda_client, sqs, stratus_server
):
    output = recorder()
    dlq_url, dlq_arn = make_queue(sqs, "dlq")
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    url, arn = make_queue(sqs, VisibilityTimeout=30, RedrivePolicy=redrive)
    lambda_client.create_event_source_mapping(FunctionName="recorder", EventSourceArn=arn)
    sqs.send_message(QueueUrl=url, MessageBody="fail always")
    wait_for(lambda: len(records_in(output)) == 2, advance=31, server=stratus_server)
    dead = wait_for(
        lambda: sqs.receive_message(QueueUrl=dlq_url).get("Messages"), advance=31, server=stratus_server
    )
    assert dead[0]["Body"] == "fail always"
    assert len(records_in(output)) == 2


def test_report_batch_item_failures_deletes_all_but_the_failed_messages(recorder, lambda_client, sqs):
    output = recorder(mode="report")
    url, arn = make_queue(sqs, VisibilityTimeout=300)
    sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "1", "MessageBody": "good one"},
            {"Id": "2", "MessageBody": "fail this"},
            {"Id": "3", "MessageBody": "good two"},
        ],
    )
    lambda_client.create_event_source_mapping(
        FunctionName="recorder", EventSourceArn=arn, FunctionResponseTypes=["ReportBatchItemFailures"]
    )
    wait_for(lambda: len(records_in(output)) == 3)
    wait_for(lambda: messages_left(sqs, url) == 1)
    settle()
    assert messages_left(sqs, url) == 1


def test_an_invalid_batch_item_failures_response_fails_the_whole_batch(recorder, lambda_client, sqs):
    output = recorder(mode="invalid")
    url, arn = make_queue(sqs, VisibilityTimeout=300)
    sqs.send_message_batch(
        QueueUrl=url, Entries=[{"Id": "1", "MessageBody": "good"}, {"Id": "2", "MessageBody": "fail"}]
    )
    lambda_client.create_event_source_mapping(
        FunctionName="recorder", EventSourceArn=arn, FunctionResponseTypes=["ReportBatchItemFailures"]
    )
    wait_for(lambda: len(records_in(output)) == 2)
    settle()
    assert messages_left(sqs, url) == 2  # nothing deleted


def test_without_report_batch_item_failures_a_partial_response_is_ignored(recorder, lambda_client, sqs):
    output = recorder(mode="report")
    url, arn = make_queue(sqs, VisibilityTimeout=300)
    sqs.send_message_batch(
        QueueUrl=url, Entries=[{"Id": "1", "MessageBody": "good"}, {"Id": "2", "MessageBody": "fail"}]
    )
    lambda_client.create_event_source_mapping(FunctionName="recorder", EventSourceArn=arn)
    wait_for(lambda: len(records_in(output)) == 2)
    wait_for(lambda: messages_left(sqs, url) == 0)  # the function did not raise: all processed


def test_filter_criteria_drop_non_matching_messages_without_invoking(recorder, lambda_client, sqs):
    output = recorder()
    url, arn = make_queue(sqs)
    pattern = {"body": {"kind": ["order"], "amount": [{"numeric": [">", 100]}]}}
    lambda_client.create_event_source_mapping(
        FunctionName="recorder",
        EventSourceArn=arn,
        FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]},
    )
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "order", "amount": 150}))
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": "order", "amount": 50}))
    sqs.send_message(QueueUrl=url, MessageBody="not json at all")
    wait_for(lambda: messages_left(sqs, url) == 0)  # the others are deleted, not left behind
    settle()
    assert [json.loads(r["body"])["amount"] for r in records_in(output)] == [150]


def test_a_plain_text_filter_matches_a_plain_text_body(recorder, lambda_client, sqs):
    output = recorder()
    url, arn = make_queue(sqs)
    lambda_client.create_event_source_mapping(
        FunctionName="recorder",
        EventSourceArn=arn,
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": [{"prefix": "keep"}]})}]},
    )
    sqs.send_message(QueueUrl=url, MessageBody="drop me")
    sqs.send_message(QueueUrl=url, MessageBody="keep me")
    wait_for(lambda: messages_left(sqs, url) == 0)
    settle()
    assert [r["body"] for r in records_in(output)] == ["keep me"]


def test_fifo_batches_are_per_message_group_in_order(recorder, lambda_client, sqs):
    output = recorder()
    url, arn = make_queue(sqs, "orders.fifo", ContentBasedDeduplication="true")
    for index in range(3):
        for group in ("a", "b"):
            sqs.send_message(QueueUrl=url, MessageBody=f"{group}{index}", MessageGroupId=group)
    lambda_client.create_event_source_mapping(FunctionName="recorder", EventSourceArn=arn)
    wait_for(lambda: len(records_in(output)) == 6)
    for event in events_in(output):
        groups = {r["attributes"]["MessageGroupId"] for r in event["Records"]}
        assert len(groups) == 1
    for group in ("a", "b"):
        bodies = [r["body"] for r in records_in(output) if r["body"].startswith(group)]
        assert bodies == [f"{group}0", f"{group}1", f"{group}2"]
    record = records_in(output)[0]
    assert {"MessageGroupId", "SequenceNumber", "MessageDeduplicationId"} <= set(record["attributes"])
    wait_for(lambda: messages_left(sqs, url) == 0)


def test_a_failed_fifo_group_does_not_advance_while_other_groups_do(
    recorder, lambda_client, sqs, stratus_server
):
    output = recorder()
    url, arn = make_queue(sqs, "jobs.fifo", ContentBasedDeduplication="true", VisibilityTimeout=30)
    sqs.send_message(QueueUrl=url, MessageBody="a0 flaky", MessageGroupId="a")
    sqs.send_message(QueueUrl=url, MessageBody="a1", MessageGroupId="a")
    sqs.send_message(QueueUrl=url, MessageBody="b0", MessageGroupId="b")
    lambda_client.create_event_source_mapping(FunctionName="recorder", EventSourceArn=arn, BatchSize=1)
    wait_for(lambda: {"a0 flaky", "b0"} <= {r["body"] for r in records_in(output)})
    settle()
    assert "a1" not in [r["body"] for r in records_in(output)]  # held behind the failed a0
    wait_for(lambda: "a1" in [r["body"] for r in records_in(output)], advance=31, server=stratus_server)
    bodies = [r["body"] for r in records_in(output) if r["body"].startswith("a")]
    assert bodies == ["a0 flaky", "a0 flaky", "a1"]  # a0 again first, then a1
    wait_for(lambda: messages_left(sqs, url) == 0)


def test_a_disabled_mapping_does_not_poll_and_resumes_when_enabled(recorder, lambda_client, sqs):
    output = recorder()
    url, arn = make_queue(sqs)
    uuid = lambda_client.create_event_source_mapping(
        FunctionName="recorder", EventSourceArn=arn, Enabled=False
    )["UUID"]
    sqs.send_message(QueueUrl=url, MessageBody="waiting")
    settle()
    assert records_in(output) == []
    lambda_client.update_event_source_mapping(UUID=uuid, Enabled=True)
    wait_for(lambda: records_in(output))


def test_disabling_stops_the_poller(recorder, lambda_client, sqs):
    output = recorder()
    url, arn = make_queue(sqs)
    uuid = lambda_client.create_event_source_mapping(FunctionName="recorder", EventSourceArn=arn)["UUID"]
    sqs.send_message(QueueUrl=url, MessageBody="first")
    wait_for(lambda: records_in(output))
    lambda_client.update_event_source_mapping(UUID=uuid, Enabled=False)
    sqs.send_message(QueueUrl=url, MessageBody="second")
    settle()
    assert [r["body"] for r in records_in(output)] == ["first"]
    assert messages_left(sqs, url) == 1


def test_deleting_the_mapping_stops_the_poller(recorder, lambda_client, sqs):
    output = recorder()
    url, arn = make_queue(sqs)
    uuid = lambda_client.create_event_source_mapping(FunctionName="recorder", EventSourceArn=arn)["UUID"]
    settle(0.3)  # the poller is long-polling now
    lambda_client.delete_event_source_mapping(UUID=uuid)
    sqs.send_message(QueueUrl=url, MessageBody="nobody listens")
    settle()
    assert records_in(output) == []
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "nobody listens"


def test_updating_the_batch_size_takes_effect(recorder, lambda_client, sqs):
    output = recorder()
    url, arn = make_queue(sqs)
    uuid = lambda_client.create_event_source_mapping(
        FunctionName="recorder", EventSourceArn=arn, BatchSize=1
    )["UUID"]
    settle(0.3)
    lambda_client.update_event_source_mapping(UUID=uuid, BatchSize=5)
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(5)])
    wait_for(lambda: len(records_in(output)) == 5)
    assert max(len(event["Records"]) for event in events_in(output)) > 1
