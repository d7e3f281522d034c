"""The data directory's master key: key material is stored sealed under it, never in plaintext.

A 256-bit AES key in `<data_dir>/kms-master.key` (mode 0600), created on first use. Each sealed
value is `nonce || AES-GCM(master, value, aad)` where the AAD names what the value is (account,
region, key id, version), so a sealed value copied onto another row does not open.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MASTER_KEY_FILE = "kms-master.key"
NONCE_BYTES = 12


class MasterKeyError(RuntimeError):
    """The master key file is unreadable, or a sealed value does not open under it."""


class MasterKey:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / MASTER_KEY_FILE
        self._aead: AESGCM | None = None

    def _cipher(self) -> AESGCM:
        if self._aead is None:
            self._aead = AESGCM(self._load_or_create())
        return self._aead

    def _load_or_create(self) -> bytes:
        try:
            key = self.path.read_bytes()
        except FileNotFoundError:
            key = self._create()
        if len(key) != 32:
            raise MasterKeyError(f"{self.path} does not hold a 256-bit key")
        return key

    def _create(self) -> bytes:
        """Write a new key atomically (a temporary file, fsynced, then linked into place), so two
        starts racing on an empty directory agree on one key."""
        key = AESGCM.generate_key(bit_length=256)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, key)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temporary, self.path)  # fails if another process created it meanwhile
        except FileExistsError:
            key = self.path.read_bytes()
        finally:
            temporary.unlink(missing_ok=True)
        return key

    def seal(self, value: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._cipher().encrypt(nonce, value, aad)

    def unseal(self, sealed: bytes, aad: bytes) -> bytes:
        try:
            return self._cipher().decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
        except InvalidTag:
            raise MasterKeyError(f"sealed key material does not open under {self.path}") from None
