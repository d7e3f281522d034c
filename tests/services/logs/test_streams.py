"""Log streams: CreateLogStream, DeleteLogStream, DescribeLogStreams."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from .conftest import GROUP, STREAM
from .support import ACCOUNT, error_of, now_ms, put

GROUP_ARN = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{GROUP}"


def test_a_new_stream_is_described_without_event_fields(logs, stream):
    [described] = logs.describe_log_streams(logGroupName=GROUP)["logStreams"]
    assert abs(described.pop("creationTime") - now_ms()) < 5000
    assert described == {"logStreamName": STREAM, "arn": f"{GROUP_ARN}:log-stream:{STREAM}", "storedBytes": 0}


def test_a_stream_with_events_reports_their_times_and_a_sequence_token(logs, stream):
    first, last = now_ms() - 5000, now_ms() - 1000
    result = put(logs, GROUP, STREAM, (first, "a"), (last, "b"))
    [described] = logs.describe_log_streams(logGroupName=GROUP)["logStreams"]
    assert described["firstEventTimestamp"] == first
    assert described["lastEventTimestamp"] == last
    assert abs(described["lastIngestionTime"] - now_ms()) < 5000
    assert described["uploadSequenceToken"] == result["nextSequenceToken"]
    assert described["storedBytes"] == 0  # AWS reports zero for streams since 2019


def test_creating_an_existing_stream_fails(logs, stream):
    with pytest.raises(ClientError) as excinfo:
        logs.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)
    assert error_of(excinfo) == ("ResourceAlreadyExistsException", "The specified log stream already exists")


def test_creating_a_stream_in_a_missing_group_fails(logs):
    with pytest.raises(ClientError) as excinfo:
        logs.create_log_stream(logGroupName="nope", logStreamName="s")
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log group does not exist.")


@pytest.mark.parametrize("name", ["a:b", "star*"])
def test_stream_names_may_not_hold_colons_or_stars(logs, stream, name):
    with pytest.raises(ClientError) as excinfo:
        logs.create_log_stream(logGroupName=GROUP, logStreamName=name)
    assert error_of(excinfo) == (
        "InvalidParameterException",
        f"1 validation error detected: Value '{name}' at 'logStreamName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [^:*]*",
    )


def test_stream_names_may_hold_almost_anything_else(logs, stream):
    name = "2026/01/01/[$LATEST] ünïcode #1"
    logs.create_log_stream(logGroupName=GROUP, logStreamName=name)
    names = [s["logStreamName"] for s in logs.describe_log_streams(logGroupName=GROUP)["logStreams"]]
    assert name in names


def test_delete_stream(logs, stream):
    put(logs, GROUP, STREAM, (now_ms(), "x"))
    logs.delete_log_stream(logGroupName=GROUP, logStreamName=STREAM)
    assert logs.describe_log_streams(logGroupName=GROUP)["logStreams"] == []
    with pytest.raises(ClientError) as excinfo:
        logs.delete_log_stream(logGroupName=GROUP, logStreamName=STREAM)
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log stream does not exist.")
    # Re-created under the same name, the stream starts empty.
    logs.create_log_stream(logGroupName=GROUP, logStreamName=STREAM)
    assert logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM)["events"] == []
    assert logs.filter_log_events(logGroupName=GROUP)["events"] == []


def test_delete_stream_of_a_missing_group(logs):
    with pytest.raises(ClientError) as excinfo:
        logs.delete_log_stream(logGroupName="nope", logStreamName="s")
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log group does not exist.")


def test_describe_by_name_prefix_and_descending(logs):
    logs.create_log_group(logGroupName="g")
    for name in ["b", "a2", "c", "a1"]:
        logs.create_log_stream(logGroupName="g", logStreamName=name)
    listed = logs.describe_log_streams(logGroupName="g")["logStreams"]
    assert [s["logStreamName"] for s in listed] == ["a1", "a2", "b", "c"]
    backwards = logs.describe_log_streams(logGroupName="g", descending=True)["logStreams"]
    assert [s["logStreamName"] for s in backwards] == ["c", "b", "a2", "a1"]
    prefixed = logs.describe_log_streams(logGroupName="g", logStreamNamePrefix="a")["logStreams"]
    assert [s["logStreamName"] for s in prefixed] == ["a1", "a2"]


def test_describe_by_last_event_time(logs):
    logs.create_log_group(logGroupName="g")
    now = now_ms()
    for name, age in [("old", 3000), ("new", 1000), ("mid", 2000)]:
        logs.create_log_stream(logGroupName="g", logStreamName=name)
        put(logs, "g", name, (now - age, name))
    logs.create_log_stream(logGroupName="g", logStreamName="empty")
    listed = logs.describe_log_streams(logGroupName="g", orderBy="LastEventTime")["logStreams"]
    assert [s["logStreamName"] for s in listed] == ["empty", "old", "mid", "new"]
    latest = logs.describe_log_streams(logGroupName="g", orderBy="LastEventTime", descending=True, limit=1)
    assert [s["logStreamName"] for s in latest["logStreams"]] == ["new"]
    following = logs.describe_log_streams(
        logGroupName="g", orderBy="LastEventTime", descending=True, limit=2, nextToken=latest["nextToken"]
    )
    assert [s["logStreamName"] for s in following["logStreams"]] == ["mid", "old"]


def test_last_event_time_order_refuses_a_prefix(logs, stream):
    with pytest.raises(ClientError) as excinfo:
        logs.describe_log_streams(logGroupName=GROUP, orderBy="LastEventTime", logStreamNamePrefix="x")
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "Cannot order by LastEventTime with a logStreamNamePrefix.",
    )


def test_describe_pages_like_the_paginator(logs):
    logs.create_log_group(logGroupName="g")
    names = [f"s{index:03d}" for index in range(120)]
    for name in names:
        logs.create_log_stream(logGroupName="g", logStreamName=name)
    first = logs.describe_log_streams(logGroupName="g")
    assert len(first["logStreams"]) == 50  # the default limit
    pages = list(logs.get_paginator("describe_log_streams").paginate(logGroupName="g"))
    assert [len(page["logStreams"]) for page in pages] == [50, 50, 20]
    assert [s["logStreamName"] for page in pages for s in page["logStreams"]] == names
    small = logs.get_paginator("describe_log_streams").paginate(
        logGroupName="g", descending=True, PaginationConfig={"PageSize": 7}
    )
    assert [s["logStreamName"] for page in small for s in page["logStreams"]] == names[::-1]


def test_describe_by_identifier(logs, stream):
    for identifier in [GROUP, GROUP_ARN]:
        listed = logs.describe_log_streams(logGroupIdentifier=identifier)["logStreams"]
        assert [s["logStreamName"] for s in listed] == [STREAM]
    # The `:*` form (DescribeLogGroups' `arn`) breaks the identifier's pattern.
    with pytest.raises(ClientError) as excinfo:
        logs.describe_log_streams(logGroupIdentifier=GROUP_ARN + ":*")
    assert "Member must satisfy regular expression pattern: [\\w#+=/:,.@-]*" in error_of(excinfo)[1]


def test_describe_needs_exactly_one_of_name_and_identifier(logs, stream):
    with pytest.raises(ClientError) as excinfo:
        logs.describe_log_streams(logGroupName=GROUP, logGroupIdentifier=GROUP)
    assert error_of(excinfo) == (
        "ValidationException",
        "LogGroup name and LogGroup ARN are mutually exclusive parameters.",
    )
    with pytest.raises(ClientError) as excinfo:
        logs.describe_log_streams()
    assert error_of(excinfo)[0] == "InvalidParameterException"  # wording guessed


def test_describe_streams_of_a_missing_group(logs):
    for kwargs in [
        {"logGroupName": "nope"},
        {"logGroupIdentifier": "arn:aws:logs:us-east-1:999999999999:log-group:x"},
    ]:
        with pytest.raises(ClientError) as excinfo:
            logs.describe_log_streams(**kwargs)
        assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log group does not exist.")
