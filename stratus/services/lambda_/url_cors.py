"""A function URL's CORS settings: how the API checks them, and the headers the URL layer adds.

Control plane: an empty `Cors` (no origins, methods, headers, credentials or max age) means no
CORS (Terraform clears a `cors` block that way); any other `Cors` needs `AllowOrigins`; methods are
GET, PUT, POST, DELETE, HEAD, PATCH or `*` (OPTIONS is answered by the URL layer itself). Lengths
and counts are the model's, checked before the provider runs.

Data plane, when the URL has CORS settings:
- a preflight (OPTIONS with `Origin` and `Access-Control-Request-Method`) is answered by the URL
  layer without invoking the function: 200 with `Access-Control-Allow-Origin` (the request's
  origin), `-Allow-Methods`, `-Allow-Headers`, `-Allow-Credentials` and `-Max-Age` from the
  settings, when the origin is allowed, and no CORS headers when it is not;
- any other request from an allowed origin gets `Access-Control-Allow-Origin`,
  `-Expose-Headers` and `-Allow-Credentials` added to the function's own headers. AWS adds them
  beside CORS headers the function set itself, so a function that also answers CORS sends
  duplicates, as it does on AWS.
A URL without CORS settings passes OPTIONS requests to the function like any other.
"""

from __future__ import annotations

from stratus.protocol.http import HttpRequest
from stratus.services.lambda_.common import InvalidParameterValue

ALLOWED_METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "*")
LIST_MEMBERS = ("AllowHeaders", "AllowMethods", "AllowOrigins", "ExposeHeaders")
EMPTY_ORIGINS_MESSAGE = "You can't leave AllowOrigins as empty when Cors is enabled."
# Guessed wording around AWS's documented list of methods.
INVALID_METHOD_MESSAGE = (
    "The AllowMethods value {method} is not valid. "
    "You can use GET, PUT, POST, DELETE, HEAD, PATCH, and the wildcard character (*)."
)


def checked_cors(cors: dict) -> dict | None:
    """The settings to store for a `Cors` member given to Create/Update; None when it is empty."""
    if not _enabled(cors):
        return None
    if not cors.get("AllowOrigins"):
        raise InvalidParameterValue(EMPTY_ORIGINS_MESSAGE)
    for method in cors.get("AllowMethods") or ():
        if method.upper() not in ALLOWED_METHODS:
            raise InvalidParameterValue(INVALID_METHOD_MESSAGE.format(method=method))
    stored: dict = {}
    if cors.get("AllowCredentials") is not None:
        stored["AllowCredentials"] = bool(cors["AllowCredentials"])
    for member in LIST_MEMBERS:
        if cors.get(member) is not None:
            stored[member] = list(cors[member])
    if cors.get("MaxAge") is not None:
        stored["MaxAge"] = int(cors["MaxAge"])
    return stored


def _enabled(cors: dict) -> bool:
    return bool(
        any(cors.get(member) for member in LIST_MEMBERS) or cors.get("AllowCredentials") or cors.get("MaxAge")
    )


def is_preflight(request: HttpRequest) -> bool:
    headers = request.headers
    return request.method == "OPTIONS" and "origin" in headers and "access-control-request-method" in headers


def allowed_origin(cors: dict, origin: str | None) -> str | None:
    """The request's origin when the settings allow it, else None."""
    if not origin:
        return None
    origins = cors.get("AllowOrigins") or ()
    if "*" in origins or origin.lower() in (allowed.lower() for allowed in origins):
        return origin
    return None


def preflight_headers(cors: dict, request: HttpRequest) -> list[tuple[str, str]]:
    origin = allowed_origin(cors, request.headers.get("origin"))
    if origin is None:
        return []
    headers = [("Access-Control-Allow-Origin", origin)]
    if cors.get("AllowMethods"):
        headers.append(("Access-Control-Allow-Methods", ",".join(cors["AllowMethods"])))
    if cors.get("AllowHeaders"):
        headers.append(("Access-Control-Allow-Headers", ",".join(cors["AllowHeaders"])))
    if cors.get("AllowCredentials"):
        headers.append(("Access-Control-Allow-Credentials", "true"))
    if cors.get("MaxAge"):
        headers.append(("Access-Control-Max-Age", str(cors["MaxAge"])))
    headers.append(("Vary", "Origin"))
    return headers


def response_headers(cors: dict, request: HttpRequest) -> list[tuple[str, str]]:
    origin = allowed_origin(cors, request.headers.get("origin"))
    if origin is None:
        return []
    headers = [("Access-Control-Allow-Origin", origin)]
    if cors.get("ExposeHeaders"):
        headers.append(("Access-Control-Expose-Headers", ",".join(cors["ExposeHeaders"])))
    if cors.get("AllowCredentials"):
        headers.append(("Access-Control-Allow-Credentials", "true"))
    headers.append(("Vary", "Origin"))
    return headers
