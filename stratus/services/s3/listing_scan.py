"""Reading one page of a listing straight off the indexes, never the whole bucket.

Keys are TEXT compared with SQLite's BINARY collation, i.e. bytewise UTF-8, which is code point
order and S3's listing order. A prefix is the key range [prefix, successor(prefix)); a common
prefix that rolls up many keys is skipped with one index seek to its successor rather than by
reading its keys. Rows are read lazily from the cursor, so a page costs what it returns plus at
most one extra row per common prefix.

Current objects come from the partial index `s3_objects_current` (bucket, key) WHERE is_latest = 1,
named with `INDEXED BY` (SQLite syntax: a PostgreSQL backend drops the clause, its planner keeps
statistics); versions from a (bucket, key, ...) index, newest first within a key.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from stratus.store import Database

# Listing columns only: the JSON columns a listing never shows (headers, metadata, tags...) stay unread.
_CURRENT_COLUMNS = "key, size, etag, last_modified, storage_class, owner_id, checksums, extra"
_VERSION_COLUMNS = (
    "object_id, key, version_id, is_latest, delete_marker, size, etag, last_modified, storage_class, "
    "owner_id, checksums, extra"
)
_MAX_CODE_POINT = 0x10FFFF


@dataclass(frozen=True, slots=True)
class Position:
    """Where a scan starts: at keys > `key` (>= when `inclusive`); for versions, first the
    versions of `key` older than `before_object_id`, when set."""

    key: str
    inclusive: bool = False
    before_object_id: int | None = None


@dataclass(slots=True)
class Page:
    entries: list[sqlite3.Row | str]  # rows, and common prefixes as plain strings
    truncated: bool


def successor(text: str) -> str | None:
    """The least string greater than every string starting with `text` (None: there is none)."""
    chars = list(text)
    while chars:
        code = ord(chars.pop())
        if code < _MAX_CODE_POINT:
            code += 1
            if 0xD800 <= code <= 0xDFFF:  # surrogates cannot be in a UTF-8 key
                code = 0xE000
            chars.append(chr(code))
            return "".join(chars)
    return None


def start_position(prefix: str, after: str | None, *, inclusive: bool = False) -> Position:
    """The later of the prefix's first key and the position right after `after`."""
    if after is not None and (after > prefix or (after == prefix and not inclusive)):
        return Position(after, inclusive)
    return Position(prefix, inclusive=True)


def is_common_prefix(marker: str, prefix: str, delimiter: str) -> bool:
    """Whether `marker` is a common prefix this listing rolls up (a previous page's NextMarker or
    NextKeyMarker): resuming after it must skip every key under it."""
    if not delimiter or not marker.startswith(prefix) or not marker.endswith(delimiter):
        return False
    return marker.find(delimiter, len(prefix)) == len(marker) - len(delimiter)


def past_common_prefix(common_prefix: str) -> Position | None:
    """The position after every key under `common_prefix` (None: nothing can follow it)."""
    upper = successor(common_prefix)
    return Position(upper, inclusive=True) if upper is not None else None


class Scanner:
    """Lazy row iterators over one bucket's current objects or versions, bounded by a prefix."""

    def __init__(self, db: Database, bucket: str, prefix: str, *, versions: bool) -> None:
        self.db = db
        self.bucket = bucket
        self.upper = successor(prefix) if prefix else None
        self.versions = versions

    def rows(self, position: Position) -> Iterator[sqlite3.Row]:
        if self.versions:
            return self._version_rows(position)
        return self._current_rows(position)

    def _bounded(self, position: Position) -> tuple[str, list]:
        clause = f"key {'>=' if position.inclusive else '>'} ?"
        params: list = [self.bucket, position.key]
        if self.upper is not None:
            clause += " AND key < ?"
            params.append(self.upper)
        return clause, params

    def _current_rows(self, position: Position) -> Iterator[sqlite3.Row]:
        clause, params = self._bounded(position)
        # Without table statistics SQLite would walk a full (bucket, key, ...) index, every version
        # of every key; the partial index holds only latest versions. A delete marker as the
        # latest version hides its key.
        yield from self._lazy(
            f"SELECT {_CURRENT_COLUMNS} FROM s3_objects INDEXED BY s3_objects_current "
            f"WHERE bucket = ? AND is_latest = 1 AND {clause} "
            "AND delete_marker = 0 ORDER BY key",
            params,
        )

    def _version_rows(self, position: Position) -> Iterator[sqlite3.Row]:
        if position.before_object_id is not None:
            yield from self._lazy(
                f"SELECT {_VERSION_COLUMNS} FROM s3_objects WHERE bucket = ? AND key = ? AND object_id < ? "
                "ORDER BY object_id DESC",
                [self.bucket, position.key, position.before_object_id],
            )
            position = Position(position.key)
        clause, params = self._bounded(position)
        yield from self._lazy(
            f"SELECT {_VERSION_COLUMNS} FROM s3_objects WHERE bucket = ? AND {clause} ORDER BY key, object_id DESC",
            params,
        )

    def _lazy(self, sql: str, params: list) -> Iterator[sqlite3.Row]:
        cursor = self.db.execute(sql, params)
        try:
            yield from cursor
        finally:
            cursor.close()


def collect(
    rows: Callable[[Position], Iterator[sqlite3.Row]],
    start: Position | None,
    prefix: str,
    delimiter: str,
    limit: int,
) -> Page:
    """Up to `limit` entries from `start` on, keys under a delimiter rolled up into common
    prefixes; `truncated` when at least one more entry follows."""
    entries: list[sqlite3.Row | str] = []
    if limit <= 0:
        return Page(entries, truncated=False)
    wanted = limit + 1  # one more than the page, to learn whether the listing goes on
    position = start
    while position is not None and len(entries) < wanted:
        iterator = rows(position)
        position = None
        rolled_up: str | None = None  # the common prefix the previous row went into
        try:
            for row in iterator:
                key = row["key"]
                if delimiter:
                    cut = key.find(delimiter, len(prefix))
                    if cut >= 0:
                        common = key[: cut + len(delimiter)]
                        if common == rolled_up:
                            # a second key under the same prefix: one seek past all the others
                            position = past_common_prefix(common)
                            break
                        entries.append(common)
                        rolled_up = common
                        if len(entries) >= wanted:
                            break
                        continue
                rolled_up = None
                entries.append(row)
                if len(entries) >= wanted:
                    break
        finally:
            iterator.close()  # type: ignore[attr-defined]
    truncated = len(entries) > limit
    return Page(entries[:limit], truncated)
