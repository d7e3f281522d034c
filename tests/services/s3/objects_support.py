"""What the object tests share: checksums computed the way S3 shows them."""

from __future__ import annotations

import base64
import zlib

EMPTY_MD5_ETAG = '"d41d8cd98f00b204e9800998ecf8427e"'


def crc32_base64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def sha256_base64(data: bytes) -> str:
    import hashlib

    return base64.b64encode(hashlib.sha256(data).digest()).decode()
