"""The batch operations' shared machinery: AWS's checks of a batch's entries, and per-entry results."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from stratus.protocol.errors import ServiceError

MAX_BATCH_ENTRIES = 10
MAX_BATCH_BYTES = 1_048_576
_BATCH_ENTRY_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


class EmptyBatchRequest(ServiceError):
    code = "EmptyBatchRequest"


class TooManyEntriesInBatchRequest(ServiceError):
    code = "TooManyEntriesInBatchRequest"


class BatchEntryIdsNotDistinct(ServiceError):
    code = "BatchEntryIdsNotDistinct"


class InvalidBatchEntryId(ServiceError):
    code = "InvalidBatchEntryId"


class BatchRequestTooLong(ServiceError):
    code = "BatchRequestTooLong"


def check_batch(entries: list[dict] | None, entry_name: str) -> list[dict]:
    """The entries, if there are 1 to 10 of them with valid, distinct ids; AWS's error otherwise."""
    entries = entries or []
    if not entries:
        raise EmptyBatchRequest(f"There should be at least one {entry_name} in the request.")
    if len(entries) > MAX_BATCH_ENTRIES:
        raise TooManyEntriesInBatchRequest(
            f"Maximum number of entries per request are {MAX_BATCH_ENTRIES}. You have sent {len(entries)}."
        )
    seen: set[str] = set()
    for entry in entries:
        entry_id = entry.get("Id") or ""
        if not _BATCH_ENTRY_ID.match(entry_id):
            raise InvalidBatchEntryId(
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
                "It can be at most 80 letters long."
            )
        if entry_id in seen:
            raise BatchEntryIdsNotDistinct(f"Id {entry_id} repeated.")
        seen.add(entry_id)
    return entries


def check_batch_size(total: int) -> None:
    """A whole SendMessageBatch may not pass 1 MiB (the sum of its messages' sizes)."""
    if total > MAX_BATCH_BYTES:
        raise BatchRequestTooLong(
            f"Batch requests cannot be longer than {MAX_BATCH_BYTES} bytes. You have sent {total} bytes."
        )


def run_batch(items: list[tuple[dict, Any]], run: Callable[[dict, Any], dict]) -> dict:
    """Each entry on its own: successes in `Successful`, AWS's errors per entry in `Failed`."""
    successful, failed = [], []
    for entry, item in items:
        try:
            result = run(entry, item)
        except ServiceError as error:
            failed.append(
                {
                    "Id": entry["Id"],
                    "SenderFault": error.sender_fault,
                    "Code": error.code,
                    "Message": error.message,
                }
            )
        else:
            successful.append({"Id": entry["Id"], **result})
    return {"Successful": successful, "Failed": failed}
