"""Encoding AWS event stream messages (application/vnd.amazon.eventstream), as SDKs decode them.

A message is: total length and headers length (uint32 big-endian each), the CRC32 of those 8
bytes, the headers, the payload, and the CRC32 of everything before it. Headers here are strings
(type 7): name length (1 byte), name, type, value length (2 bytes), value.
"""

from __future__ import annotations

import struct
import zlib

_STRING_HEADER = 7


def encode_message(headers: dict[str, str], payload: bytes) -> bytes:
    encoded_headers = b"".join(_string_header(name, value) for name, value in headers.items())
    total = 12 + len(encoded_headers) + len(payload) + 4
    prelude = struct.pack(">II", total, len(encoded_headers))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + encoded_headers + payload
    return message + struct.pack(">I", zlib.crc32(message))


def encode_event(event_type: str, payload: bytes, content_type: str = "application/octet-stream") -> bytes:
    """An `event` message of the operation's event stream (botocore matches `:event-type` to a member)."""
    return encode_message(
        {":event-type": event_type, ":content-type": content_type, ":message-type": "event"}, payload
    )


def _string_header(name: str, value: str) -> bytes:
    raw_name, raw_value = name.encode("utf-8"), value.encode("utf-8")
    return (
        struct.pack(">B", len(raw_name))
        + raw_name
        + struct.pack(">BH", _STRING_HEADER, len(raw_value))
        + raw_value
    )
