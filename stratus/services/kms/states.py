"""How a key's state lets an operation through, with AWS's errors ("Key states of AWS KMS keys")."""

from __future__ import annotations

from stratus.services.kms.common import DisabledException, KmsError, KMSInvalidStateException
from stratus.services.kms.store import Key

ENABLED = "Enabled"
DISABLED = "Disabled"
PENDING_DELETION = "PendingDeletion"
PENDING_IMPORT = "PendingImport"
PENDING_REPLICA_DELETION = "PendingReplicaDeletion"

_STATE_WORDS = {
    PENDING_DELETION: "pending deletion",
    PENDING_IMPORT: "pending import",
    PENDING_REPLICA_DELETION: "pending replica deletion",  # guessed
}


def invalid_state(key: Key) -> KMSInvalidStateException:
    words = _STATE_WORDS.get(key.key_state, key.key_state.lower())
    return KMSInvalidStateException(f"{key.arn} is {words}.")


def state_error(key: Key) -> KmsError:
    if key.key_state == DISABLED:
        return DisabledException(f"{key.arn} is disabled.")
    return invalid_state(key)


def require_enabled(key: Key) -> None:
    """Cryptographic operations (and CreateGrant, GetPublicKey, rotation): the key must be Enabled."""
    if key.key_state != ENABLED:
        raise state_error(key)


def require_not_pending_deletion(key: Key) -> None:
    """Management operations (description, tags, aliases, ...) refuse a key on its way out."""
    if key.key_state in (PENDING_DELETION, PENDING_REPLICA_DELETION):
        raise invalid_state(key)


def require_manageable(key: Key) -> None:
    """EnableKey and DisableKey: neither a key pending deletion nor one still waiting for material."""
    if key.key_state in (PENDING_DELETION, PENDING_REPLICA_DELETION, PENDING_IMPORT):
        raise invalid_state(key)
