"""Broken Authorization headers: refused while reading, before any key is looked up, in AWS's words."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from stratus.auth.sigv4 import SIGV4, read_signature

from .test_sigv4_support import read_rejected, signed, with_headers


def dynamodb():
    headers = {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"}
    return signed("dynamodb", body=json.dumps({}).encode(), headers=headers)


def s3():
    return signed("s3", "GET", "/bucket/key")


def _authorization(request, old: str, new: str):
    return with_headers(request, authorization=request.headers["authorization"].replace(old, new))


def _no_param(request, name: str):
    algorithm, _, rest = request.headers["authorization"].partition(" ")
    parts = [part for part in rest.split(", ") if not part.startswith(name + "=")]
    return with_headers(request, authorization=f"{algorithm} {', '.join(parts)}")


def test_the_parts_of_a_header_signature():
    info = read_signature(dynamodb())
    assert info.algorithm == SIGV4
    assert info.credential_scope.endswith("/us-east-1/dynamodb/aws4_request")
    assert info.amz_date == info.credential_scope[:8] + info.amz_date[8:]
    assert "x-amz-target" in info.signed_headers
    assert len(info.signature) == 64


@pytest.mark.parametrize("name", ["Credential", "SignedHeaders", "Signature"])
def test_missing_component(name):
    request = _no_param(dynamodb(), name)
    error = read_rejected(request, "dynamodb")
    assert (error.code, error.status) == ("IncompleteSignatureException", 400)
    assert error.message == (
        f"Authorization header requires '{name}' parameter. Authorization={request.headers['authorization']}"
    )
    error = read_rejected(_no_param(s3(), name), "s3")
    assert (error.code, error.status) == ("AuthorizationHeaderMalformed", 400)
    assert error.message == (
        "The authorization header is malformed; the authorization header requires three components: "
        "Credential, SignedHeaders, and Signature."
    )


def test_missing_date():
    request = dynamodb()
    headers = {name: value for name, value in request.headers.items() if name != "x-amz-date"}
    error = read_rejected(replace(request, headers=headers), "sts")
    assert (error.code, error.status) == ("IncompleteSignature", 400)
    assert (
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        in error.message
    )


def test_s3_missing_date():
    request = s3()
    headers = {name: value for name, value in request.headers.items() if name != "x-amz-date"}
    error = read_rejected(replace(request, headers=headers), "s3")
    assert (error.code, error.status) == ("AccessDenied", 403)
    assert error.message == "AWS authentication requires a valid Date or x-amz-date header"


def test_a_date_that_is_not_iso_basic():
    error = read_rejected(with_headers(dynamodb(), x_amz_date="yesterday"), "dynamodb")
    assert (error.code, error.status) == ("IncompleteSignatureException", 400)
    assert error.message == (
        "Date must be in ISO-8601 'basic format'. Got 'yesterday'. See http://en.wikipedia.org/wiki/ISO_8601"
    )


def test_a_credential_of_four_parts():
    error = read_rejected(_authorization(dynamodb(), "/us-east-1/", "/"), "dynamodb")
    assert error.code == "IncompleteSignatureException"
    assert error.message.startswith(
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region"
    )
    error = read_rejected(_authorization(s3(), "/us-east-1/", "/"), "s3")
    assert error.code == "AuthorizationHeaderMalformed"
    assert error.message == (
        "The authorization header is malformed; the Credential is mal-formed; expecting "
        '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'
    )


def test_an_empty_access_key_in_s3():
    error = read_rejected(_authorization(s3(), "Credential=AKIDEXAMPLE/", "Credential=/"), "s3")
    assert error.code == "AuthorizationHeaderMalformed"
    assert error.message.endswith("a non-empty Access Key (AKID) must be provided in the credential.")


def test_the_scope_terminator():
    error = read_rejected(_authorization(dynamodb(), "aws4_request", "aws5_request"), "dynamodb")
    assert (error.code, error.status) == ("InvalidSignatureException", 400)
    assert (
        error.message
        == "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "
    )


def test_the_scope_date_must_be_the_request_date():
    request = dynamodb()
    scope_date = read_signature(request).credential_scope[:8]
    request = _authorization(request, f"/{scope_date}/", "/20200101/")
    error = read_rejected(request, "dynamodb")
    assert error.code == "InvalidSignatureException"
    assert error.message.startswith(
        f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20200101' != '{scope_date}'"
    )
    s3_request = s3()
    error = read_rejected(_authorization(s3_request, f"/{scope_date}/", "/20200101/"), "s3")
    assert (error.code, error.status) == ("AuthorizationHeaderMalformed", 400)
    assert error.message == (
        "The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date."
    )


def test_a_parameter_without_an_equal_sign():
    request = _authorization(dynamodb(), "Credential=", "Credential= ")
    error = read_rejected(request, "dynamodb")
    assert error.code == "IncompleteSignatureException"
    assert error.message.startswith("'AKIDEXAMPLE/")
    assert error.message.endswith(
        f"' not a valid key=value pair (missing equal-sign) in Authorization header: "
        f"'{request.headers['authorization']}'."
    )


@pytest.mark.parametrize(
    ("service", "code", "status"),
    [
        ("dynamodb", "IncompleteSignatureException", 400),
        ("sts", "IncompleteSignature", 400),
        ("lambda", "IncompleteSignatureException", 403),
    ],
)
def test_an_unknown_scheme(service, code, status):
    request = with_headers(dynamodb(), authorization="Bearer eyJhbGciOi")
    error = read_rejected(request, service)
    assert (error.code, error.status) == (code, status)
    assert error.message.startswith("Authorization header requires 'Credential' parameter. ")
    assert error.message.endswith("Authorization=Bearer eyJhbGciOi")


def test_an_unknown_sigv4_algorithm():
    request = _authorization(dynamodb(), "AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA512 ")
    error = read_rejected(request, "dynamodb")
    assert error.code == "IncompleteSignatureException"
    assert (
        error.message == "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). "
    )


def test_s3_unsupported_authorization_type():
    error = read_rejected(with_headers(s3(), authorization="Basic dXNlcjpwYXNz"), "s3")
    assert (error.code, error.status, error.message) == (
        "InvalidArgument",
        400,
        "Unsupported Authorization Type",
    )
    assert error.fields == {"ArgumentName": "Authorization", "ArgumentValue": "Basic dXNlcjpwYXNz"}


def test_the_family_comes_from_the_scope_when_the_service_is_not_given():
    error = read_rejected(_no_param(dynamodb(), "Signature"))
    assert error.code == "IncompleteSignatureException"
    error = read_rejected(_no_param(s3(), "Signature"))
    assert error.code == "AuthorizationHeaderMalformed"
