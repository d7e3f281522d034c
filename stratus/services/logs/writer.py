"""Writing log events from inside Stratus (Lambda's function logs), without HTTP.

`append_events` is what Lambda's log writer calls after each invocation: one transaction that
creates the log group and stream if they are missing (as Lambda does, with the default settings)
and appends the events. Events are stored as given: the caller writes current timestamps in order,
so PutLogEvents' batch checks, meant for remote clients, are not repeated here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from stratus.services.logs import event_store
from stratus.services.logs.group_store import find_group, find_stream, insert_group, insert_stream
from stratus.services.logs.schema import LOGS_DATABASE, MIGRATIONS

if TYPE_CHECKING:
    from stratus.runtime import Runtime


def append_events(
    runtime: Runtime,
    account_id: str,
    region: str,
    group: str,
    stream: str,
    events: Sequence[tuple[int, str]],
) -> None:
    """Append (timestamp in epoch ms, message) events to `group`/`stream`, creating either if
    missing. Empty messages are skipped (CloudWatch Logs stores none). Call it on the event loop,
    where every write happens (DESIGN.md §5); it costs a few point queries and one insert."""
    # The provider owns the background work (retention sweeps): make sure it exists.
    runtime.providers.get("logs")
    db = runtime.state.database(LOGS_DATABASE, MIGRATIONS)
    now = int(runtime.clock.time() * 1000)
    sized = [(timestamp, message, len(message.encode("utf-8"))) for timestamp, message in events if message]
    with db.transaction():
        log_group = find_group(db, account_id, region, group)
        if log_group is None:
            insert_group(db, account_id, region, group, now)
            log_group = find_group(db, account_id, region, group)
        log_stream = find_stream(db, log_group, stream)
        if log_stream is None:
            insert_stream(db, log_group.group_id, stream, now)
            log_stream = find_stream(db, log_group, stream)
        if sized:
            event_store.append(db, log_stream, sized, now)
