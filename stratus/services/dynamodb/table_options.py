"""Table options that are settings, not machinery: warm throughput (stored and shown), and the
multi-account / multi-Region-consistency global table options Stratus does not have yet (answered
501, never silently ignored)."""

from __future__ import annotations

from stratus.protocol.errors import ServiceError
from stratus.services.dynamodb.common import ValidationException

# What DynamoDB shows for a table that never asked for more.
DEFAULT_WARM_READS = 12_000
DEFAULT_WARM_WRITES = 4_000
UNSUPPORTED = ("GlobalTableSourceArn", "MultiRegionConsistency", "GlobalTableWitnessUpdates")
DEFAULT_REPLICATION_MODE = "DISABLED"


def refuse_unsupported(req: dict) -> None:
    for member in UNSUPPORTED:
        if req.get(member):
            raise ServiceError(
                f"Stratus does not implement {member} (multi-account or strongly consistent global tables) yet",
                code="NotImplemented",
                status=501,
                sender_fault=False,
            )
    mode = req.get("GlobalTableSettingsReplicationMode")
    if mode is not None and mode != DEFAULT_REPLICATION_MODE:
        raise ServiceError(
            "Stratus does not implement GlobalTableSettingsReplicationMode yet",
            code="NotImplemented",
            status=501,
            sender_fault=False,
        )


def warm_throughput(requested: dict | None, current: dict | None = None) -> dict | None:
    """The warm throughput to store: what was asked (never lower than before: it only grows)."""
    if requested is None:
        return current
    stored = dict(current or {})
    for member in ("ReadUnitsPerSecond", "WriteUnitsPerSecond"):
        value = requested.get(member)
        if value is None:
            continue
        if current and value < current.get(member, 0):
            raise ValidationException(
                f"One or more parameter values were invalid: {member} cannot be decreased"
            )  # wording guessed
        stored[member] = value
    return stored


def shown_warm_throughput(stored: dict | None) -> dict:
    stored = stored or {}
    return {
        "ReadUnitsPerSecond": stored.get("ReadUnitsPerSecond", DEFAULT_WARM_READS),
        "WriteUnitsPerSecond": stored.get("WriteUnitsPerSecond", DEFAULT_WARM_WRITES),
        "Status": "ACTIVE",
    }
