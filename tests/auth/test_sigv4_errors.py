"""signature_error: AWS's code, status and message per failure kind and service family."""

from __future__ import annotations

import pytest

from stratus.auth.signature_errors import error_family
from stratus.auth.sigv4 import signature_error

INVALID = "The security token included in the request is invalid"
BAD = "The request signature we calculated does not match the signature you provided."


@pytest.mark.parametrize(
    ("service", "family"),
    [
        ("s3", "s3"),
        ("s3control", "s3"),
        ("sts", "query"),
        ("iam", "query"),
        ("sns", "query"),
        ("sqs", "query"),  # JSON on the wire, but query-compatible error codes
        ("route53", "query"),
        ("dynamodb", "json"),
        ("kms", "json"),
        ("lambda", "rest-json"),
        ("ec2", "ec2"),
        ("execute-api", "rest-json"),  # a signing name, found through the catalog
        (None, "query"),
    ],
)
def test_error_family(service, family):
    assert error_family(service) == family


CASES = [
    # kind, service, details, code, status, message
    (
        "unknown_key",
        "s3",
        {"access_key_id": "AKID"},
        "InvalidAccessKeyId",
        403,
        "The AWS Access Key Id you provided does not exist in our records.",
    ),
    ("unknown_key", "sts", {}, "InvalidClientTokenId", 403, INVALID + "."),
    ("unknown_key", "sqs", {}, "InvalidClientTokenId", 403, INVALID + "."),
    ("unknown_key", "dynamodb", {}, "UnrecognizedClientException", 400, INVALID + "."),
    ("unknown_key", "lambda", {}, "UnrecognizedClientException", 403, INVALID + "."),
    (
        "unknown_key",
        "ec2",
        {},
        "AuthFailure",
        401,
        "AWS was not able to validate the provided access credentials",
    ),
    ("bad_signature", "s3", {}, "SignatureDoesNotMatch", 403, BAD + " Check your key and signing method."),
    (
        "bad_signature",
        "lambda",
        {},
        "InvalidSignatureException",
        403,
        BAD
        + " Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    ),
    (
        "bad_signature",
        "iam",
        {},
        "SignatureDoesNotMatch",
        403,
        BAD
        + " Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    ),
    ("bad_signature", "kms", {"message": "custom"}, "InvalidSignatureException", 400, "custom"),
    ("missing", "sts", {}, "MissingAuthenticationToken", 403, "Request is missing Authentication Token"),
    (
        "missing",
        "dynamodb",
        {},
        "MissingAuthenticationTokenException",
        400,
        "Request is missing Authentication Token",
    ),
    ("missing", "lambda", {}, "MissingAuthenticationTokenException", 403, "Missing Authentication Token"),
    ("missing", "s3", {}, "AccessDenied", 403, "Access Denied"),
    ("invalid_token", "sts", {}, "InvalidClientTokenId", 403, INVALID),
    ("invalid_token", "dynamodb", {}, "UnrecognizedClientException", 400, INVALID),
    ("invalid_token", "s3", {}, "InvalidToken", 400, "The provided token is malformed or otherwise invalid."),
    (
        "expired_token",
        "sts",
        {},
        "ExpiredToken",
        403,
        "The security token included in the request is expired",
    ),
    (
        "expired_token",
        "sns",
        {},
        "ExpiredToken",
        403,
        "The security token included in the request is expired",
    ),
    (
        "expired_token",
        "dynamodb",
        {},
        "ExpiredTokenException",
        400,
        "The security token included in the request is expired",
    ),
    (
        "expired_token",
        "lambda",
        {},
        "ExpiredTokenException",
        403,
        "The security token included in the request is expired",
    ),
    ("expired_token", "s3", {}, "ExpiredToken", 400, "The provided token has expired."),
    ("malformed", "sts", {"message": "m"}, "IncompleteSignature", 400, "m"),
    ("malformed", "dynamodb", {"message": "m"}, "IncompleteSignatureException", 400, "m"),
    ("malformed", "lambda", {"message": "m"}, "IncompleteSignatureException", 403, "m"),
    ("malformed", "s3", {"message": "m", "s3_message": "s"}, "AuthorizationHeaderMalformed", 400, "s"),
    (
        "skewed",
        "ec2",
        {"now": 0.0, "amz_date": "x", "signed_at": 0.0},
        "RequestExpired",
        400,
        "Request has expired.",
    ),
    ("not_supported", "sts", {"message": "no"}, "NotImplemented", 501, "no"),
]


@pytest.mark.parametrize(("kind", "service", "details", "code", "status", "message"), CASES)
def test_signature_error(kind, service, details, code, status, message):
    error = signature_error(kind, service, **details)
    assert (error.code, error.status, error.message) == (code, status, message)


def test_s3_unknown_key_names_the_key():
    assert signature_error("unknown_key", "s3", access_key_id="AKID").fields == {"AWSAccessKeyId": "AKID"}


def test_skew_messages_use_the_server_time():
    # 2025-01-01T00:25:00Z, a request signed at 00:00 (expired) and at 00:50 (not yet current)
    now = 1735691100.0
    expired = signature_error(
        "skewed", "dynamodb", amz_date="20250101T000000Z", signed_at=now - 1500, now=now
    )
    assert expired.message == (
        "Signature expired: 20250101T000000Z is now earlier than 20250101T001000Z (20250101T002500Z - 15 min.)"
    )
    future = signature_error("skewed", "sts", amz_date="20250101T005000Z", signed_at=now + 1500, now=now)
    assert (future.code, future.status) == ("SignatureDoesNotMatch", 403)
    assert future.message == (
        "Signature not yet current: 20250101T005000Z is still later than 20250101T004000Z (20250101T002500Z + 15 min.)"
    )


def test_s3_expired_presigned_fields():
    error = signature_error(
        "expired_presigned",
        "s3",
        amz_date="20250101T000000Z",
        signed_at=1735689600.0,
        now=1735693300.0,
        expires_at=1735693200.0,
        expires_in=3600,
    )
    assert (error.code, error.status, error.message) == ("AccessDenied", 403, "Request has expired")
    assert error.fields == {
        "X-Amz-Expires": "3600",
        "Expires": "2025-01-01T01:00:00Z",
        "ServerTime": "2025-01-01T01:01:40Z",
    }


def test_unknown_kind():
    with pytest.raises(ValueError):
        signature_error("whatever", "s3")
