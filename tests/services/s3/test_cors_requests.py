"""Browsers' CORS against a bucket: the OPTIONS preflight is answered from the bucket's CORS rules
(403 when none matches), and actual responses carry the Access-Control-* headers of the rule."""

from __future__ import annotations

import http.client as http_client
from urllib.parse import urlsplit

import pytest

RULES = {
    "CORSRules": [
        {
            "AllowedOrigins": ["https://*.example.com"],
            "AllowedMethods": ["GET", "PUT"],
            "AllowedHeaders": ["content-type", "x-amz-*"],
            "ExposeHeaders": ["ETag"],
            "MaxAgeSeconds": 600,
        },
        {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
    ]
}


@pytest.fixture
def browser(stratus_endpoint):
    connection = http_client.HTTPConnection(urlsplit(stratus_endpoint).netloc, timeout=10)
    yield connection
    connection.close()


def _send(connection, method: str, path: str, headers: dict) -> tuple[int, dict, bytes]:
    connection.request(method, path, headers=headers)
    answer = connection.getresponse()
    return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()


def test_preflight_needs_cors_rules(s3, bucket, browser):
    status, _, body = _send(
        browser,
        "OPTIONS",
        f"/{bucket}/photo.jpg",
        {"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"},
    )
    assert status == 403 and b"<Code>CORSResponse</Code>" in body
    assert b"CORS is not enabled for this bucket." in body


def test_preflight_allowed_by_the_first_matching_rule(s3, bucket, browser):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=RULES)
    status, headers, body = _send(
        browser,
        "OPTIONS",
        f"/{bucket}/photo.jpg",
        {
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "Content-Type, X-Amz-Date",
        },
    )
    assert status == 200 and body == b""
    assert headers["access-control-allow-origin"] == "https://app.example.com"
    assert headers["access-control-allow-methods"] == "GET, PUT"
    assert headers["access-control-allow-headers"] == "content-type, x-amz-date"
    assert headers["access-control-expose-headers"] == "ETag"
    assert headers["access-control-max-age"] == "600"
    assert headers["access-control-allow-credentials"] == "true"


def test_preflight_refused_when_no_rule_matches(s3, bucket, browser):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=RULES)
    for headers in (
        {"Origin": "https://evil.test", "Access-Control-Request-Method": "PUT"},  # origin only in the * rule
        {"Origin": "https://app.example.com", "Access-Control-Request-Method": "DELETE"},
        {
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization-extra",
        },
    ):
        status, _, body = _send(browser, "OPTIONS", f"/{bucket}/photo.jpg", headers)
        assert status == 403 and b"<Code>CORSResponse</Code>" in body, headers


def test_preflight_without_origin_is_a_bad_request(s3, bucket, browser):
    status, _, body = _send(
        browser, "OPTIONS", f"/{bucket}/photo.jpg", {"Access-Control-Request-Method": "GET"}
    )
    assert status == 400 and b"Origin request header needed" in body


def test_actual_responses_carry_the_rules_headers(s3, bucket, browser):
    s3.put_object(Bucket=bucket, Key="photo.jpg", Body=b"jpeg")
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=RULES)
    status, headers, body = _send(browser, "GET", f"/{bucket}/photo.jpg", {"Origin": "https://anyone.test"})
    assert (status, body) == (200, b"jpeg")
    assert headers["access-control-allow-origin"] == "*"  # the second rule, any origin, no credentials
    assert "access-control-allow-credentials" not in headers
    status, headers, _ = _send(browser, "GET", f"/{bucket}/photo.jpg", {})
    assert not any(name.startswith("access-control") for name in headers)
