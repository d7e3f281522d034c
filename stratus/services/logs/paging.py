"""Opaque nextToken values for the listing operations (stratus/core/page_tokens.py), with Logs' error."""

from __future__ import annotations

from stratus.core.page_tokens import decode_token as _decode
from stratus.core.page_tokens import encode_token
from stratus.services.logs.common import INVALID_TOKEN, InvalidParameterException

__all__ = ["decode_token", "encode_token"]


def decode_token(token: str | None, *keys: str) -> dict | None:
    return _decode(token, keys, lambda: InvalidParameterException(INVALID_TOKEN))
