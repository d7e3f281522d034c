"""Matching a request against a bucket's CORS rules as S3 does, and the headers S3 answers with.

S3 takes the first rule (in the configuration's order) whose AllowedOrigins match the Origin,
whose AllowedMethods contain the method (Access-Control-Request-Method for a preflight) and whose
AllowedHeaders cover every requested header. An AllowedOrigin or AllowedHeader may hold one `*`
standing for any characters; origins match case-sensitively, headers case-insensitively.
"""

from __future__ import annotations

import re
from functools import lru_cache

VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"


@lru_cache(maxsize=1024)
def _pattern(wildcard: str, ignore_case: bool) -> re.Pattern[str]:
    regex = ".*".join(re.escape(part) for part in wildcard.split("*"))
    return re.compile(regex, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def origin_matches(allowed: str, origin: str) -> bool:
    return _pattern(allowed, False).fullmatch(origin) is not None


def header_allowed(allowed_headers: list[str], header: str) -> bool:
    return any(_pattern(allowed.strip(), True).fullmatch(header.strip()) for allowed in allowed_headers)


def match_cors_rule(rules: list[dict], origin: str, method: str, request_headers: list[str]) -> dict | None:
    """The first rule allowing this origin, method and request headers, or None."""
    wanted_headers = [header for header in request_headers if header.strip()]
    for rule in rules:
        if method not in rule.get("AllowedMethods", []):
            continue
        if not any(origin_matches(allowed, origin) for allowed in rule.get("AllowedOrigins", [])):
            continue
        allowed_headers = rule.get("AllowedHeaders") or []
        if all(header_allowed(allowed_headers, header) for header in wanted_headers):
            return rule
    return None


def cors_headers(rule: dict, origin: str, request_headers: list[str], *, preflight: bool) -> dict[str, str]:
    """The Access-Control-* response headers for a request `rule` allowed.

    A rule allowing any origin (`*`) answers `*` without credentials; otherwise the request's origin
    is echoed and credentials are allowed. A preflight also lists the request headers it allowed.
    """
    any_origin = "*" in rule.get("AllowedOrigins", [])
    headers = {
        "Access-Control-Allow-Origin": "*" if any_origin else origin,
        "Access-Control-Allow-Methods": ", ".join(rule.get("AllowedMethods", [])),
        "Vary": VARY,
    }
    if not any_origin:
        headers["Access-Control-Allow-Credentials"] = "true"
    wanted = [header.strip().lower() for header in request_headers if header.strip()]
    if preflight and wanted:
        headers["Access-Control-Allow-Headers"] = ", ".join(wanted)
    if rule.get("ExposeHeaders"):
        headers["Access-Control-Expose-Headers"] = ", ".join(rule["ExposeHeaders"])
    if rule.get("MaxAgeSeconds") is not None:
        headers["Access-Control-Max-Age"] = str(rule["MaxAgeSeconds"])
    return headers
