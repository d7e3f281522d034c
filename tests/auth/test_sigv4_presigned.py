"""Presigned (query-string) SigV4: botocore's presigners as the oracle; expiry by the emulated clock."""

from __future__ import annotations

import time
from dataclasses import replace
from unittest import mock

import pytest

from stratus.auth.sigv4 import read_signature
from stratus.core.clock import Clock

from .test_sigv4_support import presigned, read_rejected, rejected, verify, with_headers

S3_KEY_PATH = "/bucket/a%20b/%C3%BC%2B%252F"
GET_CALLER_IDENTITY = {"Action": "GetCallerIdentity", "Version": "2011-06-15"}


def s3_url(expires: int = 3600, **options):
    return presigned("s3", "GET", S3_KEY_PATH, expires=expires, **options)


def sts_url(expires: int = 60, **options):
    return presigned("sts", params=GET_CALLER_IDENTITY, expires=expires, **options)


def advanced(clock: Clock, seconds: float, *, at: float) -> None:
    """Advance `clock` as if at real time `at` (the URLs' X-Amz-Date has one-second resolution)."""
    with mock.patch("stratus.core.clock._time.time", return_value=at):
        clock.advance(seconds)


def test_presigned_s3_get():
    info = verify(s3_url(), "s3")
    assert info.presigned and info.expires_in == 3600
    assert info.signed_headers == ("host",)


def test_presigned_s3_with_a_query_and_a_session_token():
    request = presigned("s3", "GET", "/bucket/k", params={"versionId": "a b+c"}, token="tok+/en==")
    info = verify(request, "s3")
    assert info.session_token == "tok+/en=="


def test_presigned_s3_put():
    verify(presigned("s3", "PUT", S3_KEY_PATH, expires=60), "s3")


def test_presigned_sts_get_caller_identity():
    info = verify(sts_url(), "sts")
    assert info.service == "sts"


def test_presigned_s3_is_not_bound_by_the_skew_window():
    request = s3_url(expires=7200)
    verify(request, "s3", now=read_signature(request).signed_at + 3600)


@pytest.mark.parametrize(
    "mutation",
    [
        lambda r: replace(r, query_string=r.query_string + "&versionId=2", _query=None),
        lambda r: replace(r, query_string=r.query_string.replace("X-Amz-Expires=3600", "X-Amz-Expires=3601")),
        lambda r: replace(r, path="/bucket/other"),
        lambda r: replace(r, method="PUT"),
        lambda r: with_headers(r, host="attacker:4566"),
    ],
)
def test_presigned_s3_tampered(mutation):
    error = rejected(mutation(s3_url()), "s3")
    assert (error.code, error.status) == ("SignatureDoesNotMatch", 403)


def test_presigned_sts_tampered():
    request = sts_url()
    request = replace(
        request, query_string=request.query_string.replace("GetCallerIdentity", "GetSessionToken")
    )
    error = rejected(request, "sts")
    assert (error.code, error.status) == ("SignatureDoesNotMatch", 403)


# ---- expiry ---------------------------------------------------------------------------------------


def test_advancing_the_clock_expires_an_s3_url():
    request = s3_url(expires=60)
    clock = Clock()
    verify(request, "s3", clock=clock)
    advanced(clock, 61, at=time.time())
    error = rejected(request, "s3", clock=clock)
    assert (error.code, error.status) == ("AccessDenied", 403)
    assert error.message == "Request has expired"
    assert error.fields["X-Amz-Expires"] == "60"
    assert error.fields["Expires"].endswith("Z") and "T" in error.fields["Expires"]
    assert error.fields["ServerTime"] > error.fields["Expires"]


def test_an_advance_shorter_than_the_lifetime_does_not_expire():
    request = s3_url(expires=3600)
    clock = Clock()
    advanced(clock, 3000, at=time.time())
    verify(request, "s3", clock=clock)


def test_a_url_signed_after_the_advance_lives_its_full_lifetime():
    clock = Clock()
    advanced(clock, 7 * 24 * 3600, at=time.time() - 5)
    verify(s3_url(expires=60), "s3", clock=clock)


def test_an_s3_url_signed_in_the_future():
    request = s3_url()
    error = rejected(request, "s3", now=read_signature(request).signed_at - 16 * 60)
    assert (error.code, error.status) == ("AccessDenied", 403)
    assert error.message == "Request is not yet valid"


def test_sts_ignores_x_amz_expires_and_gives_fifteen_minutes():
    request = sts_url(expires=60)
    clock = Clock()
    advanced(clock, 120, at=time.time())
    verify(request, "sts", clock=clock)  # AWS does not honour the 60 seconds outside S3
    advanced(clock, 15 * 60, at=time.time())
    error = rejected(request, "sts", clock=clock)
    assert (error.code, error.status) == ("SignatureDoesNotMatch", 403)
    assert error.message.startswith(
        f"Signature expired: {read_signature(request).amz_date} is now earlier than "
    )
    assert error.message.endswith(" - 15 min.)")


# ---- broken query parameters ----------------------------------------------------------------------


def _without(request, name: str):
    kept = [item for item in request.query_string.split("&") if not item.startswith(name + "=")]
    return replace(request, query_string="&".join(kept), _query=None)


def _with(request, name: str, value: str):
    return replace(
        _without(request, name), query_string=_without(request, name).query_string + f"&{name}={value}"
    )


S3_MISSING = (
    "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
    "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
)


@pytest.mark.parametrize(
    "name",
    [
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Signature",
        "X-Amz-Date",
        "X-Amz-SignedHeaders",
        "X-Amz-Expires",
    ],
)
def test_s3_missing_query_parameter(name):
    error = read_rejected(_without(s3_url(), name), "s3")
    assert (error.code, error.status, error.message) == ("AuthorizationQueryParametersError", 400, S3_MISSING)


def test_sts_missing_query_parameters():
    request = _without(_without(sts_url(), "X-Amz-Credential"), "X-Amz-Signature")
    error = read_rejected(request, "sts")
    assert (error.code, error.status) == ("IncompleteSignature", 400)
    assert error.message == (
        "AWS query-string parameters must include 'X-Amz-Credential'. "
        "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters."
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "604801",
            "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires "
            "must be less than 604800 seconds",
        ),
        ("-1", "X-Amz-Expires must be non-negative"),
        ("soon", "X-Amz-Expires should be a number"),
    ],
)
def test_s3_x_amz_expires_out_of_range(value, message):
    error = read_rejected(_with(s3_url(), "X-Amz-Expires", value), "s3")
    assert (error.code, error.status, error.message) == ("AuthorizationQueryParametersError", 400, message)


def test_s3_presigned_algorithm_must_be_sigv4():
    error = read_rejected(_with(s3_url(), "X-Amz-Algorithm", "AWS4-HMAC-SHA1"), "s3")
    assert (error.code, error.message) == (
        "AuthorizationQueryParametersError",
        'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"',
    )


def test_s3_presigned_date_format():
    error = read_rejected(_with(s3_url(), "X-Amz-Date", "2025-01-01"), "s3")
    assert error.code == "AuthorizationQueryParametersError"
    assert error.message == "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""


def test_s3_presigned_credential_shape():
    error = read_rejected(_with(s3_url(), "X-Amz-Credential", "AKID%2F20250101%2Fs3%2Faws4_request"), "s3")
    assert error.code == "AuthorizationQueryParametersError"
    assert error.message == (
        "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "
        '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'
    )


def test_presigned_and_an_authorization_header_together():
    request = with_headers(s3_url(), authorization="AWS4-HMAC-SHA256 Credential=x")
    error = read_rejected(request, "s3")
    assert (error.code, error.status) == ("InvalidArgument", 400)
    assert error.message.startswith("Only one auth mechanism allowed;")
    sts = with_headers(sts_url(), authorization="AWS4-HMAC-SHA256 Credential=x")
    error = read_rejected(sts, "sts")
    assert (error.code, error.status) == ("SignatureDoesNotMatch", 403)
    assert (
        error.message
        == "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
    )
