"""The event source mapping control plane's refusals, with AWS's messages: missing functions, queues
and streams, a queue visibility timeout shorter than the function's timeout, one mapping per
function and source, batch size and window rules, stream-only parameters, starting position,
retry and destination rules, filter patterns, and Kinesis sources.
"""

from datetime import datetime

import pytest
from botocore.config import Config

from .esm_api_support import QUEUE_NOT_FOUND, error_of, queue_arn_fixture, stream_arn_fixture  # noqa: F401

# ---------------------------------------------------------------- errors


def test_the_function_must_exist(lambda_client, queue_arn):
    code, message, status = error_of(
        lambda_client.create_event_source_mapping, FunctionName="missing", EventSourceArn=queue_arn()
    )
    assert (code, status) == ("ResourceNotFoundException", 404)
    # Guessed wording: Lambda's usual answer for an unknown function.
    assert message == "Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing"


def test_the_queue_must_exist(create, lambda_client):
    create()
    code, message, status = error_of(
        lambda_client.create_event_source_mapping,
        FunctionName="fn",
        EventSourceArn="arn:aws:sqs:us-east-1:000000000000:nowhere",
    )
    assert (code, message, status) == ("InvalidParameterValueException", QUEUE_NOT_FOUND, 400)


def test_the_stream_must_exist(create, lambda_client):
    create()
    arn = "arn:aws:dynamodb:us-east-1:000000000000:table/none/stream/2024-01-01T00:00:00.000"
    code, message, _ = error_of(
        lambda_client.create_event_source_mapping,
        FunctionName="fn",
        EventSourceArn=arn,
        StartingPosition="LATEST",
    )
    assert (code, message) == ("InvalidParameterValueException", f"Stream not found: {arn}")


def test_the_queue_must_not_redeliver_while_the_function_may_still_run(create, lambda_client, queue_arn):
    create("slow", Timeout=60)
    create("quick", Timeout=30)
    source = queue_arn(VisibilityTimeout="30")
    code, message, status = error_of(
        lambda_client.create_event_source_mapping, FunctionName="slow", EventSourceArn=source
    )
    assert (code, message, status) == (
        "InvalidParameterValueException",
        "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds",
        400,
    )
    uuid = lambda_client.create_event_source_mapping(FunctionName="quick", EventSourceArn=source)["UUID"]
    code, message, _ = error_of(lambda_client.update_event_source_mapping, UUID=uuid, FunctionName="slow")
    assert message == "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds"


def test_one_mapping_per_function_and_queue(create, lambda_client, queue_arn):
    create()
    source = queue_arn()
    uuid = lambda_client.create_event_source_mapping(FunctionName="fn", EventSourceArn=source)["UUID"]
    code, message, status = error_of(
        lambda_client.create_event_source_mapping, FunctionName="fn", EventSourceArn=source
    )
    assert (code, status) == ("ResourceConflictException", 409)
    assert message == (
        f'An event source mapping with SQS arn (" {source} ") and function (" fn ") already exists. '
        f"Please update or delete the existing mapping with UUID {uuid}"
    )


def test_one_mapping_per_function_and_stream(create, lambda_client, stream_arn):
    create()
    uuid = lambda_client.create_event_source_mapping(
        FunctionName="fn", EventSourceArn=stream_arn, StartingPosition="LATEST"
    )["UUID"]
    code, message, status = error_of(
        lambda_client.create_event_source_mapping,
        FunctionName="fn",
        EventSourceArn=stream_arn,
        StartingPosition="TRIM_HORIZON",
    )
    assert (code, status) == ("ResourceConflictException", 409)
    assert message == (
        f'The event source arn (" {stream_arn} ") and function (" fn ") provided mapping already exists. '
        f"Please update or delete the existing mapping with UUID {uuid}"
    )


def test_sqs_batch_size_and_window_rules(create, lambda_client, queue_arn, aws_client):
    create()
    unchecked = aws_client("lambda", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    source = queue_arn()
    code, message, _ = error_of(
        lambda_client.create_event_source_mapping, FunctionName="fn", EventSourceArn=source, BatchSize=11
    )
    assert (code, message) == (
        "InvalidParameterValueException",
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10",
    )
    for size in (0, 10001):
        code, _, status = error_of(
            unchecked.create_event_source_mapping, FunctionName="fn", EventSourceArn=source, BatchSize=size
        )
        assert (code, status) == ("ValidationException", 400)
    uuid = lambda_client.create_event_source_mapping(
        FunctionName="fn", EventSourceArn=source, BatchSize=10000, MaximumBatchingWindowInSeconds=1
    )["UUID"]
    code, message, _ = error_of(
        lambda_client.update_event_source_mapping, UUID=uuid, MaximumBatchingWindowInSeconds=0
    )
    assert message.startswith("Maximum batch window in seconds must be greater than 0")


def test_fifo_queues_take_no_batching_window(create, lambda_client, queue_arn):
    create()
    source = queue_arn("jobs.fifo", FifoQueue="true")
    code, message, _ = error_of(
        lambda_client.create_event_source_mapping,
        FunctionName="fn",
        EventSourceArn=source,
        BatchSize=20,
        MaximumBatchingWindowInSeconds=5,
    )
    assert (code, message) == (
        "InvalidParameterValueException",
        "Batching window is not supported for FIFO queues",
    )
    code, message, _ = error_of(
        lambda_client.create_event_source_mapping, FunctionName="fn", EventSourceArn=source, BatchSize=20
    )
    assert message.startswith("Maximum batch window in seconds must be greater than 0")
    created = lambda_client.create_event_source_mapping(
        FunctionName="fn", EventSourceArn=source, BatchSize=10
    )
    assert created["BatchSize"] == 10


def test_stream_only_parameters_are_refused_for_sqs(create, lambda_client, queue_arn):
    create()
    source = queue_arn()
    code, message, _ = error_of(
        lambda_client.create_event_source_mapping,
        FunctionName="fn",
        EventSourceArn=source,
        StartingPosition="LATEST",
    )
    assert (code, message) == (
        "InvalidParameterValueException",
        "StartingPosition is not valid for SQS event sources.",
    )
    # The wording of these follows AWS's for other unsupported parameters (guessed per member).
    for parameter, value, name in (
        ("MaximumRetryAttempts", 2, "maximumRetryAttempts"),
        ("ParallelizationFactor", 2, "parallelizationFactor"),
        ("BisectBatchOnFunctionError", True, "bisectBatchOnFunctionError"),
        ("MaximumRecordAgeInSeconds", 60, "maximumRecordAgeInSeconds"),
    ):
        code, message, _ = error_of(
            lambda_client.create_event_source_mapping,
            FunctionName="fn",
            EventSourceArn=source,
            **{parameter: value},
        )
        assert (code, message) == (
            "InvalidParameterValueException",
            f"Unsupported '{name}' parameter for given event source mapping type.",
        )
    uuid = lambda_client.create_event_source_mapping(FunctionName="fn", EventSourceArn=source)["UUID"]
    code, message, _ = error_of(lambda_client.update_event_source_mapping, UUID=uuid, MaximumRetryAttempts=1)
    assert message == "Unsupported 'maximumRetryAttempts' parameter for given event source mapping type."


def test_stream_starting_position_rules(create, lambda_client, stream_arn):
    create()
    code, message, _ = error_of(
        lambda_client.create_event_source_mapping, FunctionName="fn", EventSourceArn=stream_arn
    )
    assert code == "InvalidParameterValueException"
    assert "startingPosition" in message
    code, message, _ = error_of(
        lambda_client.create_event_source_mapping,
        FunctionName="fn",
        EventSourceArn=stream_arn,
        StartingPosition="AT_TIMESTAMP",
        StartingPositionTimestamp=datetime(2024, 1, 1),
    )
    assert (code, message) == (
        "InvalidParameterValueException",
        f"Unsupported starting position for arn type: {stream_arn}",
    )
    code, message, _ = error_of(
        lambda_client.create_event_source_mapping,
        FunctionName="fn",
        EventSourceArn=stream_arn,
        StartingPosition="LATEST",
        StartingPositionTimestamp=datetime(2024, 1, 1),
    )
    assert message == "Timestamp only valid with StartingPosition AT_TIMESTAMP"


def test_stream_retry_and_destination_rules(create, lambda_client, stream_arn):
    create()
    base = {"FunctionName": "fn", "EventSourceArn": stream_arn, "StartingPosition": "LATEST"}
    code, message, _ = error_of(
        lambda_client.create_event_source_mapping, MaximumRecordAgeInSeconds=30, **base
    )
    assert (code, message) == (
        "InvalidParameterValueException",
        "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)",
    )
    code, message, _ = error_of(
        lambda_client.create_event_source_mapping,
        DestinationConfig={"OnSuccess": {"Destination": "arn:aws:sqs:us-east-1:000000000000:x"}},
        **base,
    )
    assert message == "Unsupported DestinationConfig parameter for given event source mapping type."
    code, message, _ = error_of(
        lambda_client.create_event_source_mapping, ScalingConfig={"MaximumConcurrency": 2}, **base
    )
    # Guessed wording, after AWS's for other unsupported parameters.
    assert message == "Unsupported 'scalingConfig' parameter for given event source mapping type."
    assert (
        lambda_client.create_event_source_mapping(MaximumRecordAgeInSeconds=-1, **base)["State"] == "Creating"
    )


@pytest.mark.parametrize(
    "pattern",
    [
        "not json",
        '"a string"',
        '{"body": "not an array"}',
        '{"body": []}',
        '{"body": [{"unknown-operator": 1}]}',
        '{"body": [{"numeric": [">", "five"]}]}',
        '{"body": [{"exists": "yes"}]}',
        '{"body": [{"prefix": 5}]}',
    ],
)
def test_invalid_filter_patterns_are_refused(create, lambda_client, queue_arn, pattern):
    create()
    code, message, status = error_of(
        lambda_client.create_event_source_mapping,
        FunctionName="fn",
        EventSourceArn=queue_arn(),
        FilterCriteria={"Filters": [{"Pattern": pattern}]},
    )
    assert (code, message, status) == (
        "InvalidParameterValueException",
        "Invalid filter pattern definition.",
        400,
    )


def test_kinesis_sources_answer_not_implemented(create, lambda_client):
    create()
    code, message, status = error_of(
        lambda_client.create_event_source_mapping,
        FunctionName="fn",
        EventSourceArn="arn:aws:kinesis:us-east-1:000000000000:stream/s",
        StartingPosition="LATEST",
    )
    assert (code, status) == ("NotImplemented", 501)
    assert "Kinesis" in message
