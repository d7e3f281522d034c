"""Condition operators, IfExists, set operators, missing keys, case rules and variables."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from stratus.auth.conditions import compile_conditions, conditions_hold, missing_keys, parse_date


def holds(block: dict, context: dict, variables: bool = True) -> bool:
    lowered = {key.lower(): value for key, value in context.items()}
    return conditions_hold(compile_conditions(block, variables), lowered)


STRING = [
    # (operator, policy value(s), context value, result)
    ("StringEquals", "alice", "alice", True),
    ("StringEquals", "alice", "Alice", False),
    ("StringEquals", ["bob", "alice"], "alice", True),
    ("StringEquals", ["bob", "carol"], "alice", False),
    ("StringEquals", "a*", "abc", False),
    ("StringEquals", "a*", "a*", True),
    ("StringNotEquals", "alice", "bob", True),
    ("StringNotEquals", "alice", "alice", False),
    ("StringNotEquals", ["alice", "bob"], "bob", False),  # NOR over the values
    ("StringNotEquals", ["alice", "bob"], "carol", True),
    ("StringEqualsIgnoreCase", "ALICE", "alice", True),
    ("StringEqualsIgnoreCase", "alice", "bob", False),
    ("StringNotEqualsIgnoreCase", "ALICE", "alice", False),
    ("StringNotEqualsIgnoreCase", "ALICE", "bob", True),
    ("StringLike", "home/*", "home/alice/x", True),
    ("StringLike", "home/*", "Home/alice", False),
    ("StringLike", "home/?", "home/a", True),
    ("StringLike", "home/?", "home/ab", False),
    ("StringLike", ["", "home/"], "", True),
    ("StringLike", "*", "", True),
    ("StringLike", "a.c", "abc", False),
    ("StringNotLike", "home/*", "home/x", False),
    ("StringNotLike", "home/*", "work/x", True),
    ("StringNotLike", ["a*", "b*"], "bx", False),
    ("StringEquals", "true", True, True),  # a boolean context value reads as "true"
    ("StringEquals", "5", 5, True),
]


@pytest.mark.parametrize(("operator", "policy", "context", "expected"), STRING)
def test_string_operators(operator: str, policy: object, context: object, expected: bool) -> None:
    assert holds({operator: {"aws:username": policy}}, {"aws:username": context}) is expected


NUMERIC = [
    ("NumericEquals", "10", 10, True),
    ("NumericEquals", "10", "10", True),
    ("NumericEquals", 10, "10.0", True),
    ("NumericEquals", "10", 11, False),
    ("NumericNotEquals", "10", 11, True),
    ("NumericNotEquals", "10", 10, False),
    ("NumericNotEquals", ["10", "11"], 11, False),
    ("NumericLessThan", "3600", 100, True),
    ("NumericLessThan", "3600", 3600, False),
    ("NumericLessThanEquals", "3600", 3600, True),
    ("NumericLessThanEquals", "3600", 3601, False),
    ("NumericGreaterThan", "10", 11, True),
    ("NumericGreaterThan", "10", 10, False),
    ("NumericGreaterThanEquals", "10", 10, True),
    ("NumericGreaterThanEquals", "10", 9.5, False),
    ("NumericLessThan", ["5", "100"], 50, True),  # OR over the values
    ("NumericEquals", "abc", 1, False),  # an unparsable policy value never matches
    ("NumericEquals", "1", "abc", False),
    ("NumericGreaterThan", "-5", -1, True),
]


@pytest.mark.parametrize(("operator", "policy", "context", "expected"), NUMERIC)
def test_numeric_operators(operator: str, policy: object, context: object, expected: bool) -> None:
    assert holds({operator: {"s3:max-keys": policy}}, {"s3:max-keys": context}) is expected


NOON = datetime(2020, 6, 1, 12, 0, tzinfo=UTC)
DATES = [
    ("DateEquals", "2020-06-01T12:00:00Z", NOON, True),
    ("DateEquals", "2020-06-01T12:00:00Z", "2020-06-01T12:00:00Z", True),
    ("DateEquals", "2020-06-01T14:00:00+02:00", NOON, True),
    ("DateEquals", "2020-06-01T12:00:00Z", "2020-06-01T12:00:01Z", False),
    ("DateNotEquals", "2020-06-01T12:00:00Z", "2020-06-01T12:00:01Z", True),
    ("DateNotEquals", "2020-06-01T12:00:00Z", NOON, False),
    ("DateLessThan", "2021-01-01T00:00:00Z", NOON, True),
    ("DateLessThan", "2019-01-01T00:00:00Z", NOON, False),
    ("DateLessThan", "2020-06-01T12:00:00Z", NOON, False),
    ("DateLessThanEquals", "2020-06-01T12:00:00Z", NOON, True),
    ("DateGreaterThan", "2019-01-01T00:00:00Z", NOON, True),
    ("DateGreaterThan", "2020-06-01T12:00:00Z", NOON, False),
    ("DateGreaterThanEquals", "2020-06-01T12:00:00Z", NOON, True),
    ("DateGreaterThanEquals", "2020-06-02", NOON, False),
    ("DateLessThan", "2020-06-02", NOON, True),  # a date alone is midnight UTC
    ("DateGreaterThan", "1577836800", NOON, True),  # epoch seconds: 2020-01-01
    ("DateLessThan", 1609459200, NOON, True),  # 2021-01-01 as a JSON number
    ("DateEquals", "2020-06-01T12:00:00Z", 1591012800, True),  # epoch context value
    ("DateEquals", "2020-06-01T12:00:00Z", "1591012800", True),
    ("DateEquals", "not a date", NOON, False),
    ("DateEquals", "2020-06-01T12:00:00Z", "garbage", False),
]


@pytest.mark.parametrize(("operator", "policy", "context", "expected"), DATES)
def test_date_operators(operator: str, policy: object, context: object, expected: bool) -> None:
    assert holds({operator: {"aws:CurrentTime": policy}}, {"aws:CurrentTime": context}) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-06-01T12:00:00Z", NOON),
        ("2020-06-01T12:00:00.000Z", NOON),
        ("2020-06-01T12:00:00", NOON),
        ("2020-06-01T13:00:00+01:00", NOON),
        ("1591012800", NOON),
        (1591012800, NOON),
        ("x", None),
        (True, None),
    ],
)
def test_parse_date(text: object, expected: datetime | None) -> None:
    assert parse_date(text) == expected


BOOLS = [
    ("true", True, True),
    ("true", "true", True),
    ("true", "TRUE", True),
    ("True", True, True),
    (True, True, True),
    ("true", False, False),
    ("false", False, True),
    ("false", "false", True),
    ("false", True, False),
    (["true", "false"], False, True),
]


@pytest.mark.parametrize(("policy", "context", "expected"), BOOLS)
def test_bool(policy: object, context: object, expected: bool) -> None:
    assert holds({"Bool": {"aws:SecureTransport": policy}}, {"aws:SecureTransport": context}) is expected


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    ("policy", "context", "expected"),
    [
        (b64(b"hello"), b"hello", True),
        (b64(b"hello"), b64(b"hello"), True),
        (b64(b"hello"), b"world", False),
        ([b64(b"a"), b64(b"hello")], b"hello", True),
        ("!!notbase64!!", b"hello", False),
    ],
)
def test_binary_equals(policy: object, context: object, expected: bool) -> None:
    assert holds({"BinaryEquals": {"aws:Binary": policy}}, {"aws:Binary": context}) is expected


IPS = [
    ("IpAddress", "203.0.113.0/24", "203.0.113.7", True),
    ("IpAddress", "203.0.113.0/24", "203.0.114.7", False),
    ("IpAddress", "203.0.113.7", "203.0.113.7", True),
    ("IpAddress", "203.0.113.7/32", "203.0.113.8", False),
    ("IpAddress", ["10.0.0.0/8", "192.168.0.0/16"], "192.168.1.1", True),
    ("IpAddress", "0.0.0.0/0", "8.8.8.8", True),
    ("IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:5678::1", True),
    ("IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:5679::1", False),
    ("IpAddress", "2001:db8::/32", "203.0.113.7", False),
    ("IpAddress", "0.0.0.0/0", "2001:db8::1", False),
    ("IpAddress", "203.0.113.0/24", "not-an-ip", False),
    ("IpAddress", "203.0.113.1/24", "203.0.113.200", True),  # host bits are ignored
    ("NotIpAddress", "203.0.113.0/24", "198.51.100.1", True),
    ("NotIpAddress", "203.0.113.0/24", "203.0.113.9", False),
    ("NotIpAddress", ["10.0.0.0/8", "203.0.113.0/24"], "10.1.1.1", False),
]


@pytest.mark.parametrize(("operator", "policy", "context", "expected"), IPS)
def test_ip_address(operator: str, policy: object, context: str, expected: bool) -> None:
    assert holds({operator: {"aws:SourceIp": policy}}, {"aws:SourceIp": context}) is expected


SOURCE = "arn:aws:s3:::amzn-s3-demo-bucket"
ARNS = [
    ("ArnEquals", SOURCE, SOURCE, True),
    ("ArnEquals", "arn:aws:s3:::amzn-s3-demo-*", SOURCE, True),
    ("ArnLike", "arn:aws:s3:::amzn-s3-demo-*", SOURCE, True),
    ("ArnLike", "arn:aws:s3:::other", SOURCE, False),
    ("ArnLike", "arn:aws:sns:*:123456789012:*", "arn:aws:sns:us-east-1:123456789012:t", True),
    ("ArnNotEquals", SOURCE, SOURCE, False),
    ("ArnNotEquals", "arn:aws:s3:::other", SOURCE, True),
    ("ArnNotLike", "arn:aws:s3:::amzn-*", SOURCE, False),
    ("ArnNotLike", "arn:aws:s3:::x*", SOURCE, True),
    ("ArnLike", ["arn:aws:s3:::x", "arn:aws:s3:::amzn*"], SOURCE, True),
]


@pytest.mark.parametrize(("operator", "policy", "context", "expected"), ARNS)
def test_arn_operators(operator: str, policy: object, context: str, expected: bool) -> None:
    assert holds({operator: {"aws:SourceArn": policy}}, {"aws:SourceArn": context}) is expected


# ---------------------------------------------------------------- missing keys

# A key absent from the request: false for matching operators, true for negated ones,
# true for ...IfExists.
MISSING = [
    ("StringEquals", "x", False),
    ("StringNotEquals", "x", True),
    ("StringEqualsIgnoreCase", "x", False),
    ("StringNotEqualsIgnoreCase", "x", True),
    ("StringLike", "*", False),
    ("StringNotLike", "x*", True),
    ("NumericEquals", "1", False),
    ("NumericNotEquals", "1", True),
    ("NumericLessThan", "1", False),
    ("NumericGreaterThanEquals", "1", False),
    ("DateEquals", "2020-01-01", False),
    ("DateNotEquals", "2020-01-01", True),
    ("DateLessThan", "2020-01-01", False),
    ("Bool", "true", False),
    ("Bool", "false", False),
    ("BinaryEquals", "aGk=", False),
    ("IpAddress", "10.0.0.0/8", False),
    ("NotIpAddress", "10.0.0.0/8", True),
    ("ArnEquals", "arn:aws:s3:::b", False),
    ("ArnLike", "arn:aws:s3:::*", False),
    ("ArnNotEquals", "arn:aws:s3:::b", True),
    ("ArnNotLike", "arn:aws:s3:::*", True),
    ("StringEqualsIfExists", "x", True),
    ("StringNotEqualsIfExists", "x", True),
    ("StringLikeIfExists", "x*", True),
    ("NumericLessThanIfExists", "1", True),
    ("DateGreaterThanIfExists", "2020-01-01", True),
    ("BoolIfExists", "true", True),
    ("IpAddressIfExists", "10.0.0.0/8", True),
    ("NotIpAddressIfExists", "10.0.0.0/8", True),
    ("ArnLikeIfExists", "arn:aws:s3:::*", True),
    ("BinaryEqualsIfExists", "aGk=", True),
]


@pytest.mark.parametrize(("operator", "policy", "expected"), MISSING)
def test_missing_key(operator: str, policy: object, expected: bool) -> None:
    assert holds({operator: {"aws:SomeKey": policy}}, {}) is expected


@pytest.mark.parametrize("empty", [None, []])
def test_null_or_empty_context_value_counts_as_missing(empty: object) -> None:
    assert holds({"StringEquals": {"aws:k": "x"}}, {"aws:k": empty}) is False
    assert holds({"StringEqualsIfExists": {"aws:k": "x"}}, {"aws:k": empty}) is True
    assert holds({"Null": {"aws:k": "true"}}, {"aws:k": empty}) is True


IF_EXISTS_PRESENT = [
    ("StringEqualsIfExists", "x", "x", True),
    ("StringEqualsIfExists", "x", "y", False),
    ("StringNotEqualsIfExists", "x", "x", False),
    ("StringNotEqualsIfExists", "x", "y", True),
    ("NumericLessThanIfExists", "5", 3, True),
    ("NumericLessThanIfExists", "5", 7, False),
    ("IpAddressIfExists", "10.0.0.0/8", "10.0.0.1", True),
    ("IpAddressIfExists", "10.0.0.0/8", "11.0.0.1", False),
    ("ArnLikeIfExists", "arn:aws:s3:::b*", "arn:aws:s3:::bx", True),
    ("ArnLikeIfExists", "arn:aws:s3:::b*", "arn:aws:s3:::x", False),
]


@pytest.mark.parametrize(("operator", "policy", "context", "expected"), IF_EXISTS_PRESENT)
def test_if_exists_with_key_present_behaves_like_the_operator(
    operator: str, policy: object, context: object, expected: bool
) -> None:
    assert holds({operator: {"aws:k": policy}}, {"aws:k": context}) is expected


@pytest.mark.parametrize(
    ("policy", "context", "expected"),
    [
        ("true", {}, True),
        ("true", {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"}, False),
        ("false", {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"}, True),
        ("false", {}, False),
        (True, {}, True),
        (["true", "false"], {}, True),
    ],
)
def test_null(policy: object, context: dict, expected: bool) -> None:
    assert holds({"Null": {"aws:TokenIssueTime": policy}}, context) is expected


# ---------------------------------------------------------------- set operators

SETS = [
    # (operator, policy values, context values (None: key missing), result)
    ("ForAllValues:StringEquals", ["a", "b"], ["a"], True),
    ("ForAllValues:StringEquals", ["a", "b"], ["a", "b"], True),
    ("ForAllValues:StringEquals", ["a", "b"], ["a", "c"], False),
    ("ForAllValues:StringEquals", ["a", "b"], None, True),
    ("ForAllValues:StringEquals", ["a", "b"], [], True),
    ("ForAllValues:StringEquals", ["a", "b"], "a", True),
    ("ForAllValues:StringLike", ["env*", "cost*"], ["environment", "costcenter"], True),
    ("ForAllValues:StringLike", ["env*"], ["environment", "owner"], False),
    ("ForAllValues:StringNotEquals", ["a", "b"], ["c", "d"], True),
    ("ForAllValues:StringNotEquals", ["a", "b"], ["c", "a"], False),
    ("ForAllValues:StringEqualsIgnoreCase", ["A"], ["a", "A"], True),
    ("ForAnyValue:StringEquals", ["a", "b"], ["c", "a"], True),
    ("ForAnyValue:StringEquals", ["a", "b"], ["c", "d"], False),
    ("ForAnyValue:StringEquals", ["a", "b"], None, False),
    ("ForAnyValue:StringEquals", ["a", "b"], [], False),
    ("ForAnyValue:StringLike", ["*.amazonaws.com"], ["cloudformation.amazonaws.com"], True),
    ("ForAnyValue:StringNotEquals", ["a"], ["a", "b"], True),
    ("ForAnyValue:StringNotEquals", ["a"], ["a", "a"], False),
    ("ForAnyValue:StringNotEquals", ["a"], None, False),
    ("ForAllValues:StringEqualsIfExists", ["a"], None, True),
    ("ForAnyValue:StringEqualsIfExists", ["a"], None, True),
    ("ForAnyValue:NumericLessThan", ["10"], [20, 5], True),
    ("ForAllValues:NumericLessThan", ["10"], [20, 5], False),
    ("ForAnyValue:IpAddress", ["10.0.0.0/8"], ["192.168.0.1", "10.1.1.1"], True),
    (
        "ForAllValues:ArnLike",
        ["arn:aws:iam::*:role/*"],
        ["arn:aws:iam::1:role/a", "arn:aws:iam::1:user/b"],
        False,
    ),
    # Without a set operator a multi-valued key matches when any value matches
    ("StringEquals", ["a"], ["b", "a"], True),
    ("StringEquals", ["a"], ["b", "c"], False),
    ("StringNotEquals", ["a"], ["b", "c"], True),
    ("StringNotEquals", ["a"], ["b", "a"], False),
]


@pytest.mark.parametrize(("operator", "policy", "context", "expected"), SETS)
def test_set_operators(operator: str, policy: list, context: object, expected: bool) -> None:
    request = {} if context is None else {"aws:TagKeys": context}
    assert holds({operator: {"aws:TagKeys": policy}}, request) is expected


# ---------------------------------------------------------------- combination and case


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        (
            {
                "aws:PrincipalTag/department": "hr",
                "aws:PrincipalTag/role": "audit",
                "aws:PrincipalArn": "arn:aws:iam::1:user/a",
            },
            True,
        ),
        (
            {
                "aws:PrincipalTag/department": "hr",
                "aws:PrincipalTag/role": "audit",
                "aws:PrincipalArn": "arn:aws:iam::1:role/a",
            },
            False,
        ),
        ({"aws:PrincipalTag/department": "hr", "aws:PrincipalArn": "arn:aws:iam::1:user/a"}, False),
        (
            {
                "aws:PrincipalTag/department": "it",
                "aws:PrincipalTag/role": "audit",
                "aws:PrincipalArn": "arn:aws:iam::1:user/a",
            },
            False,
        ),
        (
            {
                "aws:PrincipalTag/department": "finance",
                "aws:PrincipalTag/role": "security",
                "aws:PrincipalArn": "arn:aws:iam::1:user/b",
            },
            True,
        ),
    ],
)
def test_operators_and_keys_and_together_values_or(context: dict, expected: bool) -> None:
    block = {
        "StringEquals": {
            "aws:PrincipalTag/department": ["finance", "hr", "legal"],
            "aws:PrincipalTag/role": ["audit", "security"],
        },
        "ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::*:user/*"]},
    }
    assert holds(block, context) is expected


@pytest.mark.parametrize(
    ("block", "context", "expected"),
    [
        ({"StringEquals": {"AWS:USERNAME": "alice"}}, {"aws:username": "alice"}, True),
        ({"StringEquals": {"aws:username": "alice"}}, {"AWS:UserName": "alice"}, True),
        ({"stringequals": {"aws:username": "alice"}}, {"aws:username": "alice"}, True),
        ({"StringEquals": {"aws:username": "Alice"}}, {"aws:username": "alice"}, False),
        ({"StringEquals": {"aws:PrincipalTag/Team": "red"}}, {"aws:principaltag/team": "red"}, True),
    ],
)
def test_key_names_are_case_insensitive_values_are_not(block: dict, context: dict, expected: bool) -> None:
    assert holds(block, context) is expected


# ---------------------------------------------------------------- variables in values

VARIABLE_VALUES = [
    (
        {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
        {"s3:prefix": "home/al/x", "aws:username": "al"},
        True,
    ),
    (
        {"StringLike": {"s3:prefix": "home/${aws:username}/*"}},
        {"s3:prefix": "home/bo/x", "aws:username": "al"},
        False,
    ),
    ({"StringLike": {"s3:prefix": "home/${aws:username}/*"}}, {"s3:prefix": "home/al/x"}, False),
    ({"StringLike": {"s3:prefix": "home/${aws:username, 'guest'}/*"}}, {"s3:prefix": "home/guest/x"}, True),
    (
        {"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}},
        {"aws:ResourceTag/owner": "al", "aws:username": "al"},
        True,
    ),
    (
        {"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}},
        {"aws:ResourceTag/owner": "bo", "aws:username": "al"},
        False,
    ),
    (
        {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
        {"aws:ResourceTag/team": "red", "aws:PrincipalTag/team": "red"},
        True,
    ),
    (
        {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
        {"aws:ResourceTag/team": "red"},
        False,
    ),
    # a variable with no value makes even a negated condition false
    (
        {"StringNotEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
        {"aws:ResourceTag/team": "red"},
        False,
    ),
    ({"StringLike": {"s3:prefix": "${*}"}}, {"s3:prefix": "*"}, True),
    ({"StringLike": {"s3:prefix": "${*}"}}, {"s3:prefix": "abc"}, False),
    ({"StringLike": {"s3:prefix": "a${?}"}}, {"s3:prefix": "a?"}, True),
    ({"StringLike": {"s3:prefix": "a${?}"}}, {"s3:prefix": "ab"}, False),
    ({"StringEquals": {"s3:prefix": "${$}x"}}, {"s3:prefix": "$x"}, True),
    # the inserted value is literal, not a wildcard
    ({"StringLike": {"s3:prefix": "${aws:username}"}}, {"s3:prefix": "abc", "aws:username": "a*"}, False),
    (
        {"ArnLike": {"aws:SourceArn": "arn:aws:sqs:*:${aws:PrincipalAccount}:*"}},
        {"aws:SourceArn": "arn:aws:sqs:us-east-1:111:q", "aws:PrincipalAccount": "111"},
        True,
    ),
    (
        {"ArnLike": {"aws:SourceArn": "arn:aws:sqs:*:${aws:PrincipalAccount}:*"}},
        {"aws:SourceArn": "arn:aws:sqs:us-east-1:222:q", "aws:PrincipalAccount": "111"},
        False,
    ),
    (
        {"Bool": {"aws:SecureTransport": "${aws:ViaAWSService}"}},
        {"aws:SecureTransport": True, "aws:ViaAWSService": True},
        True,
    ),
]


@pytest.mark.parametrize(("block", "context", "expected"), VARIABLE_VALUES)
def test_policy_variables_in_condition_values(block: dict, context: dict, expected: bool) -> None:
    assert holds(block, context) is expected


def test_numeric_operators_do_not_substitute_variables() -> None:
    block = {"NumericEquals": {"s3:max-keys": "${aws:foo}"}}
    assert holds(block, {"s3:max-keys": 10, "aws:foo": 10}) is False


def test_version_2008_keeps_variables_literal() -> None:
    block = {"StringEquals": {"s3:prefix": "${aws:username}"}}
    assert holds(block, {"s3:prefix": "${aws:username}", "aws:username": "al"}, variables=False)
    assert not holds(block, {"s3:prefix": "al", "aws:username": "al"}, variables=False)


def test_missing_keys_are_reported() -> None:
    tests = compile_conditions(
        {"StringEquals": {"aws:username": "a", "aws:PrincipalTag/Team": "x"}}, variables=True
    )
    assert missing_keys(tests, {"aws:username": "a"}) == ["aws:PrincipalTag/Team"]


def test_empty_condition_block_holds() -> None:
    assert holds({}, {}) is True
