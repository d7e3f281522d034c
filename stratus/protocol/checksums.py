"""The checksum algorithms S3 accepts (`x-amz-checksum-*`, Content-MD5), computed incrementally.

Names are S3's `ChecksumAlgorithm` values (`CRC32`, `CRC64NVME`, ...); the value S3 writes on the
wire and returns (`ChecksumCRC32`) is the base64 of the big-endian digest.

CRC32C, CRC64NVME and the xxhash family come from `awscrt` (AWS's own native code, the library the
SDKs use for the same job). Without it, CRC32C and CRC64NVME fall back to table-driven pure Python
(slow but exact) and the xxhash algorithms are unavailable.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from collections.abc import Callable
from typing import Protocol

try:
    from awscrt import checksums as _crt
except ImportError:  # pragma: no cover - awscrt is a declared dependency
    _crt = None

Buffer = bytes | bytearray | memoryview


class Checksum(Protocol):
    def update(self, data: Buffer) -> None: ...

    def digest(self) -> bytes: ...


# ---- CRCs -----------------------------------------------------------------------------------------


def _reflected_table(polynomial: int) -> tuple[int, ...]:
    table = []
    for byte in range(256):
        value = byte
        for _ in range(8):
            value = (value >> 1) ^ polynomial if value & 1 else value >> 1
        table.append(value)
    return tuple(table)


def _reflected_crc(polynomial: int, mask: int) -> Callable[[Buffer, int], int]:
    """A pure-Python reflected CRC with all-ones init and final xor, continuing like `zlib.crc32`."""
    table = _reflected_table(polynomial)

    def crc(data: Buffer, previous: int = 0) -> int:
        value = previous ^ mask
        for byte in bytes(data):
            value = table[(value ^ byte) & 0xFF] ^ (value >> 8)
        return value ^ mask

    return crc


# Castagnoli (iSCSI) and the NVMe CRC-64, in their reflected forms.
crc32c_python = _reflected_crc(0x82F63B78, 0xFFFFFFFF)
crc64nvme_python = _reflected_crc(0x9A6C9329AC4BC9B5, 0xFFFFFFFFFFFFFFFF)

_crc32c = _crt.crc32c if _crt is not None else crc32c_python
_crc64nvme = _crt.crc64nvme if _crt is not None else crc64nvme_python


class CrcChecksum:
    """A running CRC whose function continues from the previous value (`fn(data, previous)`)."""

    __slots__ = ("_function", "_width", "_value")

    def __init__(self, function: Callable[[Buffer, int], int], width: int) -> None:
        self._function = function
        self._width = width
        self._value = 0

    def update(self, data: Buffer) -> None:
        self._value = self._function(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(self._width, "big")


class XxhashChecksum:
    __slots__ = ("_hash", "_digest")

    def __init__(self, factory: Callable[[], object]) -> None:
        self._hash = factory()
        self._digest: bytes | None = None

    def update(self, data: Buffer) -> None:
        # awscrt's xxhash binding takes bytes only, not other buffers
        self._hash.update(data if isinstance(data, bytes) else bytes(data))

    def digest(self) -> bytes:
        # awscrt's finalize may only be called once
        if self._digest is None:
            self._digest = self._hash.finalize()
        return self._digest


# ---- the registry ---------------------------------------------------------------------------------

_FACTORIES: dict[str, Callable[[], Checksum]] = {
    "CRC32": lambda: CrcChecksum(zlib.crc32, 4),
    "CRC32C": lambda: CrcChecksum(_crc32c, 4),
    "CRC64NVME": lambda: CrcChecksum(_crc64nvme, 8),
    "SHA1": hashlib.sha1,
    "SHA256": hashlib.sha256,
    "SHA512": hashlib.sha512,
    "MD5": lambda: hashlib.md5(usedforsecurity=False),
}
if _crt is not None and hasattr(_crt, "XXHash"):
    _FACTORIES["XXHASH64"] = lambda: XxhashChecksum(_crt.XXHash.new_xxhash64)
    _FACTORIES["XXHASH3"] = lambda: XxhashChecksum(_crt.XXHash.new_xxhash3_64)
    _FACTORIES["XXHASH128"] = lambda: XxhashChecksum(_crt.XXHash.new_xxhash3_128)

# Every algorithm S3 knows, with its digest size: used to tell a malformed value from a wrong one.
DIGEST_SIZES: dict[str, int] = {
    "CRC32": 4,
    "CRC32C": 4,
    "CRC64NVME": 8,
    "SHA1": 20,
    "SHA256": 32,
    "SHA512": 64,
    "MD5": 16,
    "XXHASH64": 8,
    "XXHASH3": 8,
    "XXHASH128": 16,
}

# What this process can compute, in S3's order of preference.
ALGORITHMS: tuple[str, ...] = tuple(name for name in DIGEST_SIZES if name in _FACTORIES)


def new_checksum(algorithm: str) -> Checksum:
    """A fresh running checksum; `algorithm` is S3's name in any case. Raises KeyError if unknown."""
    return _FACTORIES[algorithm.upper()]()


def to_base64(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def checksum_base64(algorithm: str, data: Buffer) -> str:
    """The checksum of `data` as S3 writes it (`ChecksumCRC32: "yZRlqg=="`)."""
    checksum = new_checksum(algorithm)
    checksum.update(data)
    return to_base64(checksum.digest())


def decode_checksum(algorithm: str, text: str) -> bytes | None:
    """The digest a client sent as base64, or None when it is not a well-formed value for `algorithm`."""
    size = DIGEST_SIZES.get(algorithm.upper())
    try:
        digest = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return digest if size is not None and len(digest) == size else None


def header_name(algorithm: str) -> str:
    """`CRC32` -> `x-amz-checksum-crc32`, the header (or trailer) that carries it."""
    return f"x-amz-checksum-{algorithm.lower()}"
