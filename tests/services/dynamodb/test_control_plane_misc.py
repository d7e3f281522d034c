"""Kinesis streaming destinations and Contributor Insights of tables and their GSIs."""

from __future__ import annotations

import os

import pytest

from stratus.services.dynamodb import kinesis_destinations

from .support import definitions, key_schema, refused

STREAM = "arn:aws:kinesis:us-east-1:000000000000:stream/changes"
INVALID_STATE = "Table is not in a valid state to enable Kinesis Streaming Destination: "


@pytest.fixture
def indexed(ddb):
    ddb.create_table(
        TableName="orders",
        AttributeDefinitions=definitions(id="S", customer="S"),
        KeySchema=key_schema("id"),
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-customer",
                "KeySchema": key_schema("customer"),
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return "orders"


# ---------------------------------------------------------------- Kinesis streaming destinations


def test_a_fresh_table_has_no_destination(ddb, simple_table):
    assert (
        ddb.describe_kinesis_streaming_destination(TableName=simple_table)["KinesisDataStreamDestinations"]
        == []
    )
    assert refused(ddb.describe_kinesis_streaming_destination, TableName="missing") == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: missing not found",
    )


def test_enable_answers_enabling_and_an_unusable_stream_fails(ddb, simple_table):
    answer = ddb.enable_kinesis_streaming_destination(TableName=simple_table, StreamArn=STREAM)
    assert answer["DestinationStatus"] == "ENABLING"
    assert answer["TableName"] == simple_table
    assert answer["EnableKinesisStreamingConfiguration"] == {}
    # Stratus has no Kinesis: the stream cannot be used, as DynamoDB reports a missing stream
    (entry,) = ddb.describe_kinesis_streaming_destination(TableName=simple_table)[
        "KinesisDataStreamDestinations"
    ]
    assert entry == {
        "StreamArn": STREAM,
        "DestinationStatus": "ENABLE_FAILED",
        "DestinationStatusDescription": "User does not have a permission to use kinesis stream",
    }
    # failed entries accumulate, one per stream, newest first; a re-enable flips the stream's entry
    other = "arn:aws:kinesis:us-west-2:000000000000:stream/elsewhere"
    ddb.enable_kinesis_streaming_destination(TableName=simple_table, StreamArn=other)
    ddb.enable_kinesis_streaming_destination(TableName=simple_table, StreamArn=STREAM)
    entries = ddb.describe_kinesis_streaming_destination(TableName=simple_table)[
        "KinesisDataStreamDestinations"
    ]
    assert [(e["StreamArn"], e["DestinationStatus"]) for e in entries] == [
        (other, "ENABLE_FAILED"),
        (STREAM, "ENABLE_FAILED"),
    ]
    assert entries[0]["DestinationStatusDescription"] == (
        "The kinesis Arn used to enable kinesis replication belongs to a stream which is not in the current region"
    )


def test_disable_and_update_need_an_active_destination(ddb, simple_table):
    ddb.enable_kinesis_streaming_destination(TableName=simple_table, StreamArn=STREAM)
    assert refused(ddb.disable_kinesis_streaming_destination, TableName=simple_table, StreamArn=STREAM) == (
        "ValidationException",
        INVALID_STATE + "KinesisStreamingDestination must be ACTIVE to perform DISABLE operation.",
    )
    code, message = refused(
        ddb.update_kinesis_streaming_destination,
        TableName=simple_table,
        StreamArn=STREAM,
        UpdateKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MICROSECOND"},
    )
    assert code == "ValidationException"
    assert message.startswith(
        INVALID_STATE + "Kinesis streaming is not in ACTIVE state. Updates are only allowed"
    )
    assert refused(ddb.update_kinesis_streaming_destination, TableName=simple_table, StreamArn=STREAM) == (
        "ValidationException",
        "Streaming destination cannot be updated with given parameters: UpdateKinesisStreamingConfiguration "
        "cannot be null or contain only null values",
    )


@pytest.fixture
def usable_streams(monkeypatch):
    """Pretend a Kinesis stream is usable (Stratus has no Kinesis yet) to follow an ACTIVE destination."""
    monkeypatch.setattr(kinesis_destinations, "stream_usable", lambda ctx, arn: None)


@pytest.mark.skipif(bool(os.environ.get("STRATUS_ENDPOINT")), reason="patches the server in this process")
@pytest.mark.usefixtures("usable_streams")
def test_the_lifecycle_of_a_usable_destination(ddb, simple_table):
    ddb.enable_kinesis_streaming_destination(TableName=simple_table, StreamArn=STREAM)
    (entry,) = ddb.describe_kinesis_streaming_destination(TableName=simple_table)[
        "KinesisDataStreamDestinations"
    ]
    assert entry == {"StreamArn": STREAM, "DestinationStatus": "ACTIVE"}
    other = "arn:aws:kinesis:us-east-1:000000000000:stream/second"
    assert refused(ddb.enable_kinesis_streaming_destination, TableName=simple_table, StreamArn=other) == (
        "ValidationException",
        INVALID_STATE
        + "EnableKinesisStreamingDestination must be DISABLED or ENABLE_FAILED to perform ENABLE operation.",
    )
    precision = {"ApproximateCreationDateTimePrecision": "MICROSECOND"}
    answer = ddb.update_kinesis_streaming_destination(
        TableName=simple_table, StreamArn=STREAM, UpdateKinesisStreamingConfiguration=precision
    )
    assert answer["DestinationStatus"] == "UPDATING"
    (entry,) = ddb.describe_kinesis_streaming_destination(TableName=simple_table)[
        "KinesisDataStreamDestinations"
    ]
    assert entry["ApproximateCreationDateTimePrecision"] == "MICROSECOND"
    table_id = ddb.describe_table(TableName=simple_table)["Table"]["TableId"]
    assert refused(
        ddb.update_kinesis_streaming_destination,
        TableName=simple_table,
        StreamArn=STREAM,
        UpdateKinesisStreamingConfiguration=precision,
    ) == (
        "ValidationException",
        f"Invalid Request: Precision is already set to the desired value of MICROSECOND for tableId: {table_id}, "
        f"kdsArn: {STREAM}",
    )
    assert refused(
        ddb.disable_kinesis_streaming_destination,
        TableName=simple_table,
        StreamArn=STREAM,
        EnableKinesisStreamingConfiguration=precision,
    ) == (
        "ValidationException",
        "Stream cannot be disabled using EnableKinesisStreamingConfiguration parameters",
    )
    answer = ddb.disable_kinesis_streaming_destination(TableName=simple_table, StreamArn=STREAM)
    assert answer["DestinationStatus"] == "DISABLING"
    (entry,) = ddb.describe_kinesis_streaming_destination(TableName=simple_table)[
        "KinesisDataStreamDestinations"
    ]
    assert entry == {"StreamArn": STREAM, "DestinationStatus": "DISABLED"}
    ddb.enable_kinesis_streaming_destination(TableName=simple_table, StreamArn=other)  # allowed again


# ---------------------------------------------------------------- Contributor Insights


def test_contributor_insights_start_disabled(ddb, indexed):
    described = ddb.describe_contributor_insights(TableName=indexed)
    assert described["TableName"] == indexed
    assert described["ContributorInsightsStatus"] == "DISABLED"
    assert "ContributorInsightsRuleList" not in described
    assert "LastUpdateDateTime" not in described
    summaries = ddb.list_contributor_insights(TableName=indexed)["ContributorInsightsSummaries"]
    assert summaries == [
        {"TableName": indexed, "ContributorInsightsStatus": "DISABLED"},
        {"TableName": indexed, "IndexName": "by-customer", "ContributorInsightsStatus": "DISABLED"},
    ]
    assert ddb.list_contributor_insights()["ContributorInsightsSummaries"] == []


def test_enable_and_disable_contributor_insights(ddb, indexed):
    answer = ddb.update_contributor_insights(TableName=indexed, ContributorInsightsAction="ENABLE")
    assert answer["ContributorInsightsStatus"] == "ENABLING"
    assert answer["ContributorInsightsMode"] == "ACCESSED_AND_THROTTLED_KEYS"
    described = ddb.describe_contributor_insights(TableName=indexed)
    assert described["ContributorInsightsStatus"] == "ENABLED"
    assert described["ContributorInsightsMode"] == "ACCESSED_AND_THROTTLED_KEYS"
    assert described["ContributorInsightsRuleList"] == []  # no CloudWatch rules in Stratus yet
    assert "LastUpdateDateTime" in described
    # the same mode again is a no-op answering ENABLED
    again = ddb.update_contributor_insights(TableName=indexed, ContributorInsightsAction="ENABLE")
    assert again["ContributorInsightsStatus"] == "ENABLED"

    index = ddb.update_contributor_insights(
        TableName=indexed,
        IndexName="by-customer",
        ContributorInsightsAction="ENABLE",
        ContributorInsightsMode="THROTTLED_KEYS",
    )
    assert index["IndexName"] == "by-customer"
    assert ddb.describe_contributor_insights(TableName=indexed, IndexName="by-customer")[
        "ContributorInsightsMode"
    ] == ("THROTTLED_KEYS")
    listed = ddb.list_contributor_insights()["ContributorInsightsSummaries"]
    assert listed == [
        {
            "TableName": indexed,
            "ContributorInsightsStatus": "ENABLED",
            "ContributorInsightsMode": "ACCESSED_AND_THROTTLED_KEYS",
        },
        {
            "TableName": indexed,
            "IndexName": "by-customer",
            "ContributorInsightsStatus": "ENABLED",
            "ContributorInsightsMode": "THROTTLED_KEYS",
        },
    ]
    page = ddb.list_contributor_insights(MaxResults=1)
    assert len(page["ContributorInsightsSummaries"]) == 1
    rest = ddb.list_contributor_insights(MaxResults=1, NextToken=page["NextToken"])
    assert rest["ContributorInsightsSummaries"][0]["IndexName"] == "by-customer"
    assert "NextToken" not in rest

    disabled = ddb.update_contributor_insights(
        TableName=indexed, ContributorInsightsAction="DISABLE", ContributorInsightsMode="THROTTLED_KEYS"
    )
    assert disabled["ContributorInsightsStatus"] == "DISABLING"
    assert disabled["ContributorInsightsMode"] == "ACCESSED_AND_THROTTLED_KEYS"  # the mode it had
    assert ddb.describe_contributor_insights(TableName=indexed)["ContributorInsightsStatus"] == "DISABLED"


def test_contributor_insights_of_unknown_resources(ddb, indexed):
    assert refused(ddb.describe_contributor_insights, TableName="missing") == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: missing not found",
    )
    # guessed wording for an unknown index
    assert refused(
        ddb.update_contributor_insights,
        TableName=indexed,
        IndexName="nope",
        ContributorInsightsAction="ENABLE",
    ) == ("ResourceNotFoundException", "Requested resource not found: Index: nope not found")
