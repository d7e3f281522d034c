"""NextToken paging for SNS list operations: an opaque token naming the last row id returned."""

from __future__ import annotations

import base64

from stratus.services.sns.common import invalid


def encode_token(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"sns:{last_id}".encode()).decode()


def decode_token(token: str | None) -> int:
    """The row id to continue after (0 for the first page); InvalidParameter for a token we never gave."""
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        prefix, _, number = text.partition(":")
        if prefix != "sns":
            raise ValueError(text)
        return int(number)
    except (ValueError, UnicodeError):
        raise invalid("NextToken") from None


def page(rows: list, limit: int, key) -> tuple[list, str | None]:
    """The first `limit` rows and the token for the rest (rows were fetched with limit + 1)."""
    if len(rows) > limit:
        kept = rows[:limit]
        return kept, encode_token(key(kept[-1]))
    return rows, None
