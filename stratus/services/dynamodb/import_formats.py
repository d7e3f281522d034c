"""Reading an import's S3 objects: decompression, then items from DynamoDB JSON, CSV or Ion.

Each format yields one entry per line it read: the item, or None for a line that is no item (it
counts as an error, as DynamoDB counts it). A line that cannot be parsed at all ends the object
(DynamoDB stops reading a file at its first unparseable line); an item that parses but breaks the
table's rules is checked later, by the importer. CSV imports every non-key column as a string and
the key columns as their AttributeDefinitions say (B in base64), as DynamoDB does; empty cells
are left out.
"""

from __future__ import annotations

import base64
import binascii
import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator

from stratus.services.dynamodb import ion_text, item_json


class UnreadableObject(ValueError):
    """An object that does not decompress (or decode) as the request says."""


def decompress(body: bytes, compression: str) -> str:
    try:
        data = gzip.decompress(body) if compression == "GZIP" else body
        return data.decode("utf-8")
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as error:
        raise UnreadableObject(str(error)) from None


def _dynamodb_json(text: str) -> Iterator[dict | None]:
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except ValueError:
            yield None
            return
        item = document.get("Item") if isinstance(document, dict) else None
        if not isinstance(item, dict):
            yield None
            continue
        try:
            yield item_json.loads(json.dumps(item))  # decodes the base64 of B and BS values
        except (ValueError, TypeError, AttributeError, binascii.Error):
            yield None


def _csv(text: str, options: dict, key_types: dict[str, str]) -> Iterator[dict | None]:
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=options.get("Delimiter") or ",")
    header = options.get("HeaderList")
    try:
        if header is None:
            header = next(rows, None)
            if header is None:
                return
        for row in rows:
            if not row:
                continue
            if len(row) != len(header):
                yield None
                continue
            yield _csv_item(header, row, key_types)
    except csv.Error:
        yield None


def _csv_item(header: list[str], row: list[str], key_types: dict[str, str]) -> dict | None:
    item: dict = {}
    for name, value in zip(header, row, strict=True):
        if value == "":
            continue
        kind = key_types.get(name, "S")
        if kind == "B":
            try:
                item[name] = {"B": base64.b64decode(value, validate=True)}
            except binascii.Error:
                return None
        else:
            item[name] = {kind: value}
    return item


def _ion(text: str) -> Iterator[dict | None]:
    try:
        yield from ion_text.read_items(text)
    except ion_text.IonError:
        yield None


def items(
    text: str, input_format: str, options: dict | None, key_types: dict[str, str]
) -> Iterator[dict | None]:
    """The entries of one object's text (see the module docstring)."""
    if input_format == "CSV":
        return _csv(text, (options or {}).get("Csv") or {}, key_types)
    if input_format == "ION":
        return _ion(text)
    return _dynamodb_json(text)
