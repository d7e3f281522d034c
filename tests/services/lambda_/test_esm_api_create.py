"""The event source mapping control plane: CreateEventSourceMapping and GetEventSourceMapping with
AWS's defaults for SQS and stream sources and the settings stored, ListEventSourceMappings
filters and paging, and tags on the mapping's ARN.
"""

from datetime import datetime

from .esm_api_support import queue_arn_fixture, stream_arn_fixture  # noqa: F401

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
