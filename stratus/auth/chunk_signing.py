"""The per-chunk signature chain of S3's signed streaming uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD).

Each chunk's signature signs the previous signature (the seed is the request's own signature) and
the SHA-256 of the chunk's data, so chunks can be neither altered, dropped nor reordered:

    AWS4-HMAC-SHA256-PAYLOAD \\n <amz date> \\n <scope> \\n <previous signature> \\n
    <sha256 of ""> \\n <sha256 of chunk data>

With `...-PAYLOAD-TRAILER` the trailing headers are signed last:

    AWS4-HMAC-SHA256-TRAILER \\n <amz date> \\n <scope> \\n <previous signature> \\n
    <sha256 of "name:value\\n" per trailing header>

aws_chunked.py's decoder calls `chunk()` / `trailer()` as it reads the body.
"""

from __future__ import annotations

import hashlib
import hmac

from stratus.auth.canonical import (
    EMPTY_SHA256,
    STREAMING_SIGNED_TRAILER,
    keyed_hmac_hex,
    signing_key,
)
from stratus.auth.signature_errors import BAD_SIGNATURE_S3, s3_error
from stratus.auth.signature_reading import SignatureInfo
from stratus.protocol.aws_chunked import ChunkSignatureCheck
from stratus.protocol.errors import ServiceError


class ChunkSignatureChain:
    """Verifies one request's chunk signatures in order; raises S3's SignatureDoesNotMatch."""

    __slots__ = (
        "_access_key_id",
        "_key",
        "_chunk_prefix",
        "_trailer_prefix",
        "_previous",
        "_expects_trailer",
    )

    def __init__(self, key: bytes, info: SignatureInfo, *, expects_trailer: bool) -> None:
        self._access_key_id = info.access_key_id
        self._key = key
        self._chunk_prefix = f"AWS4-HMAC-SHA256-PAYLOAD\n{info.amz_date}\n{info.credential_scope}\n"
        self._trailer_prefix = f"AWS4-HMAC-SHA256-TRAILER\n{info.amz_date}\n{info.credential_scope}\n"
        self._previous = info.signature  # the seed signature
        self._expects_trailer = expects_trailer

    def chunk(self, signature: str | None, data_sha256: bytes) -> None:
        string_to_sign = f"{self._chunk_prefix}{self._previous}\n{EMPTY_SHA256}\n{data_sha256.hex()}"
        self._previous = self._check(string_to_sign, signature)

    def trailer(self, signature: str | None, headers: list[tuple[str, str]]) -> None:
        if not self._expects_trailer:
            return
        canonical = "".join(f"{name}:{value}\n" for name, value in headers)
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        self._previous = self._check(f"{self._trailer_prefix}{self._previous}\n{digest}", signature)

    def _check(self, string_to_sign: str, signature: str | None) -> str:
        expected = keyed_hmac_hex(self._key, string_to_sign)
        if signature is None or not hmac.compare_digest(expected, signature):
            raise self._mismatch(string_to_sign, signature)
        return expected

    def _mismatch(self, string_to_sign: str, signature: str | None) -> ServiceError:
        return s3_error(
            "SignatureDoesNotMatch",
            BAD_SIGNATURE_S3,
            status=403,
            AWSAccessKeyId=self._access_key_id,
            StringToSign=string_to_sign,
            SignatureProvided=signature or "",
        )


def chunk_signature_check(info: SignatureInfo, secret: str) -> ChunkSignatureCheck:
    """The checker for `info`'s signed stream: seeded with its signature, keyed by its scope."""
    date, region, service, _ = (info.credential_scope or "///").split("/")
    key = signing_key(secret, date, region, service)
    return ChunkSignatureChain(key, info, expects_trailer=info.content_sha256 == STREAMING_SIGNED_TRAILER)
