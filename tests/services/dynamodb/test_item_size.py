"""Item sizes as DynamoDB measures them.

The rules are AWS's "DynamoDB item sizes and formats"; number sizes are the figures measured to
the byte against the live 400 KB gate (an accept/refuse pair either side of it, eu-west-2,
2026), and dynalite's boundary items recorded against DynamoDB.
"""

from __future__ import annotations

import pytest

from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.item_size import (
    ITEM_TOO_LARGE,
    MAX_ITEM_BYTES,
    check_item_size,
    item_size,
    number_size,
    value_size,
)

# (literal, bytes) measured against the gate.
MEASURED_NUMBERS = [
    ("0", 1),
    ("1", 2),
    ("12", 2),
    ("123", 3),
    ("1234", 3),
    ("12345678901234567890123456789012345678", 20),
    ("0042", 2),
    ("100", 2),
    ("1010", 3),
    ("0.0000001", 2),
    ("1E125", 2),
    ("1E-100", 2),
    ("1.5", 3),
    ("15", 2),
    ("1.2", 3),
    ("1.200", 3),
    ("1.234", 4),
    ("3.14159", 5),
    ("123456", 4),
    ("100.5", 4),
    ("0.15", 2),
    ("-42", 3),
    ("-0", 1),
]


@pytest.mark.parametrize(("literal", "size"), MEASURED_NUMBERS)
def test_number_sizes_match_the_measured_figures(literal, size):
    assert number_size(literal) == size
    assert value_size({"N": literal}) == size


@pytest.mark.parametrize(
    ("literal", "size"),
    [
        # dynalite's boundary items (all 126-digit integers): 38 ones, then zeros -> 20 bytes...
        ("1" * 38 + "0" * 88, 20),
        ("1" + "0" * 125, 2),
        ("11" + "0" * 124, 2),
        ("11111" + "0" * 121, 4),
        ("111111" + "0" * 120, 4),
        ("1111111" + "0" * 119, 5),
        # ...and what the base-100 layout gives elsewhere (not measured).
        ("-1", 3),
        ("-1.5", 4),
        ("1E-130", 2),
        ("9.9999999999999999999999999999999999999E+125", 20),
        ("1.2345678901234567890123456789012345678", 21),  # 38 digits starting at an even exponent
        ("-1.2345678901234567890123456789012345678", 22),  # Oracle would omit the sign byte here
    ],
)
def test_number_sizes_follow_base_100_digits(literal, size):
    assert number_size(literal) == size


@pytest.mark.parametrize(
    ("literal", "size"),
    [
        # NOT MEASURED. Where the base-100 layout and the "ceil(integer digits / 2) +
        # ceil(fraction digits / 2)" reading of the measurements disagree (trailing zeros after an
        # odd count of integer digits, leading zeros after the point): 550 is 5|50 in base 100,
        # 0.055 is .05|50, so 2 digits and 3 bytes (the other reading says 2 bytes).
        ("550", 3),
        ("0.055", 3),
        ("5500", 2),
        ("0.0055", 2),
    ],
)
def test_number_sizes_where_the_readings_diverge(literal, size):
    assert number_size(literal) == size


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ({"S": ""}, 0),
        ({"S": "abc"}, 3),
        ({"S": "é"}, 2),  # UTF-8 bytes, not characters
        ({"S": "😀"}, 4),
        ({"B": b""}, 0),
        ({"B": b"\x00\x01\x02"}, 3),  # raw bytes, not base64 length
        ({"BOOL": True}, 1),
        ({"BOOL": False}, 1),
        ({"NULL": True}, 1),
        ({"SS": ["a", "bc", "é"]}, 5),
        ({"NS": ["1", "1.5", "-42"]}, 2 + 3 + 3),
        ({"BS": [b"ab", b"c"]}, 3),
        ({"L": []}, 3),
        ({"M": {}}, 3),
        ({"L": [{"S": "ab"}]}, 3 + 1 + 2),
        ({"L": [{"NULL": True}, {"BOOL": True}]}, 3 + (1 + 1) + (1 + 1)),
        ({"M": {"ab": {"S": "xyz"}}}, 3 + 1 + 2 + 3),
        ({"M": {"é": {"N": "12"}}}, 3 + 1 + 2 + 2),
        ({"L": [{"L": []}, {"M": {}}]}, 3 + (1 + 3) + (1 + 3)),
        ({"M": {"l": {"L": [{"N": "1"}]}}}, 3 + 1 + 1 + (3 + 1 + 2)),
    ],
)
def test_value_sizes(value, size):
    assert value_size(value) == size


def test_item_size_is_names_plus_values():
    item = {
        "id": {"S": "abc"},  # 2 + 3
        "n": {"N": "12345"},  # 1 + 4
        "flag": {"BOOL": True},  # 4 + 1
        "l": {"L": [{"S": "xy"}]},  # 1 + 3 + 1 + 2
        "名": {"NULL": True},  # 3 + 1
    }
    assert item_size(item) == 5 + 5 + 5 + 7 + 4
    assert item_size({}) == 0


def test_the_limit_is_400_kib_inclusive():
    assert MAX_ITEM_BYTES == 409_600
    name_and_key = 2 + 1  # "pk" + "a"
    at_limit = {"pk": {"S": "a"}, "p": {"S": "x" * (MAX_ITEM_BYTES - name_and_key - 1)}}
    assert check_item_size(at_limit) == MAX_ITEM_BYTES
    over = {"pk": {"S": "a"}, "p": {"S": "x" * (MAX_ITEM_BYTES - name_and_key)}}
    with pytest.raises(ValidationException) as caught:
        check_item_size(over)
    assert caught.value.message == ITEM_TOO_LARGE == "Item size has exceeded the maximum allowed size"


@pytest.mark.parametrize(("literal", "cost"), [("1E125", 2), ("3.14159", 5), ("-42", 3)])
def test_a_number_at_the_gate_is_sized_by_its_digits(literal, cost):
    # The measurement's own shape: {pk, n, p} built to exactly 409,600 bytes on the number's cost.
    fixed = item_size({"pk": {"S": "k"}}) + len("n") + cost + len("p")
    item = {"pk": {"S": "k"}, "n": {"N": literal}, "p": {"S": "x" * (MAX_ITEM_BYTES - fixed)}}
    assert check_item_size(item) == MAX_ITEM_BYTES
    item["p"] = {"S": "x" * (MAX_ITEM_BYTES - fixed + 1)}
    with pytest.raises(ValidationException):
        check_item_size(item)


def test_dynalite_boundary_items():
    # 38 significant digits at a high exponent: over the limit by exactly one byte.
    key = "somekey"
    padding = "a" * (MAX_ITEM_BYTES - len(key) - 1 - 1 - 20)
    item = {"a": {"S": key}, "b": {"S": padding}, "c": {"N": "1" * 38 + "0" * 88}}
    assert item_size(item) == MAX_ITEM_BYTES + 1
    # Two 7-digit numbers: just small enough.
    padding = "a" * (MAX_ITEM_BYTES - len(key) - 1 - 1 - 5 - 1 - 6)
    numbers = "1111111" + "0" * 119
    item = {"a": {"S": key}, "b": {"S": padding}, "c": {"N": numbers}, "d": {"N": numbers}}
    assert item_size(item) == MAX_ITEM_BYTES
