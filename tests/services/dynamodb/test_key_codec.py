"""Key encodings: memcmp order equals DynamoDB's order; round trips; the partition hash; key sizes."""

from __future__ import annotations

import random
import sqlite3
from decimal import Decimal

import pytest

from stratus.services.dynamodb import numbers
from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.key_codec import (
    MAX_PARTITION_KEY_BYTES,
    MAX_SORT_KEY_BYTES,
    check_key_size,
    decode_key_value,
    encode_key_value,
    key_size,
    partition_hash,
    segment_bounds,
)

MAX = "9.9999999999999999999999999999999999999E+125"
EDGE_NUMBERS = [
    "0", "1", "-1", "10", "100", "1000", "-10", "-100", "11", "101", "0.1", "0.01", "0.11", "-0.1", "-0.01",
    "1E-130", "-1E-130", "2E-130", "1.1E-130", MAX, "-" + MAX, "1E125", "-1E125", "9E125", "1E-129",
    "12345678901234567890123456789012345678", "-12345678901234567890123456789012345678",
    "1.2345678901234567890123456789012345678", "99999999999999999999999999999999999999",
    "0.99999999999999999999999999999999999999", "1.5", "1.05", "1.005", "1.0000000000000000000000000000000000001",
    "-1.5", "-1.05", "-1.0000000000000000000000000000000000001", "9", "-9", "99", "-99", "0.9", "-0.9",
]  # fmt: skip


def sign(x: int) -> int:
    return (x > 0) - (x < 0)


def random_number(rng: random.Random) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 38)))
    digits = str(rng.randint(1, 9)) + digits[1:]
    exponent = rng.randint(-130, 125 - len(digits) + 1)
    if rng.random() < 0.3:
        exponent = rng.randint(-5, 5)  # many close values, where prefixes matter
    text = f"{'-' if rng.random() < 0.5 else ''}{digits}E{exponent}"
    return numbers.normalize(text)


def test_number_encoding_orders_the_edge_cases_numerically():
    for a in EDGE_NUMBERS:
        for b in EDGE_NUMBERS:
            ea, eb = encode_key_value({"N": a}), encode_key_value({"N": b})
            assert sign((ea > eb) - (ea < eb)) == sign(Decimal(a).compare(Decimal(b))), (a, b)


def test_number_encoding_orders_random_pairs_numerically():
    rng = random.Random(20240601)
    for _ in range(5000):
        a, b = random_number(rng), random_number(rng)
        if rng.random() < 0.2:  # neighbours and ties
            try:
                b = numbers.add(a, rng.choice(["1", "-1", "0.001", "0"]))
            except numbers.InvalidNumber:
                b = a
        ea, eb = encode_key_value({"N": a}), encode_key_value({"N": b})
        expected = sign(Decimal(a).compare(Decimal(b)))
        assert sign((ea > eb) - (ea < eb)) == expected, (a, b)
        assert (ea == eb) == (expected == 0)


def test_sorted_encodings_are_sorted_numbers():
    rng = random.Random(7)
    values = list({random_number(rng) for _ in range(2000)} | set(map(numbers.normalize, EDGE_NUMBERS)))
    by_encoding = sorted(values, key=lambda text: encode_key_value({"N": text}))
    assert by_encoding == sorted(values, key=Decimal)


def test_sqlite_blob_order_is_numeric_order():
    values = [numbers.normalize(text) for text in EDGE_NUMBERS]
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE k (sk BLOB PRIMARY KEY, text TEXT)")
    connection.executemany(
        "INSERT INTO k VALUES (?, ?)", [(encode_key_value({"N": v}), v) for v in set(values)]
    )
    ordered = [row[0] for row in connection.execute("SELECT text FROM k ORDER BY sk")]
    assert ordered == sorted(set(values), key=Decimal)
    between = connection.execute(
        "SELECT text FROM k WHERE sk BETWEEN ? AND ? ORDER BY sk",
        (encode_key_value({"N": "-1"}), encode_key_value({"N": "1"})),
    ).fetchall()
    assert [row[0] for row in between] == sorted(
        (v for v in set(values) if Decimal(-1) <= Decimal(v) <= 1), key=Decimal
    )


def test_equal_numbers_encode_equally():
    assert encode_key_value({"N": "1"}) == encode_key_value({"N": "1.000"}) == encode_key_value({"N": "1E0"})
    assert encode_key_value({"N": "-0"}) == encode_key_value({"N": "0"})


@pytest.mark.parametrize("text", EDGE_NUMBERS + ["-0", "1.50", "0042", "1.5E2"])
def test_numbers_round_trip_to_canonical_text(text):
    assert decode_key_value(encode_key_value({"N": text}), "N") == {"N": numbers.normalize(text)}


def test_random_numbers_round_trip():
    rng = random.Random(99)
    for _ in range(2000):
        text = random_number(rng)
        assert decode_key_value(encode_key_value({"N": text}), "N") == {"N": text}


@pytest.mark.parametrize(
    ("smaller", "larger"),
    [
        ("a", "b"),
        ("a", "aa"),  # a prefix sorts first
        ("", "a"),
        ("Z", "a"),  # bytewise: uppercase before lowercase
        ("a", "é"),
        ("\uffff", "😀"),  # UTF-8 byte order, not UTF-16 code units
        ("1", "10"),
        ("10", "9"),  # strings are not numbers
    ],
)
def test_strings_sort_by_utf8_bytes(smaller, larger):
    assert encode_key_value({"S": smaller}) < encode_key_value({"S": larger})


@pytest.mark.parametrize(
    ("smaller", "larger"), [(b"\x00", b"\x01"), (b"\x7f", b"\x80"), (b"a", b"a\x00"), (b"", b"\x00")]
)
def test_binaries_sort_unsigned_bytewise(smaller, larger):
    assert encode_key_value({"B": smaller}) < encode_key_value({"B": larger})


@pytest.mark.parametrize("value", [{"S": "héllo 😀"}, {"S": ""}, {"B": b"\x00\xff\x10"}, {"B": b""}])
def test_strings_and_binaries_round_trip(value):
    kind = next(iter(value))
    assert decode_key_value(encode_key_value(value), kind) == value


@pytest.mark.parametrize("value", [{"BOOL": True}, {"SS": ["a"]}, {"M": {}}])
def test_only_key_types_encode(value):
    with pytest.raises(ValueError):
        encode_key_value(value)


def test_partition_hash_is_stable_63_bit():
    # Stable across processes and releases: stored rows depend on it.
    assert partition_hash(b"") == partition_hash(b"")
    assert partition_hash(encode_key_value({"S": "user#1"})) == 2590472636345301538
    hashes = {partition_hash(f"key-{i}".encode()) for i in range(5000)}
    assert len(hashes) == 5000
    assert all(0 <= h < 2**63 for h in hashes)
    # Spread: every one of 8 segments gets a fair share.
    counts = [0] * 8
    for h in hashes:
        counts[h * 8 >> 63] += 1
    assert min(counts) > 5000 / 8 * 0.8


@pytest.mark.parametrize("total", [1, 2, 3, 7, 50])
def test_segments_tile_the_hash_space(total):
    bounds = [segment_bounds(i, total) for i in range(total)]
    assert bounds[0][0] == 0
    assert bounds[-1][1] == 2**63
    for (_, high), (low, _) in zip(bounds, bounds[1:], strict=False):
        assert high == low
    for key in (b"", b"abc", encode_key_value({"N": "-1.5"})):
        h = partition_hash(key)
        assert sum(low <= h < high for low, high in bounds) == 1


@pytest.mark.parametrize(
    ("value", "size"),
    [({"S": "abc"}, 3), ({"S": "é"}, 2), ({"B": b"\x00\x00"}, 2), ({"N": "12345"}, 4), ({"N": "0"}, 1)],
)
def test_key_size(value, size):
    assert key_size(value) == size


def test_key_size_limits():
    check_key_size({"S": "a" * MAX_PARTITION_KEY_BYTES}, is_partition=True)
    check_key_size({"B": b"a" * MAX_SORT_KEY_BYTES}, is_partition=False)
    check_key_size({"N": "9" * 38}, is_partition=False)
    with pytest.raises(ValidationException) as caught:
        check_key_size({"B": b"a" * (MAX_PARTITION_KEY_BYTES + 1)}, is_partition=True)
    assert caught.value.message == (
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes"
    )
    with pytest.raises(ValidationException) as caught:
        check_key_size({"S": "a" * (MAX_SORT_KEY_BYTES + 1)}, is_partition=False)
    assert caught.value.message == (
        "One or more parameter values were invalid: "
        "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
    )
