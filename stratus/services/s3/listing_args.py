"""The listings' request arguments as S3 judges them: max-keys, encoding-type, markers and our
ListObjectsV2 continuation tokens, and the `encoding-type=url` form of names in an answer.

S3 words these refusals differently per operation (ListObjects and ListObjectsV2 say
"Argument maxKeys must be ...", ListObjectVersions "max-keys cannot be negative") and names the
offending query parameter in `ArgumentName`/`ArgumentValue`; we answer the same.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote_plus

from stratus.services.s3.common import InvalidArgument, s3_error

DEFAULT_MAX_KEYS = 1000
PAGE_LIMIT = 1000  # a larger max-keys is echoed but never returns more than this
INT32_MAX = 2**31 - 1
NUL_MESSAGE = "Value must be a sequence of Unicode characters and cannot include Null."
# Version ids we hand out are 32 URL-safe characters (S3's are the same length and alphabet).
VERSION_ID_FORM = re.compile(r"^[A-Za-z0-9._-]{32}$")
_TOKEN_ALPHABET = re.compile(r"^[A-Za-z0-9_-]+$")
_TOKEN_FORMAT = "1"  # first character of a decoded token, so a later format can be told apart


def page_size(max_keys: object, *, versions: bool = False) -> tuple[int, int]:
    """(the MaxKeys to echo, how many entries the page may hold) for a request's max-keys."""
    if max_keys is None:
        return DEFAULT_MAX_KEYS, DEFAULT_MAX_KEYS
    if not isinstance(max_keys, int) or max_keys > INT32_MAX:
        raise s3_error(
            InvalidArgument,
            "Provided max-keys not an integer or within integer range",
            ArgumentName="max-keys",
            ArgumentValue=str(max_keys),
        )
    if max_keys < 0:
        if versions:
            raise s3_error(InvalidArgument, "max-keys cannot be negative", ArgumentName="max-keys")
        raise s3_error(
            InvalidArgument,
            "Argument maxKeys must be an integer between 0 and 2147483647",
            ArgumentName="maxKeys",
            ArgumentValue=str(max_keys),
        )
    return max_keys, min(max_keys, PAGE_LIMIT)


def url_encoded(encoding_type: object) -> bool:
    """Whether names are to be answered URL-encoded; `url` is the only method S3 knows."""
    if encoding_type is None:
        return False
    if encoding_type != "url":
        raise s3_error(
            InvalidArgument,
            "Invalid Encoding Method specified in Request",
            ArgumentName="encoding-type",
            ArgumentValue=str(encoding_type),
        )
    return True


def check_text(value: str | None, argument: str) -> None:
    """Names and markers must not hold NUL (S3 refuses them before listing anything)."""
    if value and "\x00" in value:
        raise s3_error(InvalidArgument, NUL_MESSAGE, ArgumentName=argument, ArgumentValue=value)


def encode_name(value: str) -> str:
    """A name as S3 writes it under `encoding-type=url`: form encoding of the UTF-8 bytes (space as
    `+`) keeping `/` and `*` (and, unlike Python's quoting, encoding `~`)."""
    return quote_plus(value, safe="/*").replace("~", "%7E")


def name_encoder(encode: bool) -> Callable[[str], str]:
    return encode_name if encode else _same


def _same(value: str) -> str:
    return value


# ---------------------------------------------------------------------------- continuation tokens


@dataclass(frozen=True, slots=True)
class Resume:
    """Where a ListObjectsV2 page continues: after `key`, or past every key under the common
    prefix `key` when `common_prefix` is set."""

    key: str
    common_prefix: bool = False


def encode_token(resume: Resume) -> str:
    text = _TOKEN_FORMAT + ("P" if resume.common_prefix else "K") + resume.key
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_token(token: object) -> Resume:
    """The position a token names, or InvalidArgument for anything we did not hand out."""
    if not isinstance(token, str) or not _TOKEN_ALPHABET.match(token):
        raise _bad_token()
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, ValueError, UnicodeError):
        raise _bad_token() from None
    if (
        len(text) < 3
        or text[0] != _TOKEN_FORMAT
        or text[1] not in "KP"
        or encode_token(Resume(text[2:], text[1] == "P")) != token
    ):
        raise _bad_token()
    return Resume(text[2:], common_prefix=text[1] == "P")


def _bad_token() -> Exception:
    return s3_error(
        InvalidArgument, "The continuation token provided is incorrect", ArgumentName="continuation-token"
    )


# ---------------------------------------------------------------------------- version markers


def check_version_marker(key_marker: str | None, version_id_marker: str | None) -> None:
    """ListObjectVersions' rules for version-id-marker, in the order S3 applies them."""
    if version_id_marker is None:
        return
    if key_marker is None:
        raise s3_error(
            InvalidArgument,
            "A version-id marker cannot be specified without a key marker.",
            ArgumentName="version-id-marker",
            ArgumentValue=version_id_marker,
        )
    if version_id_marker == "":
        raise s3_error(
            InvalidArgument,
            "A version-id marker cannot be empty.",
            ArgumentName="version-id-marker",
            ArgumentValue="",
        )
    if version_id_marker != "null" and not VERSION_ID_FORM.match(version_id_marker):
        raise s3_error(
            InvalidArgument,
            "Invalid version id specified",
            ArgumentName="version-id-marker",
            ArgumentValue=version_id_marker,
        )
