"""Asynchronous invocation: 202 answers, retries on Stratus's clock, destinations, dead-letter
queues, event age, event invoke configs, InvokeAsync and SNS → Lambda (black-box)."""

import json
import sys
import time

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from .conftest import error_of, make_zip

PYTHON_RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"
ARN = "arn:aws:lambda:us-east-1:000000000000:function:fn"

# Every attempt reports itself to the trace queue, so the test can count attempts.
HANDLER = """
import boto3, json

def handler(event, context):
    boto3.client("sqs").send_message(QueueUrl=event["trace"], MessageBody=json.dumps(
        {"request_id": context.aws_request_id, "arn": context.invoked_function_arn}))
    if event.get("fail"):
        raise RuntimeError("failed on purpose")
    return {"done": event.get("n")}
"""


@pytest.fixture
def sqs(aws_client):
    return aws_client("sqs")


@pytest.fixture
def queue(sqs):
    def make(name):
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return url, arn

    return make


@pytest.fixture
def function(lambda_client, role_arn, stratus_server):
    def make(name="fn", **kwargs):
        lambda_client.create_function(
            FunctionName=name,
            Runtime=PYTHON_RUNTIME,
            Role=role_arn,
            Handler="app.handler",
            Code={"ZipFile": make_zip({"app.py": HANDLER})},
            Timeout=5,
            **kwargs,
        )
        return name

    yield make
    stratus_server.reset()  # no runtime process outlives its test


def receive(sqs, url, count=1, timeout=8.0):
    """At least `count` messages (deleted as read), waiting up to `timeout` seconds."""
    found, deadline = [], time.monotonic() + timeout
    while len(found) < count and time.monotonic() < deadline:
        answer = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, MessageAttributeNames=["All"]
        )
        for message in answer.get("Messages", []):
            found.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def nothing_more(sqs, url) -> bool:
    return not sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages")


def invoke_event(lambda_client, name="fn", **event):
    return lambda_client.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps(event))


def test_event_invocation_is_accepted_and_runs(function, lambda_client, sqs, queue):
    trace, _ = queue("trace")
    function()
    answer = invoke_event(lambda_client, trace=trace, n=1)
    assert answer["StatusCode"] == 202
    assert answer["Payload"].read() == b""
    assert "FunctionError" not in answer
    [message] = receive(sqs, trace)
    body = json.loads(message["Body"])
    # The function runs under the Invoke request's id.
    assert body == {"request_id": answer["ResponseMetadata"]["RequestId"], "arn": ARN}


def test_function_errors_are_retried_twice_on_the_clock(function, lambda_client, sqs, queue, stratus_server):
    trace, _ = queue("trace")
    dlq, dlq_arn = queue("dlq")
    function(DeadLetterConfig={"TargetArn": dlq_arn})
    answer = invoke_event(lambda_client, trace=trace, fail=True)
    request_id = answer["ResponseMetadata"]["RequestId"]
    assert len(receive(sqs, trace)) == 1
    assert nothing_more(sqs, trace)  # the second attempt waits a minute
    stratus_server.advance_clock(61)
    assert len(receive(sqs, trace)) == 1
    assert nothing_more(sqs, dlq)
    stratus_server.advance_clock(121)
    attempts = receive(sqs, trace)
    assert len(attempts) == 1
    assert {json.loads(m["Body"])["request_id"] for m in attempts} == {request_id}
    [dead] = receive(sqs, dlq)
    assert json.loads(dead["Body"]) == {"trace": trace, "fail": True}
    attributes = dead["MessageAttributes"]
    assert attributes["RequestID"]["StringValue"] == request_id
    assert attributes["ErrorCode"] == {"StringValue": "200", "DataType": "Number"}
    assert attributes["ErrorMessage"]["StringValue"] == "failed on purpose"
    assert nothing_more(sqs, trace)


def test_on_success_destination_gets_the_invocation_record(function, lambda_client, sqs, queue):
    trace, _ = queue("trace")
    done, done_arn = queue("done")
    function()
    lambda_client.put_function_event_invoke_config(
        FunctionName="fn", DestinationConfig={"OnSuccess": {"Destination": done_arn}}
    )
    answer = invoke_event(lambda_client, trace=trace, n=7)
    [message] = receive(sqs, done)
    record = json.loads(message["Body"])
    assert record["version"] == "1.0"
    assert record["timestamp"].endswith("Z")
    assert record["requestContext"] == {
        "requestId": answer["ResponseMetadata"]["RequestId"],
        "functionArn": f"{ARN}:$LATEST",
        "condition": "Success",
        "approximateInvokeCount": 1,
    }
    assert record["requestPayload"] == {"trace": trace, "n": 7}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert record["responsePayload"] == {"done": 7}


def test_on_failure_destination_after_the_configured_retries(function, lambda_client, sqs, queue):
    trace, _ = queue("trace")
    failed, failed_arn = queue("failed")
    dlq, dlq_arn = queue("dlq")
    function(DeadLetterConfig={"TargetArn": dlq_arn})
    lambda_client.put_function_event_invoke_config(
        FunctionName="fn",
        MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": failed_arn}},
    )
    invoke_event(lambda_client, trace=trace, fail=True)
    [message] = receive(sqs, failed)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert record["responsePayload"]["errorMessage"] == "failed on purpose"
    assert record["responsePayload"]["errorType"] == "RuntimeError"
    assert len(receive(sqs, trace)) == 1
    # Destinations work "in addition to" a dead-letter queue: it gets the event itself.
    [dead] = receive(sqs, dlq)
    assert dead["MessageAttributes"]["ErrorMessage"]["StringValue"] == "failed on purpose"


def test_throttled_events_wait_and_expire(function, lambda_client, sqs, queue, stratus_server):
    trace, _ = queue("trace")
    failed, failed_arn = queue("failed")
    function()
    lambda_client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=0)
    lambda_client.put_function_event_invoke_config(
        FunctionName="fn",
        MaximumEventAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": failed_arn}},
    )
    invoke_event(lambda_client, trace=trace)
    assert nothing_more(sqs, failed)
    stratus_server.advance_clock(120)
    [message] = receive(sqs, failed)
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert "responseContext" not in record
    assert nothing_more(sqs, trace)


def test_throttled_event_runs_once_concurrency_allows(function, lambda_client, sqs, queue, stratus_server):
    trace, _ = queue("trace")
    function()
    lambda_client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=0)
    invoke_event(lambda_client, trace=trace)
    assert nothing_more(sqs, trace)
    lambda_client.delete_function_concurrency(FunctionName="fn")
    stratus_server.advance_clock(600)  # past any back-off
    assert len(receive(sqs, trace)) == 1


def test_alias_events_use_the_aliases_config(function, lambda_client, sqs, queue):
    trace, _ = queue("trace")
    done, done_arn = queue("done")
    function(Publish=True)
    lambda_client.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    lambda_client.put_function_event_invoke_config(
        FunctionName="fn", Qualifier="live", DestinationConfig={"OnSuccess": {"Destination": done_arn}}
    )
    invoke_event(lambda_client, "fn:live", trace=trace)
    assert json.loads(receive(sqs, trace)[0]["Body"])["arn"] == f"{ARN}:live"
    record = json.loads(receive(sqs, done)[0]["Body"])
    assert record["requestContext"]["functionArn"] == f"{ARN}:live"
    assert record["responseContext"]["executedVersion"] == "1"
    invoke_event(lambda_client, "fn", trace=trace)  # $LATEST has no config: no record
    assert len(receive(sqs, trace)) == 1
    assert nothing_more(sqs, done)


def test_sns_delivers_to_a_lambda_subscription(function, lambda_client, sqs, queue, aws_client):
    trace, _ = queue("trace")
    function()
    sns = aws_client("sns")
    topic = sns.create_topic(Name="t")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=ARN)
    # The event is SNS's; the handler reads "trace" from it, so send it the queue URL in a message attribute.
    lambda_client.update_function_code(
        FunctionName="fn",
        ZipFile=make_zip(
            {
                "app.py": "import boto3\n"
                "def handler(event, context):\n"
                "    record = event['Records'][0]['Sns']\n"
                "    boto3.client('sqs').send_message(QueueUrl=record['MessageAttributes']['trace']['Value'],"
                " MessageBody=record['Message'])\n"
            }
        ),
    )
    sns.publish(
        TopicArn=topic,
        Message="hello lambda",
        MessageAttributes={"trace": {"DataType": "String", "StringValue": trace}},
    )
    [message] = receive(sqs, trace)
    assert message["Body"] == "hello lambda"


def test_invoke_async_is_the_deprecated_event_invoke(function, lambda_client, sqs, queue):
    trace, _ = queue("trace")
    function()
    answer = lambda_client.invoke_async(FunctionName="fn", InvokeArgs=json.dumps({"trace": trace}))
    assert answer["Status"] == 202
    assert len(receive(sqs, trace)) == 1


def test_event_payload_limits_and_checks(function, lambda_client):
    function()
    with pytest.raises(ClientError) as info:
        lambda_client.invoke(
            FunctionName="fn", InvocationType="Event", Payload=b"[" + b"1," * 600_000 + b"1]"
        )
    assert error_of(info) == (
        "RequestTooLargeException",
        "Request must be smaller than 1048576 bytes for the InvokeFunction operation",
    )
    with pytest.raises(ClientError) as info:
        lambda_client.invoke(FunctionName="fn", InvocationType="Event", Payload=b"not json")
    assert error_of(info)[0] == "InvalidRequestContentException"
    with pytest.raises(ClientError) as info:
        lambda_client.invoke(FunctionName="missing", InvocationType="Event", Payload=b"{}")
    assert error_of(info)[0] == "ResourceNotFoundException"


# ---------------------------------------------------------------------- event invoke configs


def test_event_invoke_config_lifecycle(create, lambda_client):
    create("fn", Publish=True)
    put = lambda_client.put_function_event_invoke_config(FunctionName="fn", MaximumRetryAttempts=1)
    assert put["FunctionArn"] == f"{ARN}:$LATEST"
    assert put["MaximumRetryAttempts"] == 1
    assert "MaximumEventAgeInSeconds" not in put
    updated = lambda_client.update_function_event_invoke_config(
        FunctionName="fn", MaximumEventAgeInSeconds=300
    )
    assert (updated["MaximumRetryAttempts"], updated["MaximumEventAgeInSeconds"]) == (1, 300)
    replaced = lambda_client.put_function_event_invoke_config(FunctionName="fn", MaximumEventAgeInSeconds=120)
    assert "MaximumRetryAttempts" not in replaced  # Put replaces, Update merges
    lambda_client.put_function_event_invoke_config(FunctionName="fn", Qualifier="1", MaximumRetryAttempts=0)
    listed = lambda_client.list_function_event_invoke_configs(FunctionName="fn")["FunctionEventInvokeConfigs"]
    assert sorted(c["FunctionArn"] for c in listed) == [f"{ARN}:$LATEST", f"{ARN}:1"]
    got = lambda_client.get_function_event_invoke_config(FunctionName="fn", Qualifier="1")
    assert got["MaximumRetryAttempts"] == 0
    lambda_client.delete_function_event_invoke_config(FunctionName="fn", Qualifier="1")
    with pytest.raises(ClientError) as info:
        lambda_client.get_function_event_invoke_config(FunctionName="fn", Qualifier="1")
    assert error_of(info) == (
        "ResourceNotFoundException",
        f"The function {ARN}:1 doesn't have an EventInvokeConfig",
    )


def test_event_invoke_config_validation(create, lambda_client, aws_client):
    create("fn")
    unchecked = aws_client("lambda", config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as info:
        unchecked.put_function_event_invoke_config(FunctionName="fn", MaximumRetryAttempts=3)
    assert error_of(info)[0] == "ValidationException"
    with pytest.raises(ClientError) as info:
        unchecked.put_function_event_invoke_config(FunctionName="fn", MaximumEventAgeInSeconds=30)
    assert error_of(info)[0] == "ValidationException"
    with pytest.raises(ClientError) as info:
        lambda_client.put_function_event_invoke_config(
            FunctionName="fn",
            DestinationConfig={
                "OnSuccess": {"Destination": "arn:aws:dynamodb:us-east-1:000000000000:table/t"}
            },
        )
    assert error_of(info)[0] == "InvalidParameterValueException"  # guessed wording
    with pytest.raises(ClientError) as info:
        lambda_client.put_function_event_invoke_config(FunctionName="nope", MaximumRetryAttempts=1)
    assert error_of(info)[0] == "ResourceNotFoundException"
