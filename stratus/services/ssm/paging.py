"""Opaque NextToken values for the listing operations: the last position handed out, encoded."""

from __future__ import annotations

import base64
import json

from stratus.services.ssm.common import INVALID_TOKEN, InvalidNextToken


def encode_token(position: dict) -> str:
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str | None, *keys: str) -> dict | None:
    """The position a token carries (it must hold `keys`), None for no token, else AWS's error."""
    if token is None:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        raise InvalidNextToken(INVALID_TOKEN) from None
    if not isinstance(position, dict) or any(key not in position for key in keys):
        raise InvalidNextToken(INVALID_TOKEN)
    return position
