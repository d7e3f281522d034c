"""Provisioned throughput enforced, when asked for: token buckets per table (and GSI) and kind.

Off by default. On for every PROVISIONED table with `STRATUS_DYNAMODB_THROTTLE=1`, or for one
table tagged `stratus:throttle` = `true`, so applications can test their back-off. Each bucket
refills at the provisioned units per second of Stratus clock time and holds up to 300 seconds of
them (DynamoDB's burst capacity), starting full. A request is refused with
ProvisionedThroughputExceededException while its bucket is empty; what a request consumed is
charged after it ran (DynamoDB also charges first and refuses later requests).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from stratus.services.dynamodb.capacity import Consumption
from stratus.services.dynamodb.common import ProvisionedThroughputExceededException
from stratus.services.dynamodb.table_definition import PROVISIONED
from stratus.services.dynamodb.table_store import Table
from stratus.store import Database

BURST_SECONDS = 300
THROTTLE_TAG = "stratus:throttle"
EXCEEDED = (
    "The level of configured provisioned throughput for the table was exceeded. "
    "Consider increasing your provisioning level with the UpdateTable API."
)
READ, WRITE = "ReadCapacityUnits", "WriteCapacityUnits"


class Throttle:
    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self._buckets: dict[tuple[int, str | None, str], tuple[float, float]] = {}  # -> (tokens, at)
        self.everywhere = os.environ.get("STRATUS_DYNAMODB_THROTTLE", "").strip().lower() in (
            "1",
            "true",
            "on",
        )

    def reset(self) -> None:
        self._buckets.clear()

    def applies(self, db: Database, table: Table) -> bool:
        if table.definition.get("BillingMode") != PROVISIONED:
            return False
        if self.everywhere:
            return True
        row = db.query_one(
            "SELECT value FROM ddb_tags WHERE table_id = ? AND key = ?", (table.table_id, THROTTLE_TAG)
        )
        return row is not None and row["value"].strip().lower() == "true"

    @staticmethod
    def _rate(table: Table, index: str | None, kind: str) -> float:
        if index is None:
            return float((table.definition.get("ProvisionedThroughput") or {}).get(kind, 0))
        for gsi in table.definition.get("GlobalSecondaryIndexes") or ():
            if gsi["IndexName"] == index:
                return float((gsi.get("ProvisionedThroughput") or {}).get(kind, 0))
        return 0.0

    def _tokens(self, table: Table, index: str | None, kind: str) -> float:
        rate = self._rate(table, index, kind)
        key = (table.table_id, index, kind)
        now = self._now()
        tokens, at = self._buckets.get(key, (rate * BURST_SECONDS, now))
        tokens = min(rate * BURST_SECONDS, tokens + max(0.0, now - at) * rate)
        self._buckets[key] = (tokens, now)
        return tokens

    def admit(self, db: Database, table: Table, kind: str, index: str | None = None) -> None:
        """Refuse the request while the table's (or the GSI's) bucket for `kind` is empty."""
        if self.applies(db, table) and self._tokens(table, index, kind) <= 0:
            raise ProvisionedThroughputExceededException(EXCEEDED)

    def charge(self, db: Database, table: Table, kind: str, consumption: Consumption) -> None:
        """Take what a request consumed from the table's bucket and each GSI's."""
        if not self.applies(db, table):
            return
        parts = [(None, consumption.table + sum(consumption.local_indexes.values()))]
        parts += list(consumption.global_indexes.items())
        for index, units in parts:
            tokens = self._tokens(table, index, kind)
            self._buckets[(table.table_id, index, kind)] = (tokens - units, self._now())

    def settle(
        self, db: Database, table: Table, kind: str, consumption: Consumption, req: dict
    ) -> dict | None:
        """Charge what a request consumed; the ConsumedCapacity its ReturnConsumedCapacity asks for."""
        self.charge(db, table, kind, consumption)
        return consumption.answer(req.get("ReturnConsumedCapacity"))
