"""Reading a request's signature: which algorithm, which key, when, over what. No cryptography here.

`read_signature(request)` parses the Authorization header (SigV4, SigV4a, S3's SigV2) or the
presigned query parameters, and refuses a broken one with the error AWS gives, before any key is
looked up. A request that carries no signature at all is anonymous: None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stratus.auth.amz_time import amz_timestamp, parse_amz_date, parse_http_date
from stratus.auth.canonical import query_pairs
from stratus.auth.signature_errors import error_family, signature_error
from stratus.protocol.http import HttpRequest

SIGV4 = "AWS4-HMAC-SHA256"
SIGV4A = "AWS4-ECDSA-P256-SHA256"
SIGV2 = "AWS"  # S3's legacy HMAC-SHA1 scheme, header ("AWS AKID:sig") or query (AWSAccessKeyId=...)

MAX_PRESIGNED_EXPIRES = 7 * 24 * 3600

_V4_QUERY_PARAMS = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-SignedHeaders",
    "X-Amz-Date",
)
_S3_QUERY_PARAMS_MISSING = (
    "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
    "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
)
_S3_CREDENTIAL_SHAPE = (
    'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'
)
_S3_HEADER_MALFORMED = "The authorization header is malformed; "
_S3_NO_DATE = "AWS authentication requires a valid Date or x-amz-date header"
_AUTH_SEPARATORS = re.compile(r"[\s,]+")


@dataclass(slots=True)  # not frozen: built for every request, and frozen init costs ~1 µs more
class SignatureInfo:
    """What a request's signature claims (treat as read-only). `algorithm` is SIGV4, SIGV4A or SIGV2."""

    algorithm: str
    access_key_id: str
    session_token: str | None  # x-amz-security-token header, or X-Amz-Security-Token when presigned
    region: str | None  # from the credential scope; SigV4a: the X-Amz-Region-Set value
    service: str | None  # the signing name from the credential scope
    amz_date: str | None  # "20250101T000000Z" as signed (SigV2: the Date / x-amz-date header as sent)
    signed_at: float | None  # epoch seconds of amz_date (real clock of the signer)
    presigned: bool
    expires_in: int | None  # X-Amz-Expires, presigned SigV4 only
    signed_headers: tuple[str, ...]
    signature: str
    credential_scope: str | None = None  # "20250101/us-east-1/sqs/aws4_request" (SigV4a: no region)
    content_sha256: str | None = None  # declared payload hash: x-amz-content-sha256 (query: X-Amz-...)
    expires_at: float | None = None  # SigV2 presigned: the absolute Expires (epoch seconds)


def read_signature(request: HttpRequest, *, service: str | None = None) -> SignatureInfo | None:
    """The request's signature, parsed; None when it has none. A broken one raises AWS's error.

    `service` (the botocore service name, when routing already knows it) picks the error family;
    without it the signing name of the credential scope does.
    """
    authorization = request.headers.get("authorization", "").strip()
    raw_query = request.query_string
    may_carry_auth = bool(raw_query) and ("X-Amz-" in raw_query or "AWSAccessKeyId" in raw_query)
    params = dict(query_pairs(raw_query)) if may_carry_auth else {}
    if authorization:
        if "X-Amz-Algorithm" in params:
            raise _conflicting(authorization, service)
        return _read_header(request, authorization, service)
    if any(name in params for name in _V4_QUERY_PARAMS):
        return _read_presigned_v4(request, params, service)
    if "AWSAccessKeyId" in params and "Signature" in params:
        return _read_presigned_v2(request, params, service)
    return None


def _conflicting(authorization: str, service: str | None):
    if error_family(service) == "s3":
        return signature_error(
            "malformed",
            service,
            s3_code="InvalidArgument",
            s3_message=(
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query "
                "string parameter or the Authorization header should be specified"
            ),
            s3_fields={"ArgumentName": "Authorization", "ArgumentValue": authorization},
        )
    message = "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
    return signature_error("bad_signature", service, message=message)


# ---- the Authorization header ---------------------------------------------------------------------


_FAST_PREFIX = SIGV4 + " Credential="


def _read_header(request: HttpRequest, authorization: str, service: str | None) -> SignatureInfo:
    if authorization.startswith(_FAST_PREFIX):
        fast = _read_header_fast(request, authorization)
        if fast is not None:
            return fast
    algorithm, _, rest = authorization.partition(" ")
    if algorithm == SIGV2 and error_family(service or "s3") == "s3":
        return _read_header_v2(request, rest.strip(), service)
    if algorithm not in (SIGV4, SIGV4A):
        raise _unsupported_scheme(authorization, algorithm, rest, service)
    params: dict[str, str] = {}
    for token in _AUTH_SEPARATORS.split(rest.strip()):
        if not token:
            continue
        name, equals, value = token.partition("=")
        if not equals:
            raise _malformed(
                service,
                f"'{token}' not a valid key=value pair (missing equal-sign) in Authorization header: "
                f"'{authorization}'.",
                _S3_HEADER_MALFORMED
                + "the authorization header requires three components: Credential, SignedHeaders, and Signature.",
                scope_hint=params.get("Credential"),
            )
        params[name] = value
    credential = params.get("Credential")
    family = error_family(service or _signing_name(credential))
    date_text = request.headers.get("x-amz-date") or request.headers.get("date")
    missing = [name for name in ("Credential", "Signature", "SignedHeaders") if not params.get(name)]
    if missing or (not date_text and family != "s3"):
        message = "".join(f"Authorization header requires '{name}' parameter. " for name in missing)
        if not date_text:
            message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        raise signature_error(
            "malformed",
            service or _signing_name(credential),
            message=message + f"Authorization={authorization}",
            s3_message=_S3_HEADER_MALFORMED
            + "the authorization header requires three components: Credential, SignedHeaders, and Signature.",
        )
    assert credential is not None
    if not date_text:
        raise _s3_no_date(service)
    amz_date, signed_at = _header_date(date_text)
    if signed_at is None:
        raise _malformed(
            service,
            f"Date must be in ISO-8601 'basic format'. Got '{date_text}'. See http://en.wikipedia.org/wiki/ISO_8601",
            s3_code="AccessDenied",
            s3_message=_S3_NO_DATE,
            s3_status=403,
            scope_hint=credential,
        )
    access_key_id, scope = _split_credential(credential, algorithm, service, presigned=False)
    _check_scope(scope, amz_date, service, presigned=False)
    headers = request.headers
    return SignatureInfo(
        algorithm=algorithm,
        access_key_id=access_key_id,
        session_token=headers.get("x-amz-security-token"),
        region=headers.get("x-amz-region-set") if algorithm == SIGV4A else scope.split("/")[1],
        service=scope.split("/")[-2],
        amz_date=amz_date,
        signed_at=signed_at,
        presigned=False,
        expires_in=None,
        signed_headers=tuple(params["SignedHeaders"].split(";")),
        signature=params["Signature"],
        credential_scope=scope,
        content_sha256=headers.get("x-amz-content-sha256"),
    )


def _read_header_fast(request: HttpRequest, authorization: str) -> SignatureInfo | None:
    """The exact form every AWS SDK writes (`AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
    Signature=...` with a valid scope and X-Amz-Date), read without the general parser; None for
    anything else, which then gets the general parser and its precise errors."""
    credential, sep1, rest = authorization[len(_FAST_PREFIX) :].partition(", SignedHeaders=")
    signed_headers, sep2, signature = rest.partition(", Signature=")
    headers = request.headers
    amz_date = headers.get("x-amz-date")
    if not (sep1 and sep2 and signature and amz_date):
        return None
    if any(c in field for field in (credential, signed_headers, signature) for c in " ,="):
        return None
    parts = credential.split("/")
    if len(parts) != 5 or not all(parts) or parts[4] != "aws4_request" or parts[1] != amz_date[:8]:
        return None
    signed_at = parse_amz_date(amz_date)
    if signed_at is None:
        return None
    return SignatureInfo(
        algorithm=SIGV4,
        access_key_id=parts[0],
        session_token=headers.get("x-amz-security-token"),
        region=parts[2],
        service=parts[3],
        amz_date=amz_date,
        signed_at=signed_at,
        presigned=False,
        expires_in=None,
        signed_headers=tuple(signed_headers.split(";")),
        signature=signature,
        credential_scope=credential[len(parts[0]) + 1 :],
        content_sha256=headers.get("x-amz-content-sha256"),
    )


def _header_date(text: str) -> tuple[str, float | None]:
    """(amz_date for the string to sign, epoch); an RFC 1123 Date header is signed in ISO basic form."""
    epoch = parse_amz_date(text)
    if epoch is not None:
        return text, epoch
    epoch = parse_http_date(text)
    return (amz_timestamp(epoch) if epoch is not None else text), epoch


def _unsupported_scheme(authorization: str, algorithm: str, rest: str, service: str | None):
    if algorithm.startswith("AWS4-") and "Credential=" in rest:
        message = f"Unsupported AWS 'algorithm': '{algorithm}' (only AWS4-HMAC-SHA256 for now). "
    else:
        message = (
            "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' "
            "parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires "
            f"existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={authorization}"
        )
    return signature_error(
        "malformed",
        service,
        message=message,
        s3_code="InvalidArgument",
        s3_message="Unsupported Authorization Type",
        s3_fields={"ArgumentName": "Authorization", "ArgumentValue": authorization},
    )


def _read_header_v2(request: HttpRequest, rest: str, service: str | None) -> SignatureInfo:
    access_key_id, colon, signature = rest.rpartition(":")
    if not colon or not access_key_id or not signature:
        raise signature_error(
            "malformed",
            service or "s3",
            s3_code="InvalidArgument",
            s3_message="AWS authorization header is invalid.  Expected AwsAccessKeyId:signature",
            s3_fields={"ArgumentName": "Authorization", "ArgumentValue": f"AWS {rest}"},
        )
    headers = request.headers
    date_text = headers.get("x-amz-date") or headers.get("date")
    signed_at = parse_http_date(date_text) if date_text else None
    if signed_at is None:
        raise _s3_no_date(service)
    return SignatureInfo(
        algorithm=SIGV2,
        access_key_id=access_key_id,
        session_token=headers.get("x-amz-security-token"),
        region=None,
        service="s3",
        amz_date=date_text,
        signed_at=signed_at,
        presigned=False,
        expires_in=None,
        signed_headers=(),
        signature=signature,
        content_sha256=headers.get("x-amz-content-sha256"),
    )


# ---- presigned query strings ----------------------------------------------------------------------


def _read_presigned_v4(request: HttpRequest, params: dict[str, str], service: str | None) -> SignatureInfo:
    credential = params.get("X-Amz-Credential")
    family_service = service or _signing_name(credential)
    family = error_family(family_service)
    required = (*_V4_QUERY_PARAMS, "X-Amz-Expires") if family == "s3" else _V4_QUERY_PARAMS
    missing = [name for name in required if not params.get(name)]
    if missing:
        message = "".join(f"AWS query-string parameters must include '{name}'. " for name in missing)
        raise signature_error(
            "malformed",
            family_service,
            message=message + "Re-examine the query-string parameters.",
            s3_code="AuthorizationQueryParametersError",
            s3_message=_S3_QUERY_PARAMS_MISSING,
        )
    algorithm = params["X-Amz-Algorithm"]
    if algorithm not in (SIGV4, SIGV4A):
        raise _query_malformed(
            family_service,
            f"Unsupported AWS 'algorithm': '{algorithm}' (only AWS4-HMAC-SHA256 for now). ",
            'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"',
        )
    amz_date = params["X-Amz-Date"]
    signed_at = parse_amz_date(amz_date)
    if signed_at is None:
        raise _query_malformed(
            family_service,
            f"Date must be in ISO-8601 'basic format'. Got '{amz_date}'. See http://en.wikipedia.org/wiki/ISO_8601",
            "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
        )
    expires_in = _presigned_expires(params.get("X-Amz-Expires"), family == "s3", family_service)
    assert credential is not None
    access_key_id, scope = _split_credential(credential, algorithm, family_service, presigned=True)
    _check_scope(scope, amz_date, family_service, presigned=True)
    return SignatureInfo(
        algorithm=algorithm,
        access_key_id=access_key_id,
        session_token=params.get("X-Amz-Security-Token"),
        region=params.get("X-Amz-Region-Set") if algorithm == SIGV4A else scope.split("/")[1],
        service=scope.split("/")[-2],
        amz_date=amz_date,
        signed_at=signed_at,
        presigned=True,
        expires_in=expires_in,
        signed_headers=tuple(params["X-Amz-SignedHeaders"].split(";")),
        signature=params["X-Amz-Signature"],
        credential_scope=scope,
        content_sha256=params.get("X-Amz-Content-Sha256"),
    )


def _presigned_expires(text: str | None, s3: bool, service: str | None) -> int | None:
    """X-Amz-Expires; S3 insists on 0..604800, other services ignore it (AWS gives them 15 minutes)."""
    if text is None:
        return None
    try:
        seconds = int(text)
    except ValueError:
        if s3:
            raise _query_malformed(service, "", "X-Amz-Expires should be a number") from None
        return None
    if s3 and seconds < 0:
        raise _query_malformed(service, "", "X-Amz-Expires must be non-negative")
    if s3 and seconds > MAX_PRESIGNED_EXPIRES:
        raise _query_malformed(
            service,
            "",
            "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be "
            f"less than {MAX_PRESIGNED_EXPIRES} seconds",
        )
    return seconds


def _read_presigned_v2(request: HttpRequest, params: dict[str, str], service: str | None) -> SignatureInfo:
    expires_text = params.get("Expires")
    if not expires_text or not params["AWSAccessKeyId"] or not params["Signature"]:
        raise signature_error(
            "malformed",
            service or "s3",
            s3_code="AccessDenied",
            s3_status=403,
            s3_message="Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters",
        )
    try:
        expires_at = float(int(expires_text))
    except ValueError:
        raise signature_error(
            "malformed",
            service or "s3",
            s3_code="AccessDenied",
            s3_status=403,
            s3_message=f"Invalid date (should be seconds since epoch): {expires_text}",
        ) from None
    return SignatureInfo(
        algorithm=SIGV2,
        access_key_id=params["AWSAccessKeyId"],
        session_token=params.get("x-amz-security-token") or request.headers.get("x-amz-security-token"),
        region=None,
        service="s3",
        amz_date=None,
        signed_at=None,
        presigned=True,
        expires_in=None,
        signed_headers=(),
        signature=params["Signature"],
        expires_at=expires_at,
    )


# ---- the credential scope -------------------------------------------------------------------------


def _signing_name(credential: str | None) -> str | None:
    if not credential:
        return None
    parts = credential.split("/")
    return parts[-2] if len(parts) >= 4 else None


def _split_credential(
    credential: str, algorithm: str, service: str | None, *, presigned: bool
) -> tuple[str, str]:
    """(access key id, credential scope); SigV4 scopes have 5 parts, SigV4a's 4 (no region)."""
    parts = credential.split("/")
    expected = 4 if algorithm == SIGV4A else 5
    if len(parts) != expected or not all(parts[1:]):
        example = "keyid/date/service/term" if algorithm == SIGV4A else "keyid/date/region/service/term"
        raise _malformed_scope(
            service,
            f"Credential must have exactly {expected} slash-delimited elements, e.g. {example}, got '{credential}'",
            _S3_CREDENTIAL_SHAPE,
            presigned,
        )
    if not parts[0] and error_family(service or parts[-2]) == "s3":
        raise _malformed_scope(
            service or parts[-2],
            "",
            "a non-empty Access Key (AKID) must be provided in the credential.",
            presigned,
        )
    return parts[0], "/".join(parts[1:])


def _check_scope(scope: str, amz_date: str, service: str | None, *, presigned: bool) -> None:
    parts = scope.split("/")
    family_service = service or parts[-2]
    if parts[-1] != "aws4_request":
        raise _scope_mismatch(
            family_service,
            f"Credential should be scoped with a valid terminator: 'aws4_request', not '{parts[-1]}'. ",
            f'incorrect terminal "{parts[-1]}". This endpoint uses "aws4_request".',
            presigned,
        )
    if parts[0] != amz_date[:8]:
        raise _scope_mismatch(
            family_service,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{parts[0]}' != '{amz_date[:8]}', from '{amz_date}'.",
            "Invalid credential date. Date is not the same as X-Amz-Date.",
            presigned,
        )


def _scope_mismatch(service: str | None, message: str, s3_message: str, presigned: bool):
    # Outside S3 a scope that does not fit the request is a signature mismatch, not a malformed header.
    if error_family(service) != "s3":
        return signature_error("bad_signature", service, message=message)
    return _malformed_scope(service, message, s3_message, presigned)


def _malformed_scope(service: str | None, message: str, s3_message: str, presigned: bool):
    if presigned:
        return _query_malformed(
            service, message, "Error parsing the X-Amz-Credential parameter; " + s3_message
        )
    return signature_error(
        "malformed", service, message=message, s3_message=_S3_HEADER_MALFORMED + s3_message
    )


def _query_malformed(service: str | None, message: str, s3_message: str):
    return signature_error(
        "malformed",
        service,
        message=message,
        s3_code="AuthorizationQueryParametersError",
        s3_message=s3_message,
    )


def _malformed(service: str | None, message: str, s3_message: str, *, scope_hint: str | None = None, **s3):
    return signature_error(
        "malformed", service or _signing_name(scope_hint), message=message, s3_message=s3_message, **s3
    )


def _s3_no_date(service: str | None):
    return signature_error(
        "malformed", service or "s3", s3_code="AccessDenied", s3_status=403, s3_message=_S3_NO_DATE
    )
