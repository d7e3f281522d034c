"""PutLogEvents: batch rules, rejected events, the deprecated sequence token."""

from __future__ import annotations

import re

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from .conftest import GROUP, STREAM
from .support import DAY_MS, HOUR_MS, MINUTE_MS, error_of, messages, now_ms, put


def stored(logs) -> list[str]:
    return messages(
        logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM, startFromHead=True)["events"]
    )


def test_events_are_stored_with_their_ingestion_time(logs, stream):
    timestamp = now_ms() - 1000
    result = put(logs, GROUP, STREAM, (timestamp, "first"), (timestamp, "second"))
    assert "rejectedLogEventsInfo" not in result
    [first, second] = logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM)["events"]
    assert (first["timestamp"], first["message"]) == (timestamp, "first")
    assert second["message"] == "second"  # same timestamp: ingestion order
    assert abs(first["ingestionTime"] - now_ms()) < 5000


def test_the_sequence_token_is_ignored_but_still_answered(logs, stream):
    first = put(logs, GROUP, STREAM, (now_ms(), "a"))["nextSequenceToken"]
    assert re.fullmatch(r"\d{56}", first)
    # Any token, stale or made up, is accepted (AWS ignores it since 2023).
    second = logs.put_log_events(
        logGroupName=GROUP,
        logStreamName=STREAM,
        logEvents=[{"timestamp": now_ms(), "message": "b"}],
        sequenceToken="1",
    )["nextSequenceToken"]
    third = logs.put_log_events(
        logGroupName=GROUP,
        logStreamName=STREAM,
        logEvents=[{"timestamp": now_ms(), "message": "c"}],
        sequenceToken=first,
    )["nextSequenceToken"]
    assert len({first, second, third}) == 3
    assert stored(logs) == ["a", "b", "c"]


def test_old_and_future_events_are_rejected_and_reported(logs, stream):
    now = now_ms()
    result = put(
        logs,
        GROUP,
        STREAM,
        (now - 15 * DAY_MS, "too old 0"),
        (now - 14 * DAY_MS - MINUTE_MS, "too old 1"),
        (now - HOUR_MS, "kept 2"),
        (now, "kept 3"),
        (now + 2 * HOUR_MS - MINUTE_MS, "kept 4"),
        (now + 2 * HOUR_MS + MINUTE_MS, "too new 5"),
        (now + 3 * HOUR_MS, "too new 6"),
    )
    # tooOld's end index is exclusive, tooNew's start inclusive (API reference).
    assert result["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 2, "tooNewLogEventStartIndex": 5}
    assert stored(logs) == ["kept 2", "kept 3", "kept 4"]


def test_the_age_limits_are_14_days_back_and_2_hours_ahead(logs, stream):
    now = now_ms()
    assert "rejectedLogEventsInfo" not in put(logs, GROUP, STREAM, (now - 14 * DAY_MS + MINUTE_MS, "oldest"))
    assert "rejectedLogEventsInfo" not in put(logs, GROUP, STREAM, (now + 2 * HOUR_MS - MINUTE_MS, "newest"))
    assert stored(logs) == ["oldest", "newest"]


def test_events_older_than_the_retention_are_reported_expired(logs, stream):
    logs.put_retention_policy(logGroupName=GROUP, retentionInDays=1)
    now = now_ms()
    result = put(
        logs,
        GROUP,
        STREAM,
        (now - 20 * DAY_MS, "too old"),
        (now - 3 * DAY_MS, "expired"),
        (now - 2 * DAY_MS, "expired too"),
        (now - HOUR_MS, "kept"),
    )
    assert result["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1, "expiredLogEventEndIndex": 3}
    assert stored(logs) == ["kept"]


def test_a_batch_with_nothing_accepted_still_succeeds(logs, stream):
    result = put(logs, GROUP, STREAM, (now_ms() + DAY_MS, "later"))
    assert result["rejectedLogEventsInfo"] == {"tooNewLogEventStartIndex": 0}
    assert "nextSequenceToken" in result
    assert stored(logs) == []


def test_events_must_be_in_chronological_order(logs, stream):
    now = now_ms()
    with pytest.raises(ClientError) as excinfo:
        put(logs, GROUP, STREAM, (now, "b"), (now - 1, "a"))
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "Log events in a single PutLogEvents request must be in chronological order.",
    )
    assert stored(logs) == []


def test_accepted_events_may_not_span_more_than_a_day(logs, stream):
    now = now_ms()
    with pytest.raises(ClientError) as excinfo:
        put(logs, GROUP, STREAM, (now - DAY_MS - MINUTE_MS, "a"), (now, "b"))
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.",
    )
    assert stored(logs) == []
    # Only the events within 14 days past and 2 hours ahead count towards the span.
    result = put(logs, GROUP, STREAM, (now - 20 * DAY_MS, "old"), (now - HOUR_MS, "a"), (now, "b"))
    assert result["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 1}
    assert stored(logs) == ["a", "b"]


def test_batch_size_counts_utf8_bytes_plus_26_per_event(logs, stream):
    now = now_ms()
    half = 1_048_576 // 2 - 26  # two events of this size fill the batch exactly
    put(logs, GROUP, STREAM, (now, "x" * half), (now, "y" * half))
    with pytest.raises(ClientError) as excinfo:
        put(logs, GROUP, STREAM, (now, "x" * half), (now, "y" * (half - 1) + "é"))  # é: 2 bytes
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "Upload too large: 1048577 bytes exceeds limit of 1048576",
    )


def test_one_event_may_not_exceed_1_mb(logs, stream):
    with pytest.raises(ClientError) as excinfo:
        put(logs, GROUP, STREAM, (now_ms(), "x" * (1_048_576 - 25)))
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "Log event too large: 1048577 bytes exceeds limit of 1048576",
    )


def test_at_most_10000_events(logs, stream):
    now = now_ms()
    events = [{"timestamp": now, "message": str(index)} for index in range(10_001)]
    with pytest.raises(ClientError) as excinfo:
        logs.put_log_events(logGroupName=GROUP, logStreamName=STREAM, logEvents=events)
    code, message = error_of(excinfo)
    assert code == "InvalidParameterException"
    assert "Member must have length less than or equal to 10000" in message
    logs.put_log_events(logGroupName=GROUP, logStreamName=STREAM, logEvents=events[:10_000])
    page = logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM, startFromHead=True)
    assert len(page["events"]) == 10_000
    assert page["events"][-1]["message"] == "9999"


def test_putting_to_a_missing_group_or_stream(logs, stream):
    with pytest.raises(ClientError) as excinfo:
        put(logs, "nope", STREAM, (now_ms(), "x"))
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log group does not exist.")
    with pytest.raises(ClientError) as excinfo:
        put(logs, GROUP, "nope", (now_ms(), "x"))
    assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log stream does not exist.")


def test_an_empty_message_is_refused(aws_client, stream):
    unchecked = aws_client("logs", config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as excinfo:
        unchecked.put_log_events(
            logGroupName=GROUP, logStreamName=STREAM, logEvents=[{"timestamp": now_ms(), "message": ""}]
        )
    code, message = error_of(excinfo)
    assert code == "InvalidParameterException"
    assert "logEvents.1.member.message" in message
