"""GetFunction's Code.Location: a presigned-style URL served by Stratus itself.

`GET /_stratus/lambda/code/<blob id>?expires=<epoch>&signature=<hex>` answers the zip. The
signature is an HMAC of the blob id and expiry under a key kept in the lambda database, so a URL
is valid for ten minutes (as AWS's presigned S3 URL is), survives a restart, and names the body by
its generated id only. The gateway routes `/_stratus/lambda/...` to `handle()`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import TYPE_CHECKING
from urllib.parse import quote

from stratus.core.context import RequestContext
from stratus.protocol.http import HttpRequest, HttpResponse
from stratus.store import Database
from stratus.store.blobs import BlobNotFoundError

if TYPE_CHECKING:
    from stratus.runtime import Runtime

URL_LIFETIME_SECONDS = 600
CODE_PATH = "/_stratus/lambda/code/"


def _signing_key(db: Database) -> bytes:
    row = db.query_one("SELECT value FROM lambda_settings WHERE name = 'code_url_key'")
    if row is not None:
        return bytes.fromhex(row["value"])
    key = secrets.token_hex(32)
    with db.transaction():
        db.execute(
            "INSERT INTO lambda_settings (name, value) VALUES ('code_url_key', ?) ON CONFLICT (name) DO NOTHING",
            (key,),
        )
    row = db.query_one("SELECT value FROM lambda_settings WHERE name = 'code_url_key'")
    return bytes.fromhex(row["value"])


def _signature(key: bytes, blob_id: str, expires: int) -> str:
    return hmac.new(key, f"{blob_id}\n{expires}".encode(), hashlib.sha256).hexdigest()


def code_location(ctx: RequestContext, db: Database, blob_id: str) -> str:
    expires = int(ctx.runtime.clock.time()) + URL_LIFETIME_SECONDS
    signature = _signature(_signing_key(db), blob_id, expires)
    host = ctx.request.headers.get("host") if ctx.request is not None else None
    scheme = "https" if ctx.secure_transport else "http"
    base = f"{scheme}://{host}" if host else ctx.runtime.endpoint
    return f"{base}{CODE_PATH}{quote(blob_id)}?expires={expires}&signature={signature}"


def _error(status: int, code: str, message: str) -> HttpResponse:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    return HttpResponse(status, [("Content-Type", "application/json")], body)


def handle(runtime: Runtime, request: HttpRequest, name: str, method: str) -> HttpResponse:
    """`name` is the path after `/_stratus/lambda/`."""
    if not name.startswith("code/") or method not in ("GET", "HEAD"):
        return _error(404, "NotFound", f"no internal endpoint {method} /_stratus/lambda/{name}")
    blob_id = name[len("code/") :]
    provider = runtime.providers.get("lambda")
    assert provider is not None
    db = provider.db()
    query = {key: values[0] for key, values in request.query.items() if values}
    try:
        expires = int(query.get("expires", ""))
    except ValueError:
        return _error(403, "AccessDenied", "Request has expired or is not signed")
    expected = _signature(_signing_key(db), blob_id, expires)
    if not hmac.compare_digest(expected, query.get("signature", "")):
        return _error(403, "AccessDenied", "The request signature does not match")
    if runtime.clock.time() > expires:
        return _error(403, "AccessDenied", "Request has expired")
    try:
        body = provider.blobs().read(blob_id)
    except (BlobNotFoundError, ValueError):
        return _error(404, "NoSuchKey", "The specified key does not exist.")
    headers = [("Content-Type", "application/zip"), ("Content-Length", str(len(body)))]
    return HttpResponse(200, headers, b"" if method == "HEAD" else body)
