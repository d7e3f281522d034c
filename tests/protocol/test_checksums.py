"""The checksum algorithms: published check values, incremental updates, AWS's base64 form."""

from __future__ import annotations

import base64
import hashlib
import random
import zlib

import pytest
from botocore import httpchecksum

from stratus.protocol import checksums

CHECK_INPUT = b"123456789"

# The standard "check" value of each CRC: the CRC of b"123456789".
CRC_CHECK_VALUES = {
    "CRC32": 0xCBF43926,
    "CRC32C": 0xE3069283,
    "CRC64NVME": 0xAE8B14860A799888,
}

# xxHash reference values of the empty input, seed 0 (from the xxHash specification's test vectors).
XXHASH_EMPTY = {
    "XXHASH64": "ef46db3751d8e999",
    "XXHASH3": "2d06800538d394c2",
    "XXHASH128": "99aa06d3014798d86001c324468d497f",
}


@pytest.mark.parametrize(("algorithm", "value"), CRC_CHECK_VALUES.items())
def test_crc_check_values(algorithm: str, value: int) -> None:
    width = checksums.DIGEST_SIZES[algorithm]
    expected = value.to_bytes(width, "big")
    checksum = checksums.new_checksum(algorithm)
    checksum.update(CHECK_INPUT)
    assert checksum.digest() == expected
    assert checksums.checksum_base64(algorithm, CHECK_INPUT) == base64.b64encode(expected).decode()


@pytest.mark.parametrize(
    ("function", "value"),
    [(checksums.crc32c_python, 0xE3069283), (checksums.crc64nvme_python, 0xAE8B14860A799888)],
)
def test_pure_python_fallbacks_match_check_values(function, value: int) -> None:
    assert function(CHECK_INPUT) == value
    assert function(b"") == 0
    # continuing from a previous value, as the incremental checksum does
    assert function(CHECK_INPUT[4:], function(CHECK_INPUT[:4])) == value


@pytest.mark.parametrize(
    ("name", "fallback"), [("CRC32C", "crc32c_python"), ("CRC64NVME", "crc64nvme_python")]
)
def test_pure_python_fallbacks_match_native_on_random_data(name: str, fallback: str) -> None:
    data = random.Random(7).randbytes(3000)
    native = checksums.new_checksum(name)
    native.update(data)
    width = checksums.DIGEST_SIZES[name]
    assert getattr(checksums, fallback)(data).to_bytes(width, "big") == native.digest()


def test_hash_algorithms_match_hashlib() -> None:
    assert (
        checksums.checksum_base64("SHA1", CHECK_INPUT)
        == base64.b64encode(hashlib.sha1(CHECK_INPUT).digest()).decode()
    )
    assert (
        checksums.checksum_base64("sha256", CHECK_INPUT)
        == base64.b64encode(hashlib.sha256(CHECK_INPUT).digest()).decode()
    )
    assert checksums.checksum_base64("SHA512", b"") == base64.b64encode(hashlib.sha512(b"").digest()).decode()
    assert checksums.checksum_base64("MD5", b"") == "1B2M2Y8AsgTpgAmY7PhCfg=="


@pytest.mark.parametrize(("algorithm", "hex_digest"), XXHASH_EMPTY.items())
def test_xxhash_empty_input(algorithm: str, hex_digest: str) -> None:
    if algorithm not in checksums.ALGORITHMS:
        pytest.skip("xxhash needs awscrt")
    assert checksums.new_checksum(algorithm).digest().hex() == hex_digest


@pytest.mark.parametrize("algorithm", checksums.ALGORITHMS)
def test_incremental_updates_equal_one_shot(algorithm: str) -> None:
    data = random.Random(11).randbytes(100_003)
    running = checksums.new_checksum(algorithm)
    for start in range(0, len(data), 4099):
        running.update(memoryview(data)[start : start + 4099])
    assert checksums.to_base64(running.digest()) == checksums.checksum_base64(algorithm, data)


@pytest.mark.parametrize("algorithm", [name for name in checksums.ALGORITHMS if name != "MD5"])
def test_same_value_as_botocore_sends(algorithm: str) -> None:
    data = random.Random(3).randbytes(50_000)
    botocore_class = httpchecksum._CHECKSUM_CLS.get(algorithm.lower())
    if botocore_class is None:
        pytest.skip(f"botocore cannot compute {algorithm} here")
    assert checksums.checksum_base64(algorithm, data) == botocore_class().handle(data)


def test_crc32_is_zlibs() -> None:
    assert (
        checksums.checksum_base64("CRC32", b"abc")
        == base64.b64encode(zlib.crc32(b"abc").to_bytes(4, "big")).decode()
    )


def test_digest_sizes_cover_every_algorithm_of_the_s3_model() -> None:
    from stratus.protocol.loader import service_model

    enum = service_model("s3").shape_for("ChecksumAlgorithm").enum
    assert set(enum) == set(checksums.DIGEST_SIZES)


def test_decode_checksum_accepts_only_well_formed_values() -> None:
    good = checksums.checksum_base64("CRC32", b"x")
    assert checksums.decode_checksum("CRC32", good) == base64.b64decode(good)
    assert checksums.decode_checksum("crc32", f" {good} ") == base64.b64decode(good)
    assert checksums.decode_checksum("CRC32", "AAAAAAAA") is None  # 6 bytes, not 4
    assert checksums.decode_checksum("CRC32", "not base64!") is None
    assert checksums.decode_checksum("CRC32", "AAA") is None  # bad padding
    assert checksums.decode_checksum("CRC32", "ÄÄÄÄ") is None
    assert checksums.decode_checksum("NOPE", good) is None


def test_unknown_algorithm_raises_key_error() -> None:
    with pytest.raises(KeyError):
        checksums.new_checksum("CRC16")


def test_header_name() -> None:
    assert checksums.header_name("CRC64NVME") == "x-amz-checksum-crc64nvme"
