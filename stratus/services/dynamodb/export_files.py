"""The objects an export writes to S3, laid out as DynamoDB lays them out:

    <prefix>/AWSDynamoDB/<export id>/_started
    <prefix>/AWSDynamoDB/<export id>/data/<name>.json.gz   (or .ion.gz), gzip, one item a line
    <prefix>/AWSDynamoDB/<export id>/manifest-files.json   one JSON line per data file
    <prefix>/AWSDynamoDB/<export id>/manifest-files.checksum
    <prefix>/AWSDynamoDB/<export id>/manifest-summary.json
    <prefix>/AWSDynamoDB/<export id>/manifest-summary.checksum

A full export's lines are `{"Item":{...}}` (DynamoDB JSON) or `$ion_1_0 {Item:{...}}` (Ion); an
incremental export's carry `Metadata` (WriteTimestampMicros), `Keys`, `NewImage` and `OldImage`.
DynamoDB writes at least one data file per partition; Stratus writes one per DATA_FILE_BYTES of
lines (at least one, empty for an empty table). The checksum files hold the manifest's MD5 (hex).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from stratus.services.dynamodb import ion_text, item_json
from stratus.services.dynamodb.pitr import ItemChange

DATA_FILE_BYTES = 32 * 1024 * 1024  # uncompressed lines per data file
MANIFEST_VERSION = "2020-06-30"
_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"


def root(prefix: str | None, export_id: str) -> str:
    """`<prefix>/AWSDynamoDB/<id>`: the prefix is kept verbatim and joined with one `/`."""
    if not prefix:
        return f"AWSDynamoDB/{export_id}"
    return f"{prefix}{'' if prefix.endswith('/') else '/'}AWSDynamoDB/{export_id}"


def data_file_key(base: str, export_format: str) -> str:
    name = "".join(secrets.choice(_BASE32) for _ in range(26))
    return f"{base}/data/{name}.{'ion' if export_format == 'ION' else 'json'}.gz"


def item_line(text: str, export_format: str) -> bytes:
    """A full export's line for one stored item (stored JSON text is already DynamoDB JSON)."""
    if export_format == "ION":
        return ion_text.item_line(item_json.loads(text)).encode("utf-8")
    return b'{"Item":' + text.encode("utf-8") + b"}\n"


def change_line(change: ItemChange, key_names: tuple[str, ...], view_type: str, export_format: str) -> bytes:
    """An incremental export's line: when the item was last written, its key, its images."""
    new = item_json.loads(change.new) if change.new is not None else None
    old = item_json.loads(change.old) if change.old is not None else None
    either = new if new is not None else old
    assert either is not None
    images: dict[str, dict] = {"Keys": {name: either[name] for name in key_names if name in either}}
    if new is not None:
        images["NewImage"] = new
    if old is not None and view_type == "NEW_AND_OLD_IMAGES":
        images["OldImage"] = old
    micros = str(int(round(change.at * 1_000_000)))
    if export_format == "ION":
        struct = ion_text.image_struct(images)
        return (
            f"{ion_text.VERSION_MARKER} {{Metadata:{{WriteTimestampMicros:{micros}.}},{struct[1:]}\n".encode()
        )
    line = {"Metadata": {"WriteTimestampMicros": {"N": micros}}}
    line.update({name: json.loads(item_json.dumps(item)) for name, item in images.items()})
    return json.dumps(line, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n"


@dataclass(frozen=True, slots=True)
class DataFile:
    body: bytes  # gzip
    item_count: int

    @property
    def md5_base64(self) -> str:
        return base64.b64encode(hashlib.md5(self.body, usedforsecurity=False).digest()).decode("ascii")


def data_files(lines: Iterable[bytes]) -> Iterator[DataFile]:
    """The lines gzipped into files of about DATA_FILE_BYTES each; at least one file."""
    chunk: list[bytes] = []
    size = 0
    produced = False
    for line in lines:
        chunk.append(line)
        size += len(line)
        if size >= DATA_FILE_BYTES:
            yield DataFile(gzip.compress(b"".join(chunk), mtime=0), len(chunk))
            produced = True
            chunk, size = [], 0
    if chunk or not produced:
        yield DataFile(gzip.compress(b"".join(chunk), mtime=0), len(chunk))


def _iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def manifest_files(entries: list[dict]) -> bytes:
    """JSON lines: itemCount, md5Checksum, etag, dataFileS3Key of each data file."""
    return b"".join(json.dumps(entry, separators=(",", ":")).encode() + b"\n" for entry in entries)


def manifest_summary(description: dict, manifest_files_key: str) -> bytes:
    summary = {
        "version": MANIFEST_VERSION,
        "exportArn": description["ExportArn"],
        "startTime": _iso(description["StartTime"]),
        "endTime": _iso(description["EndTime"]),
        "tableArn": description["TableArn"],
        "tableId": description["TableId"],
        "exportTime": _iso(description.get("ExportTime")),
        "s3Bucket": description["S3Bucket"],
        "s3Prefix": description.get("S3Prefix"),
        "s3SseAlgorithm": description["S3SseAlgorithm"],
        "s3SseKmsKeyId": description.get("S3SseKmsKeyId"),
        "manifestFilesS3Key": manifest_files_key,
        "billedSizeBytes": description["BilledSizeBytes"],
        "itemCount": description["ItemCount"],
        "outputFormat": description["ExportFormat"],
    }
    incremental = description.get("IncrementalExportSpecification")
    if incremental:
        summary["exportType"] = "INCREMENTAL_EXPORT"
        summary["exportFromTime"] = _iso(incremental["ExportFromTime"])
        summary["exportToTime"] = _iso(incremental["ExportToTime"])
        summary["outputView"] = incremental["ExportViewType"]
        del summary["exportTime"]
    return json.dumps(summary, indent=3).encode("utf-8")


def checksum(body: bytes) -> bytes:
    return hashlib.md5(body, usedforsecurity=False).hexdigest().encode("ascii")
