"""Presigned URLs through the server with IAM on: verified, and expired by the emulated clock."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from botocore.config import Config

from stratus.testing import post_json


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


BUCKET, KEY = "presigned-bucket", "k"


def _object(aws_client) -> None:
    client = aws_client("s3")
    client.create_bucket(Bucket=BUCKET)
    client.put_object(Bucket=BUCKET, Key=KEY, Body=b"presigned body")


@pytest.fixture
def s3(aws_client, stratus_endpoint):
    _object(aws_client)
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    return aws_client("s3", config=Config(signature_version="s3v4"))


def test_a_sigv2_presigned_url_is_verified_too(aws_client, stratus_endpoint):
    # boto3's default for presigned S3 URLs in us-east-1 is still SigV2 (Expires is absolute,
    # real time: the signer's signing time is not in the URL, so the emulated clock cannot age it).
    _object(aws_client)
    post_json(f"{stratus_endpoint}/_stratus/iam", {"mode": "enforce"})
    url = aws_client("s3").generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": KEY})
    assert "Signature=" in url and "X-Amz-Signature" not in url
    assert fetch(url) == (200, b"presigned body")
    assert fetch(url.replace(f"/{BUCKET}/{KEY}?", f"/{BUCKET}/x?"))[0] == 403
    expired = aws_client("s3").generate_presigned_url(
        "get_object", Params={"Bucket": "b", "Key": "k"}, ExpiresIn=-10
    )
    status, body = fetch(expired)
    assert status == 403
    assert b"Request has expired" in body


def test_a_valid_presigned_url_passes_authentication(s3):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": KEY}, ExpiresIn=60)
    status, body = fetch(url)
    assert (status, body) == (200, b"presigned body")


def test_a_presigned_url_expires_when_the_clock_moves_past_it(s3, stratus_server):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"}, ExpiresIn=60)
    stratus_server.advance_clock(61)
    status, body = fetch(url)
    assert status == 403
    assert b"<Code>AccessDenied</Code>" in body
    assert b"<Message>Request has expired</Message>" in body


def test_a_tampered_presigned_url_does_not_verify(s3):
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"}, ExpiresIn=60)
    status, body = fetch(url.replace("/b/k?", "/b/other?"))
    assert status == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in body


def test_with_iam_off_any_signature_passes_but_expiry_holds(aws_client, stratus_endpoint, stratus_server):
    wrong = aws_client(
        "s3", aws_access_key_id="test", aws_secret_access_key="wrong", config=Config(signature_version="s3v4")
    )
    _object(aws_client)
    url = wrong.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": KEY}, ExpiresIn=60)
    assert fetch(url) == (200, b"presigned body")  # a wrong secret is not checked with IAM off
    stratus_server.advance_clock(61)
    status, body = fetch(url)  # ... but an expired URL is refused in every mode, as AWS does
    assert status == 403 and b"Request has expired" in body
    sigv2 = aws_client("s3").generate_presigned_url(
        "get_object", Params={"Bucket": BUCKET, "Key": KEY}, ExpiresIn=-10
    )
    status, body = fetch(sigv2)
    assert status == 403 and b"Request has expired" in body
