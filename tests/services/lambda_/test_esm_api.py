"""The event source mapping control plane: Create/Get/Update/Delete/ListEventSourceMappings, with
AWS's defaults, state transitions and errors."""

from datetime import datetime

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

QUEUE_NOT_FOUND = (
    "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. "
    "SQS Error Message: The specified queue does not exist or you do not have access to it."
)


@pytest.fixture
def queue_arn(aws_client):
    def make(name="source", **attributes):
        sqs = aws_client("sqs")
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    return make


@pytest.fixture
def stream_arn(aws_client):
    answer = aws_client("dynamodb").create_table(
        TableName="items",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )
    return answer["TableDescription"]["LatestStreamArn"]


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


# ---------------------------------------------------------------- create, get, states


def test_create_sqs_mapping_answers_creating_with_sqs_defaults(create, lambda_client, queue_arn):
    function_arn = create()["FunctionArn"]
    source = queue_arn()
    created = lambda_client.create_event_source_mapping(FunctionName="fn", EventSourceArn=source)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert len(created["UUID"]) == 36
    assert created["State"] == "Creating"
    assert created["StateTransitionReason"] == "USER_INITIATED"
    assert created["BatchSize"] == 10
    assert created["MaximumBatchingWindowInSeconds"] == 0
    assert created["FunctionResponseTypes"] == []
    assert created["EventSourceArn"] == source
    assert created["FunctionArn"] == function_arn
    assert created["EventSourceMappingArn"] == (
        f"arn:aws:lambda:us-east-1:000000000000:event-source-mapping:{created['UUID']}"
    )
    assert isinstance(created["LastModified"], datetime)
    for stream_only in (
        "StartingPosition",
        "MaximumRetryAttempts",
        "DestinationConfig",
        "LastProcessingResult",
    ):
        assert stream_only not in created
    got = lambda_client.get_event_source_mapping(UUID=created["UUID"])
    assert got["State"] == "Enabled"
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert got["LastModified"] == created["LastModified"]


def test_create_stream_mapping_answers_with_stream_defaults(create, lambda_client, stream_arn):
    create()
    created = lambda_client.create_event_source_mapping(
        FunctionName="fn", EventSourceArn=stream_arn, StartingPosition="TRIM_HORIZON"
    )
    assert created["State"] == "Creating"
    assert created["StateTransitionReason"] == "User action"
    assert created["BatchSize"] == 100
    assert created["MaximumBatchingWindowInSeconds"] == 0
    assert created["StartingPosition"] == "TRIM_HORIZON"
    assert created["ParallelizationFactor"] == 1
    assert created["MaximumRecordAgeInSeconds"] == -1
    assert created["MaximumRetryAttempts"] == -1
    assert created["BisectBatchOnFunctionError"] is False
    assert created["TumblingWindowInSeconds"] == 0
    assert created["DestinationConfig"] == {"OnFailure": {}}
    assert created["LastProcessingResult"] == "No records processed"
    assert created["FunctionResponseTypes"] == []
    assert lambda_client.get_event_source_mapping(UUID=created["UUID"])["State"] == "Enabled"


def test_stream_settings_are_stored(create, lambda_client, stream_arn, queue_arn):
    create()
    destination = queue_arn("failures")
    created = lambda_client.create_event_source_mapping(
        FunctionName="fn",
        EventSourceArn=stream_arn,
        StartingPosition="LATEST",
        BatchSize=500,
        MaximumBatchingWindowInSeconds=5,
        ParallelizationFactor=4,
        MaximumRetryAttempts=3,
        MaximumRecordAgeInSeconds=3600,
        BisectBatchOnFunctionError=True,
        DestinationConfig={"OnFailure": {"Destination": destination}},
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    got = lambda_client.get_event_source_mapping(UUID=created["UUID"])
    assert got["StartingPosition"] == "LATEST"
    assert got["BatchSize"] == 500
    assert got["MaximumBatchingWindowInSeconds"] == 5
    assert got["ParallelizationFactor"] == 4
    assert got["MaximumRetryAttempts"] == 3
    assert got["MaximumRecordAgeInSeconds"] == 3600
    assert got["BisectBatchOnFunctionError"] is True
    assert got["DestinationConfig"] == {"OnFailure": {"Destination": destination}}
    assert got["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_sqs_settings_are_stored(create, lambda_client, queue_arn):
    create()
    pattern = '{"body": {"kind": ["order"]}}'
    created = lambda_client.create_event_source_mapping(
        FunctionName="fn",
        EventSourceArn=queue_arn(),
        BatchSize=100,
        MaximumBatchingWindowInSeconds=2,
        ScalingConfig={"MaximumConcurrency": 5},
        FilterCriteria={"Filters": [{"Pattern": pattern}]},
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    got = lambda_client.get_event_source_mapping(UUID=created["UUID"])
    assert got["BatchSize"] == 100
    assert got["MaximumBatchingWindowInSeconds"] == 2
    assert got["ScalingConfig"] == {"MaximumConcurrency": 5}
    assert got["FilterCriteria"] == {"Filters": [{"Pattern": pattern}]}
    assert got["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_a_mapping_created_disabled_answers_disabled(create, lambda_client, queue_arn):
    create()
    created = lambda_client.create_event_source_mapping(
        FunctionName="fn", EventSourceArn=queue_arn(), Enabled=False
    )
    assert created["State"] == "Disabled"
    assert lambda_client.get_event_source_mapping(UUID=created["UUID"])["State"] == "Disabled"


def test_a_function_named_by_arn_or_partial_arn(create, lambda_client, queue_arn):
    function_arn = create()["FunctionArn"]
    created = lambda_client.create_event_source_mapping(
        FunctionName="000000000000:function:fn", EventSourceArn=queue_arn()
    )
    assert created["FunctionArn"] == function_arn


# ---------------------------------------------------------------- update, delete


def test_update_states_enabling_disabling_updating(create, lambda_client, queue_arn):
    create()
    uuid = lambda_client.create_event_source_mapping(FunctionName="fn", EventSourceArn=queue_arn())["UUID"]
    before = lambda_client.get_event_source_mapping(UUID=uuid)["LastModified"]

    disabling = lambda_client.update_event_source_mapping(UUID=uuid, Enabled=False)
    assert disabling["State"] == "Disabling"
    assert disabling["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert lambda_client.get_event_source_mapping(UUID=uuid)["State"] == "Disabled"

    enabling = lambda_client.update_event_source_mapping(UUID=uuid, Enabled=True)
    assert enabling["State"] == "Enabling"
    assert lambda_client.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"

    updating = lambda_client.update_event_source_mapping(UUID=uuid, BatchSize=5)
    assert updating["State"] == "Updating"
    assert updating["BatchSize"] == 5
    got = lambda_client.get_event_source_mapping(UUID=uuid)
    assert got["State"] == "Enabled"
    assert got["BatchSize"] == 5
    assert got["LastModified"] >= before


def test_update_changes_the_function(create, lambda_client, queue_arn):
    create("one")
    other_arn = create("two")["FunctionArn"]
    uuid = lambda_client.create_event_source_mapping(FunctionName="one", EventSourceArn=queue_arn())["UUID"]
    updated = lambda_client.update_event_source_mapping(UUID=uuid, FunctionName="two")
    assert updated["FunctionArn"] == other_arn
    assert lambda_client.get_event_source_mapping(UUID=uuid)["FunctionArn"] == other_arn


def test_update_to_a_function_already_mapped_to_the_source_conflicts(create, lambda_client, queue_arn):
    create("one")
    create("two")
    source = queue_arn()
    uuid = lambda_client.create_event_source_mapping(FunctionName="one", EventSourceArn=source)["UUID"]
    existing = lambda_client.create_event_source_mapping(FunctionName="two", EventSourceArn=source)["UUID"]
    code, message, status = error_of(lambda_client.update_event_source_mapping, UUID=uuid, FunctionName="two")
    assert (code, status) == ("ResourceConflictException", 409)
    assert message.endswith(f"existing mapping with UUID {existing}")


def test_update_filter_criteria_and_remove_them(create, lambda_client, queue_arn):
    create()
    uuid = lambda_client.create_event_source_mapping(FunctionName="fn", EventSourceArn=queue_arn())["UUID"]
    pattern = '{"body": ["x"]}'
    updated = lambda_client.update_event_source_mapping(
        UUID=uuid, FilterCriteria={"Filters": [{"Pattern": pattern}]}
    )
    assert updated["FilterCriteria"] == {"Filters": [{"Pattern": pattern}]}
    cleared = lambda_client.update_event_source_mapping(UUID=uuid, FilterCriteria={})
    assert "FilterCriteria" not in cleared
    assert "FilterCriteria" not in lambda_client.get_event_source_mapping(UUID=uuid)


def test_update_stream_settings(create, lambda_client, stream_arn):
    create()
    uuid = lambda_client.create_event_source_mapping(
        FunctionName="fn", EventSourceArn=stream_arn, StartingPosition="LATEST"
    )["UUID"]
    lambda_client.update_event_source_mapping(
        UUID=uuid, MaximumRetryAttempts=5, BisectBatchOnFunctionError=True, ParallelizationFactor=2
    )
    got = lambda_client.get_event_source_mapping(UUID=uuid)
    assert (got["MaximumRetryAttempts"], got["BisectBatchOnFunctionError"], got["ParallelizationFactor"]) == (
        5,
        True,
        2,
    )
    assert got["StartingPosition"] == "LATEST"


def test_delete_answers_deleting_and_the_mapping_is_gone(create, lambda_client, queue_arn):
    create()
    uuid = lambda_client.create_event_source_mapping(FunctionName="fn", EventSourceArn=queue_arn())["UUID"]
    deleted = lambda_client.delete_event_source_mapping(UUID=uuid)
    assert deleted["State"] == "Deleting"
    assert deleted["UUID"] == uuid
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    for call in (lambda_client.get_event_source_mapping, lambda_client.delete_event_source_mapping):
        assert error_of(call, UUID=uuid) == (
            "ResourceNotFoundException",
            "The resource you requested does not exist.",
            404,
        )
    assert lambda_client.list_event_source_mappings()["EventSourceMappings"] == []


def test_unknown_uuid_is_not_found(lambda_client):
    unknown = "11111111-2222-3333-4444-555555555555"
    for call, extra in (
        (lambda_client.get_event_source_mapping, {}),
        (lambda_client.update_event_source_mapping, {"BatchSize": 1}),
        (lambda_client.delete_event_source_mapping, {}),
    ):
        code, message, status = error_of(call, UUID=unknown, **extra)
        assert (code, status) == ("ResourceNotFoundException", 404)


def test_mappings_survive_their_functions_deletion(create, lambda_client, queue_arn):
    create()
    uuid = lambda_client.create_event_source_mapping(FunctionName="fn", EventSourceArn=queue_arn())["UUID"]
    lambda_client.delete_function(FunctionName="fn")
    assert lambda_client.get_event_source_mapping(UUID=uuid)["UUID"] == uuid


# ---------------------------------------------------------------- list


def test_list_filters_by_function_and_source(create, lambda_client, queue_arn, stream_arn):
    create("one")
    create("two")
    first, second = queue_arn("first"), queue_arn("second")
    a = lambda_client.create_event_source_mapping(FunctionName="one", EventSourceArn=first)["UUID"]
    b = lambda_client.create_event_source_mapping(FunctionName="two", EventSourceArn=first)["UUID"]
    c = lambda_client.create_event_source_mapping(FunctionName="one", EventSourceArn=second)["UUID"]
    d = lambda_client.create_event_source_mapping(
        FunctionName="one", EventSourceArn=stream_arn, StartingPosition="LATEST"
    )["UUID"]

    def uuids(**filters):
        return {m["UUID"] for m in lambda_client.list_event_source_mappings(**filters)["EventSourceMappings"]}

    assert uuids() == {a, b, c, d}
    assert uuids(FunctionName="one") == {a, c, d}
    assert uuids(FunctionName="arn:aws:lambda:us-east-1:000000000000:function:two") == {b}
    assert uuids(EventSourceArn=first) == {a, b}
    assert uuids(EventSourceArn=first, FunctionName="one") == {a}
    assert uuids(FunctionName="nobody") == set()
    listed = lambda_client.list_event_source_mappings(EventSourceArn=stream_arn)["EventSourceMappings"][0]
    assert listed["State"] == "Enabled"
    assert listed["StartingPosition"] == "LATEST"


def test_list_pages_with_marker_and_max_items(create, lambda_client, queue_arn):
    created = set()
    for index in range(5):
        create(f"fn{index}")
    source = queue_arn()
    for index in range(5):
        created.add(
            lambda_client.create_event_source_mapping(FunctionName=f"fn{index}", EventSourceArn=source)[
                "UUID"
            ]
        )
    seen, marker, pages = [], None, 0
    while True:
        kwargs = {"MaxItems": 2} | ({"Marker": marker} if marker else {})
        page = lambda_client.list_event_source_mappings(**kwargs)
        pages += 1
        assert len(page["EventSourceMappings"]) <= 2
        seen += [m["UUID"] for m in page["EventSourceMappings"]]
        marker = page.get("NextMarker")
        if not marker:
            break
    assert pages == 3
    assert sorted(seen) == sorted(created)


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


def test_tags_on_the_mapping_arn(create, lambda_client, queue_arn):
    create()
    created = lambda_client.create_event_source_mapping(
        FunctionName="fn", EventSourceArn=queue_arn(), Tags={"a": "1"}
    )
    arn = created["EventSourceMappingArn"]
    assert lambda_client.list_tags(Resource=arn)["Tags"] == {"a": "1"}
    lambda_client.tag_resource(Resource=arn, Tags={"b": "2"})
    lambda_client.untag_resource(Resource=arn, TagKeys=["a"])
    assert lambda_client.list_tags(Resource=arn)["Tags"] == {"b": "2"}
