"""The symmetric ciphertext blob: Stratus's own format, which names the key that made it.

    version   1 byte   0x01
    id kind   1 byte   0 = UUID key id, 1 = multi-Region key id (mrk-<32 hex>)
    key id   16 bytes
    material  4 bytes  the key material version (big-endian)
    account  12 bytes  ASCII digits
    region    1 byte length + ASCII
    nonce    12 bytes
    AES-256-GCM ciphertext and 16-byte tag

The header (everything before the nonce) and the encryption context are the GCM associated data:
changing either, or decrypting with another context, fails authentication.
"""

from __future__ import annotations

import json
import os
import struct
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_VERSION = 1
_UUID_ID, _MRK_ID = 0, 1
_MRK_PREFIX = "mrk-"
NONCE_BYTES = 12
_FIXED = struct.Struct(">BB16sI12s")


class MalformedCiphertext(ValueError):
    """Not a blob this KMS made (or one that was cut or altered)."""


@dataclass(frozen=True, slots=True)
class Header:
    key_id: str
    version: int
    account_id: str
    region: str
    raw: bytes  # the header bytes, part of the associated data


def _key_id_bytes(key_id: str) -> tuple[int, bytes]:
    if key_id.startswith(_MRK_PREFIX):
        return _MRK_ID, bytes.fromhex(key_id[len(_MRK_PREFIX) :])
    return _UUID_ID, uuid.UUID(key_id).bytes


def _key_id_text(kind: int, raw: bytes) -> str:
    if kind == _MRK_ID:
        return _MRK_PREFIX + raw.hex()
    if kind == _UUID_ID:
        return str(uuid.UUID(bytes=raw))
    raise MalformedCiphertext("unknown key id kind")


def context_bytes(encryption_context: dict[str, str] | None) -> bytes:
    """The encryption context in one canonical form (pairs sorted by key)."""
    if not encryption_context:
        return b""
    return json.dumps(sorted(encryption_context.items()), separators=(",", ":"), ensure_ascii=False).encode()


def header(key_id: str, version: int, account_id: str, region: str) -> bytes:
    kind, raw_id = _key_id_bytes(key_id)
    region_bytes = region.encode("ascii")
    return (
        _FIXED.pack(FORMAT_VERSION, kind, raw_id, version, account_id.encode("ascii"))
        + bytes([len(region_bytes)])
        + region_bytes
    )


def seal(aead: AESGCM, head: bytes, plaintext: bytes, encryption_context: dict[str, str] | None) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return head + nonce + aead.encrypt(nonce, plaintext, head + context_bytes(encryption_context))


def read_header(blob: bytes) -> tuple[Header, bytes]:
    """The header, and what follows it (nonce, ciphertext, tag)."""
    if len(blob) < _FIXED.size + 1 or blob[0] != FORMAT_VERSION:
        raise MalformedCiphertext("not a Stratus KMS ciphertext")
    _, kind, raw_id, version, account = _FIXED.unpack_from(blob)
    region_length = blob[_FIXED.size]
    end = _FIXED.size + 1 + region_length
    if len(blob) < end + NONCE_BYTES + 16:
        raise MalformedCiphertext("truncated")
    try:
        account_id = account.decode("ascii")
        region = blob[_FIXED.size + 1 : end].decode("ascii")
    except UnicodeDecodeError:
        raise MalformedCiphertext("bad header") from None
    if not account_id.isdigit():
        raise MalformedCiphertext("bad account")
    return Header(_key_id_text(kind, raw_id), version, account_id, region, blob[:end]), blob[end:]


def open_sealed(aead: AESGCM, head: Header, body: bytes, encryption_context: dict[str, str] | None) -> bytes:
    """The plaintext; raises InvalidTag when the key, the context or the blob is wrong."""
    nonce, sealed = body[:NONCE_BYTES], body[NONCE_BYTES:]
    return aead.decrypt(nonce, sealed, head.raw + context_bytes(encryption_context))


__all__ = ["Header", "InvalidTag", "MalformedCiphertext", "header", "open_sealed", "read_header", "seal"]
