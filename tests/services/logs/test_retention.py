"""Retention policies, and the background sweep that applies them on the Stratus clock."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from stratus.services.logs.schema import LOGS_DATABASE, MIGRATIONS

from .conftest import GROUP, STREAM
from .support import DAY_MS, HOUR_MS, error_of, eventually, messages, now_ms, put

ALLOWED = [
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
]


def retention_of(logs, name: str = GROUP):
    [group] = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return group.get("retentionInDays")


def stored_messages(logs) -> list[str]:
    return messages(
        logs.get_log_events(logGroupName=GROUP, logStreamName=STREAM, startFromHead=True)["events"]
    )


def test_put_and_delete_retention(logs, stream):
    assert retention_of(logs) is None
    logs.put_retention_policy(logGroupName=GROUP, retentionInDays=30)
    assert retention_of(logs) == 30
    logs.put_retention_policy(logGroupName=GROUP, retentionInDays=3653)
    assert retention_of(logs) == 3653
    logs.delete_retention_policy(logGroupName=GROUP)
    assert retention_of(logs) is None


@pytest.mark.parametrize("days", ALLOWED)
def test_every_documented_value_is_accepted(logs, stream, days):
    logs.put_retention_policy(logGroupName=GROUP, retentionInDays=days)
    assert retention_of(logs) == days


@pytest.mark.parametrize("days", [0, 2, 10, 366, 3654, -1])
def test_other_values_are_refused(logs, stream, days):
    with pytest.raises(ClientError) as excinfo:
        logs.put_retention_policy(logGroupName=GROUP, retentionInDays=days)
    # Guessed wording: Coral's enum sentence for the documented set.
    assert error_of(excinfo) == (
        "InvalidParameterException",
        f"1 validation error detected: Value '{days}' at 'retentionInDays' failed to satisfy constraint: "
        f"Member must satisfy enum value set: [{', '.join(map(str, ALLOWED))}]",
    )
    assert retention_of(logs) is None


def test_retention_of_a_missing_group(logs):
    for call in (
        lambda: logs.put_retention_policy(logGroupName="nope", retentionInDays=1),
        lambda: logs.delete_retention_policy(logGroupName="nope"),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo) == ("ResourceNotFoundException", "The specified log group does not exist.")


def test_events_past_the_retention_are_deleted_as_the_clock_moves(logs, stream, stratus_server):
    now = now_ms()
    put(logs, GROUP, STREAM, (now - HOUR_MS, "older"), (now, "newer"))
    logs.put_retention_policy(logGroupName=GROUP, retentionInDays=1)
    assert stored_messages(logs) == ["older", "newer"]
    stratus_server.advance_clock(23.5 * 3600)  # "older" is now 24.5 hours old, "newer" 23.5
    assert eventually(lambda: stored_messages(logs) == ["newer"])
    assert messages(logs.filter_log_events(logGroupName=GROUP)["events"]) == ["newer"]
    [group] = logs.describe_log_groups()["logGroups"]
    assert group["storedBytes"] == len("newer")


def test_without_retention_nothing_expires(logs, stream, stratus_server):
    put(logs, GROUP, STREAM, (now_ms(), "forever"))
    logs.put_retention_policy(logGroupName=GROUP, retentionInDays=1)
    logs.delete_retention_policy(logGroupName=GROUP)
    stratus_server.advance_clock(30 * 86400)
    # Give a sweep the chance to run, then check nothing went.
    eventually(lambda: False, timeout=0.3)
    assert stored_messages(logs) == ["forever"]


def test_a_longer_retention_keeps_more(logs, stream, stratus_server):
    now = now_ms()
    put(logs, GROUP, STREAM, (now - 2 * DAY_MS, "two days"))
    put(logs, GROUP, STREAM, (now - HOUR_MS, "an hour"))
    logs.put_retention_policy(logGroupName=GROUP, retentionInDays=3)
    stratus_server.advance_clock(1.5 * 86400)
    assert eventually(lambda: stored_messages(logs) == ["an hour"])


def test_events_of_deleted_groups_and_streams_are_purged(logs, stream, stratus_server):
    if getattr(stratus_server, "runtime", None) is None:
        pytest.skip("needs the in-process server")
    put(logs, GROUP, STREAM, *[(now_ms(), f"m{index}") for index in range(5)])
    logs.create_log_group(logGroupName="other")
    logs.create_log_stream(logGroupName="other", logStreamName="s")
    put(logs, "other", "s", (now_ms(), "kept"))
    logs.delete_log_group(logGroupName=GROUP)

    def rows_left() -> int:
        async def count() -> int:
            db = stratus_server.runtime.state.database(LOGS_DATABASE, MIGRATIONS)
            return db.query_one("SELECT COUNT(*) AS n FROM logs_events")["n"]

        return stratus_server.call_on_loop(count())

    stratus_server.advance_clock(10)  # wakes the sweep
    assert eventually(lambda: rows_left() == 1)
    logs.delete_log_stream(logGroupName="other", logStreamName="s")
    stratus_server.advance_clock(10)
    assert eventually(lambda: rows_left() == 0)
