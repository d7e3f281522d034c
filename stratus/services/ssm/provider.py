"""AWS Systems Manager Parameter Store: the provider is the sum of one mixin per operation group.
Every other SSM operation (documents, Run Command, sessions, ...) answers 501 NotImplemented."""

from __future__ import annotations

from stratus.services.base import Provider
from stratus.services.ssm import policies
from stratus.services.ssm.deletes import DeleteOperations
from stratus.services.ssm.describe import DescribeOperations
from stratus.services.ssm.history import HistoryOperations
from stratus.services.ssm.reads import ReadOperations
from stratus.services.ssm.schema import MIGRATIONS, SSM_DATABASE
from stratus.services.ssm.tags import TagOperations
from stratus.services.ssm.writes import PutOperations
from stratus.store import Database


class SsmProvider(
    PutOperations,
    ReadOperations,
    DescribeOperations,
    HistoryOperations,
    DeleteOperations,
    TagOperations,
    Provider,
):
    service = "ssm"

    def db(self) -> Database:
        return self.runtime.state.database(SSM_DATABASE, MIGRATIONS)

    def register_deliveries(self) -> None:
        # Not a delivery, but the same moment: the provider exists, its background work starts.
        self.runtime.scheduler.every("ssm.policies", policies.SWEEP_SECONDS, self._sweep)

    def _sweep(self) -> None:
        policies.sweep(self.db(), self.runtime.clock.time())
