"""CORS configuration through the API, and the rule matching the CORS handler uses."""

import pytest
from botocore.exceptions import ClientError

from stratus.services.s3.cors import cors_headers, match_cors_rule

from .support import error_fields, error_of, status_of

RULE = {
    "ID": "app",
    "AllowedHeaders": ["x-amz-expected-bucket-owner", "x-amz-server-side-encryption-customer-*"],
    "AllowedMethods": ["GET", "PUT", "HEAD"],
    "AllowedOrigins": ["https://test.com", "https://*.test.com"],
    "ExposeHeaders": ["x-amz-request-id"],
    "MaxAgeSeconds": 3000,
}


def test_cors_crud(s3, bucket):
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_cors(Bucket=bucket)
    assert error_of(excinfo) == ("NoSuchCORSConfiguration", "The CORS configuration does not exist")
    assert status_of(excinfo) == 404
    assert error_fields(excinfo)["BucketName"] == bucket
    assert s3.delete_bucket_cors(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204

    second = {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"], "MaxAgeSeconds": 0}
    put = s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [RULE, second]})
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == [RULE, second]

    s3.delete_bucket_cors(Bucket=bucket)
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_cors(Bucket=bucket)
    assert error_of(excinfo)[0] == "NoSuchCORSConfiguration"


def test_an_empty_origin_is_kept(s3, bucket):
    rule = {"AllowedMethods": ["GET"], "AllowedOrigins": [""]}
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [rule]})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == [rule]


@pytest.mark.parametrize(
    ("rules", "code", "message"),
    [
        (
            [{"AllowedMethods": ["MYMETHOD"], "AllowedOrigins": ["*"]}],
            "InvalidRequest",
            "Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD",
        ),
        (
            [{"AllowedMethods": ["get"], "AllowedOrigins": ["*"]}],
            "InvalidRequest",
            "Found unsupported HTTP method in CORS config. Unsupported method is get",
        ),
        (
            [{"AllowedMethods": ["GET"], "AllowedOrigins": ["http://*.*.com"]}],
            "InvalidRequest",
            'AllowedOrigin "http://*.*.com" can not have more than one wildcard.',
        ),
        (
            [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"], "AllowedHeaders": ["x-*-*"]}],
            "InvalidRequest",
            'AllowedHeader "x-*-*" can not have more than one wildcard.',
        ),
        ([], "MalformedXML", None),
        ([{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}] * 101, "MalformedXML", None),
    ],
)
def test_invalid_cors_rules(s3, bucket, rules, code, message):
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": rules})
    assert error_of(excinfo)[0] == code
    if message:
        assert error_of(excinfo)[1] == message
    assert status_of(excinfo) == 400


# ---------------------------------------------------------------------- matching


def test_first_matching_rule_wins():
    wildcard = {"AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["*"]}
    assert match_cors_rule([RULE, wildcard], "https://test.com", "GET", []) is RULE
    assert match_cors_rule([RULE, wildcard], "https://other.org", "GET", []) is wildcard
    assert match_cors_rule([RULE, wildcard], "https://other.org", "DELETE", []) is None
    assert match_cors_rule([], "https://test.com", "GET", []) is None


@pytest.mark.parametrize(
    ("origin", "matches"),
    [
        ("https://test.com", True),
        ("https://app.test.com", True),
        ("https://a.b.test.com", True),
        ("https://test.com.evil.org", False),
        ("http://test.com", False),
        ("https://TEST.com", False),
    ],
)
def test_origin_wildcards(origin, matches):
    assert (match_cors_rule([RULE], origin, "GET", []) is not None) is matches


@pytest.mark.parametrize(
    ("headers", "matches"),
    [
        ([], True),
        (["X-Amz-Expected-Bucket-Owner"], True),
        (["x-amz-server-side-encryption-customer-algorithm", "x-amz-expected-bucket-owner"], True),
        (["x-amz-request-payer"], False),
        (["x-amz-expected-bucket-owner", "authorization"], False),
    ],
)
def test_request_headers_must_all_be_allowed(headers, matches):
    assert (match_cors_rule([RULE], "https://test.com", "PUT", headers) is not None) is matches


def test_allowed_header_star_allows_any_header():
    rule = {"AllowedMethods": ["PUT"], "AllowedOrigins": ["*"], "AllowedHeaders": ["*"]}
    assert match_cors_rule([rule], "https://x.org", "PUT", ["content-type", "x-amz-meta-a"]) is rule


def test_response_headers():
    preflight = cors_headers(RULE, "https://app.test.com", ["X-Amz-Expected-Bucket-Owner"], preflight=True)
    assert preflight == {
        "Access-Control-Allow-Origin": "https://app.test.com",
        "Access-Control-Allow-Methods": "GET, PUT, HEAD",
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Headers": "x-amz-expected-bucket-owner",
        "Access-Control-Expose-Headers": "x-amz-request-id",
        "Access-Control-Max-Age": "3000",
        "Vary": "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
    }
    wildcard = {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}
    actual = cors_headers(wildcard, "https://x.org", ["x-custom"], preflight=False)
    assert actual == {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET",
        "Vary": "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
    }
