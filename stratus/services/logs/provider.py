"""Amazon CloudWatch Logs (the part Lambda and its users need): the provider is the sum of one
mixin per operation group. Operations not listed here answer 501 NotImplemented."""

from __future__ import annotations

from stratus.services.base import Provider
from stratus.services.logs import retention
from stratus.services.logs.filtering import FilterOperations
from stratus.services.logs.groups import GroupOperations
from stratus.services.logs.put_events import PutEventsOperations
from stratus.services.logs.reads import ReadOperations
from stratus.services.logs.retention import RetentionOperations
from stratus.services.logs.schema import LOGS_DATABASE, MIGRATIONS
from stratus.services.logs.streams import StreamOperations
from stratus.services.logs.tags import TagOperations
from stratus.store import Database


class LogsProvider(
    GroupOperations,
    StreamOperations,
    PutEventsOperations,
    ReadOperations,
    FilterOperations,
    RetentionOperations,
    TagOperations,
    Provider,
):
    service = "logs"

    def db(self) -> Database:
        return self.runtime.state.database(LOGS_DATABASE, MIGRATIONS)

    def register_deliveries(self) -> None:
        # Not a delivery, but the same moment: the provider exists, its background work starts.
        self.runtime.scheduler.every("logs.retention", retention.SWEEP_SECONDS, self._sweep)

    def _sweep(self) -> None:
        retention.sweep(self.db(), int(self.runtime.clock.time() * 1000))
