"""The pieces of a SigV4 canonical request, built from the request exactly as it arrived.

https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html — the canonical URI,
query string and headers, the payload hash, and the HMAC chain that turns a secret into a signing
key (cached: it is the same for every request of a key on a given day).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
from urllib.parse import quote, unquote_plus, unquote_to_bytes

from stratus.protocol.http import SPOOL_IN_MEMORY_BYTES, RequestBody

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
STREAMING_ECDSA = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
STREAMING_ECDSA_TRAILER = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"
# The non-hash values S3 accepts in x-amz-content-sha256.
SPECIAL_PAYLOAD_HASHES = frozenset(
    {
        UNSIGNED_PAYLOAD,
        STREAMING_SIGNED,
        STREAMING_SIGNED_TRAILER,
        STREAMING_UNSIGNED_TRAILER,
        STREAMING_ECDSA,
        STREAMING_ECDSA_TRAILER,
    }
)

# Signing names whose canonical URI is the path as sent (single-encoded, not normalized).
S3_SIGNING_NAMES = frozenset({"s3", "s3-object-lambda", "s3express", "s3-outposts"})

_UNRESERVED = "-_.~"
_ALREADY_CANONICAL = re.compile(r"[A-Za-z0-9\-_.~]*")
_HASH_BLOCK = 1024 * 1024


def is_hex_sha256(value: str) -> bool:
    return len(value) == 64 and all(char in "0123456789abcdefABCDEF" for char in value)


def query_pairs(raw: str) -> list[tuple[str, str]]:
    """The raw query string as decoded (name, value) pairs, `+` read as a space (as AWS does)."""
    pairs = []
    for item in raw.split("&"):
        if item:
            name, _, value = item.partition("=")
            pairs.append((unquote_plus(name), unquote_plus(value)))
    return pairs


@functools.lru_cache(maxsize=1024)  # the same paths come again and again
def canonical_uri(path: str, *, s3_style: bool) -> str:
    """S3 signs the path as sent; every other service URI-encodes the normalized path once more."""
    if s3_style:
        return path or "/"
    return quote(_remove_dot_segments(path), safe="/~")


def _remove_dot_segments(path: str) -> str:
    # RFC 3986 normalization as AWS's SDKs do it: drop empty and "." segments, resolve "..".
    if not path:
        return "/"
    kept: list[str] = []
    for segment in path.split("/"):
        if not segment or segment == ".":
            continue
        if segment == "..":
            if kept:
                kept.pop()
        else:
            kept.append(segment)
    leading = "/" if path.startswith("/") else ""
    trailing = "/" if path.endswith("/") and kept else ""
    return leading + "/".join(kept) + trailing


def canonical_query(raw: str, *, without: str | None = None) -> str:
    """Each name and value decoded then URI-encoded, sorted by name then value; `without` is left out.

    A `+` is a space: botocore sends spaces as `+` (urlencode) but signs them as `%20`.
    """
    if not raw:
        return ""
    pairs = []
    for item in raw.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        name = _reencode(name)
        if name == without:
            continue
        pairs.append((name, _reencode(value)))
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs)


def _reencode(text: str) -> str:
    if _ALREADY_CANONICAL.fullmatch(text):
        return text  # the common case, skipped cheaply
    return quote(unquote_to_bytes(text.replace("+", " ")), safe=_UNRESERVED)


def canonical_headers(headers: dict[str, str], signed: tuple[str, ...]) -> str:
    """`name:value\\n` per signed header, values trimmed with inner runs of whitespace collapsed."""
    lines = []
    for name in signed:
        value = headers.get(name, "")
        lines.append(f"{name}:{' '.join(value.split())}\n")
    return "".join(lines)


def body_sha256(body: RequestBody) -> str:
    """Hex SHA-256 of the body; a body spooled to disk is hashed in blocks, never loaded whole."""
    if not body.size:
        return EMPTY_SHA256
    if body.size <= SPOOL_IN_MEMORY_BYTES:
        return hashlib.sha256(body.read()).hexdigest()
    digest = hashlib.sha256()
    stream = body.stream()
    while block := stream.read(_HASH_BLOCK):
        digest.update(block)
    stream.seek(0)
    return digest.hexdigest()


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hmac_sha256(key: bytes, message: str) -> bytes:
    return hmac.digest(key, message.encode("utf-8"), "sha256")  # one-shot C path: no HMAC object


# Derived keys by (secret, date, region, service): a handful are live at any time, and the four
# chained HMACs would otherwise be a third of a verification's cost.
_SIGNING_KEYS: dict[tuple[str, str, str, str], bytes] = {}
_SIGNING_KEYS_MAX = 256


_HMAC_PADS: dict[bytes, tuple[object, object]] = {}


def keyed_hmac_hex(key: bytes, message: str) -> str:
    """HMAC-SHA256 with a key used again and again (a signing key): its inner and outer pad states
    are hashed once and copied per message, which skips OpenSSL's per-call HMAC set-up."""
    pads = _HMAC_PADS.get(key)
    if pads is None:
        block = key.ljust(64, b"\0")  # signing keys are 32 bytes, under SHA-256's 64-byte block
        pads = (
            hashlib.sha256(bytes(b ^ 0x36 for b in block)),
            hashlib.sha256(bytes(b ^ 0x5C for b in block)),
        )
        if len(_HMAC_PADS) >= _SIGNING_KEYS_MAX:
            _HMAC_PADS.clear()
        _HMAC_PADS[key] = pads
    inner, outer = pads[0].copy(), pads[1].copy()  # type: ignore[attr-defined]
    inner.update(message.encode("utf-8"))
    outer.update(inner.digest())
    return outer.hexdigest()


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")."""
    cache_key = (secret, date, region, service)
    key = _SIGNING_KEYS.get(cache_key)
    if key is None:
        key = hmac_sha256(f"AWS4{secret}".encode(), date)
        for part in (region, service, "aws4_request"):
            key = hmac_sha256(key, part)
        if len(_SIGNING_KEYS) >= _SIGNING_KEYS_MAX:
            _SIGNING_KEYS.clear()  # rare (hundreds of keys or days); simpler than LRU bookkeeping
        _SIGNING_KEYS[cache_key] = key
    return key
