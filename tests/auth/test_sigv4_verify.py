"""SigV4 verification against requests signed by botocore's own signers (the oracle), then mutated."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest

from stratus.auth.amz_time import amz_timestamp
from stratus.auth.sigv4 import read_signature
from stratus.protocol.http import RequestBody

from .test_sigv4_support import (
    ACCESS_KEY,
    ENDPOINT,
    credentials,
    rejected,
    signed,
    to_http,
    verify,
    with_headers,
)

S3_KEY_PATH = "/bucket/a%20b/%C3%BC%2B%252F"  # the key "a b/ü+%2F", path-style
LAMBDA_PATH = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/invocations"


def dynamodb(body: dict | None = None, **options):
    headers = {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"}
    headers.update(options.pop("headers", {}))
    return signed("dynamodb", body=json.dumps(body or {}).encode(), headers=headers, **options)


def sts_query(**options):
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    return signed("sts", body=body, headers=headers, **options)


def sqs_json():
    headers = {"X-Amz-Target": "AmazonSQS.ListQueues", "Content-Type": "application/x-amz-json-1.0"}
    return signed("sqs", body=b"{}", headers=headers)


def lambda_invoke():
    return signed("lambda", "POST", LAMBDA_PATH, body=b'{"x": 1}')


def s3_put(body: bytes = b"hello world", path: str = S3_KEY_PATH, **options):
    return signed("s3", "PUT", path, body=body, **options)


# ---- requests that verify -------------------------------------------------------------------------

VALID = {
    "dynamodb json": (dynamodb, "dynamodb"),
    "dynamodb with session token": (lambda: dynamodb(token="FQoGZXIvYXdzE+/token=="), "dynamodb"),
    "lambda rest-json, colons in the path": (lambda_invoke, "lambda"),
    "lambda GET with a query": (
        lambda: signed(
            "lambda", "GET", "/2015-03-31/functions/", params={"MaxItems": "5", "Marker": "a b+c"}
        ),
        "lambda",
    ),
    "lambda path with dot and empty segments": (lambda: signed("lambda", "GET", "/a/./b//c/../d"), "lambda"),
    "sts query form body": (sts_query, "sts"),
    "sqs json (query compatible)": (sqs_json, "sqs"),
    "sqs query form body": (
        lambda: signed(
            "sqs",
            body=b"Action=ListQueues&Version=2012-11-05",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        "sqs",
    ),
    "s3 put, special characters in the key": (s3_put, "s3"),
    "s3 get with a query": (
        lambda: signed(
            "s3", "GET", "/bucket", params={"list-type": "2", "prefix": "a b/ü+%2F", "delimiter": "/"}
        ),
        "s3",
    ),
    "s3 empty body": (lambda: signed("s3", "GET", "/bucket/key"), "s3"),
    "header with runs of whitespace": (lambda: dynamodb(headers={"X-Custom": "  a   b\tc  "}), "dynamodb"),
    "Date header instead of X-Amz-Date": (
        lambda: dynamodb(headers={"Date": "Wed, 01 Jan 2025 00:00:00 GMT"}),
        "dynamodb",
    ),
}


@pytest.mark.parametrize("name", VALID)
def test_botocore_signed_requests_verify(name):
    build, service = VALID[name]
    info = verify(build(), service)
    assert info.access_key_id == ACCESS_KEY
    assert info.region == "us-east-1"
    assert not info.presigned


def test_the_session_token_is_read():
    info = verify(dynamodb(token="FQoGZXIvYXdzE+/token=="), "dynamodb")
    assert info.session_token == "FQoGZXIvYXdzE+/token=="


def test_an_unsigned_request_is_anonymous():
    request = to_http(AWSRequest("GET", ENDPOINT + "/bucket/key"))
    assert read_signature(request) is None


def test_repeated_query_names_sort_by_value():
    request = AWSRequest("GET", ENDPOINT + "/bucket?tag=b&tag=a&acl")
    S3SigV4Auth(credentials(), "s3", "us-east-1").add_auth(request)
    verify(to_http(request), "s3")


def test_unsigned_headers_may_change():
    verify(with_headers(dynamodb(), user_agent="something else", x_amzn_trace_id="Root=1"), "dynamodb")


def test_a_spooled_body_is_hashed_from_its_file(tmp_path):
    data = b"x" * (3 * 1024 * 1024)
    request = signed("dynamodb", body=data, headers={"X-Amz-Target": "DynamoDB_20120810.ListTables"})
    with open(tmp_path / "body", "w+b") as spool:
        spool.write(data)
        spool.flush()
        verify(replace(request, body=RequestBody(file=spool, size=len(data))), "dynamodb")


def test_s3_unsigned_payload():
    class UnsignedS3(S3SigV4Auth):
        def payload(self, request):
            return "UNSIGNED-PAYLOAD"

    request = AWSRequest("PUT", ENDPOINT + S3_KEY_PATH, data=b"anything")
    UnsignedS3(credentials(), "s3", "us-east-1").add_auth(request)
    http = to_http(request)
    assert http.headers["x-amz-content-sha256"] == "UNSIGNED-PAYLOAD"
    verify(replace(http, body=RequestBody(b"other bytes")), "s3")


# ---- mutations: the exact AWS error per service family --------------------------------------------

BAD = "The request signature we calculated does not match the signature you provided."
FAMILY_BAD_SIGNATURE = {
    "dynamodb": (dynamodb, "InvalidSignatureException", 400),
    "lambda": (lambda_invoke, "InvalidSignatureException", 403),
    "sts": (sts_query, "SignatureDoesNotMatch", 403),
    "sqs": (sqs_json, "SignatureDoesNotMatch", 403),
    "s3": (s3_put, "SignatureDoesNotMatch", 403),
}


@pytest.mark.parametrize("service", FAMILY_BAD_SIGNATURE)
def test_wrong_secret(service):
    build, code, status = FAMILY_BAD_SIGNATURE[service]
    error = rejected(build(), service, secret="not-the-secret")
    assert (error.code, error.status) == (code, status)
    assert error.message.startswith(BAD)


def test_query_services_spell_out_the_expected_strings():
    error = rejected(sts_query(), "sts", secret="wrong")
    assert (
        "Check your AWS Secret Access Key and signing method. Consult the service documentation"
        in error.message
    )
    assert "\n\nThe Canonical String for this request should have been\n'POST\n/\n" in error.message
    assert "\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n" in error.message


def test_s3_names_what_it_computed():
    request = s3_put()
    error = rejected(request, "s3", secret="wrong")
    assert error.message == BAD + " Check your key and signing method."
    assert error.fields["AWSAccessKeyId"] == ACCESS_KEY
    assert error.fields["SignatureProvided"] == read_signature(request).signature
    assert error.fields["StringToSign"].startswith("AWS4-HMAC-SHA256\n")
    assert error.fields["CanonicalRequest"].startswith(f"PUT\n{S3_KEY_PATH}\n\n")
    assert error.fields["StringToSignBytes"].startswith("41 57 53 34")


def _mutations():
    def body(request):
        return replace(request, body=RequestBody(b'{"TableName": "other"}'))

    def signed_header(request):
        return with_headers(request, x_amz_target="DynamoDB_20120810.DeleteTable")

    def method(request):
        return replace(request, method="PUT")

    def path(request):
        return replace(request, path="/other")

    def query(request):
        return replace(request, query_string="extra=1")

    def host(request):
        return with_headers(request, host="elsewhere:4566")

    def same_day_time(request):
        return with_headers(request, x_amz_date=request.headers["x-amz-date"][:9] + "000001Z")

    return {f.__name__: f for f in (body, signed_header, method, path, query, host, same_day_time)}


MUTATIONS = _mutations()


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_any_signed_part_changed(mutation):
    request = MUTATIONS[mutation](dynamodb({"TableName": "t"}))
    info = read_signature(request)
    error = rejected(request, "dynamodb", now=info.signed_at)
    assert (error.code, error.status) == ("InvalidSignatureException", 400)
    assert error.message.startswith(BAD)


@pytest.mark.parametrize(
    "mutation",
    [
        lambda r: replace(r, path=r.path.replace("%20", "+")),
        lambda r: replace(r, path=r.path.replace("%252F", "%2F")),
        lambda r: replace(r, query_string="versionId=1"),
        lambda r: with_headers(r, x_amz_content_sha256="0" * 64),
    ],
)
def test_s3_signed_parts_changed(mutation):
    error = rejected(mutation(s3_put()), "s3")
    assert (error.code, error.status) == ("SignatureDoesNotMatch", 403)


def test_a_changed_session_token_breaks_the_signature():
    request = with_headers(dynamodb(token="token-1"), x_amz_security_token="token-2")
    assert rejected(request, "dynamodb").code == "InvalidSignatureException"


def test_s3_body_not_matching_its_signed_hash():
    request = replace(s3_put(b"hello world"), body=RequestBody(b"HELLO WORLD"))
    error = rejected(request, "s3")
    assert (error.code, error.status) == ("XAmzContentSHA256Mismatch", 400)
    assert error.message == "The provided 'x-amz-content-sha256' header does not match what was computed."
    assert error.fields["ClientComputedContentSHA256"] == request.headers["x-amz-content-sha256"]
    assert error.fields["S3ComputedContentSHA256"] != request.headers["x-amz-content-sha256"]


def test_s3_requires_x_amz_content_sha256():
    request = signed("s3", "PUT", "/bucket/key", body=b"x")
    headers = dict(request.headers)
    del headers["x-amz-content-sha256"]
    error = rejected(replace(request, headers=headers), "s3")
    assert (error.code, error.status) == ("InvalidRequest", 400)
    assert error.message == "Missing required header for this request: x-amz-content-sha256"


def test_s3_refuses_a_bogus_x_amz_content_sha256():
    error = rejected(with_headers(s3_put(), x_amz_content_sha256="not-a-hash"), "s3")
    assert (error.code, error.status) == ("InvalidArgument", 400)
    assert error.message.startswith("x-amz-content-sha256 must be UNSIGNED-PAYLOAD, ")
    assert error.fields["ArgumentName"] == "x-amz-content-sha256"


def test_host_must_be_signed_outside_s3():
    request = dynamodb()
    authorization = request.headers["authorization"].replace("host;", "")
    error = rejected(with_headers(request, authorization=authorization), "dynamodb")
    assert (error.code, error.status) == ("InvalidSignatureException", 400)
    assert error.message == "'Host' must be a 'SignedHeader' in the AWS Authorization."


# ---- clock skew: the real clock, 15 minutes either way --------------------------------------------

SKEWED = {
    "dynamodb": (dynamodb, "InvalidSignatureException", 400),
    "lambda": (lambda_invoke, "InvalidSignatureException", 403),
    "sts": (sts_query, "SignatureDoesNotMatch", 403),
    "sqs": (sqs_json, "SignatureDoesNotMatch", 403),
}


@pytest.mark.parametrize("service", SKEWED)
@pytest.mark.parametrize("direction", [1, -1])
def test_skewed_signature(service, direction):
    build, code, status = SKEWED[service]
    request = build()
    info = read_signature(request)
    now = info.signed_at + direction * (15 * 60 + 1)
    error = rejected(request, service, now=now)
    assert (error.code, error.status) == (code, status)
    if direction > 0:
        expected = (
            f"Signature expired: {info.amz_date} is now earlier than {amz_timestamp(now - 900)} "
            f"({amz_timestamp(now)} - 15 min.)"
        )
    else:
        expected = (
            f"Signature not yet current: {info.amz_date} is still later than {amz_timestamp(now + 900)} "
            f"({amz_timestamp(now)} + 15 min.)"
        )
    assert error.message == expected


def test_s3_request_time_too_skewed():
    request = s3_put()
    info = read_signature(request)
    error = rejected(request, "s3", now=info.signed_at + 3600)
    assert (error.code, error.status) == ("RequestTimeTooSkewed", 403)
    assert error.message == "The difference between the request time and the current time is too large."
    assert error.fields["RequestTime"] == info.amz_date
    assert error.fields["MaxAllowedSkewMilliseconds"] == "900000"
    assert error.fields["ServerTime"].endswith("Z")


@pytest.mark.parametrize("offset", [-900, 900])
def test_fifteen_minutes_is_still_on_time(offset):
    request = dynamodb()
    verify(request, "dynamodb", now=read_signature(request).signed_at + offset)


def test_the_emulated_clock_does_not_skew_header_signatures():
    from stratus.core.clock import Clock

    clock = Clock()
    clock.advance(7 * 24 * 3600)
    verify(dynamodb(), "dynamodb", clock=clock)
