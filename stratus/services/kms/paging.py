"""Marker/NextMarker/Truncated paging, as every KMS listing speaks it. A marker is the last
position handed out (the sort key of the last item), encoded; KMS documents its limits and clamps
to them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from stratus.core.page_tokens import decode_token, encode_token
from stratus.services.kms.common import InvalidMarkerException

T = TypeVar("T")
INVALID_MARKER = "Invalid marker"  # guessed: AWS does not document the wording


def encode_marker(position: str) -> str:
    return encode_token({"after": position})


def decode_marker(marker: str | None) -> str | None:
    decoded = decode_token(marker, ("after",), lambda: InvalidMarkerException(INVALID_MARKER))
    if decoded is None:
        return None
    if not isinstance(decoded["after"], str):
        raise InvalidMarkerException(INVALID_MARKER)
    return decoded["after"]


def page_size(req: dict, default: int, maximum: int) -> int:
    limit = req.get("Limit")
    return default if limit is None else min(limit, maximum)


def page(
    items: Sequence[T], req: dict, position: Callable[[T], str], *, default: int, maximum: int
) -> tuple[list[T], dict]:
    """The page of `items` (already sorted by `position`) after the request's Marker, and the
    Truncated/NextMarker members to answer with."""
    after = decode_marker(req.get("Marker"))
    limit = page_size(req, default, maximum)
    remaining = [item for item in items if after is None or position(item) > after]
    chosen = remaining[:limit]
    if len(remaining) > limit:
        return chosen, {"Truncated": True, "NextMarker": encode_marker(position(chosen[-1]))}
    return chosen, {"Truncated": False}
