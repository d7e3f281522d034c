"""Capacity units as DynamoDB counts them, and the ConsumedCapacity answer.

Reads: one unit per 4 KB (rounded up, at least one) strongly consistent, half that eventually
consistent; a Query or Scan rounds the total of the items it read, not each item. Writes: one unit
per 1 KB of the larger of the old and new item (at least one). Transactions cost double. Each
secondary index an item write touches costs its own write units (a changed index key: a delete
and a put); LSIs count against the table, GSIs against themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

READ_UNIT_BYTES = 4096
WRITE_UNIT_BYTES = 1024


def read_units(size: int, *, consistent: bool, transactional: bool = False) -> float:
    units = float(max(1, math.ceil(size / READ_UNIT_BYTES)))
    if transactional:
        return units * 2
    return units if consistent else units / 2


def write_units(size: int, *, transactional: bool = False) -> float:
    units = float(max(1, math.ceil(size / WRITE_UNIT_BYTES)))
    return units * 2 if transactional else units


@dataclass(slots=True)
class Consumption:
    """What one request consumed, per table and index, as it accumulates."""

    table_name: str
    table: float = 0.0
    local_indexes: dict[str, float] = field(default_factory=dict)
    global_indexes: dict[str, float] = field(default_factory=dict)

    def add_index(self, name: str, units: float, *, is_global: bool) -> None:
        target = self.global_indexes if is_global else self.local_indexes
        target[name] = target.get(name, 0.0) + units

    @property
    def total(self) -> float:
        return self.table + sum(self.local_indexes.values()) + sum(self.global_indexes.values())

    def answer(self, mode: str | None) -> dict | None:
        """ConsumedCapacity for ReturnConsumedCapacity = `mode` (None / NONE: nothing)."""
        if mode not in ("TOTAL", "INDEXES"):
            return None
        shown: dict = {"TableName": self.table_name, "CapacityUnits": self.total}
        if mode == "INDEXES":
            shown["Table"] = {"CapacityUnits": self.table}
            if self.local_indexes:
                shown["LocalSecondaryIndexes"] = {
                    name: {"CapacityUnits": units} for name, units in self.local_indexes.items()
                }
            if self.global_indexes:
                shown["GlobalSecondaryIndexes"] = {
                    name: {"CapacityUnits": units} for name, units in self.global_indexes.items()
                }
        return shown
