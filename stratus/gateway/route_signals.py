"""Cheap facts read off a request that tell which service it is for.

Each function looks at one thing (the credential scope, the Action parameter, the Host header)
and avoids parsing more of the request than it needs: this runs for every request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_plus

from stratus.protocol.http import HttpRequest

# Form bodies above this size are not searched for an Action: query-protocol requests are small,
# and a large form-encoded body is an upload (e.g. `curl --data` to S3), not an API call.
MAX_FORM_BODY_FOR_ACTION = 2 * 1024 * 1024

_ACTION_IN_FORM = re.compile(rb"(?:^|&)Action=([^&]*)")
_VERSION_IN_FORM = re.compile(rb"(?:^|&)Version=([^&]*)")


def signing_name(request: HttpRequest) -> str | None:
    """The service name of the SigV4/SigV4a credential scope (header or presigned query), if any.

    `AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/sqs/aws4_request, ...` gives "sqs";
    SigV4a scopes have no region (`AKID/20250101/s3/aws4_request`). SigV2 (`AWS AKID:sig`) is only
    still used by S3, so it gives "s3".
    """
    authorization = request.headers.get("authorization")
    if authorization:
        if authorization.startswith("AWS4-"):
            start = authorization.find("Credential=")
            if start >= 0:
                end = authorization.find(",", start)
                scope = authorization[start + 11 : end if end >= 0 else None]
                return _service_of_scope(scope.strip())
        elif authorization.startswith("AWS "):
            return "s3"
        return None
    query_string = request.query_string
    if "X-Amz-Credential=" in query_string:
        credentials = request.query.get("X-Amz-Credential")
        if credentials:
            return _service_of_scope(credentials[0])
    elif "AWSAccessKeyId=" in query_string and "Signature=" in query_string and "Action=" not in query_string:
        return "s3"  # SigV2 presigned URL
    return None


def _service_of_scope(scope: str) -> str | None:
    parts = scope.split("/")
    if len(parts) >= 4 and parts[-1] == "aws4_request":
        return parts[-2]
    return None


def has_bearer_token(request: HttpRequest) -> bool:
    authorization = request.headers.get("authorization")
    return authorization is not None and authorization[:7].lower() == "bearer "


@dataclass(frozen=True, slots=True)
class QueryAction:
    action: str
    version: str | None


def query_action(request: HttpRequest) -> QueryAction | None:
    """`Action` (and `Version`) from the query string or an urlencoded POST body."""
    if "Action=" in request.query_string:
        query = request.query
        actions = query.get("Action")
        if actions and actions[0]:
            versions = query.get("Version")
            return QueryAction(actions[0], versions[0] if versions else None)
    if request.method != "POST":
        return None
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        return None
    if request.body.size > MAX_FORM_BODY_FOR_ACTION:
        return None
    body = request.body.read()
    found = _ACTION_IN_FORM.search(body)
    if found is None or not found.group(1):
        return None
    version = _VERSION_IN_FORM.search(body)
    return QueryAction(
        unquote_plus(found.group(1).decode("utf-8", "replace")),
        unquote_plus(version.group(1).decode("utf-8", "replace")) if version else None,
    )


def host_name(request: HttpRequest) -> str:
    """The Host header, lower-cased, without the port."""
    host = request.headers.get("host", "")
    if not host:
        return ""
    if host[0] == "[":  # IPv6 literal
        return host[: host.find("]") + 1].lower()
    colon = host.rfind(":")
    return (host[:colon] if colon >= 0 else host).lower()


@dataclass(frozen=True, slots=True)
class S3Host:
    """What an S3 Host header says: a virtual-hosted bucket, or the S3 Control account endpoint."""

    bucket: str | None = None
    control: bool = False


def s3_host(host: str) -> S3Host:
    """`bucket.s3.amazonaws.com`, `bucket.s3.us-west-2.amazonaws.com`, `bucket.s3-us-west-2...`,
    `bucket.s3.localhost.localstack.cloud`, `bucket.localhost`; `123456789012.s3-control.<...>`."""
    if not host or host[0] == "[" or host.replace(".", "").isdigit():
        return S3Host()
    labels = host.split(".")
    for index in range(1, len(labels)):
        label = labels[index]
        if label == "s3-control":
            return S3Host(control=True)
        if label == "s3" or label.startswith("s3-"):
            return S3Host(bucket=".".join(labels[:index]))
    if (
        len(labels) >= 2
        and labels[-1] == "localhost"
        and not any(label == "s3" or label.startswith("s3-") for label in labels)
    ):
        return S3Host(bucket=".".join(labels[:-1]))
    return S3Host()
