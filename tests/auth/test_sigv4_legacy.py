"""S3's SigV2 (botocore's HmacV1Auth/HmacV1QueryAuth as the oracle) and SigV4a (ECDSA)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace

import pytest
from botocore.auth import HmacV1Auth, HmacV1QueryAuth, S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from stratus.auth.sigv4 import SIGV2, SIGV4A, read_signature
from stratus.auth.sigv4a import derive_private_key
from stratus.protocol.http import RequestBody

from .test_sigv4_support import (
    ACCESS_KEY,
    ENDPOINT,
    SECRET,
    credentials,
    read_rejected,
    rejected,
    to_http,
    verify,
)

# ---- SigV2 ----------------------------------------------------------------------------------------


def v2(method: str = "GET", path: str = "/bucket/a%20b/%C3%BC%2B%252F", *, headers=None, url=None, **options):
    request = AWSRequest(method, url or ENDPOINT + path, headers=headers or {}, **options)
    HmacV1Auth(credentials()).add_auth(request)
    return to_http(request)


def v2_url(path: str = "/bucket/key", expires: int = 3600, token: str | None = None):
    request = AWSRequest("GET", ENDPOINT + path)
    HmacV1QueryAuth(credentials(token), expires=expires).add_auth(request)
    return to_http(request)


@pytest.mark.parametrize(
    "build",
    [
        lambda: v2(),
        lambda: v2("PUT", data=b"body", headers={"Content-Type": "text/plain", "x-amz-meta-color": "blue"}),
        lambda: v2("GET", "/bucket?acl"),
        lambda: v2("GET", "/bucket/key?versionId=3&response-content-type=text%2Fplain&other=1"),
        lambda: v2(url="http://bucket.s3.localhost.localstack.cloud:4566/key", auth_path="/bucket/key"),
    ],
    ids=["special key", "put with metadata", "subresource", "query", "virtual-hosted"],
)
def test_sigv2_header(build):
    info = verify(build(), "s3")
    assert (info.algorithm, info.access_key_id, info.presigned) == (SIGV2, ACCESS_KEY, False)


def test_sigv2_wrong_secret():
    error = rejected(v2(), "s3", secret="wrong")
    assert (error.code, error.status) == ("SignatureDoesNotMatch", 403)
    assert error.fields["StringToSign"].startswith("GET\n\n\n")
    assert error.fields["StringToSign"].endswith("\n/bucket/a%20b/%C3%BC%2B%252F")


@pytest.mark.parametrize(
    "mutation",
    [
        lambda r: replace(r, path="/bucket/other"),
        lambda r: replace(r, method="DELETE"),
        lambda r: replace(r, headers={**r.headers, "x-amz-acl": "public-read"}),
        lambda r: replace(r, query_string="acl"),
    ],
)
def test_sigv2_tampered(mutation):
    assert rejected(mutation(v2()), "s3").code == "SignatureDoesNotMatch"


def test_sigv2_skew():
    request = v2()
    error = rejected(request, "s3", now=time.time() + 3600)
    assert (error.code, error.status) == ("RequestTimeTooSkewed", 403)
    assert error.fields["RequestTime"] == request.headers["date"]


def test_sigv2_header_without_a_colon():
    request = replace(v2(), headers={**v2().headers, "authorization": "AWS AKIDONLY"})
    error = read_rejected(request, "s3")
    assert (error.code, error.status) == ("InvalidArgument", 400)
    assert error.message == "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature"


def test_sigv2_header_outside_s3():
    error = read_rejected(v2(), "cloudfront")
    assert error.code == "IncompleteSignature"
    assert error.message.startswith("Authorization header requires 'Credential' parameter.")


def test_sigv2_presigned_url():
    info = verify(v2_url(token="tok/en+=="), "s3")
    assert info.presigned and info.session_token == "tok/en+=="
    assert info.expires_at > time.time()


def test_sigv2_presigned_url_expires_by_the_real_clock():
    request = v2_url(expires=60)
    error = rejected(request, "s3", now=time.time() + 120)
    assert (error.code, error.status, error.message) == ("AccessDenied", 403, "Request has expired")
    assert set(error.fields) == {"Expires", "ServerTime"}


def test_sigv2_presigned_url_tampered():
    request = v2_url()
    assert rejected(replace(request, path="/bucket/other"), "s3").code == "SignatureDoesNotMatch"


def test_sigv2_presigned_url_needs_expires():
    request = v2_url()
    query = "&".join(item for item in request.query_string.split("&") if not item.startswith("Expires="))
    error = read_rejected(replace(request, query_string=query), "s3")
    assert (error.code, error.status) == ("AccessDenied", 403)
    assert (
        error.message
        == "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters"
    )


# ---- SigV4a ---------------------------------------------------------------------------------------


def test_sigv4a_key_derivation_matches_the_aws_sdk():
    # aws-sdk-go-v2 internal/v4a TestDeriveECDSAKeyPairFromSecret
    key = derive_private_key("AKISORANDOMAASORANDOM", "q+jcrXGc+0zWN6uzclKVhvMmUsIfRPa4rlRandom")
    numbers = key.public_key().public_numbers()
    assert numbers.x == 0x15D242CEEBF8D8169FD6A8B5A746C41140414C3B07579038DA06AF89190FFFCB
    assert numbers.y == 0x515242CEDD82E94799482E4C0514B505AFCCF2C0C98D6A553BF539F424C5EC0


def sigv4a(
    service: str = "dynamodb", *, secret: str = SECRET, method="POST", path="/", body=b"{}", headers=None
):
    """A SigV4a request: botocore builds the canonical request, the derived key signs it."""
    timestamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    request = AWSRequest(method, ENDPOINT + path, data=body, headers=headers or {})
    request.headers["X-Amz-Date"] = timestamp
    request.headers["X-Amz-Region-Set"] = "us-east-1,us-west-2"
    request.context["timestamp"] = timestamp
    signer = (S3SigV4Auth if service == "s3" else SigV4Auth)(credentials(), service, "*")
    canonical = signer.canonical_request(request)
    scope = f"{timestamp[:8]}/{service}/aws4_request"
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    string_to_sign = f"AWS4-ECDSA-P256-SHA256\n{timestamp}\n{scope}\n{digest}"
    signature = derive_private_key(ACCESS_KEY, secret).sign(
        string_to_sign.encode(), ec.ECDSA(hashes.SHA256())
    )
    signed_headers = signer.signed_headers(signer.headers_to_sign(request))
    request.headers["Authorization"] = (
        f"AWS4-ECDSA-P256-SHA256 Credential={ACCESS_KEY}/{scope}, SignedHeaders={signed_headers}, "
        f"Signature={signature.hex()}"
    )
    return to_http(request)


def test_sigv4a_verifies():
    info = verify(sigv4a(headers={"X-Amz-Target": "DynamoDB_20120810.ListTables"}), "dynamodb")
    assert (info.algorithm, info.region, info.service) == (SIGV4A, "us-east-1,us-west-2", "dynamodb")


def test_sigv4a_s3():
    body = b"object data"
    headers = {"X-Amz-Content-SHA256": hashlib.sha256(body).hexdigest()}
    verify(sigv4a("s3", method="PUT", path="/bucket/a%20b", body=body, headers=headers), "s3")


def test_sigv4a_wrong_secret():
    error = rejected(sigv4a(secret="another secret"), "dynamodb")
    assert (error.code, error.status) == ("InvalidSignatureException", 400)


def test_sigv4a_tampered():
    request = replace(sigv4a(), body=RequestBody(b'{"changed": true}'))
    assert rejected(request, "dynamodb").code == "InvalidSignatureException"


def test_sigv4a_garbage_signature():
    request = sigv4a()
    authorization = request.headers["authorization"].rsplit("Signature=", 1)[0] + "Signature=zz"
    error = rejected(
        replace(request, headers={**request.headers, "authorization": authorization}), "dynamodb"
    )
    assert error.code == "InvalidSignatureException"


def test_sigv4a_signed_chunks_are_not_supported():
    headers = {"X-Amz-Content-SHA256": "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"}
    request = sigv4a("s3", method="PUT", path="/bucket/key", body=b"", headers=headers)
    assert read_signature(request).algorithm == SIGV4A
    error = rejected(request, "s3")
    assert (error.code, error.status) == ("NotImplemented", 501)
