"""AWS's answers to a request whose authentication fails, per service family.

The same failure reads differently by protocol: S3 has its own codes and XML fields; query services
(STS, IAM, SNS, and the JSON services that stay query-compatible, like SQS) say
`SignatureDoesNotMatch` / `InvalidClientTokenId` with 403; awsJson services (DynamoDB, Kinesis, KMS,
Cognito ...) say `InvalidSignatureException` / `UnrecognizedClientException` with 400; rest-json
services (Lambda, ...) use the JSON codes with 403; EC2 answers `AuthFailure` (401).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from botocore.exceptions import DataNotFoundError, UnknownServiceError

from stratus.auth.amz_time import MAX_SKEW_SECONDS, amz_timestamp, iso_timestamp
from stratus.protocol.errors import ServiceError
from stratus.protocol.loader import catalog, service_model

Family = Literal["s3", "ec2", "query", "json", "rest-json"]

_S3_NAMES = frozenset({"s3", "s3control", "s3-object-lambda", "s3express", "s3-outposts"})

INVALID_TOKEN = "The security token included in the request is invalid"
BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)
BAD_SIGNATURE_S3 = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)
EC2_AUTH_FAILURE = "AWS was not able to validate the provided access credentials"


@lru_cache(maxsize=512)
def error_family(service: str | None) -> Family:
    """The family of a botocore service name (or, failing that, a signing name)."""
    if not service:
        return "query"
    if service in _S3_NAMES:
        return "s3"
    metadata = _metadata(service)
    protocol = metadata.get("protocol", "")
    if "awsQueryCompatible" in metadata:
        return "query"
    if protocol == "ec2":
        return "ec2"
    if protocol == "rest-json":
        return "rest-json"
    if protocol in ("json", "smithy-rpc-v2-cbor"):
        return "json"
    return "query"  # query and the rest-xml services other than S3 (Route 53, CloudFront)


def _metadata(name: str) -> dict:
    try:
        return service_model(name).metadata
    except (UnknownServiceError, DataNotFoundError):
        pass
    for meta in catalog().values():  # a signing name or endpoint prefix, e.g. "execute-api"
        if name in (meta.signing_name, meta.endpoint_prefix):
            return service_model(meta.name).metadata
    return {}


def s3_error(code: str, message: str, *, status: int = 400, **fields: object) -> ServiceError:
    return ServiceError(message, code=code, status=status, **fields)


def _coded(
    family: Family, query_code: str, json_code: str, message: str, query_status: int = 403
) -> ServiceError:
    if family == "json":
        return ServiceError(message, code=json_code, status=400)
    if family == "rest-json":
        return ServiceError(message, code=json_code, status=403)
    return ServiceError(message, code=query_code, status=query_status)


def skew_message(amz_date: str, signed_at: float, now: float) -> str:
    """AWS's wording for a signature outside the 15-minute window around `now`."""
    if signed_at < now:
        earliest = amz_timestamp(now - MAX_SKEW_SECONDS)
        return (
            f"Signature expired: {amz_date} is now earlier than {earliest} ({amz_timestamp(now)} - 15 min.)"
        )
    latest = amz_timestamp(now + MAX_SKEW_SECONDS)
    return (
        f"Signature not yet current: {amz_date} is still later than {latest} ({amz_timestamp(now)} + 15 min.)"
    )


def _hex_bytes(text: str) -> str:
    return " ".join(f"{byte:02x}" for byte in text.encode("utf-8"))


# ---- one builder per kind -------------------------------------------------------------------------


def _unknown_key(family: Family, details: dict) -> ServiceError:
    if family == "s3":
        return s3_error(
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
            status=403,
            AWSAccessKeyId=details.get("access_key_id"),
        )
    if family == "ec2":
        return ServiceError(EC2_AUTH_FAILURE, code="AuthFailure", status=401)
    return _coded(family, "InvalidClientTokenId", "UnrecognizedClientException", INVALID_TOKEN + ".")


def _bad_signature(family: Family, details: dict) -> ServiceError:
    override = details.get("message")
    canonical = details.get("canonical_request")
    string_to_sign = details.get("string_to_sign")
    if family == "s3":
        fields: dict[str, object] = {"AWSAccessKeyId": details.get("access_key_id")}
        if string_to_sign is not None:
            fields["StringToSign"] = string_to_sign
            fields["SignatureProvided"] = details.get("signature")
            fields["StringToSignBytes"] = _hex_bytes(string_to_sign)
        if canonical is not None:
            fields["CanonicalRequest"] = canonical
            fields["CanonicalRequestBytes"] = _hex_bytes(canonical)
        return s3_error("SignatureDoesNotMatch", override or BAD_SIGNATURE_S3, status=403, **fields)
    if family == "ec2":
        return ServiceError(EC2_AUTH_FAILURE, code="AuthFailure", status=401)
    message = override or BAD_SIGNATURE
    if override is None and canonical is not None and family in ("query", "json"):
        # STS, DynamoDB and their kin spell out what they expected, which is how users debug signers.
        message += (
            f"\n\nThe Canonical String for this request should have been\n'{canonical}'\n\n"
            f"The String-to-Sign should have been\n'{string_to_sign}'\n"
        )
    return _coded(family, "SignatureDoesNotMatch", "InvalidSignatureException", message)


def _skewed(family: Family, details: dict) -> ServiceError:
    now = details["now"]
    if family == "s3":
        return s3_error(
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
            status=403,
            RequestTime=details.get("request_time") or details.get("amz_date"),
            ServerTime=iso_timestamp(now),
            MaxAllowedSkewMilliseconds=str(MAX_SKEW_SECONDS * 1000),
        )
    if family == "ec2":
        return ServiceError("Request has expired.", code="RequestExpired", status=400)
    message = skew_message(details["amz_date"], details["signed_at"], now)
    return _coded(family, "SignatureDoesNotMatch", "InvalidSignatureException", message)


def _expired_presigned(family: Family, details: dict) -> ServiceError:
    now = details["now"]
    if family == "s3":
        fields: dict[str, object] = {}
        if details.get("expires_in") is not None:
            fields["X-Amz-Expires"] = str(details["expires_in"])
        fields["Expires"] = iso_timestamp(details["expires_at"])
        fields["ServerTime"] = iso_timestamp(now)
        return s3_error("AccessDenied", "Request has expired", status=403, **fields)
    if family == "ec2":
        return ServiceError("Request has expired.", code="RequestExpired", status=400)
    # Outside S3, AWS gives a presigned URL the same 15 minutes as a signed header (X-Amz-Expires
    # is not honoured), and says so in the clock-skew words.
    message = skew_message(details["amz_date"], min(details.get("signed_at", now), now), now)
    return _coded(family, "SignatureDoesNotMatch", "InvalidSignatureException", message)


def _not_yet_valid(family: Family, details: dict) -> ServiceError:
    if family == "s3":
        return s3_error(
            "AccessDenied",
            "Request is not yet valid",
            status=403,
            **{"X-Amz-Date": details["amz_date"]},
            ServerTime=iso_timestamp(details["now"]),
        )
    return _skewed(family, details)


def _missing(family: Family, details: dict) -> ServiceError:
    if family == "s3":
        return s3_error("AccessDenied", "Access Denied", status=403)
    if family == "json":
        return ServiceError(
            "Request is missing Authentication Token", code="MissingAuthenticationTokenException", status=400
        )
    if family == "rest-json":
        return ServiceError(
            "Missing Authentication Token", code="MissingAuthenticationTokenException", status=403
        )
    return ServiceError(
        "Request is missing Authentication Token", code="MissingAuthenticationToken", status=403
    )


def _invalid_token(family: Family, details: dict) -> ServiceError:
    if family == "s3":
        return s3_error("InvalidToken", "The provided token is malformed or otherwise invalid.", status=400)
    if family == "ec2":
        return ServiceError(EC2_AUTH_FAILURE, code="AuthFailure", status=401)
    return _coded(family, "InvalidClientTokenId", "UnrecognizedClientException", INVALID_TOKEN)


def _expired_token(family: Family, details: dict) -> ServiceError:
    if family == "s3":
        return s3_error("ExpiredToken", "The provided token has expired.", status=400)
    message = "The security token included in the request is expired"
    return _coded(family, "ExpiredToken", "ExpiredTokenException", message)


def _malformed(family: Family, details: dict) -> ServiceError:
    """A broken Authorization header or presigned query; the caller words it for S3 and the rest."""
    if family == "s3":
        return s3_error(
            details.get("s3_code", "AuthorizationHeaderMalformed"),
            details.get("s3_message") or details.get("message", ""),
            status=details.get("s3_status", 400),
            **details.get("s3_fields", {}),
        )
    message = details.get("message", "")
    return _coded(family, "IncompleteSignature", "IncompleteSignatureException", message, query_status=400)


def _not_supported(family: Family, details: dict) -> ServiceError:
    return ServiceError(
        details.get("message", "Stratus cannot verify this kind of signature"),
        code="NotImplemented",
        status=501,
        sender_fault=False,
    )


_BUILDERS = {
    "unknown_key": _unknown_key,
    "bad_signature": _bad_signature,
    "skewed": _skewed,
    "expired_presigned": _expired_presigned,
    "not_yet_valid": _not_yet_valid,
    "missing": _missing,
    "invalid_token": _invalid_token,
    "expired_token": _expired_token,
    "malformed": _malformed,
    "not_supported": _not_supported,
}


def signature_error(kind: str, service: str | None, **details: object) -> ServiceError:
    """AWS's error for an authentication failure of `kind`, as `service`'s family words it.

    Kinds and the details each reads:
      unknown_key        access_key_id
      bad_signature      access_key_id, signature, string_to_sign, canonical_request; or message=
      skewed             amz_date, signed_at, now (real epoch), request_time (S3: the date as sent)
      expired_presigned  amz_date, signed_at, now, expires_at, expires_in (emulated epochs)
      not_yet_valid      amz_date, signed_at, now
      missing, invalid_token, expired_token   (none)
      malformed          message (query/JSON wording); s3_message, s3_code, s3_status, s3_fields
      not_supported      message
    """
    try:
        builder = _BUILDERS[kind]
    except KeyError:
        raise ValueError(f"unknown signature error kind {kind!r}") from None
    return builder(error_family(service), details)
