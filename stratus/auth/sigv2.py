"""S3's legacy signature (SigV2, HMAC-SHA1): `Authorization: AWS AKID:sig` and `?AWSAccessKeyId=&Signature=&Expires=`.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html

    StringToSign = METHOD \\n Content-MD5 \\n Content-Type \\n Date (presigned: Expires) \\n
                   x-amz-* headers, "name:value\\n" each, sorted \\n
                   resource: /bucket/key plus the sub-resources of the query string
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from stratus.auth.amz_time import MAX_SKEW_SECONDS
from stratus.auth.canonical import query_pairs
from stratus.auth.signature_errors import signature_error
from stratus.auth.signature_reading import SignatureInfo
from stratus.core.clock import Clock
from stratus.protocol.http import HttpRequest

# Query parameters that are part of the signed resource (the list botocore's HmacV1Auth signs).
SUBRESOURCES = frozenset(
    {
        "accelerate",
        "acl",
        "analytics",
        "cors",
        "defaultObjectAcl",
        "delete",
        "inventory",
        "lifecycle",
        "location",
        "logging",
        "metrics",
        "notification",
        "object-lock",
        "partNumber",
        "policy",
        "replication",
        "requestPayment",
        "response-cache-control",
        "response-content-disposition",
        "response-content-encoding",
        "response-content-language",
        "response-content-type",
        "response-expires",
        "restore",
        "select",
        "select-type",
        "storageClass",
        "tagging",
        "torrent",
        "uploadId",
        "uploads",
        "versionId",
        "versioning",
        "versions",
        "website",
    }
)


def string_to_sign(request: HttpRequest, info: SignatureInfo, resource_path: str) -> str:
    headers = request.headers
    pairs = query_pairs(request.query_string)
    query = dict(pairs)
    if info.presigned:
        date_line = query.get("Expires", "")
    elif "x-amz-date" in headers:
        date_line = ""  # with x-amz-date present, S3 signs an empty Date line
    else:
        date_line = headers.get("date", "")
    content_md5 = headers.get("content-md5", query.get("content-md5", "") if info.presigned else "")
    content_type = headers.get("content-type", query.get("content-type", "") if info.presigned else "")
    amz: dict[str, list[str]] = {}
    for name, value in headers.items():
        if name.startswith("x-amz-"):
            amz.setdefault(name, []).append(value.strip())
    if info.presigned:  # presigners move x-amz-* headers (the security token) into the query
        for name, value in pairs:
            lowered = name.lower()
            if lowered.startswith("x-amz-") and lowered not in headers:
                amz.setdefault(lowered, []).append(value.strip())
    amz_lines = "".join(f"{name}:{','.join(amz[name])}\n" for name in sorted(amz))
    subresources = sorted((name, value) for name, value in pairs if name in SUBRESOURCES)
    resource = resource_path
    if subresources:
        resource += "?" + "&".join(f"{name}={value}" if value else name for name, value in subresources)
    return f"{request.method.upper()}\n{content_md5}\n{content_type}\n{date_line}\n{amz_lines}{resource}"


def _sign(secret: str, text: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def _resource_paths(request: HttpRequest) -> list[str]:
    """The path as sent, then (virtual-hosted style) with the bucket from the Host header in front."""
    paths = [request.path or "/"]
    host = request.headers.get("host", "").rsplit(":", 1)[0]
    bucket = None
    for marker in (".s3.", ".s3-"):
        if marker in host:
            bucket = host.split(marker, 1)[0]
            break
    else:
        labels = host.split(".")
        if len(labels) > 1 and labels[0] not in ("s3", "localhost") and not host.replace(".", "").isdigit():
            bucket = labels[0]
    if bucket:
        paths.append(f"/{bucket}{request.path or '/'}")
    return paths


def verify_sigv2(
    request: HttpRequest, info: SignatureInfo, secret: str, *, service: str, now_real: float, clock: Clock
) -> None:
    """Check a SigV2 request's time window and signature; S3 only, as on AWS."""
    if service not in ("s3", "s3control"):
        raise signature_error(
            "malformed", service, message="Signature Version 2 is not supported for this service."
        )
    if info.presigned:
        # Expires is an absolute real-clock time chosen by the signer; compared with the real clock.
        if info.expires_at is not None and now_real > info.expires_at:
            raise signature_error(
                "expired_presigned", service, expires_at=info.expires_at, now=now_real, amz_date=""
            )
    elif info.signed_at is not None and abs(info.signed_at - now_real) > MAX_SKEW_SECONDS:
        raise signature_error(
            "skewed",
            service,
            request_time=info.amz_date,
            amz_date=info.amz_date,
            signed_at=info.signed_at,
            now=now_real,
        )
    first = None
    for path in _resource_paths(request):
        text = string_to_sign(request, info, path)
        first = first or text
        if hmac.compare_digest(_sign(secret, text), info.signature):
            return
    raise signature_error(
        "bad_signature",
        service,
        access_key_id=info.access_key_id,
        signature=info.signature,
        string_to_sign=first,
    )
