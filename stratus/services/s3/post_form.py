"""A browser upload's form: its `multipart/form-data` body read as a stream (RFC 7578 over
RFC 2046 §5.1), its fields as S3 matches them, and its file held to the policy's size range.

The fields before the `file` part are read into memory (S3 allows at most 20 KB of them); the
file part is handed out as a reader that yields its bytes up to the next boundary, so a large
upload goes from the spooled request body to the blob store in chunks. Whatever follows the file
part is never read: S3 ignores the fields after it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO
from urllib.parse import urlencode

from stratus.auth.amz_time import parse_http_date
from stratus.protocol import checksums
from stratus.protocol.aws_chunked import VerifiedBody
from stratus.protocol.parsers.failures import MalformedInput
from stratus.protocol.parsers.xml_tree import parse_xml
from stratus.protocol.payload_integrity import payload_integrity
from stratus.services.s3.common import (
    BadDigest,
    EntityTooLarge,
    InvalidArgument,
    InvalidDigest,
    InvalidRequest,
    MalformedXML,
    S3Error,
    _error,
    s3_error,
)
from stratus.services.s3.config_acl import CANNED_ACLS

MalformedPOSTRequest = _error(
    "MalformedPOSTRequest", 400, "The body of your POST request is not well-formed multipart/form-data."
)
# S3's own code and (misspelt) message for it, as it answers them.
MaxPostPreDataLengthExceeded = _error(
    "MaxPostPreDataLengthExceeded", 400, "Your POST request fields preceeding the upload file was too large."
)
EntityTooSmall = _error(
    "EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed size"
)
MAX_PRE_FILE_BYTES = 20 * 1024  # "The form data and boundaries (excluding the file) cannot exceed 20KB"
READ_CHUNK = 256 * 1024
MAX_BOUNDARY_LENGTH = 70
FILE_FIELD = "file"

# Form fields that are PutObject's headers (storage class, encryption), by the model's member names.
HEADER_FIELDS = {
    "cache-control": "CacheControl",
    "content-type": "ContentType",
    "content-disposition": "ContentDisposition",
    "content-encoding": "ContentEncoding",
    "x-amz-website-redirect-location": "WebsiteRedirectLocation",
    "x-amz-storage-class": "StorageClass",
    "x-amz-server-side-encryption": "ServerSideEncryption",
    "x-amz-server-side-encryption-aws-kms-key-id": "SSEKMSKeyId",
    "x-amz-server-side-encryption-context": "SSEKMSEncryptionContext",
    "x-amz-server-side-encryption-customer-algorithm": "SSECustomerAlgorithm",
    "x-amz-server-side-encryption-customer-key": "SSECustomerKey",
    "x-amz-server-side-encryption-customer-key-md5": "SSECustomerKeyMD5",
}
CHECKSUM_FIELD_PREFIX = "x-amz-checksum-"
CHECKSUM_ALGORITHM_FIELD = "x-amz-checksum-algorithm"
META_PREFIX = "x-amz-meta-"

# Browsers escape `"` in names as %22 and nothing else (WHATWG HTML): a backslash in a quoted
# value is the character itself (`filename="C:\dir\a.txt"` from old browsers), not an escape.
_PARAMETER = re.compile(r';\s*([^\s=;]+)\s*=\s*("[^"]*"|[^;]*)')


@dataclass(slots=True)
class FilePart:
    filename: str | None  # None when the part names no file (then `${filename}` stays as written)
    content_type: str | None
    reader: FileReader


@dataclass(slots=True)
class Form:
    fields: list[tuple[str, str]] = field(default_factory=list)  # (name as sent, value), in order
    file: FilePart | None = None


def header_parameters(value: str) -> tuple[str, dict[str, str]]:
    """`form-data; name="key"; filename="a.txt"` → ("form-data", {"name": "key", "filename": "a.txt"})."""
    kind, _, _ = value.partition(";")
    parameters: dict[str, str] = {}
    for match in _PARAMETER.finditer(value[len(kind) :]):
        raw = match.group(2).strip()
        if len(raw) >= 2 and raw[0] == raw[-1] == '"':
            raw = raw[1:-1]
        parameters.setdefault(match.group(1).lower(), raw)
    return kind.strip().lower(), parameters


def boundary_of(content_type: str) -> bytes:
    """The boundary of a `multipart/form-data` Content-Type, or MalformedPOSTRequest."""
    _, parameters = header_parameters(content_type)
    boundary = parameters.get("boundary", "").rstrip()
    if not boundary or len(boundary) > MAX_BOUNDARY_LENGTH:
        raise s3_error(MalformedPOSTRequest)
    try:
        return boundary.encode("ascii")
    except UnicodeEncodeError:
        raise s3_error(MalformedPOSTRequest) from None


class _Scanner:
    """A buffer over the body stream; every boundary is searched as CRLF "--" boundary, so the
    body is read as if it started with a CRLF (the first boundary line has none before it)."""

    def __init__(self, stream: BinaryIO, boundary: bytes) -> None:
        self.stream = stream
        self.delimiter = b"\r\n--" + boundary
        self.buffer = bytearray(b"\r\n")
        self.eof = False
        self.consumed = 0  # bytes dropped from the front so far

    def fill(self, wanted: int) -> None:
        while len(self.buffer) < wanted and not self.eof:
            chunk = self.stream.read(max(READ_CHUNK, wanted - len(self.buffer)))
            if chunk:
                self.buffer += chunk
            else:
                self.eof = True

    def drop(self, count: int) -> bytes:
        taken = bytes(self.buffer[:count])
        del self.buffer[:count]
        self.consumed += count
        return taken

    def until(self, marker: bytes, limit: int) -> bytes:
        """The bytes before the next `marker` (dropped with it); the pre-file limit applies."""
        start = 0
        while True:
            found = self.buffer.find(marker, start)
            if found >= 0:
                if self.consumed + found > limit:
                    raise _too_large()
                taken = self.drop(found)
                self.drop(len(marker))
                return taken
            if self.consumed + len(self.buffer) > limit + len(marker):
                raise _too_large()
            if self.eof:
                raise s3_error(MalformedPOSTRequest)
            start = max(0, len(self.buffer) - len(marker) + 1)
            self.fill(len(self.buffer) + READ_CHUNK)


class FileReader:
    """The file part's bytes, up to (not including) the boundary that ends it."""

    def __init__(self, scanner: _Scanner) -> None:
        self._scanner = scanner
        self._done = False
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            chunks = []
            while chunk := self.read(READ_CHUNK):
                chunks.append(chunk)
            return b"".join(chunks)
        if self._done or size == 0:
            return b""
        scanner = self._scanner
        delimiter = scanner.delimiter
        scanner.fill(size + len(delimiter))
        found = scanner.buffer.find(delimiter)
        if 0 <= found <= size:
            data = scanner.drop(found)
            scanner.drop(len(delimiter))
            self._done = True
        elif found > size:
            data = scanner.drop(size)
        elif scanner.eof:
            raise s3_error(MalformedPOSTRequest)  # the body ends inside the file: no closing boundary
        else:
            data = scanner.drop(min(size, len(scanner.buffer) - len(delimiter) + 1))
        self.size += len(data)
        return data


def _too_large() -> S3Error:
    return s3_error(MaxPostPreDataLengthExceeded, MaxPostPreDataLengthBytes=MAX_PRE_FILE_BYTES)


def _part_headers(scanner: _Scanner) -> dict[str, str]:
    """The headers after a boundary line (a part may have none: a blank line straight away)."""
    scanner.fill(2)
    if scanner.buffer[:2] == b"\r\n":
        scanner.drop(2)
        return {}
    block = scanner.until(b"\r\n\r\n", MAX_PRE_FILE_BYTES)
    headers: dict[str, str] = {}
    for line in block.split(b"\r\n"):
        name, colon, value = line.partition(b":")
        if not colon:
            raise s3_error(MalformedPOSTRequest)
        headers[name.decode("latin-1").strip().lower()] = _text(value.strip())
    return headers


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _after_boundary(scanner: _Scanner) -> bool:
    """Past a boundary: True if a part follows, False at the closing boundary (`--`)."""
    scanner.fill(2)
    if scanner.buffer[:2] == b"--":
        return False
    # Transport padding (spaces, tabs) may follow the boundary before its CRLF.
    padding = 0
    while True:
        scanner.fill(padding + 2)
        if scanner.buffer[padding : padding + 2] == b"\r\n":
            scanner.drop(padding + 2)
            return True
        if padding >= len(scanner.buffer) or scanner.buffer[padding] not in b" \t" or padding > 256:
            raise s3_error(MalformedPOSTRequest)
        padding += 1


def read_form(stream: BinaryIO, boundary: bytes) -> Form:
    """The fields before the `file` part, and that part as a reader (None if the form has none)."""
    scanner = _Scanner(stream, boundary)
    form = Form()
    scanner.until(scanner.delimiter, MAX_PRE_FILE_BYTES)  # the preamble, if any, is ignored
    while _after_boundary(scanner):
        headers = _part_headers(scanner)
        disposition, parameters = header_parameters(headers.get("content-disposition", ""))
        name = parameters.get("name")
        if disposition != "form-data" or name is None:
            raise s3_error(MalformedPOSTRequest)
        if name.lower() == FILE_FIELD:
            form.file = FilePart(parameters.get("filename"), headers.get("content-type"), FileReader(scanner))
            return form
        value = scanner.until(scanner.delimiter, MAX_PRE_FILE_BYTES)
        form.fields.append((name, _text(value)))
    return form


class FormFields:
    """The fields before the file: names compared case-insensitively, `${filename}` expanded,
    repeated fields joined with commas (as S3 matches them against the policy)."""

    def __init__(self, form: Form) -> None:
        filename = form.file.filename if form.file is not None else None
        if filename is not None:  # only the name: a browser may send a path
            filename = re.split(r"[\\/]", filename)[-1]
        self.names: list[str] = []  # as sent, first occurrence first
        self.values: dict[str, str] = {}
        for name, value in form.fields:
            if filename is not None:
                value = value.replace("${filename}", filename)
            lowered = name.lower()
            if lowered in self.values:
                self.values[lowered] += "," + value
            else:
                self.names.append(name)
                self.values[lowered] = value

    def get(self, name: str) -> str | None:
        return self.values.get(name)


def put_params(fields: FormFields, bucket: str) -> dict:
    """The PutObject request the form stands for (without its body)."""
    params: dict = {"Bucket": bucket, "Key": fields.values["key"]}
    for name, member in HEADER_FIELDS.items():
        if name in fields.values:
            params[member] = fields.values[name]
    expires = fields.get("expires")
    if expires is not None:
        moment = parse_http_date(expires)
        if moment is not None:
            params["Expires"] = datetime.fromtimestamp(moment, UTC)
    metadata = {
        name[len(META_PREFIX) :]: value
        for name, value in fields.values.items()
        if name.startswith(META_PREFIX)
    }
    if metadata:
        params["Metadata"] = metadata
    acl = fields.get("acl")
    if acl is not None:
        if acl not in CANNED_ACLS:
            raise s3_error(InvalidArgument, ArgumentName="acl", ArgumentValue=acl)
        params["ACL"] = acl
    tagging = fields.get("tagging")
    if tagging is not None:
        tags = _tags(tagging)
        if tags:
            params["Tagging"] = urlencode(tags)
    return params


def _tags(document: str) -> dict[str, str]:
    """The `tagging` field: `<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag>...`."""
    try:
        root = parse_xml(document.encode("utf-8"))
    except MalformedInput:
        raise s3_error(MalformedXML) from None
    tags: dict[str, str] = {}
    if root.tag != "Tagging":
        return tags  # S3 stores no tags from another document, and does not refuse it
    for tag_set in (child for child in root.children if child.tag == "TagSet"):
        for tag in (child for child in tag_set.children if child.tag == "Tag"):
            parts = {child.tag: child.text for child in tag.children}
            if "Key" in parts:
                tags[parts["Key"]] = parts.get("Value", "")
    return tags


def content_md5(value: str | None) -> bytes | None:
    """The digest a `Content-MD5` field gives (base64 of 16 bytes), or InvalidDigest."""
    if value is None:
        return None
    try:
        digest = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if len(digest) != 16:
        raise s3_error(InvalidDigest)
    return digest


def verified_file(file: CheckedFile, fields: FormFields) -> BinaryIO:
    """The file held to the form's checksum fields, read as the request headers of the same names
    are (at most one well-formed `x-amz-checksum-<algorithm>`, verified as the file is read: BadDigest
    at its end if it differs); `x-amz-checksum-algorithm` names one to compute if none is given."""
    stated = {name: value for name, value in fields.values.items() if name.startswith(CHECKSUM_FIELD_PREFIX)}
    integrity = payload_integrity(stated)
    named = fields.get(CHECKSUM_ALGORITHM_FIELD)
    if named is not None:
        named = named.upper()
        if named not in checksums.DIGEST_SIZES:
            raise s3_error(
                InvalidRequest,
                "Checksum algorithm provided is unsupported. Please try again with any of the valid types: "
                "[CRC32, CRC32C, CRC64NVME, SHA1, SHA256]",
            )
        if integrity.expected and named not in integrity.expected:
            raise s3_error(BadDigest, f"The {named} you specified did not match the calculated checksum.")
    if not integrity.expected and named is None:
        return file  # type: ignore[return-value]
    return VerifiedBody(file, integrity, compute=[named] if named else [])  # type: ignore[arg-type,return-value]


@dataclass(slots=True)
class SizeLimits:
    minimum: int = 0
    maximum: int | None = None


class CheckedFile:
    """The file part as PutObject reads it: an error at its end (or as soon as it is too big)
    when it breaks the policy's content-length-range or the form's Content-MD5, so nothing of it
    is stored."""

    def __init__(self, reader: FileReader, limits: SizeLimits, content_md5: bytes | None) -> None:
        self._reader = reader
        self._limits = limits
        self._md5 = hashlib.md5(usedforsecurity=False) if content_md5 is not None else None
        self._expected_md5 = content_md5
        self._size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._reader.read(size)
        if data:
            self._size += len(data)
            if self._md5 is not None:
                self._md5.update(data)
            maximum = self._limits.maximum
            if maximum is not None and self._size > maximum:
                while chunk := self._reader.read(1024 * 1024):  # S3 reports the whole size
                    self._size += len(chunk)
                raise s3_error(EntityTooLarge, ProposedSize=self._size, MaxSizeAllowed=maximum)
        elif size != 0:
            if self._size < self._limits.minimum:
                raise s3_error(EntityTooSmall, ProposedSize=self._size, MinSizeAllowed=self._limits.minimum)
            if self._md5 is not None and self._md5.digest() != self._expected_md5:
                raise s3_error(BadDigest)
        return data
