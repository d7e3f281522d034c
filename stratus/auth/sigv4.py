"""Request signature verification (STRATUS_IAM=audit|enforce): does the signature fit the key's secret?

The dispatcher calls, per request:

    info = read_signature(request)           # parse only; None for an anonymous request
    secret = <the secret of info.access_key_id>
    verify_signature(request, info, secret, service=..., now_real=time.time(), clock=runtime.clock)

Supported: SigV4 in the Authorization header and presigned (X-Amz-*) query strings, SigV4a
(AWS4-ECDSA-P256-SHA256) likewise, S3's SigV2 (header and query), and S3's signed streaming
uploads, whose chunk signatures are checked as the body is read (`request.chunk_signature_check`).

Time: a signed header must be within 15 minutes of the REAL clock (SDKs sign with real time, even
after a user moved Stratus's clock forward). A presigned S3 URL expires by the emulated clock: when
`clock.time() > clock.emulated_at(signed_at) + X-Amz-Expires`, so advancing the clock expires URLs
signed before the advance but not those signed after it. Other services ignore X-Amz-Expires and
give a presigned request 15 minutes, as AWS does.
"""

from __future__ import annotations

import hmac

from stratus.auth import sigv4a
from stratus.auth.amz_time import MAX_SKEW_SECONDS
from stratus.auth.canonical import (
    S3_SIGNING_NAMES,
    SPECIAL_PAYLOAD_HASHES,
    STREAMING_ECDSA,
    STREAMING_ECDSA_TRAILER,
    STREAMING_SIGNED,
    STREAMING_SIGNED_TRAILER,
    UNSIGNED_PAYLOAD,
    body_sha256,
    canonical_headers,
    canonical_query,
    canonical_uri,
    is_hex_sha256,
    keyed_hmac_hex,
    sha256_hex,
    signing_key,
)
from stratus.auth.chunk_signing import chunk_signature_check
from stratus.auth.signature_errors import error_family, s3_error, signature_error
from stratus.auth.signature_reading import SIGV2, SIGV4, SIGV4A, SignatureInfo, read_signature
from stratus.auth.sigv2 import verify_sigv2
from stratus.core.clock import Clock
from stratus.protocol.http import HttpRequest

__all__ = [
    "SIGV2",
    "SIGV4",
    "SIGV4A",
    "SignatureInfo",
    "chunk_signature_check",
    "read_signature",
    "signature_error",
    "verify_signature",
]


def verify_signature(
    request: HttpRequest,
    info: SignatureInfo,
    secret: str,
    *,
    service: str,
    now_real: float,
    clock: Clock,
) -> None:
    """Raise AWS's ServiceError unless `info`'s signature is valid for `secret`, now.

    `service` is the botocore service name (it picks the error family); `now_real` is the real
    wall clock, `clock` the emulated one (presigned URL expiry). On a signed streaming upload, sets
    `request.chunk_signature_check` so the body's chunk signatures are verified as it is read.
    """
    if info.algorithm == SIGV2:
        verify_sigv2(request, info, secret, service=service, now_real=now_real, clock=clock)
        return
    _check_time(info, service, now_real, clock)
    s3_style = info.service in S3_SIGNING_NAMES
    if not s3_style and "host" not in info.signed_headers:
        message = "'Host' must be a 'SignedHeader' in the AWS Authorization."
        raise signature_error("bad_signature", service, message=message)
    payload_hash = _payload_hash(request, info, s3_style)
    canonical = _canonical_request(request, info, payload_hash, s3_style)
    if info.algorithm == SIGV4A:
        string_to_sign = sigv4a.string_to_sign(info.amz_date or "", info.credential_scope or "", canonical)
        valid = sigv4a.signature_matches(info.access_key_id, secret, string_to_sign, info.signature)
    else:
        string_to_sign = f"{SIGV4}\n{info.amz_date}\n{info.credential_scope}\n{sha256_hex(canonical)}"
        date, region, signing_name, _ = (info.credential_scope or "///").split("/")
        expected = keyed_hmac_hex(signing_key(secret, date, region, signing_name), string_to_sign)
        valid = hmac.compare_digest(expected, info.signature)
    if not valid:
        raise signature_error(
            "bad_signature",
            service,
            access_key_id=info.access_key_id,
            signature=info.signature,
            string_to_sign=string_to_sign,
            canonical_request=canonical,
        )
    if s3_style and not info.presigned and is_hex_sha256(payload_hash):
        _check_body_hash(request, payload_hash)
    if payload_hash in (STREAMING_SIGNED, STREAMING_SIGNED_TRAILER):
        request.chunk_signature_check = chunk_signature_check(info, secret)
    elif payload_hash in (STREAMING_ECDSA, STREAMING_ECDSA_TRAILER):
        raise signature_error(
            "not_supported",
            service,
            message="Stratus cannot verify SigV4a (ECDSA) chunk signatures; upload with SigV4 or "
            "an unsigned streaming payload",
        )


def check_presigned_expiry(info: SignatureInfo, service: str, *, now_real: float, clock: Clock) -> None:
    """A presigned URL's time window alone (with IAM off: the signature is not checked, but an
    expired URL is refused as AWS refuses it)."""
    if not info.presigned:
        return
    if info.algorithm == SIGV2:
        if info.expires_at is not None and now_real > info.expires_at:
            raise signature_error(
                "expired_presigned", service, expires_at=info.expires_at, now=now_real, amz_date=""
            )
        return
    _check_time(info, service, now_real, clock)


def _check_time(info: SignatureInfo, service: str, now_real: float, clock: Clock) -> None:
    signed_at = info.signed_at
    if signed_at is None:  # read_signature never leaves a SigV4 request without a date
        return
    timing = {"amz_date": info.amz_date, "signed_at": signed_at}
    if not info.presigned:
        if abs(signed_at - now_real) > MAX_SKEW_SECONDS:
            raise signature_error("skewed", service, now=now_real, **timing)
        return
    if signed_at > now_real + MAX_SKEW_SECONDS:
        raise signature_error("not_yet_valid", service, now=now_real, **timing)
    lifetime = info.expires_in if error_family(service) == "s3" else MAX_SKEW_SECONDS
    if lifetime is None:
        lifetime = MAX_SKEW_SECONDS
    signed_emulated = clock.emulated_at(signed_at)
    now = clock.time()
    if now > signed_emulated + lifetime:
        raise signature_error(
            "expired_presigned",
            service,
            amz_date=info.amz_date,
            signed_at=signed_emulated,
            now=now,
            expires_at=signed_emulated + lifetime,
            expires_in=info.expires_in,
        )


def _payload_hash(request: HttpRequest, info: SignatureInfo, s3_style: bool) -> str:
    """What the signer put last in its canonical request, per AWS's rules for the request's kind."""
    declared = request.headers.get("x-amz-content-sha256")
    if info.presigned:
        if declared is not None and "x-amz-content-sha256" in info.signed_headers:
            return declared
        if s3_style:
            return info.content_sha256 or UNSIGNED_PAYLOAD
        return declared if declared is not None else body_sha256(request.body)
    if s3_style:
        if declared is None:
            raise s3_error("InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
        if declared not in SPECIAL_PAYLOAD_HASHES and not is_hex_sha256(declared):
            raise s3_error(
                "InvalidArgument",
                "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
                "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
                "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER "
                "or a valid sha256 value.",
                ArgumentName="x-amz-content-sha256",
                ArgumentValue=declared,
            )
        return declared
    return declared if declared is not None else body_sha256(request.body)


def _canonical_request(request: HttpRequest, info: SignatureInfo, payload_hash: str, s3_style: bool) -> str:
    query = canonical_query(request.query_string, without="X-Amz-Signature" if info.presigned else None)
    return "\n".join(
        (
            request.method.upper(),
            canonical_uri(request.path, s3_style=s3_style),
            query,
            canonical_headers(request.headers, info.signed_headers),
            ";".join(info.signed_headers),
            payload_hash,
        )
    )


def _check_body_hash(request: HttpRequest, declared: str) -> None:
    """S3 refuses a body whose SHA-256 differs from the x-amz-content-sha256 it signed."""
    computed = body_sha256(request.body)
    if computed != declared.lower():
        raise s3_error(
            "XAmzContentSHA256Mismatch",
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
            ClientComputedContentSHA256=declared,
            S3ComputedContentSHA256=computed,
        )
