"""Helpers for the signature tests (no tests here): requests signed by botocore, the oracle, as HttpRequests."""

from __future__ import annotations

import time
from dataclasses import replace
from urllib.parse import urlsplit

import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from stratus.auth.sigv4 import SignatureInfo, read_signature, verify_signature
from stratus.core.clock import Clock
from stratus.protocol.errors import ServiceError
from stratus.protocol.http import HttpRequest, RequestBody

ACCESS_KEY = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
ENDPOINT = "http://localhost:4566"


def credentials(token: str | None = None) -> Credentials:
    return Credentials(ACCESS_KEY, SECRET, token)


def to_http(request: AWSRequest) -> HttpRequest:
    """What Stratus's gateway would hand over for this signed botocore request."""
    prepared = request.prepare()
    parts = urlsplit(prepared.url)
    headers = {}
    for name, value in prepared.headers.items():
        text = value.decode("utf-8") if isinstance(value, bytes) else value
        lowered = name.lower()
        headers[lowered] = f"{headers[lowered]},{text}" if lowered in headers else text
    headers.setdefault("host", parts.netloc)
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    return HttpRequest(prepared.method, parts.path or "/", parts.query, headers, RequestBody(body))


def signed(
    service: str,
    method: str = "POST",
    path: str = "/",
    *,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
    token: str | None = None,
    signing_name: str | None = None,
) -> HttpRequest:
    """A request signed in the Authorization header, as botocore signs `service` (S3 its own way)."""
    request = AWSRequest(method, ENDPOINT + path, data=body, headers=headers or {}, params=params or {})
    name = signing_name or service
    signer = S3SigV4Auth if name == "s3" else SigV4Auth
    signer(credentials(token), name, "us-east-1").add_auth(request)
    return to_http(request)


def presigned(
    service: str, method: str = "GET", path: str = "/", *, expires: int = 3600, params=None, token=None
) -> HttpRequest:
    request = AWSRequest(method, ENDPOINT + path, params=params or {})
    signer = S3SigV4QueryAuth if service == "s3" else SigV4QueryAuth
    signer(credentials(token), service, "us-east-1", expires=expires).add_auth(request)
    return to_http(request)


def verify(
    request: HttpRequest,
    service: str,
    *,
    secret: str = SECRET,
    now: float | None = None,
    clock: Clock | None = None,
    info: SignatureInfo | None = None,
) -> SignatureInfo:
    info = info or read_signature(request, service=service)
    assert info is not None
    verify_signature(
        request,
        info,
        secret,
        service=service,
        now_real=time.time() if now is None else now,
        clock=clock or Clock(),
    )
    return info


def rejected(request: HttpRequest, service: str, **options) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        verify(request, service, **options)
    return caught.value


def read_rejected(request: HttpRequest, service: str | None = None) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        read_signature(request, service=service)
    return caught.value


def with_headers(request: HttpRequest, **changes: str) -> HttpRequest:
    """A copy with headers changed (names use `_` for `-`)."""
    headers = dict(request.headers)
    for name, value in changes.items():
        headers[name.replace("_", "-")] = value
    return replace(request, headers=headers, _query=None)
