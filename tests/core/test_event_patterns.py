"""EventBridge's event pattern language: matching (as EventBridge's documentation describes it) and
validation."""

import pytest

from stratus.core.event_patterns import PatternError, compile_pattern, matches, parse_pattern

EC2_EVENT = {
    "version": "0",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "111122223333",
    "time": "2017-12-22T18:43:48Z",
    "region": "us-west-1",
    "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
    "detail": {
        "instance-id": "i-1234567890abcdef0",
        "state": "terminated",
        "c-count": 5,
        "d-count": 3.0e2,
        "source-ip": "10.0.0.123",
        "ipv6": "2001:db8::1",
        "flag": True,
        "nothing": None,
        "empty": "",
        "tags": ["alpha", "beta"],
        "items": [{"name": "a", "size": 1}, {"name": "b", "size": 2}],
    },
}


def check(pattern: dict, event: dict = EC2_EVENT) -> bool:
    return matches(pattern, event)


# ---------------------------------------------------------------- exact values


def test_exact_values_and_and_or_semantics():
    assert check({"source": ["aws.ec2"], "detail": {"state": ["terminated"]}})
    assert check({"source": ["aws.s3", "aws.ec2"]})  # values of one field: OR
    assert not check({"source": ["aws.ec2"], "detail": {"state": ["running"]}})  # fields: AND
    assert not check({"source": ["AWS.EC2"]})  # case matters


def test_numbers_compare_as_numbers_and_never_as_strings():
    assert check({"detail": {"d-count": [300]}})
    assert check({"detail": {"c-count": [5.0]}})
    assert not check({"detail": {"c-count": ["5"]}})
    assert not check({"version": [0]})  # "0" is a string in the event


def test_booleans_null_and_empty_strings_are_distinct():
    assert check({"detail": {"flag": [True]}})
    assert not check({"detail": {"flag": [1]}})
    assert not check({"detail": {"flag": ["true"]}})
    assert check({"detail": {"nothing": [None]}})
    assert not check({"detail": {"nothing": [""]}})
    assert check({"detail": {"empty": [""]}})
    assert not check({"detail": {"empty": [None]}})


def test_an_array_in_the_event_matches_when_any_element_does():
    assert check({"detail": {"tags": ["beta"]}})
    assert check({"resources": [{"prefix": "arn:aws:ec2:"}]})
    assert not check({"detail": {"tags": ["gamma"]}})


def test_a_nested_pattern_must_match_one_array_element_as_a_whole():
    assert check({"detail": {"items": {"name": ["b"], "size": [2]}}})
    assert not check({"detail": {"items": {"name": ["a"], "size": [2]}}})


def test_a_missing_field_matches_nothing_but_exists_false():
    assert not check({"detail": {"missing": ["x"]}})
    assert not check({"detail": {"missing": [None]}})
    assert not check({"nowhere": {"deeper": ["x"]}})


def test_an_empty_pattern_matches_everything():
    assert check({})


# ---------------------------------------------------------------- operators


def test_prefix_and_suffix():
    assert check({"time": [{"prefix": "2017-12-22"}]})
    assert not check({"time": [{"prefix": "2018"}]})
    assert check({"detail": {"instance-id": [{"suffix": "cdef0"}]}})
    assert check({"detail": {"instance-id": [{"suffix": {"equals-ignore-case": "CDEF0"}}]}})
    assert check({"source": [{"prefix": {"equals-ignore-case": "AWS."}}]})
    assert not check({"detail": {"c-count": [{"prefix": "5"}]}})  # strings only


def test_equals_ignore_case():
    assert check({"source": [{"equals-ignore-case": "AWS.EC2"}]})
    assert not check({"source": [{"equals-ignore-case": "AWS.S3"}]})


def test_wildcard():
    assert check({"detail": {"instance-id": [{"wildcard": "i-*def0"}]}})
    assert check({"resources": [{"wildcard": "arn:aws:ec2:*:instance/*"}]})
    assert not check({"detail": {"instance-id": [{"wildcard": "i-*xyz"}]}})
    assert matches({"a": [{"wildcard": "x\\*y"}]}, {"a": "x*y"})
    assert not matches({"a": [{"wildcard": "x\\*y"}]}, {"a": "xzzy"})


def test_anything_but():
    assert check({"detail": {"state": [{"anything-but": "running"}]}})
    assert not check({"detail": {"state": [{"anything-but": ["stopped", "terminated"]}]}})
    assert check({"detail": {"c-count": [{"anything-but": [1, 2, 3]}]}})
    assert not check({"detail": {"c-count": [{"anything-but": 5}]}})
    assert check({"detail": {"state": [{"anything-but": {"prefix": "run"}}]}})
    assert not check({"detail": {"state": [{"anything-but": {"prefix": "term"}}]}})
    assert not check({"detail": {"state": [{"anything-but": {"suffix": "nated"}}]}})
    assert not check({"detail": {"state": [{"anything-but": {"equals-ignore-case": ["TERMINATED"]}}]}})
    assert not check({"detail": {"state": [{"anything-but": {"wildcard": "term*"}}]}})
    assert not check({"detail": {"missing": [{"anything-but": "x"}]}})  # needs the field


def test_numeric():
    assert check({"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}]}})
    assert not check({"detail": {"c-count": [{"numeric": [">", 5]}]}})
    assert check({"detail": {"d-count": [{"numeric": ["=", 300]}]}})
    assert check({"detail": {"c-count": [{"numeric": [">=", 5]}]}})
    assert not check({"version": [{"numeric": [">=", 0]}]})  # "0" is not a number


def test_exists():
    assert check({"detail": {"state": [{"exists": True}]}})
    assert not check({"detail": {"missing": [{"exists": True}]}})
    assert check({"detail": {"missing": [{"exists": False}]}})
    assert not check({"detail": {"state": [{"exists": False}]}})
    assert check({"detail": {"nothing": [{"exists": True}]}})  # null is a value
    assert check({"nowhere": {"deeper": [{"exists": False}]}})
    assert not check({"detail": [{"exists": True}]})  # only leaves exist


def test_cidr():
    assert check({"detail": {"source-ip": [{"cidr": "10.0.0.0/24"}]}})
    assert not check({"detail": {"source-ip": [{"cidr": "10.0.1.0/24"}]}})
    assert check({"detail": {"ipv6": [{"cidr": "2001:db8::/32"}]}})
    assert not check({"detail": {"state": [{"cidr": "10.0.0.0/8"}]}})
    # event-ruler's range starts at the address as written, not at the network's first address.
    assert matches({"ip": [{"cidr": "10.0.0.5/24"}]}, {"ip": "10.0.0.200"})
    assert not matches({"ip": [{"cidr": "10.0.0.5/24"}]}, {"ip": "10.0.0.3"})


def test_or_combines_alternatives():
    pattern = {
        "source": ["aws.ec2"],
        "$or": [{"detail": {"c-count": [1]}}, {"detail": {"state": ["terminated"]}}],
    }
    assert check(pattern)
    assert not check({"$or": [{"source": ["aws.s3"]}, {"detail": {"state": ["running"]}}]})
    assert check({"detail": {"$or": [{"c-count": [{"numeric": [">", 4]}]}, {"missing": ["x"]}]}})


def test_lambda_style_sqs_body_filter():
    record = {"messageId": "1", "body": {"kind": "order", "amount": 150}, "attributes": {"SenderId": "x"}}
    assert matches({"body": {"kind": ["order"], "amount": [{"numeric": [">", 100]}]}}, record)
    assert not matches({"body": {"kind": ["refund"]}}, record)
    assert matches({"body": [{"prefix": "keep"}]}, {"body": "keep me"})
    assert not matches({"body": {"kind": ["order"]}}, {"body": "plain text"})


def test_a_compiled_pattern_matches_many_events():
    pattern = parse_pattern('{"n": [{"numeric": ["<", 10]}]}')
    assert [pattern.matches({"n": n}) for n in (1, 10, 20)] == [True, False, False]


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "pattern",
    [
        '"just a string"',
        "[1, 2]",
        '{"a": "x"}',
        '{"a": 5}',
        '{"a": []}',
        '{"a": [[1]]}',
        '{"a": [{"nope": 1}]}',
        '{"a": [{"prefix": "x", "suffix": "y"}]}',
        '{"a": [{"prefix": 1}]}',
        '{"a": [{"prefix": {"nope": "x"}}]}',
        '{"a": [{"suffix": ["x"]}]}',
        '{"a": [{"equals-ignore-case": 1}]}',
        '{"a": [{"exists": "true"}]}',
        '{"a": [{"numeric": [">", "1"]}]}',
        '{"a": [{"numeric": ["~", 1]}]}',
        '{"a": [{"numeric": [">", 1, ">", 2]}]}',
        '{"a": [{"numeric": [">", 5, "<", 1]}]}',
        '{"a": [{"numeric": [">"]}]}',
        '{"a": [{"numeric": []}]}',
        '{"a": [{"anything-but": []}]}',
        '{"a": [{"anything-but": ["x", 1]}]}',
        '{"a": [{"anything-but": [null]}]}',
        '{"a": [{"anything-but": {"numeric": [">", 1]}}]}',
        '{"a": [{"wildcard": "a**b"}]}',
        '{"a": [{"wildcard": "a\\\\qb"}]}',
        '{"a": [{"cidr": "not-an-ip"}]}',
        '{"$or": "x"}',
        '{"$or": [{"a": ["x"]}, "b"]}',
        "not json",
    ],
)
def test_invalid_patterns_are_refused(pattern):
    with pytest.raises(PatternError):
        parse_pattern(pattern)


def test_compile_takes_a_document():
    with pytest.raises(PatternError):
        compile_pattern(["a"])
    assert compile_pattern({"a": ["x"]}).matches({"a": "x"})
