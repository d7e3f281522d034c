"""Browser uploads (POST Object): an HTML form posted to a bucket's URL as `multipart/form-data`.

S3's API model has no operation for it (the form carries what PutObject takes in headers, and its
authority is a signed POST policy, not a signed request), so the dispatcher sends such a request
here before routing. The way through:

    form fields (post_form.py)  →  required fields  →  who signed the policy (verified when IAM is
    on)  →  the policy: expiration, conditions, every field covered  →  IAM (s3:PutObject)  →
    PutObject with the file part streamed, held to the content-length-range  →  204/200/201/303

Errors are AWS's as observed on the wire (S3 documents several differently than it answers).
The request is logged as `s3.PostObject`, CloudTrail's name for it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlencode, urlsplit

from stratus.auth.amz_time import parse_amz_date
from stratus.auth.canonical import keyed_hmac_hex, signing_key
from stratus.auth.credentials import CredentialScope, Principal, account_for_access_key
from stratus.auth.signature_errors import signature_error
from stratus.config import DEFAULT_REGION
from stratus.core import ids
from stratus.core.context import RequestContext
from stratus.core.request_log import RequestRecord
from stratus.gateway.route_index import service_index
from stratus.gateway.route_signals import host_name, s3_host
from stratus.protocol.errors import InternalError, ServiceError
from stratus.protocol.http import HttpRequest, HttpResponse
from stratus.protocol.serializers import serialize_error
from stratus.protocol.serializers.rest_xml import XML_DECLARATION, host_id
from stratus.protocol.serializers.xml_text import element
from stratus.services.s3.bucket_store import Bucket, require_bucket
from stratus.services.s3.common import (
    AccessDenied,
    InvalidArgument,
    _error,
    s3_error,
)
from stratus.services.s3.cors_http import response_headers
from stratus.services.s3.encryption import response_headers as encryption_headers
from stratus.services.s3.post_form import (
    CheckedFile,
    FormFields,
    SizeLimits,
    boundary_of,
    content_md5,
    put_params,
    read_form,
    verified_file,
)

if TYPE_CHECKING:
    from stratus.runtime import Runtime

log = logging.getLogger("stratus.s3.post")

OPERATION = "PostObject"  # CloudTrail's event name for a browser upload
FORM_CONTENT_TYPE = "multipart/form-data"
SIGV4_ALGORITHM = "AWS4-HMAC-SHA256"
SIGV4_FIELDS = ("x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature")
SIGV2_FIELDS = ("awsaccesskeyid", "signature")
# How S3 names a missing field in its error (the form's field names are case-insensitive).
FIELD_SPELLING = {
    "x-amz-algorithm": "X-Amz-Algorithm",
    "x-amz-credential": "X-Amz-Credential",
    "x-amz-date": "X-Amz-Date",
    "x-amz-signature": "X-Amz-Signature",
    "awsaccesskeyid": "AWSAccessKeyId",
    "signature": "Signature",
    "policy": "Policy",
    "key": "key",
}
# Fields no policy condition has to name.
UNCOVERED_FIELDS = frozenset({"x-amz-signature", "file", "policy", "awsaccesskeyid", "signature"})
IGNORED_PREFIX = "x-ignore-"
EXPIRATION = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$")

InvalidPolicyDocument = _error(
    "InvalidPolicyDocument",
    400,
    "The content of the form does not meet the conditions specified in the policy document.",
)
POLICY_REFUSED = "Invalid according to Policy: "
MISSING_FIELD = (
    "Bucket POST must contain a field named '{}'.  If it is specified, please check the order of the fields."
)


# ---------------------------------------------------------------------------------------- routing


def form_bucket(request: HttpRequest) -> str | None:
    """The bucket a browser form is posted to (`POST /` on its virtual host, `POST /<bucket>`
    path-style), or None when the request is not a browser upload to S3."""
    if request.method != "POST" or not request.headers.get("content-type", "").lower().startswith(
        FORM_CONTENT_TYPE
    ):
        return None
    if "authorization" in request.headers or "x-amz-target" in request.headers:
        return None  # a signed API call, not a form
    host = host_name(request)
    addressed = s3_host(host)
    if addressed.control:
        return None
    path = request.path or "/"
    if addressed.bucket:
        return addressed.bucket if path == "/" else None
    if any(name != "s3" for name in service_index().by_endpoint_prefix.get(host.split(".", 1)[0], ())):
        return None  # a host that names another service
    name = path[1:-1] if path.endswith("/") else path[1:]
    return unquote(name) if name and "/" not in name else None


# ---------------------------------------------------------------------------------------- handling


async def handle(
    runtime: Runtime, request: HttpRequest, bucket: str, source_ip: str | None, secure: bool
) -> HttpResponse:
    """Answer a browser upload and record it in the request log, like every other request."""
    started = time.perf_counter()
    request_id = ids.request_id()
    ctx = RequestContext(
        runtime=runtime,
        service="s3",
        operation=OPERATION,
        account_id=account_for_access_key(None),
        region=DEFAULT_REGION,
        principal=runtime.auth.root_principal(None),
        request_id=request_id,
        time=runtime.clock.now(),
        protocol="rest-xml",
        source_ip=source_ip,
        secure_transport=secure,
        request=request,
    )
    error_code = None
    try:
        response = await _upload(ctx, bucket)
    except ServiceError as error:
        error_code = error.code
        response = serialize_error("rest-xml", None, None, error, request_id)
    except Exception:  # a bug must still get an answer (and a log line), not a dropped connection
        log.exception("s3.PostObject failed (request %s)", request_id)
        error = InternalError("We encountered an internal error. Please try again.")
        error_code = error.code
        response = serialize_error("rest-xml", None, None, error, request_id)
    finally:
        ctx.operation = OPERATION
    if "origin" in request.headers:  # a browser's upload is cross-origin: CORS rules apply to it
        provider = runtime.providers.get("s3")
        if provider is not None:
            response.headers.extend(response_headers(provider.db(), bucket, request).items())  # type: ignore[attr-defined]
    runtime.request_log.record(RequestRecord.of(ctx, response.status, error_code, started))
    return response


async def _upload(ctx: RequestContext, bucket_name: str) -> HttpResponse:
    runtime, request = ctx.runtime, ctx.request
    assert request is not None
    provider = runtime.providers.get("s3")
    bucket = require_bucket(provider.db(), bucket_name)  # type: ignore[union-attr]
    ctx.region = bucket.region
    form = read_form(request.body.stream(), boundary_of(request.headers.get("content-type", "")))
    fields = FormFields(form)
    if "key" not in fields.values:
        raise _missing_field("key")
    if form.file is None:
        raise s3_error(
            InvalidArgument,
            "POST requires exactly one file upload per request.",
            ArgumentName="file",
            ArgumentValue="0",
        )
    signer = read_signer(fields)
    _identify(ctx, signer, bucket)
    limits = SizeLimits()
    policy_text = fields.get("policy")
    if policy_text is not None:
        policy = parse_policy(policy_text)
        _check_expiration(ctx, policy, signer)
        limits = check_conditions(policy, fields, bucket.name)
    params = put_params(fields, bucket.name)
    ctx.operation = "PutObject"  # IAM sees the upload as what it is: s3:PutObject (+ Acl, Tagging)
    runtime.auth.authorize(ctx, params)
    ctx.operation = OPERATION
    body = CheckedFile(form.file.reader, limits, content_md5(fields.get("content-md5")))
    params["Body"] = verified_file(body, fields)  # x-amz-checksum-* fields
    result = await provider.put_object(ctx, params)  # type: ignore[union-attr]
    return _answer(ctx, fields, bucket, params["Key"], result)


# ---------------------------------------------------------------------------------------- the form


def _missing_field(name: str) -> ServiceError:
    spelled = FIELD_SPELLING.get(name, name)
    return s3_error(InvalidArgument, MISSING_FIELD.format(spelled), ArgumentName=spelled, ArgumentValue="")


def _invalid_field(name: str, value: str, message: str, **extra: object) -> ServiceError:
    return s3_error(InvalidArgument, message, ArgumentName=FIELD_SPELLING[name], ArgumentValue=value, **extra)


# ---------------------------------------------------------------------------------------- who


@dataclass(frozen=True, slots=True)
class Signer:
    """Who signed the policy, as the form says: SigV4 (`x-amz-*` fields) or SigV2 (`AWSAccessKeyId`)."""

    version: int  # 4 or 2
    access_key_id: str
    signature: str
    policy: str
    credential: str | None = None  # SigV4: AKID/date/region/service/aws4_request
    region: str | None = None
    scope_date: str | None = None
    signing_name: str | None = None
    signed_at: float | None = None
    session_token: str | None = None


def read_signer(fields: FormFields) -> Signer | None:
    """The signature fields, checked for shape (whatever the IAM mode); None for an anonymous form."""
    values = fields.values
    if any(name in values for name in SIGV4_FIELDS):
        for name in (*SIGV4_FIELDS, "policy"):
            if not values.get(name):
                raise _missing_field(name)
        algorithm = values["x-amz-algorithm"]
        if algorithm != SIGV4_ALGORITHM:
            raise _invalid_field(
                "x-amz-algorithm", algorithm, f'X-Amz-Algorithm only supports "{SIGV4_ALGORITHM}"'
            )
        credential = values["x-amz-credential"]
        parts = credential.split("/")
        if len(parts) != 5 or not all(parts[1:]) or parts[4] != "aws4_request":
            raise _invalid_field(
                "x-amz-credential",
                credential,
                'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
            )
        if not parts[0]:
            raise _invalid_field(
                "x-amz-credential",
                credential,
                "a non-empty Access Key (AKID) must be provided in the credential.",
            )
        amz_date = values["x-amz-date"]
        signed_at = parse_amz_date(amz_date)
        if signed_at is None:
            raise _invalid_field(
                "x-amz-date", amz_date, "X-Amz-Date must be formated via ISO8601 Long format"
            )
        return Signer(
            4,
            parts[0],
            values["x-amz-signature"],
            values["policy"],
            credential=credential,
            region=parts[2],
            scope_date=parts[1],
            signing_name=parts[3],
            signed_at=signed_at,
            session_token=values.get("x-amz-security-token"),
        )
    if any(name in values for name in SIGV2_FIELDS):
        for name in (*SIGV2_FIELDS, "policy"):
            if not values.get(name):
                raise _missing_field(name)
        return Signer(
            2,
            values["awsaccesskeyid"],
            values["signature"],
            values["policy"],
            session_token=values.get("x-amz-security-token"),
        )
    return None


def _identify(ctx: RequestContext, signer: Signer | None, bucket: Bucket) -> None:
    """Set the caller on `ctx`: with IAM off, as the access key says (any signature is accepted,
    as for every request); with IAM on, only when the policy's signature is right."""
    auth = ctx.runtime.auth
    if auth.mode == "off":
        scope = CredentialScope(
            signer.access_key_id if signer else None, signer.region if signer else None, "s3"
        )
        principal, credential = auth.identify(ctx.request, scope, "s3", None)  # type: ignore[arg-type]
    elif signer is None:
        principal, credential = Principal.anonymous(account_for_access_key(None)), None
    else:
        credential = auth.credentials.lookup(signer.access_key_id)
        if credential is None or not credential.active:
            raise signature_error("unknown_key", "s3", access_key_id=signer.access_key_id)
        if credential.session is not None:
            if signer.session_token != credential.session.session_token:
                raise signature_error("invalid_token", "s3")
            if ctx.runtime.clock.time() >= credential.session.expires_at:
                raise signature_error("expired_token", "s3")
        _verify(signer, credential.secret, bucket)
        principal = credential.principal
    ctx.principal, ctx.credential, ctx.account_id = principal, credential, principal.account_id


def _verify(signer: Signer, secret: str, bucket: Bucket) -> None:
    """The signature is over the base64 policy as sent: HMAC-SHA256 with the SigV4 signing key
    (hex), or HMAC-SHA1 with the secret (base64) for SigV2."""
    if signer.version == 4:
        if signer.region != bucket.region:
            raise _invalid_field(
                "x-amz-credential",
                signer.credential or "",
                f"the region '{signer.region}' is wrong; expecting '{bucket.region}'",
                Region=bucket.region,
            )
        key = signing_key(secret, signer.scope_date or "", signer.region or "", signer.signing_name or "s3")
        expected = keyed_hmac_hex(key, signer.policy)
    else:
        digest = hmac.new(secret.encode("utf-8"), signer.policy.encode("utf-8"), hashlib.sha1).digest()
        expected = base64.b64encode(digest).decode("ascii")
    if not hmac.compare_digest(expected.encode(), signer.signature.encode()):
        raise signature_error(
            "bad_signature",
            "s3",
            access_key_id=signer.access_key_id,
            signature=signer.signature,
            string_to_sign=signer.policy,
        )


# ---------------------------------------------------------------------------------------- the policy


@dataclass(frozen=True, slots=True)
class Condition:
    operation: str  # "eq" | "starts-with" | "content-length-range"
    field: str | None  # lower-cased form field ("$key" → "key"); None when the operand lacks its "$"
    operands: tuple  # eq/starts-with: (value,); content-length-range: (min, max) or () if unreadable
    shown: str  # how S3 prints the condition when it fails


@dataclass(frozen=True, slots=True)
class Policy:
    expiration: float
    conditions: tuple[Condition, ...]


def _invalid_policy(reason: str) -> ServiceError:
    return s3_error(InvalidPolicyDocument, f"Invalid Policy: {reason}")


def parse_policy(text: str) -> Policy:
    """The base64 JSON policy document, or InvalidPolicyDocument saying what is wrong with it."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise _invalid_policy("invalid Base64 encoding.") from None
    try:
        document = json.loads(raw.decode("utf-8"), parse_float=_refuse_float)
    except (UnicodeDecodeError, ValueError):
        raise _invalid_policy("Invalid JSON.") from None
    if not isinstance(document, dict):
        raise _invalid_policy("Invalid JSON.")
    for name in document:
        if name not in ("expiration", "conditions"):
            raise _invalid_policy(f"Unexpected: '{name.lower()}'")
    if "expiration" not in document:
        raise _invalid_policy("Policy missing expiration.")
    if "conditions" not in document:
        raise _invalid_policy("Policy missing conditions.")
    expiration = document["expiration"]
    matched = EXPIRATION.match(expiration) if isinstance(expiration, str) else None
    if matched is None:
        raise _invalid_policy(f"Invalid 'expiration' value: '{expiration}'")
    try:
        expires_at = datetime(*(int(part) for part in matched.groups()), tzinfo=UTC).timestamp()  # type: ignore[misc]
    except ValueError:
        raise _invalid_policy(f"Invalid 'expiration' value: '{expiration}'") from None
    if not isinstance(document["conditions"], list):
        raise _invalid_policy("Invalid 'conditions' value: must be a List.")
    return Policy(expires_at, tuple(_condition(item) for item in document["conditions"]))


def _refuse_float(text: str) -> float:
    raise ValueError(text)  # S3 reads no fractional numbers in a policy ("Invalid JSON.")


def _shown(items: list) -> str:
    return json.dumps(items, ensure_ascii=False)


def _field_of(operand: str) -> str | None:
    return operand[1:].lower() if operand.startswith("$") else None


def _condition(item: object) -> Condition:
    if isinstance(item, dict):
        if len(item) != 1:
            raise _invalid_policy(
                "Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."
            )
        ((name, value),) = item.items()
        if value is None:
            raise _invalid_policy("Invalid JSON.")
        if not isinstance(value, str):
            raise _invalid_policy("Invalid Simple-Condition: value must be a string.")
        return Condition("eq", name.lower(), (value,), _shown(["eq", f"${name}", value]))
    if not isinstance(item, list):
        raise _invalid_policy("Invalid condition test: must be a List or Object.")
    if not item or not isinstance(item[0], str):
        raise _invalid_policy("Invalid Condition: missing operation identifier.")
    operation = item[0].lower()
    if operation not in ("eq", "starts-with", "content-length-range"):
        raise _invalid_policy(f"Invalid Condition: unknown operation '{item[0]}'.")
    if len(item) != 3:
        raise _invalid_policy(f"Invalid {item[0]}: wrong number of arguments.")
    if operation == "content-length-range":
        bounds = tuple(_bound(value) for value in item[1:])
        if any(bound is not None and bound < 0 for bound in bounds):
            raise _invalid_policy("Invalid content-length-range: the bounds must not be negative.")
        readable = () if None in bounds else bounds
        return Condition(operation, None, readable, _shown(item))
    operand, value = item[1], item[2]
    if not isinstance(operand, str) or not isinstance(value, str):
        raise _invalid_policy("Invalid JSON.")
    return Condition(operation, _field_of(operand), (value,), _shown(item))


def _bound(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def _check_expiration(ctx: RequestContext, policy: Policy, signer: Signer | None) -> None:
    """By the Stratus clock. A SigV4 form says when it was signed (with the client's real clock):
    its policy then lives as long on the emulated clock as it was given, so moving the clock
    forward expires forms signed before the move, not those signed after it (like presigned URLs)."""
    clock = ctx.runtime.clock
    expires_at = policy.expiration
    if signer is not None and signer.signed_at is not None:
        expires_at = clock.emulated_at(signer.signed_at) + (policy.expiration - signer.signed_at)
    if clock.time() > expires_at:
        raise s3_error(AccessDenied, POLICY_REFUSED + "Policy expired.")


def check_conditions(policy: Policy, fields: FormFields, bucket: str) -> SizeLimits:
    """Every condition on the fields (the size ranges are returned, to be held to as the file
    streams in), then every field must be named by some condition."""
    limits = SizeLimits()
    for condition in policy.conditions:
        if condition.operation == "content-length-range":
            if not condition.operands:
                raise s3_error(AccessDenied, POLICY_REFUSED + "Policy Condition failed: " + condition.shown)
            minimum, maximum = condition.operands
            limits.minimum = max(limits.minimum, minimum)
            limits.maximum = maximum if limits.maximum is None else min(limits.maximum, maximum)
            continue
        actual = bucket if condition.field == "bucket" else fields.get(condition.field or "")
        if condition.field is None or actual is None or not _holds(condition, actual):
            raise s3_error(AccessDenied, POLICY_REFUSED + "Policy Condition failed: " + condition.shown)
    covered = {condition.field for condition in policy.conditions if condition.field}
    extra = [
        name
        for name in fields.names
        if name.lower() not in covered
        and name.lower() not in UNCOVERED_FIELDS
        and not name.lower().startswith(IGNORED_PREFIX)
    ]
    if extra:
        raise s3_error(AccessDenied, POLICY_REFUSED + "Extra input fields: " + ", ".join(extra))
    return limits


def _holds(condition: Condition, actual: str) -> bool:
    (expected,) = condition.operands
    if condition.operation == "eq":
        return actual == expected
    if condition.field == "content-type":  # a list of types: each must match
        return all(item.strip().startswith(expected) for item in actual.split(","))
    return actual.startswith(expected)


# ---------------------------------------------------------------------------------------- the answer


def _object_url(ctx: RequestContext, bucket: str, key: str) -> str:
    request = ctx.request
    assert request is not None
    scheme = "https" if ctx.secure_transport else "http"
    host = request.headers.get("host", "localhost")
    quoted = quote(key, safe="")  # S3 encodes the key's "/" too
    if s3_host(host_name(request)).bucket:
        return f"{scheme}://{host}/{quoted}"
    return f"{scheme}://{host}/{bucket}/{quoted}"


def _redirect_target(url: str | None) -> str | None:
    """An absolute http(s) URL; S3 acts as if a URL it cannot use was not given."""
    if not url:
        return None
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _answer(ctx: RequestContext, fields: FormFields, bucket: Bucket, key: str, result: dict) -> HttpResponse:
    etag = result["ETag"]
    location = _object_url(ctx, bucket.name, key)
    headers = [
        ("ETag", etag),
        ("Location", location),
        *encryption_headers(result),  # encryption.py
        *[(f"x-amz-checksum-{name[8:].lower()}", v) for name, v in result.items() if name[:8] == "Checksum"],
        ("x-amz-request-id", ctx.request_id),
        ("x-amz-id-2", host_id(ctx.request_id)),
    ]
    if result.get("VersionId"):
        headers.append(("x-amz-version-id", result["VersionId"]))
    redirect = _redirect_target(fields.get("success_action_redirect") or fields.get("redirect"))
    if redirect is not None:
        joiner = "" if redirect.endswith(("?", "&")) else "&" if "?" in redirect else "?"
        target = redirect + joiner + urlencode({"bucket": bucket.name, "key": key, "etag": etag})
        headers = [(name, value) for name, value in headers if name != "Location"]
        return HttpResponse(303, [*headers, ("Location", target)], b"")
    status = fields.get("success_action_status")
    if status == "201":
        body = (
            XML_DECLARATION
            + "<PostResponse>"
            + element("Location", location)
            + element("Bucket", bucket.name)
            + element("Key", key)
            + element("ETag", etag)
            + "</PostResponse>"
        )
        return HttpResponse(201, [*headers, ("Content-Type", "application/xml")], body.encode("utf-8"))
    return HttpResponse(200 if status == "200" else 204, headers, b"")
