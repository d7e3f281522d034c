"""Opaque page tokens (nextToken / NextToken): the last position handed out, as base64url JSON."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable


def encode_token(position: dict) -> str:
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str | None, keys: tuple[str, ...], invalid: Callable[[], Exception]) -> dict | None:
    """The position a token carries (it must hold `keys`), None for no token; a token that is not
    one raises `invalid()` (each service's own error)."""
    if token is None:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        raise invalid() from None
    if not isinstance(position, dict) or any(key not in position for key in keys):
        raise invalid()
    return position
