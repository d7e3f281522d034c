"""The event source mapping control plane: UpdateEventSourceMapping (state transitions, function,
filter criteria, stream settings) and DeleteEventSourceMapping, unknown UUIDs, and mappings that
outlive their function.
"""

from .esm_api_support import error_of, queue_arn_fixture, stream_arn_fixture  # noqa: F401

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
