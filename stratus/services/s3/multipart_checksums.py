"""The checksum rules of multipart uploads ("Checking object integrity" in the S3 User Guide).

An upload is created with an algorithm and a checksum type, or with neither:

- COMPOSITE (CRC32, CRC32C, SHA1, SHA256, and the newer digests): every part carries its checksum,
  the complete request repeats them, and the object's checksum is the checksum of the concatenated
  binary part checksums, written `<base64>-<part count>`.
- FULL_OBJECT (CRC32, CRC32C, CRC64NVME): the object's checksum is the CRC of the whole body; part
  checksums are optional (S3 computes a missing one).
- Neither: part checksums are accepted but not kept with the upload, and the object gets S3's
  default full-object CRC64NVME.

The messages are AWS's, as observed against S3 by the SDK and S3-compatible-server test suites.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from stratus.protocol import checksums
from stratus.protocol.payload_integrity import payload_integrity, require_computable
from stratus.services.s3.common import BadDigest, InvalidArgument, InvalidRequest, s3_error

COMPOSITE = "COMPOSITE"
FULL_OBJECT = "FULL_OBJECT"
CHECKSUM_TYPES = (COMPOSITE, FULL_OBJECT)
# CRCs of parts can be combined into the CRC of the whole object; digests cannot.
FULL_OBJECT_ALGORITHMS = frozenset({"CRC32", "CRC32C", "CRC64NVME"})
COMPOSITE_ALGORITHMS = frozenset(set(checksums.DIGEST_SIZES) - {"CRC64NVME"})
# What S3 stores for an object uploaded without a checksum. Only computed with awscrt's native CRC:
# the pure-Python fallback would hold a completion for minutes on a big object.
DEFAULT_ALGORITHM = "CRC64NVME"
COMPUTE_DEFAULT = getattr(checksums, "_crt", None) is not None
# Object checksum headers S3 silently ignores on completing an upload created without an algorithm
# (the older algorithms, and the default one); the newer ones are refused.
IGNORED_WITHOUT_ALGORITHM = frozenset({"CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"})
# Request members that carry a checksum value: ChecksumCRC32 -> CRC32 ...
CHECKSUM_MEMBERS = {f"Checksum{name}": name for name in checksums.DIGEST_SIZES}


def _invalid_request(message: str) -> Exception:
    return s3_error(InvalidRequest, message)


def _bad_digest(algorithm: str) -> Exception:
    return s3_error(
        BadDigest, f"The {algorithm.lower()} you specified did not match the calculated checksum."
    )


def type_mismatch(expected: str | None, actual: str | None) -> Exception:
    return _invalid_request(
        f"Checksum Type mismatch occurred, expected checksum Type: {(expected or 'null').lower()}, "
        f"actual checksum Type: {(actual or 'null').lower()}"
    )


# ---- CreateMultipartUpload ------------------------------------------------------------------------


def upload_settings(algorithm: str | None, checksum_type: str | None) -> tuple[str | None, str | None]:
    """The upload's (algorithm, checksum type) from CreateMultipartUpload's headers."""
    if not algorithm:
        if checksum_type is not None:
            raise _invalid_request(
                "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header."
            )
        return None, None
    name = algorithm.upper()  # S3 accepts the algorithm in lower case here
    if name not in checksums.DIGEST_SIZES:
        raise _invalid_request(
            "Checksum algorithm provided is unsupported. Please try again with any of the valid types: "
            "[CRC32, CRC32C, SHA1, SHA256]"
        )
    if checksum_type is None:
        checksum_type = FULL_OBJECT if name == DEFAULT_ALGORITHM else COMPOSITE
    if checksum_type not in CHECKSUM_TYPES:
        raise _invalid_request("Value for x-amz-checksum-type header is invalid.")
    allowed = FULL_OBJECT_ALGORITHMS if checksum_type == FULL_OBJECT else COMPOSITE_ALGORITHMS
    if name not in allowed:
        raise _invalid_request(
            f"The {checksum_type} checksum type cannot be used with the {name.lower()} checksum algorithm."
        )
    require_computable(name)
    return name, checksum_type


# ---- UploadPart -----------------------------------------------------------------------------------


def carried_algorithm(req: dict, headers: dict[str, str] | None) -> str | None:
    """The algorithm whose checksum the part request carries (header or aws-chunked trailer)."""
    if headers is None:  # a call from another service: the members say it
        return next((name for member, name in CHECKSUM_MEMBERS.items() if req.get(member)), None)
    integrity = payload_integrity(headers)
    if integrity.trailer is not None:
        return integrity.trailer
    return next(iter(integrity.expected), None)


def check_part_request(
    algorithm: str | None, checksum_type: str | None, carried: str | None, declared: str | None
) -> None:
    """Refuse a part whose checksum does not fit its upload. `declared` is x-amz-sdk-checksum-algorithm."""
    if declared and carried and declared.upper() != carried:
        raise _invalid_request("Value for x-amz-sdk-checksum-algorithm header is invalid.")
    if algorithm is None:
        return
    if carried is None:
        if checksum_type == COMPOSITE:  # a full-object upload's missing part checksum S3 computes itself
            raise type_mismatch(algorithm, None)
        return
    if carried != algorithm:
        raise type_mismatch(algorithm, carried)


# ---- CompleteMultipartUpload ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimedChecksum:
    """The object checksum a complete request states, to hold the result to."""

    algorithm: str
    value: str  # base64, without a composite's `-N`
    part_count: int | None = None  # the `-N` of a composite value, when given


def check_requested_type(upload_type: str | None, requested: str | None) -> None:
    if requested is not None and requested != (upload_type or FULL_OBJECT):
        raise _invalid_request(
            f"The upload was created using the {upload_type or FULL_OBJECT} checksum mode. "
            "The complete request must use the same checksum mode."
        )


def claimed_object_checksum(
    req: dict, algorithm: str | None, checksum_type: str | None
) -> ClaimedChecksum | None:
    given = [(name, req[member]) for member, name in CHECKSUM_MEMBERS.items() if req.get(member) is not None]
    if not given:
        return None
    if len(given) > 1:
        raise _invalid_request(
            "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed."
        )
    name, text = given[0]
    if algorithm is None:
        if name in IGNORED_WITHOUT_ALGORITHM:
            return None
        raise type_mismatch(None, name)
    if name != algorithm:
        raise type_mismatch(algorithm, name)
    value, part_count = text.strip(), None
    if checksum_type == COMPOSITE and "-" in value:
        value, _, suffix = value.rpartition("-")
        if not (suffix.isascii() and suffix.isdigit()):
            raise _invalid_request(f"Value for {checksums.header_name(name)} header is invalid.")
        part_count = int(suffix)
    if checksums.decode_checksum(name, value) is None:
        raise _invalid_request(f"Value for {checksums.header_name(name)} header is invalid.")
    return ClaimedChecksum(name, value, part_count)


def requested_part_checksums(entry: dict) -> dict[str, str]:
    """The checksums one `<Part>` of the complete request states (algorithm -> base64)."""
    found = {
        name: str(entry[member]).strip() for member, name in CHECKSUM_MEMBERS.items() if entry.get(member)
    }
    if len(found) > 1 or any(checksums.decode_checksum(name, value) is None for name, value in found.items()):
        shown = "".join(f"{name}:{value};" for name, value in found.items())
        raise s3_error(
            InvalidArgument,
            "Invalid Base64 or multiple checksums present in request",
            ArgumentName="Checksum",
            ArgumentValue=shown,
        )
    return found


def check_composite_request(
    algorithm: str, requested: list[tuple[int, dict[str, str]]], claimed: ClaimedChecksum | None
) -> None:
    """A composite upload's complete request names every part's checksum, and any object checksum
    it states is the composite of those."""
    values = []
    for part_number, stated in requested:
        value = stated.get(algorithm)
        if value is None:
            for other in stated:
                raise s3_error(
                    BadDigest,
                    f"The {other.lower()} you specified for part {part_number} did not match what we received.",
                )
            raise _invalid_request(
                f"The upload was created using a {algorithm.lower()} checksum. The complete request must include "
                f"the checksum for each part. It was missing for part {part_number} in the request."
            )
        values.append(value)
    if claimed is None:
        return
    if composite_value(algorithm, values) != claimed.value or claimed.part_count not in (None, len(values)):
        raise _bad_digest(algorithm)


def composite_value(algorithm: str, part_checksums: list[str]) -> str:
    """The checksum of the concatenated binary part checksums, base64 (without the `-N`)."""
    running = checksums.new_checksum(algorithm)
    for value in part_checksums:
        running.update(base64.b64decode(value))
    return checksums.to_base64(running.digest())


def check_full_object(claimed: ClaimedChecksum | None, computed: str) -> None:
    if claimed is not None and claimed.value != computed:
        raise _bad_digest(claimed.algorithm)
