"""The in-process writer Stratus's Lambda uses for function logs."""

from __future__ import annotations

import pytest

from stratus.services.logs.writer import append_events

from .support import ACCOUNT, REGION, messages, now_ms


@pytest.fixture
def write(stratus_server):
    if getattr(stratus_server, "runtime", None) is None:
        pytest.skip("needs the in-process server")

    def run(group: str, stream: str, events: list[tuple[int, str]], region: str = REGION) -> None:
        async def append() -> None:
            append_events(stratus_server.runtime, ACCOUNT, region, group, stream, events)

        stratus_server.call_on_loop(append())

    return run


def test_creates_the_group_and_stream_and_appends(logs, write):
    now = now_ms()
    write(
        "/aws/lambda/fn",
        "2026/01/01/[$LATEST]abc",
        [(now, "START RequestId: 1"), (now + 1, "END RequestId: 1")],
    )
    [group] = logs.describe_log_groups()["logGroups"]
    assert group["logGroupName"] == "/aws/lambda/fn"
    assert "retentionInDays" not in group
    [stream] = logs.describe_log_streams(logGroupName="/aws/lambda/fn")["logStreams"]
    assert stream["firstEventTimestamp"] == now and stream["lastEventTimestamp"] == now + 1
    events = logs.get_log_events(logGroupName="/aws/lambda/fn", logStreamName=stream["logStreamName"])[
        "events"
    ]
    assert messages(events) == ["START RequestId: 1", "END RequestId: 1"]


def test_appends_to_existing_ones_and_keeps_their_settings(logs, write):
    logs.create_log_group(logGroupName="/aws/lambda/fn")
    logs.put_retention_policy(logGroupName="/aws/lambda/fn", retentionInDays=7)
    now = now_ms()
    write("/aws/lambda/fn", "s", [(now, "one")])
    write("/aws/lambda/fn", "s", [(now + 5, "two"), (now + 6, "")])  # empty messages are skipped
    result = logs.filter_log_events(logGroupName="/aws/lambda/fn")
    assert messages(result["events"]) == ["one", "two"]
    [group] = logs.describe_log_groups()["logGroups"]
    assert group["retentionInDays"] == 7
    assert group["storedBytes"] == 6


def test_writes_in_the_given_region(aws_client, write):
    write("/aws/lambda/fn", "s", [(now_ms(), "hi")], region="eu-west-1")
    assert aws_client("logs").describe_log_groups()["logGroups"] == []
    assert len(aws_client("logs", region_name="eu-west-1").describe_log_groups()["logGroups"]) == 1
