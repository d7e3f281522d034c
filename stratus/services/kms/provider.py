"""AWS Key Management Service: the provider is the sum of one mixin per operation group.
Operations not listed here (custom key stores) answer 501 NotImplemented."""

from __future__ import annotations

from stratus.protocol.loader import service_model
from stratus.services.base import Provider
from stratus.services.kms import lifecycle
from stratus.services.kms.aliases import AliasOperations
from stratus.services.kms.data_key_pairs import DataKeyPairOperations
from stratus.services.kms.encryption import EncryptionOperations
from stratus.services.kms.grants import GrantOperations
from stratus.services.kms.imports import ImportOperations
from stratus.services.kms.keys import KeyOperations
from stratus.services.kms.last_usage import LastUsageOperations
from stratus.services.kms.last_usage_tracker import UsageTracker
from stratus.services.kms.mac import MacOperations
from stratus.services.kms.master_key import MasterKey
from stratus.services.kms.material import MaterialCache
from stratus.services.kms.multi_region import MultiRegionOperations
from stratus.services.kms.policies import PolicyOperations
from stratus.services.kms.rotation import RotationOperations
from stratus.services.kms.schema import KMS_DATABASE, MIGRATIONS
from stratus.services.kms.signing import SigningOperations
from stratus.services.kms.tags import TagOperations
from stratus.store import Database

# Deletions, expiries and rotations are also applied whenever a key is used; the sweep catches
# the keys nobody touches. Clock time, so advancing the clock runs it at once.
SWEEP_SECONDS = 60.0


# Operations that act on no key are judged by the dispatcher like any other service's.
_KEYLESS_OPERATIONS = frozenset(
    {
        "CreateKey",
        "GenerateRandom",
        "ListAliases",
        "ListKeys",
        "ListRetirableGrants",
        "ConnectCustomKeyStore",
        "CreateCustomKeyStore",
        "DeleteCustomKeyStore",
        "DescribeCustomKeyStores",
        "DisconnectCustomKeyStore",
        "UpdateCustomKeyStore",
    }
)
KEY_OPERATIONS = frozenset(service_model("kms").operation_names) - _KEYLESS_OPERATIONS


class KmsProvider(
    KeyOperations,
    AliasOperations,
    TagOperations,
    PolicyOperations,
    EncryptionOperations,
    DataKeyPairOperations,
    SigningOperations,
    MacOperations,
    RotationOperations,
    GrantOperations,
    ImportOperations,
    MultiRegionOperations,
    LastUsageOperations,
    Provider,
):
    service = "kms"
    # Every operation on a key decides its own authorization in access.py: the key policy must allow
    # (not only IAM), grants allow by themselves, and a KeyId may be an alias or absent (Decrypt).
    self_authorized_operations = KEY_OPERATIONS

    def __init__(self, runtime) -> None:
        self.materials = MaterialCache(MasterKey(runtime.state.data_dir))
        self.usage = UsageTracker()
        super().__init__(runtime)

    def db(self) -> Database:
        return self.runtime.state.database(KMS_DATABASE, MIGRATIONS)

    def register_deliveries(self) -> None:
        self.runtime.scheduler.every("kms.lifecycle", SWEEP_SECONDS, self._sweep)

    def _sweep(self) -> None:
        db = self.db()
        self.usage.flush(db)
        lifecycle.sweep(db, self.materials, self.runtime.clock.time())

    def on_reset(self) -> None:
        self.materials.clear()
        self.usage.clear()

    async def shutdown(self) -> None:
        self.usage.flush(self.db())
