"""GetLogEvents: time windows, directions, and the f/ b/ tokens clients page with."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from .conftest import GROUP, STREAM
from .support import ACCOUNT, error_of, messages, now_ms, put

TOKEN = re.compile(r"[fb]/\d{56}")


def read_forward(logs, **kwargs) -> tuple[list[list[str]], int]:
    """Page forward the way clients do: until the token comes back unchanged. (pages, calls)"""
    pages, token, calls = [], None, 0
    while True:
        args = {"logGroupName": GROUP, "logStreamName": STREAM, "startFromHead": True, **kwargs}
        if token is not None:
            args["nextToken"] = token
        result = logs.get_log_events(**args)
        calls += 1
        assert calls < 50, "paging never ended"
        if result["nextForwardToken"] == token:
            assert result["events"] == []
            return pages, calls
        if result["events"]:
            pages.append(messages(result["events"]))
        token = result["nextForwardToken"]


def fill(logs, count: int) -> int:
    base = now_ms() - 60_000
    put(logs, GROUP, STREAM, *[(base + index, f"m{index}") for index in range(count)])
    return base


def test_an_empty_stream_answers_both_tokens_and_ends_paging(logs, stream):
    result = logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM)
    assert result["events"] == []
    assert TOKEN.fullmatch(result["nextForwardToken"]) and result["nextForwardToken"].startswith("f/")
    assert TOKEN.fullmatch(result["nextBackwardToken"]) and result["nextBackwardToken"].startswith("b/")
    assert read_forward(logs) == ([], 2)


def test_forward_paging_with_a_limit_ends_on_the_same_token(logs, stream):
    fill(logs, 25)
    pages, _ = read_forward(logs, limit=10)
    assert [len(page) for page in pages] == [10, 10, 5]
    assert [m for page in pages for m in page] == [f"m{index}" for index in range(25)]


def test_the_forward_token_picks_up_later_events(logs, stream):
    fill(logs, 3)
    first = logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM, startFromHead=True)
    token = first["nextForwardToken"]
    at_end = logs.get_log_events(
        logGroupName=GROUP, logStreamName=STREAM, nextToken=token, startFromHead=True
    )
    assert at_end["events"] == [] and at_end["nextForwardToken"] == token
    put(logs, GROUP, STREAM, (now_ms(), "later"))
    followed = logs.get_log_events(
        logGroupName=GROUP, logStreamName=STREAM, nextToken=token, startFromHead=True
    )
    assert messages(followed["events"]) == ["later"]
    assert followed["nextForwardToken"] != token


def test_by_default_the_latest_events_come_first_then_backward_pages(logs, stream):
    fill(logs, 12)
    latest = logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM, limit=5)
    assert messages(latest["events"]) == [f"m{index}" for index in range(7, 12)]  # oldest first within
    seen = [messages(latest["events"])]
    token = latest["nextBackwardToken"]
    while True:
        page = logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM, limit=5, nextToken=token)
        if page["nextBackwardToken"] == token:
            assert page["events"] == []
            break
        seen.append(messages(page["events"]))
        token = page["nextBackwardToken"]
    assert seen == [
        [f"m{i}" for i in range(7, 12)],
        [f"m{i}" for i in range(2, 7)],
        ["m0", "m1"],
    ]


def test_backward_then_forward_again(logs, stream):
    fill(logs, 6)
    latest = logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM, limit=2)
    earlier = logs.get_log_events(
        logGroupName=GROUP, logStreamName=STREAM, limit=2, nextToken=latest["nextBackwardToken"]
    )
    assert messages(earlier["events"]) == ["m2", "m3"]
    forward = logs.get_log_events(
        logGroupName=GROUP, logStreamName=STREAM, limit=10, nextToken=earlier["nextForwardToken"]
    )
    assert messages(forward["events"]) == ["m4", "m5"]


def test_events_come_in_timestamp_order_whatever_the_put_order(logs, stream):
    now = now_ms()
    put(logs, GROUP, STREAM, (now - 1000, "second"))
    put(logs, GROUP, STREAM, (now - 2000, "first"))
    put(logs, GROUP, STREAM, (now - 1000, "third"))  # same timestamp: ingestion order
    result = logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM, startFromHead=True)
    assert messages(result["events"]) == ["first", "second", "third"]


def test_start_time_is_inclusive_and_end_time_exclusive(logs, stream):
    base = fill(logs, 10)
    result = logs.get_log_events(
        logGroupName=GROUP, logStreamName=STREAM, startFromHead=True, startTime=base + 2, endTime=base + 5
    )
    assert messages(result["events"]) == ["m2", "m3", "m4"]
    pages, _ = read_forward(logs, startTime=base + 2, endTime=base + 5, limit=2)
    assert pages == [["m2", "m3"], ["m4"]]


def test_a_page_holds_at_most_one_megabyte(logs, stream):
    now = now_ms()
    big = "x" * 400_000
    put(logs, GROUP, STREAM, (now, big + "1"), (now, big + "2"))
    put(logs, GROUP, STREAM, (now, big + "3"))
    pages, _ = read_forward(logs)
    assert [[message[-1] for message in page] for page in pages] == [["1", "2"], ["3"]]


def test_by_identifier_name_or_arn(logs, stream):
    fill(logs, 1)
    arn = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{GROUP}"
    for identifier in [GROUP, arn]:
        result = logs.get_log_events(logGroupIdentifier=identifier, logStreamName=STREAM)
        assert messages(result["events"]) == ["m0"]


def test_missing_group_and_stream(logs, stream):
    with pytest.raises(ClientError) as excinfo:
        logs.get_log_events(logGroupName="nope", logStreamName=STREAM)
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log group does not exist.")
    with pytest.raises(ClientError) as excinfo:
        logs.get_log_events(logGroupName=GROUP, logStreamName="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log stream does not exist.")


def test_a_malformed_token_is_refused(logs, stream):
    with pytest.raises(ClientError) as excinfo:
        logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM, nextToken="x/123")
    # Guessed wording.
    assert error_of(excinfo) == ("InvalidParameterException", "The specified nextToken is invalid.")


def test_limit_is_at_most_10000(logs, stream):
    with pytest.raises(ClientError) as excinfo:
        logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM, limit=10_001)
    assert "Member must have value less than or equal to 10000" in error_of(excinfo)[1]
