"""AWS Secrets Manager: the provider is the sum of one mixin per operation group.

Values are encrypted through KMS (encryption.py), rotation runs real Lambda functions through the
outbox (rotation_runner.py), replicas are real secrets in their regions (replication.py), and a
background sweep on the Stratus clock purges deleted secrets and starts scheduled rotations.
"""

from __future__ import annotations

from stratus.services.base import Handler, Provider
from stratus.services.secretsmanager.deletion import DeletionOperations, purge_due
from stratus.services.secretsmanager.listing import ListingOperations
from stratus.services.secretsmanager.passwords import PasswordOperations
from stratus.services.secretsmanager.patterns import check_patterns
from stratus.services.secretsmanager.policies import PolicyOperations
from stratus.services.secretsmanager.replication import ReplicationOperations
from stratus.services.secretsmanager.rotation import (
    ROTATE_KIND,
    RotationOperations,
    start_scheduled_rotations,
)
from stratus.services.secretsmanager.rotation_runner import RotationRunner
from stratus.services.secretsmanager.schema import MIGRATIONS, SECRETSMANAGER_DATABASE
from stratus.services.secretsmanager.secrets import SecretOperations
from stratus.services.secretsmanager.tags import TagOperations
from stratus.services.secretsmanager.values import ValueOperations
from stratus.services.secretsmanager.versions import VersionOperations
from stratus.store import Database

SWEEP_SECONDS = 5.0


class SecretsManagerProvider(
    SecretOperations,
    ValueOperations,
    VersionOperations,
    ListingOperations,
    DeletionOperations,
    TagOperations,
    PolicyOperations,
    PasswordOperations,
    RotationOperations,
    ReplicationOperations,
    Provider,
):
    service = "secretsmanager"
    resolves_resource_arns = True  # a secret named by name is judged by its real ARN (policies.py)

    def db(self) -> Database:
        return self.runtime.state.database(SECRETSMANAGER_DATABASE, MIGRATIONS)

    def register_deliveries(self) -> None:
        RotationRunner(self.runtime, self.db).register(ROTATE_KIND)
        # Not a delivery, but the same moment: the provider exists, its background work starts.
        self.runtime.scheduler.every("secretsmanager.sweep", SWEEP_SECONDS, self._sweep)

    def _sweep(self) -> None:
        db, clock = self.db(), self.runtime.clock
        purge_due(db, clock.time())
        start_scheduled_rotations(db, clock.time(), clock)

    def handler(self, operation: str) -> Handler | None:
        found = super().handler(operation)
        if found is None:
            return None

        def checked(ctx, req: dict):
            check_patterns(operation, req)
            return found(ctx, req)

        return checked
