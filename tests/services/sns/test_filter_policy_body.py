"""SNS filter policies matched against message bodies (the MessageBody scope, payload-based
filtering): nested keys, dotted keys, arrays and $or logic, as pure unit tests.

Matching cases come from AWS's documentation (cited per group). Error cases marked "recorded" are AWS
responses captured against real SNS (localstack's tests/aws/services/sns/test_sns_filter_policy
.snapshot.json and test_sns.snapshot.json); their policies were sent as `json.dumps(policy)`, with
spaces, and AWS reports columns in the compact re-serialization of the policy.
"""

import json

import pytest

from stratus.services.sns.filter_policy import parse_filter_policy

from .filter_policy_support import (
    ALARM,
    CIDR_V4,
    EQUALS_3015,
    EXAMPLE_ACCEPTS,
    EXAMPLE_REJECTS,
    IGNORE_CASE,
    INTERESTS,
    NOT_100_500,
    NOT_INTERESTS,
    STORE_ABSENT,
    STORE_EXISTS,
    SUFFIX_BALL,
    UP_TO_150,
    s,
)

OBJECT_KEY = {
    "object": {"key": [{"prefix": "auto-"}, "hardcodedvalue"], "nested_key": [{"exists": False}]},
    "test": [{"exists": False}],
}
S3_AUTO_CREATED = {
    "Records": {"s3": {"object": {"key": [{"prefix": "auto-"}]}}, "eventName": [{"prefix": "ObjectCreated:"}]}
}


def s3_event(name: str, key: str) -> dict:
    return {
        "Records": [{"eventSource": "aws:s3", "eventName": name, "s3": {"object": {"key": key, "size": 17}}}]
    }


EMPLOYEES = {
    "employees": [
        {"firstName": "John", "lastName": "Doe"},
        {"firstName": "Anna", "lastName": "Smith"},
        {"firstName": "Peter", "lastName": "Jones"},
    ]
}
METRICS_OR_DETAIL = {
    "$or": [{"metricName": ["CPUUtilization", "ReadLatency"]}, {"namespace": ["AWS/EC2", "AWS/ES"]}],
    "detail": {
        "scope": ["Service"],
        "$or": [{"source": ["aws.cloudwatch"]}, {"type": ["CloudWatch Alarm State Change"]}],
    },
}
EXAMPLE_BODY = {
    "customer_interests": ["soccer", "rugby", "hockey"],
    "store": "example_corp",
    "event": "order_placed",
    "price_usd": 210.75,
}

BODY_CASES = [
    # https://docs.aws.amazon.com/sns/latest/dg/string-value-matching.html (message bodies)
    pytest.param(INTERESTS, {"customer_interests": "rugby"}, True, id="exact"),
    pytest.param(INTERESTS, {"customer_interests": "baseball"}, False, id="exact-other"),
    pytest.param(INTERESTS, {"customer_interests": ["baseball", "tennis"]}, True, id="exact-array-element"),
    pytest.param(NOT_INTERESTS, {"customer_interests": ["rugby", "baseball"]}, True, id="anything-but-array"),
    pytest.param(NOT_INTERESTS, {"customer_interests": "rugby"}, False, id="anything-but-listed"),
    pytest.param(NOT_INTERESTS, {"other": "x"}, False, id="anything-but-absent"),
    pytest.param(SUFFIX_BALL, {"customer_interests": "basketball"}, True, id="suffix"),
    pytest.param(IGNORE_CASE, {"customer_interests": "tEnNiS"}, True, id="ignore-case"),
    pytest.param(CIDR_V4, {"source_ip": "10.0.0.7"}, True, id="cidr"),
    pytest.param(CIDR_V4, {"source_ip": 10}, False, id="cidr-number"),
    # https://docs.aws.amazon.com/sns/latest/dg/numeric-value-matching.html (message bodies)
    pytest.param(EQUALS_3015, {"price_usd": 301.5}, True, id="numeric-equals"),
    pytest.param(EQUALS_3015, '{"price_usd": 3.015e2}', True, id="numeric-equals-exponent"),
    pytest.param(EQUALS_3015, {"price_usd": "301.5"}, False, id="numeric-equals-string"),
    pytest.param(NOT_100_500, {"price": [100, 50]}, True, id="anything-but-number-array"),
    pytest.param(NOT_100_500, {"price": 100}, False, id="anything-but-number-listed"),
    pytest.param(NOT_100_500, {"price": 101}, True, id="anything-but-number-other"),
    pytest.param(UP_TO_150, {"price_usd": [500, 42]}, True, id="range-array-element"),
    pytest.param(UP_TO_150, {"price_usd": [500, -42]}, False, id="range-array-no-element"),
    pytest.param({"big": [5000000000]}, {"big": 5000000000}, True, id="exact-number-beyond-limit-by-text"),
    pytest.param({"big": [{"numeric": [">", 0]}]}, {"big": 5000000000}, False, id="range-beyond-limit"),
    # https://docs.aws.amazon.com/sns/latest/dg/attribute-key-matching.html (message bodies)
    pytest.param(STORE_EXISTS, {"store": "fans", "customer_interests": ["baseball"]}, True, id="exists"),
    pytest.param(STORE_EXISTS, {"customer_interests": ["baseball"]}, False, id="exists-absent"),
    pytest.param(STORE_ABSENT, {"customer_interests": ["baseball"]}, True, id="absent"),
    pytest.param(STORE_ABSENT, {"store": "fans"}, False, id="absent-present"),
    # attribute-key-matching.html: exists needs a non-null, non-empty value, and works on leaves only
    pytest.param(STORE_EXISTS, {"store": None}, False, id="exists-null"),
    pytest.param(STORE_EXISTS, {"store": []}, False, id="exists-empty-array"),
    pytest.param(STORE_EXISTS, {"store": {"name": "x"}}, False, id="exists-intermediate-node"),
    pytest.param(STORE_ABSENT, {"store": {"name": "x"}}, True, id="absent-intermediate-node"),
    pytest.param(STORE_ABSENT, {}, False, id="absent-empty-body"),
    # https://aws.amazon.com/blogs/compute/introducing-payload-based-message-filtering-for-amazon-sns/
    # (deliveries recorded against AWS)
    pytest.param(OBJECT_KEY, {"object": {"key": "auto-test"}}, True, id="nested-prefix"),
    pytest.param(OBJECT_KEY, {"object": {"key": "hardcodedvalue"}}, True, id="nested-exact"),
    pytest.param(OBJECT_KEY, {"object": {"key": "test-auto"}}, False, id="nested-no-prefix"),
    pytest.param(
        OBJECT_KEY,
        {"object": {"key": "auto-test"}, "test": "just-exists"},
        False,
        id="nested-top-absent-fails",
    ),
    pytest.param(
        OBJECT_KEY, {"object": {"key": "auto-test", "nested_key": "x"}}, False, id="nested-absent-fails"
    ),
    pytest.param(OBJECT_KEY, {"object": {"test": "auto-test"}}, False, id="nested-key-missing"),
    pytest.param(OBJECT_KEY, {"test": "auto-test"}, False, id="nested-object-missing"),
    pytest.param(OBJECT_KEY, "Regular string message", False, id="body-not-json"),
    pytest.param(OBJECT_KEY, json.dumps("Regular string message"), False, id="body-json-string"),
    pytest.param(
        S3_AUTO_CREATED, s3_event("ObjectCreated:Put", "auto-insurance-2314.xml"), True, id="s3-created-auto"
    ),
    pytest.param(
        S3_AUTO_CREATED, s3_event("ObjectRemoved:Delete", "auto-insurance-2314.xml"), False, id="s3-removed"
    ),
    pytest.param(
        S3_AUTO_CREATED, s3_event("ObjectCreated:Put", "home-insurance-2314.xml"), False, id="s3-other-key"
    ),
    pytest.param(
        S3_AUTO_CREATED,
        {
            "Records": [
                {"eventName": "ObjectCreated:Put", "s3": {"object": [[{"key": "auto-insurance-2314.xml"}]]}},
                {"eventName": "ObjectRemoved:Delete", "s3": {"object": {"key": "home-insurance-2314.xml"}}},
            ]
        },
        True,
        id="s3-arrays-of-arrays",
    ),
    pytest.param(
        {"headers": {"route-to": ["queue1"]}},
        {"headers": {"route-to": ["queue1", "queue2"]}},
        True,
        id="array-contains",
    ),
    pytest.param(
        {"headers": {"route-to": ["queue1"]}}, {"headers": {"route-to": ["queue2"]}}, False, id="array-lacks"
    ),
    # Dotted keys: AWS matched all of these (recorded); event-ruler README "JSON keys with dots"
    pytest.param(
        {"object.nested": ["string.value"]},
        {"object": {"nested": "string.value"}},
        True,
        id="dotted-policy-nested-body",
    ),
    pytest.param(
        {"object.nested": ["string.value"]},
        {"object.nested": "string.value"},
        True,
        id="dotted-policy-dotted-body",
    ),
    pytest.param(
        {"object.nested": ["string.value"]},
        {"object": {"nested": "test-auto"}},
        False,
        id="dotted-other-value",
    ),
    pytest.param(
        {"object.nested.test": ["v"]}, {"object": {"nested": {"test": "v"}}}, True, id="dotted-deep-nested"
    ),
    pytest.param(
        {"object.nested.test": ["v"]}, {"object.nested": {"test": "v"}}, True, id="dotted-deep-mixed"
    ),
    pytest.param(
        {"object.nested.test": ["v"]}, {"object": {"nested.test": "v"}}, True, id="dotted-deep-mixed-2"
    ),
    pytest.param(
        {"object": {"nested": {"test": ["v"]}}},
        {"object.nested.test": "v"},
        True,
        id="nested-policy-dotted-body",
    ),
    # event-ruler README "JSON Array Matching": fields must come from the same array element
    pytest.param({"employees": {"firstName": ["Anna"]}}, EMPLOYEES, True, id="array-of-objects"),
    pytest.param(
        {"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}},
        EMPLOYEES,
        False,
        id="array-consistency",
    ),
    pytest.param(
        {"employees": {"firstName": ["Anna"], "lastName": ["Smith"]}},
        EMPLOYEES,
        True,
        id="array-same-element",
    ),
    pytest.param(
        {"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}},
        {
            "employees": [
                [{"firstName": "Anna", "lastName": "Jones"}],
                [{"firstName": "Peter", "lastName": "Doe"}],
            ]
        },
        True,
        id="array-nested-same-element",
    ),
    pytest.param(
        {"a": {"b": ["x"]}, "c": ["y"]},
        {"a": [{"b": "x"}, {"b": "z"}], "c": "y"},
        True,
        id="array-and-scalar",
    ),
    # https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html: true, false, null
    pytest.param({"a": [None]}, {"a": None}, True, id="null"),
    pytest.param({"a": [None]}, {"a": "null"}, False, id="null-vs-string"),
    pytest.param({"a": [None]}, {"b": 1}, False, id="null-vs-absent"),
    pytest.param({"flag": [True]}, {"flag": True}, True, id="true"),
    pytest.param({"flag": [True]}, {"flag": "true"}, False, id="true-vs-string"),
    pytest.param({"flag": [False]}, {"flag": 0}, False, id="false-vs-zero"),
    pytest.param({"n": [1]}, {"n": True}, False, id="number-vs-true"),
    # https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html: the body must be a JSON object
    pytest.param({"a": [1]}, "[1]", False, id="body-array"),
    pytest.param({"a": [1]}, "5", False, id="body-number"),
    pytest.param({"a": [1]}, '{"a": NaN}', False, id="body-nan"),
    pytest.param({"a": [1]}, '{"a": 1', False, id="body-truncated"),
    pytest.param({"a": [{"exists": False}]}, "{}", False, id="body-empty-object"),
    # https://docs.aws.amazon.com/sns/latest/dg/example-filter-policies.html (payload version)
    pytest.param(EXAMPLE_ACCEPTS, EXAMPLE_BODY, True, id="example-policy-accepts"),
    pytest.param(EXAMPLE_REJECTS, EXAMPLE_BODY, False, id="example-policy-rejects"),
    # https://docs.aws.amazon.com/sns/latest/dg/and-or-logic.html (OR operator), nested "$or"
    pytest.param(
        METRICS_OR_DETAIL,
        {"metricName": "CPUUtilization", "detail": {"scope": "aws.cloudwatch", "type": ALARM}},
        False,
        id="or-wrong-scope",
    ),
    pytest.param(
        METRICS_OR_DETAIL,
        {"metricName": "CPUUtilization", "detail": {"scope": "Service", "type": "CPUUtilization"}},
        False,
        id="or-wrong-type",
    ),
    pytest.param(
        METRICS_OR_DETAIL,
        {"metricName": "CPUUtilization", "detail": {"type": ALARM}},
        False,
        id="or-missing-scope",
    ),
    pytest.param(
        METRICS_OR_DETAIL,
        {"metricName": "CPUUtilization", "detail": {"scope": "Service"}},
        False,
        id="or-missing-inner",
    ),
    pytest.param(
        METRICS_OR_DETAIL,
        {"metricName": "CPUUtilization", "scope": "Service"},
        False,
        id="or-scope-not-nested",
    ),
    pytest.param(
        METRICS_OR_DETAIL,
        {"metricName": "CPUUtilization", "detail": {"scope": "Service", "source": "aws.cloudwatch"}},
        True,
        id="or-metric-source",
    ),
    pytest.param(
        METRICS_OR_DETAIL,
        {"namespace": "AWS/EC2", "detail": {"scope": "Service", "source": "aws.cloudwatch"}},
        True,
        id="or-namespace-source",
    ),
    pytest.param(
        METRICS_OR_DETAIL,
        {"metricName": "ReadLatency", "detail": {"scope": "Service", "type": ALARM}},
        True,
        id="or-metric-type",
    ),
    pytest.param(
        METRICS_OR_DETAIL,
        {"metricName": "AWS/EC2", "detail": {"scope": "Service", "type": ALARM}},
        False,
        id="or-value-of-other-branch",
    ),
    # event-ruler README: a "$or" that isn't an array of 2+ objects is an ordinary field name
    pytest.param({"$or": {"a": ["b"]}}, {"$or": {"a": "b"}}, True, id="or-object-is-a-field"),
    pytest.param(
        {"$or": [{"numeric": [">", 0]}, {"prefix": "abc"}]},
        {"$or": "abcd"},
        True,
        id="or-reserved-names-are-matches",
    ),
    pytest.param(
        {"$or": [{"numeric": [">", 0]}, {"prefix": "abc"}]}, {"$or": 5}, True, id="or-reserved-names-numeric"
    ),
    pytest.param(
        {"$or": [{"numeric": [">", 0]}, {"prefix": "abc"}]},
        {"$or": -5},
        False,
        id="or-reserved-names-neither",
    ),
]


@pytest.mark.parametrize(("policy", "body", "expected"), BODY_CASES)
def test_body_policy(policy: dict, body: dict | str, expected: bool) -> None:
    compiled = parse_filter_policy(json.dumps(policy), "MessageBody")
    text = body if isinstance(body, str) else json.dumps(body)
    assert compiled.matches(message_attributes={"ignored": s("x")}, body=text) is expected
