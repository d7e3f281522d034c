"""FilterLogEvents: a group's events across streams, by stream, time and filter pattern, paged."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from stratus.services.logs import filtering

from .support import ACCOUNT, error_of, messages, now_ms, put

GROUP = "app"


@pytest.fixture
def three_streams(logs):
    """Events interleaved across streams a, b and c (one every millisecond); returns the base time."""
    logs.create_log_group(logGroupName=GROUP)
    base = now_ms() - 60_000
    for name in ["a", "b", "c"]:
        logs.create_log_stream(logGroupName=GROUP, logStreamName=name)
    for offset, name in enumerate(["a", "b", "c", "a", "b", "c"]):
        put(logs, GROUP, name, (base + offset, f"{name}{offset} {'ERROR' if offset % 2 else 'INFO'} done"))
    return base


def test_events_of_all_streams_come_in_timestamp_order(logs, three_streams):
    result = logs.filter_log_events(logGroupName=GROUP)
    assert messages(result["events"]) == [
        "a0 INFO done", "b1 ERROR done", "c2 INFO done", "a3 ERROR done", "b4 INFO done", "c5 ERROR done",
    ]  # fmt: skip
    first = result["events"][0]
    assert first["logStreamName"] == "a"
    assert first["timestamp"] == three_streams
    assert abs(first["ingestionTime"] - now_ms()) < 5000
    ids = [event["eventId"] for event in result["events"]]
    assert all(re.fullmatch(r"\d{56}", event_id) for event_id in ids) and len(set(ids)) == 6
    assert result["searchedLogStreams"] == []  # deprecated: always empty
    assert "nextToken" not in result


def test_by_stream_names_or_prefix(logs, three_streams):
    named = logs.filter_log_events(logGroupName=GROUP, logStreamNames=["c", "a", "missing"])["events"]
    assert [e["logStreamName"] for e in named] == ["a", "c", "a", "c"]
    logs.create_log_stream(logGroupName=GROUP, logStreamName="b-extra")
    put(logs, GROUP, "b-extra", (three_streams + 10, "extra"))
    prefixed = logs.filter_log_events(logGroupName=GROUP, logStreamNamePrefix="b")["events"]
    assert messages(prefixed) == ["b1 ERROR done", "b4 INFO done", "extra"]


def test_stream_names_and_prefix_are_exclusive(logs, three_streams):
    with pytest.raises(ClientError) as excinfo:
        logs.filter_log_events(logGroupName=GROUP, logStreamNames=["a"], logStreamNamePrefix="a")
    assert error_of(excinfo)[0] == "InvalidParameterException"  # wording guessed


def test_time_window_includes_both_ends(logs, three_streams):
    result = logs.filter_log_events(
        logGroupName=GROUP, startTime=three_streams + 1, endTime=three_streams + 3
    )
    assert messages(result["events"]) == ["b1 ERROR done", "c2 INFO done", "a3 ERROR done"]


def test_filter_pattern_terms(logs, three_streams):
    result = logs.filter_log_events(logGroupName=GROUP, filterPattern="ERROR")
    assert messages(result["events"]) == ["b1 ERROR done", "a3 ERROR done", "c5 ERROR done"]
    both = logs.filter_log_events(logGroupName=GROUP, filterPattern="ERROR a3")
    assert messages(both["events"]) == ["a3 ERROR done"]
    assert logs.filter_log_events(logGroupName=GROUP, filterPattern="error")["events"] == []  # case-sensitive
    everything = logs.filter_log_events(logGroupName=GROUP, filterPattern="")
    assert len(everything["events"]) == 6


def test_filter_pattern_on_json_events(logs):
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="s")
    now = now_ms()
    put(
        logs,
        GROUP,
        "s",
        (now, '{"level": "error", "ms": 12}'),
        (now, '{"level": "info", "ms": 900}'),
        (now, "plain"),
    )
    errors = logs.filter_log_events(logGroupName=GROUP, filterPattern='{ $.level = "error" }')
    assert messages(errors["events"]) == ['{"level": "error", "ms": 12}']
    slow = logs.filter_log_events(logGroupName=GROUP, filterPattern="{ $.ms > 100 }")
    assert messages(slow["events"]) == ['{"level": "info", "ms": 900}']


def test_a_malformed_pattern_is_refused(logs, three_streams):
    with pytest.raises(ClientError) as excinfo:
        logs.filter_log_events(logGroupName=GROUP, filterPattern='{ $.level = "error"')
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "If a filter pattern starts with '{' it must end with '}'",
    )


def test_limit_pages_with_next_token_until_there_is_none(logs, three_streams):
    seen, token, calls = [], None, 0
    while True:
        args = {"logGroupName": GROUP, "limit": 4}
        if token:
            args["nextToken"] = token
        page = logs.filter_log_events(**args)
        calls += 1
        seen += messages(page["events"])
        token = page.get("nextToken")
        if not token:
            break
    assert calls == 2
    assert len(seen) == 6 and seen[0] == "a0 INFO done" and seen[-1] == "c5 ERROR done"
    exact = logs.filter_log_events(logGroupName=GROUP, limit=6)
    assert "nextToken" not in exact  # nothing more to read


def test_the_sdk_paginator_reads_everything_once(logs, three_streams):
    pages = logs.get_paginator("filter_log_events").paginate(
        logGroupName=GROUP, filterPattern="done", PaginationConfig={"PageSize": 2}
    )
    events = [event for page in pages for event in page["events"]]
    assert len(events) == 6
    assert len({event["eventId"] for event in events}) == 6
    assert [event["timestamp"] for event in events] == sorted(event["timestamp"] for event in events)


def test_newest_first_when_start_from_head_is_false(logs, three_streams):
    newest = logs.filter_log_events(logGroupName=GROUP, startFromHead=False, limit=4, startTime=three_streams)
    assert messages(newest["events"]) == ["c5 ERROR done", "b4 INFO done", "a3 ERROR done", "c2 INFO done"]
    # The token keeps the direction, whatever startFromHead says next.
    rest = logs.filter_log_events(logGroupName=GROUP, startFromHead=True, nextToken=newest["nextToken"])
    assert messages(rest["events"]) == ["b1 ERROR done", "a0 INFO done"]
    assert "nextToken" not in rest


def test_newest_first_needs_a_start_time_from_2024(logs, three_streams):
    with pytest.raises(ClientError) as excinfo:
        logs.filter_log_events(logGroupName=GROUP, startFromHead=False, startTime=1_700_000_000_000)
    assert error_of(excinfo)[0] == "InvalidParameterException"  # documented rule, wording guessed


def test_a_long_search_answers_partial_pages_with_a_token(logs, three_streams, monkeypatch):
    monkeypatch.setattr(filtering, "SCAN_CHUNK", 2)
    monkeypatch.setattr(filtering, "MAX_SCANNED", 2)
    first = logs.filter_log_events(logGroupName=GROUP, filterPattern="c5")
    assert first["events"] == [] and first["nextToken"]  # empty, but not finished
    pages = logs.get_paginator("filter_log_events").paginate(logGroupName=GROUP, filterPattern="c5")
    assert [messages(page["events"]) for page in pages if page["events"]] == [["c5 ERROR done"]]


def test_by_identifier_and_missing_group(logs, three_streams):
    arn = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{GROUP}"
    assert len(logs.filter_log_events(logGroupIdentifier=arn)["events"]) == 6
    with pytest.raises(ClientError) as excinfo:
        logs.filter_log_events(logGroupName="missing")
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log group does not exist.")
