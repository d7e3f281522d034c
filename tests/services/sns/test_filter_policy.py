"""The SNS filter-policy language: validation (AWS's messages) and matching, as pure unit tests.

Matching cases come from AWS's documentation (cited per group). Error cases marked "recorded" are AWS
responses captured against real SNS (localstack's tests/aws/services/sns/test_sns_filter_policy
.snapshot.json and test_sns.snapshot.json); their policies were sent as `json.dumps(policy)`, with
spaces, and AWS reports columns in the compact re-serialization of the policy.
"""

import json

import pytest

from stratus.services.sns import filter_policy
from stratus.services.sns.filter_policy import FilterPolicyError, parse_filter_policy

SOURCE = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: {}, column: {}]"
NESTED = "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"
TOO_COMPLEX = "Invalid parameter: FilterPolicy: Filter policy is too complex"
TOO_MANY_KEYS = "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys"
VALID_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"


def located(reason: str, column: int, line: int = 1) -> str:
    return f"Invalid parameter: FilterPolicy: {reason}\n at {SOURCE.format(line, column)}"


def unparsable(reason: str, column: int, line: int = 1) -> str:
    return located(f"failed to parse JSON. {reason}", column, line)


def plain(reason: str) -> str:
    return f"Invalid parameter: FilterPolicy: {reason}"


def s(value: str) -> dict:
    return {"DataType": "String", "StringValue": value}


def n(value: str) -> dict:
    return {"DataType": "Number", "StringValue": value}


def sa(values: list) -> dict:
    return {"DataType": "String.Array", "StringValue": json.dumps(values)}


def typed(data_type: str, value: str) -> dict:
    return {"DataType": data_type, "StringValue": value}


def binary(value: bytes) -> dict:
    return {"DataType": "Binary", "BinaryValue": value}


INTERESTS = {"customer_interests": ["rugby", "tennis"]}
NOT_INTERESTS = {"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}
NOT_ORDER = {"event": [{"anything-but": {"prefix": "order-"}}]}
PREFIX_BAS = {"customer_interests": [{"prefix": "bas"}]}
SUFFIX_BALL = {"customer_interests": [{"suffix": "ball"}]}
IGNORE_CASE = {"customer_interests": [{"equals-ignore-case": "tennis"}]}
CIDR_V4 = {"source_ip": [{"cidr": "10.0.0.0/24"}]}
CIDR_V6 = {"source_ip": [{"cidr": "2001:db8::/32"}]}
EQUALS_3015 = {"price_usd": [{"numeric": ["=", 301.5]}]}
NOT_100_500 = {"price": [{"anything-but": [100, 500]}]}
NEGATIVE = {"price_usd": [{"numeric": ["<", 0]}]}
UP_TO_150 = {"price_usd": [{"numeric": [">", 0, "<=", 150]}]}
STORE_EXISTS = {"store": [{"exists": True}]}
STORE_ABSENT = {"store": [{"exists": False}]}
INTEREST_LIST = sa(["baseball", "basketball"])
RUGBY_OVER_100 = {"customer_interests": ["rugby"], "price_usd": [{"numeric": [">", 100]}]}
SOURCE_AND_METRIC_OR_NAMESPACE = {
    "source": ["aws.cloudwatch"],
    "$or": [{"metricName": ["CPUUtilization", "ReadLatency"]}, {"namespace": ["AWS/EC2", "AWS/ES"]}],
}
NESTED_OR = {
    "source": ["aws.cloudwatch"],
    "$or": [
        {"metricName": ["CPUUtilization", "ReadLatency"]},
        {
            "metricType": ["MetricType"],
            "namespace": ["AWS/EC2", "AWS/ES"],
            "$or": [{"metricId": [1234]}, {"spaceId": [1000]}],
        },
        {"scope": ["Service"]},
    ],
}
EXAMPLE_ATTRIBUTES = {
    "customer_interests": sa(["soccer", "rugby", "hockey"]),
    "store": s("example_corp"),
    "event": s("order_placed"),
    "price_usd": n("210.75"),
}
EXAMPLE_ACCEPTS = {
    "store": ["example_corp"],
    "event": [{"anything-but": "order_cancelled"}],
    "customer_interests": ["rugby", "football", "baseball"],
    "price_usd": [{"numeric": [">=", 100]}],
}
EXAMPLE_REJECTS = {
    "store": ["example_corp"],
    "event": ["order_cancelled"],
    "encrypted": [False],
    "customer_interests": ["basketball", "baseball"],
}

ATTRIBUTE_CASES = [
    # https://docs.aws.amazon.com/sns/latest/dg/string-value-matching.html (exact matching)
    pytest.param(INTERESTS, {"customer_interests": s("rugby")}, True, id="exact-rugby"),
    pytest.param(INTERESTS, {"customer_interests": s("tennis")}, True, id="exact-tennis"),
    pytest.param(INTERESTS, {"customer_interests": sa(["rugby", "tennis"])}, True, id="exact-string-array"),
    pytest.param(INTERESTS, {"customer_interests": s("baseball")}, False, id="exact-other"),
    pytest.param(INTERESTS, {"customer_interests": sa(["baseball"])}, False, id="exact-array-other"),
    # https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html (case-sensitive)
    pytest.param(INTERESTS, {"customer_interests": s("Rugby")}, False, id="exact-is-case-sensitive"),
    pytest.param(INTERESTS, {"other": s("rugby")}, False, id="exact-attribute-missing"),
    # string-value-matching.html (anything-but matching)
    pytest.param(NOT_INTERESTS, {"customer_interests": s("baseball")}, True, id="anything-but-baseball"),
    pytest.param(NOT_INTERESTS, {"customer_interests": s("football")}, True, id="anything-but-football"),
    pytest.param(
        NOT_INTERESTS,
        {"customer_interests": sa(["rugby", "baseball"])},
        True,
        id="anything-but-array-one-other",
    ),
    pytest.param(NOT_INTERESTS, {"customer_interests": s("rugby")}, False, id="anything-but-listed"),
    pytest.param(
        NOT_INTERESTS,
        {"customer_interests": sa(["rugby", "tennis"])},
        False,
        id="anything-but-array-all-listed",
    ),
    # AWS (recorded): [null, {"anything-but": "whatever"}] did not deliver a message without the attribute
    pytest.param(NOT_INTERESTS, {"other": s("x")}, False, id="anything-but-needs-the-key"),
    pytest.param(
        {"k": [None, {"anything-but": "whatever"}]},
        {"other": s("x")},
        False,
        id="null-or-anything-but-absent",
    ),
    # string-value-matching.html: "anything-but can be combined with "exists": false"
    pytest.param(
        {"k": [{"anything-but": ["a"]}, {"exists": False}]},
        {"other": s("x")},
        True,
        id="anything-but-or-absent",
    ),
    pytest.param(
        {"k": [{"anything-but": ["a"]}, {"exists": False}]},
        {"k": s("a")},
        False,
        id="anything-but-or-absent-listed",
    ),
    pytest.param(
        {"event": [{"anything-but": "order_cancelled"}]},
        {"event": s("order_placed")},
        True,
        id="anything-but-single",
    ),
    pytest.param(
        {"event": [{"anything-but": "order_cancelled"}]},
        {"event": s("order_cancelled")},
        False,
        id="anything-but-single-equal",
    ),
    # string-value-matching.html (using a prefix with the anything-but operator)
    pytest.param(NOT_ORDER, {"event": s("data-entry")}, True, id="anything-but-prefix-other"),
    pytest.param(NOT_ORDER, {"event": s("order_number")}, True, id="anything-but-prefix-near-miss"),
    pytest.param(NOT_ORDER, {"event": s("order-cancelled")}, False, id="anything-but-prefix-match"),
    # string-value-matching.html (prefix matching)
    pytest.param(PREFIX_BAS, {"customer_interests": s("baseball")}, True, id="prefix-baseball"),
    pytest.param(PREFIX_BAS, {"customer_interests": s("basketball")}, True, id="prefix-basketball"),
    pytest.param(PREFIX_BAS, {"customer_interests": s("rugby")}, False, id="prefix-rugby"),
    pytest.param(
        PREFIX_BAS, {"customer_interests": sa(["rugby", "basketball"])}, True, id="prefix-array-element"
    ),
    pytest.param(PREFIX_BAS, {"customer_interests": s("BASEBALL")}, False, id="prefix-case-sensitive"),
    # string-value-matching.html (suffix matching)
    pytest.param(SUFFIX_BALL, {"customer_interests": s("baseball")}, True, id="suffix-baseball"),
    pytest.param(SUFFIX_BALL, {"customer_interests": s("basketball")}, True, id="suffix-basketball"),
    pytest.param(SUFFIX_BALL, {"customer_interests": s("rugby")}, False, id="suffix-rugby"),
    # string-value-matching.html (equals-ignore-case matching)
    pytest.param(IGNORE_CASE, {"customer_interests": s("TENNIS")}, True, id="ignore-case-upper"),
    pytest.param(IGNORE_CASE, {"customer_interests": s("Tennis")}, True, id="ignore-case-title"),
    pytest.param(IGNORE_CASE, {"customer_interests": s("baseball")}, False, id="ignore-case-other"),
    # string-value-matching.html (IP address matching)
    pytest.param(CIDR_V4, {"source_ip": s("10.0.0.0")}, True, id="cidr-first-address"),
    pytest.param(CIDR_V4, {"source_ip": s("10.0.0.255")}, True, id="cidr-last-address"),
    pytest.param(CIDR_V4, {"source_ip": s("10.1.1.0")}, False, id="cidr-outside"),
    pytest.param(CIDR_V4, {"source_ip": s("not-an-ip")}, False, id="cidr-not-an-address"),
    pytest.param(CIDR_V4, {"source_ip": s("10.0.0.256")}, False, id="cidr-bad-address"),
    pytest.param(CIDR_V6, {"source_ip": s("2001:db8::1")}, True, id="cidr-v6-inside"),
    pytest.param(
        CIDR_V6, {"source_ip": s("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")}, True, id="cidr-v6-last"
    ),
    pytest.param(CIDR_V6, {"source_ip": s("2001:db9::1")}, False, id="cidr-v6-outside"),
    pytest.param(CIDR_V6, {"source_ip": s("10.0.0.1")}, False, id="cidr-v6-against-v4"),
    # https://docs.aws.amazon.com/sns/latest/dg/numeric-value-matching.html (exact matching)
    pytest.param(EQUALS_3015, {"price_usd": n("301.5")}, True, id="numeric-equals"),
    pytest.param(EQUALS_3015, {"price_usd": n("3.015e2")}, True, id="numeric-equals-exponent"),
    pytest.param(EQUALS_3015, {"price_usd": n("301.6")}, False, id="numeric-equals-other"),
    pytest.param(EQUALS_3015, {"price_usd": s("301.5")}, False, id="numeric-equals-string-attribute"),
    pytest.param(
        {"price_usd": [301]}, {"price_usd": n("301.0")}, True, id="exact-number-compares-numerically"
    ),
    pytest.param({"price_usd": [301]}, {"price_usd": s("301")}, False, id="exact-number-vs-string"),
    pytest.param({"price_usd": ["301"]}, {"price_usd": n("301")}, False, id="exact-string-vs-number"),
    # numeric-value-matching.html (anything-but matching)
    pytest.param(NOT_100_500, {"price": n("101")}, True, id="anything-but-number-101"),
    pytest.param(NOT_100_500, {"price": n("100.1")}, True, id="anything-but-number-100.1"),
    pytest.param(
        NOT_100_500, {"price": typed("Number.Array", "[100, 50]")}, True, id="anything-but-number-array"
    ),
    pytest.param(NOT_100_500, {"price": n("100")}, False, id="anything-but-number-listed"),
    pytest.param(NOT_100_500, {"price": n("5.0e2")}, False, id="anything-but-number-listed-exponent"),
    # numeric-value-matching.html (value range matching)
    pytest.param(NEGATIVE, {"price_usd": n("-1")}, True, id="range-negative"),
    pytest.param(NEGATIVE, {"price_usd": n("0")}, False, id="range-zero-not-negative"),
    pytest.param(UP_TO_150, {"price_usd": n("150")}, True, id="range-closed-top"),
    pytest.param(UP_TO_150, {"price_usd": n("0")}, False, id="range-open-bottom"),
    pytest.param(UP_TO_150, {"price_usd": n("0.000001")}, True, id="range-just-above-bottom"),
    pytest.param(UP_TO_150, {"price_usd": n("150.00001")}, False, id="range-five-decimals-above-top"),
    pytest.param(UP_TO_150, {"price_usd": s("75")}, False, id="range-string-attribute"),
    pytest.param({"p": [{"numeric": [">=", 100]}]}, {"p": n("100")}, True, id="range-at-least"),
    pytest.param({"p": [{"numeric": ["<", 5]}]}, {"p": n("5")}, False, id="range-less-than-equal"),
    pytest.param({"p": [{"numeric": ["<=", 5]}]}, {"p": n("5")}, True, id="range-at-most"),
    pytest.param(
        {"p": [{"numeric": [">", 0]}]}, {"p": n("5000000000")}, False, id="range-value-out-of-bounds"
    ),
    pytest.param(
        {"p": [{"numeric": [">", -1e9, "<", 1e9]}]}, {"p": n("-999999999.5")}, True, id="range-at-limits"
    ),
    # https://docs.aws.amazon.com/sns/latest/dg/attribute-key-matching.html
    pytest.param(
        STORE_EXISTS, {"store": s("fans"), "customer_interests": INTEREST_LIST}, True, id="exists-present"
    ),
    pytest.param(STORE_EXISTS, {"customer_interests": INTEREST_LIST}, False, id="exists-absent"),
    pytest.param(STORE_EXISTS, {"store": n("99")}, True, id="exists-number-attribute"),  # AWS (recorded)
    pytest.param(STORE_EXISTS, {"store": binary(b"\x01")}, False, id="exists-binary-is-ignored"),
    pytest.param(STORE_EXISTS, {"store": sa([])}, False, id="exists-needs-non-empty"),
    pytest.param(
        STORE_ABSENT, {"store": s("fans"), "customer_interests": INTEREST_LIST}, False, id="absent-present"
    ),
    pytest.param(STORE_ABSENT, {"customer_interests": INTEREST_LIST}, True, id="absent-absent"),
    pytest.param(STORE_ABSENT, {"def": n("99")}, True, id="absent-other-number"),  # AWS (recorded)
    # attribute-key-matching.html: "An empty set of attributes results in the filter not matching."
    pytest.param(STORE_ABSENT, {}, False, id="absent-no-attributes-at-all"),
    # String.Array elements keep their JSON types (https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html)
    pytest.param({"flag": [True]}, {"flag": s("true")}, False, id="boolean-vs-string"),
    pytest.param({"flag": [True]}, {"flag": sa([True])}, True, id="boolean-array-element"),
    pytest.param({"flag": [None]}, {"flag": sa([None])}, True, id="null-array-element"),
    pytest.param({"size": [5]}, {"size": sa(["a", 5])}, True, id="number-array-element"),
    pytest.param(
        {"size": [{"numeric": [">", 4]}]}, {"size": sa(["5"])}, False, id="numeric-vs-string-element"
    ),
    pytest.param({"store": ["fans"]}, {"store": binary(b"fans")}, False, id="binary-never-matches"),
    pytest.param(
        {"store": ["fans"]}, {"store": typed("String.label", "fans")}, True, id="custom-string-type"
    ),
    pytest.param(
        {"n": [{"numeric": ["=", 5]}]}, {"n": typed("Number.float", "5.0")}, True, id="custom-number-type"
    ),
    pytest.param({"a.b": ["c"]}, {"a.b": s("c")}, True, id="dotted-attribute-name"),
    # https://docs.aws.amazon.com/sns/latest/dg/and-or-logic.html
    pytest.param(
        RUGBY_OVER_100, {"customer_interests": s("rugby"), "price_usd": n("150")}, True, id="and-both"
    ),
    pytest.param(
        RUGBY_OVER_100, {"customer_interests": s("rugby"), "price_usd": n("50")}, False, id="and-one-fails"
    ),
    pytest.param(RUGBY_OVER_100, {"customer_interests": s("rugby")}, False, id="and-one-missing"),
    pytest.param({"c": ["rugby", "football", "baseball"]}, {"c": s("football")}, True, id="or-values"),
    pytest.param(
        SOURCE_AND_METRIC_OR_NAMESPACE,
        {"source": s("aws.cloudwatch"), "metricName": s("ReadLatency")},
        True,
        id="or-operator-first",
    ),
    pytest.param(
        SOURCE_AND_METRIC_OR_NAMESPACE,
        {"source": s("aws.cloudwatch"), "namespace": s("AWS/ES")},
        True,
        id="or-operator-second",
    ),
    pytest.param(
        SOURCE_AND_METRIC_OR_NAMESPACE, {"source": s("aws.cloudwatch")}, False, id="or-operator-neither"
    ),
    pytest.param(
        SOURCE_AND_METRIC_OR_NAMESPACE, {"metricName": s("ReadLatency")}, False, id="or-operator-and-missing"
    ),
    pytest.param(
        SOURCE_AND_METRIC_OR_NAMESPACE,
        {"source": s("aws.cloudwatch"), "metricName": s("Other")},
        False,
        id="or-operator-wrong-value",
    ),
    # event-ruler README ("Nested Or and And"), the engine behind these policies
    pytest.param(
        NESTED_OR,
        {
            "source": s("aws.cloudwatch"),
            "metricType": s("MetricType"),
            "namespace": s("AWS/EC2"),
            "spaceId": n("1000"),
        },
        True,
        id="nested-or-deep-branch",
    ),
    pytest.param(
        NESTED_OR,
        {"source": s("aws.cloudwatch"), "metricType": s("MetricType"), "namespace": s("AWS/EC2")},
        False,
        id="nested-or-inner-missing",
    ),
    pytest.param(
        NESTED_OR, {"source": s("aws.cloudwatch"), "scope": s("Service")}, True, id="nested-or-last-branch"
    ),
    # https://docs.aws.amazon.com/sns/latest/dg/example-filter-policies.html
    pytest.param(EXAMPLE_ACCEPTS, EXAMPLE_ATTRIBUTES, True, id="example-policy-accepts"),
    pytest.param(EXAMPLE_REJECTS, EXAMPLE_ATTRIBUTES, False, id="example-policy-rejects"),
]


@pytest.mark.parametrize(("policy", "message_attributes", "expected"), ATTRIBUTE_CASES)
def test_attribute_policy(policy: dict, message_attributes: dict, expected: bool) -> None:
    compiled = parse_filter_policy(json.dumps(policy))
    assert compiled.matches(message_attributes=message_attributes, body="not json") is expected


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
ALARM = "CloudWatch Alarm State Change"
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


def policy_with(field: str, condition: object) -> str:
    return json.dumps({field: [condition]})


ERROR_CASES = [
    # Recorded AWS responses (Subscribe / SetSubscriptionAttributes on real SNS)
    pytest.param(
        json.dumps({"key": [["value"]]}),
        located("Match value must be String, number, true, false, or null", 10),
        id="list-in-list",
    ),
    pytest.param(
        policy_with("key", {"wrong-operator": True}),
        located("Unrecognized match type wrong-operator", 31),
        id="unknown-operator",
    ),
    pytest.param(
        policy_with("key", {"suffix": "value", "prefix": "value2"}),
        located("Only one key allowed in match expression", 37),
        id="two-operators",
    ),
    pytest.param(
        policy_with("key", {"suffix": 100}),
        located("suffix match pattern must be a string", 22),
        id="suffix-number",
    ),
    pytest.param(
        policy_with("key", {"suffix": None}),
        located("suffix match pattern must be a string", 23),
        id="suffix-null",
    ),
    pytest.param(
        policy_with("key", {"suffix": []}),
        located("suffix match pattern must be a string", 20),
        id="suffix-empty-list",
    ),
    pytest.param(
        policy_with("key", {"suffix": ["test", "test2"]}),
        located("suffix match pattern must be a string", 20),
        id="suffix-list",
    ),
    pytest.param(
        json.dumps({"key": {"suffix": "value"}}),
        located('"suffix" must be an object or an array', 19),
        id="operator-outside-list",
    ),
    pytest.param(
        json.dumps({"key": {"suffix": "value", "prefix": "value"}}),
        located('"suffix" must be an object or an array', 19),
        id="operators-outside-list",
    ),
    pytest.param(
        json.dumps({"key": {"not-an-operator": "value"}}),
        located('"not-an-operator" must be an object or an array', 28),
        id="value-not-list",
    ),
    pytest.param(
        json.dumps({"key_a": "value_one"}),
        located('"key_a" must be an object or an array', 11),
        id="rule-not-list",
    ),
    pytest.param(
        policy_with("key", {"numeric": []}),
        located("Invalid member in numeric match: ]", 22),
        id="numeric-empty",
    ),
    pytest.param(
        policy_with("key", {"numeric": ["operator"]}),
        located("Unrecognized numeric range operator: operator", 32),
        id="numeric-bad-operator",
    ),
    pytest.param(
        policy_with("key", {"numeric": [1, "<="]}),
        located("Invalid member in numeric match: 1", 22),
        id="numeric-value-first",
    ),
    pytest.param(
        policy_with("key", {"numeric": ["=", "000"]}),
        located("Value of equals must be numeric", 26),
        id="numeric-equals-string",
    ),
    pytest.param(
        policy_with("key", {"numeric": [">="]}),
        located("Value of >= must be numeric", 26),
        id="numeric-missing-value",
    ),
    pytest.param(
        policy_with("key", {"numeric": ["<", 100, ">", 10]}),
        located("Too many elements in numeric expression", 30),
        id="numeric-upper-then-lower",
    ),
    pytest.param(
        policy_with("key", {"numeric": [">=", 1, ">", 2]}),
        located("Bad numeric range operator: >", 31),
        id="numeric-two-lower-bounds",
    ),
    pytest.param(
        policy_with("key", {"numeric": [">", 3, "<", 1]}),
        located("Bottom must be less than top", 33),
        id="numeric-bottom-above-top",
    ),
    pytest.param(
        policy_with("key", {"numeric": [">", 20, "<="]}),
        located("Value of <= must be numeric", 33),
        id="numeric-missing-top",
    ),
    pytest.param(
        policy_with("key", {"numeric": [">", 20, 30]}),
        located("Bad value in numeric range: 30", 30),
        id="numeric-missing-top-operator",
    ),
    pytest.param(
        policy_with("key", {"numeric": [">", 20, "test"]}),
        located("Bad numeric range operator: test", 34),
        id="numeric-bad-top-operator",
    ),
    pytest.param(
        policy_with("key", {"numeric": [">", "20", "<", "30"]}),
        located("Value of > must be numeric", 26),
        id="numeric-string-bottom",
    ),
    pytest.param(
        policy_with("key", {"numeric": [">", 20, "<", "30"]}),
        located("Value of < must be numeric", 33),
        id="numeric-string-top",
    ),
    pytest.param(
        policy_with("key", {"numeric": [">", 20, "<", 30, "<", 50]}),
        located("Too many terms in numeric range expression", 36),
        id="numeric-too-many-terms",
    ),
    pytest.param(
        policy_with("key", {"exists": None}),
        located("exists match pattern must be either true or false.", 23),
        id="exists-null",
    ),
    pytest.param(
        policy_with("key", {"exists": "no"}),
        located("exists match pattern must be either true or false.", 20),
        id="exists-string",
    ),
    pytest.param(
        policy_with("key", {"anything-but": {"wrong-operator": None}}),
        located("Unsupported anything-but pattern: wrong-operator", 47),
        id="anything-but-unknown",
    ),
    pytest.param(
        policy_with("key", {"anything-but": {"suffix": "test"}}),
        located("Unsupported anything-but pattern: suffix", 36),
        id="anything-but-suffix",
    ),
    pytest.param(
        policy_with("key", {"anything-but": {"exists": False}}),
        located("Unsupported anything-but pattern: exists", 40),
        id="anything-but-exists",
    ),
    pytest.param(
        policy_with("key", {"anything-but": {"prefix": False}}),
        located("prefix match pattern must be a string", 40),
        id="anything-but-prefix-bool",
    ),
    pytest.param(
        "{invalidjson}",
        unparsable(
            "Unexpected character ('i' (code 105)): was expecting double-quote to start field name", 2
        ),
        id="invalid-json",
    ),
    # event-ruler's grammar, the same checks (columns in the compact form AWS compiles)
    pytest.param("{}", located("Empty objects are not allowed", 3), id="empty-policy"),
    pytest.param(
        json.dumps({"a": {}}), located("Empty objects are not allowed", 8), id="empty-nested-object"
    ),
    pytest.param(json.dumps({"a": []}), located("Empty arrays are not allowed", 8), id="empty-list"),
    pytest.param("[1]", located("Filter is not an object", 2), id="array-policy"),
    pytest.param('"text"', located("Filter is not an object", 2), id="string-policy"),
    pytest.param("", located("Filter is not an object", 1), id="no-content"),
    pytest.param(
        policy_with("a", {}), located("Match expression name not found", 9), id="empty-match-expression"
    ),
    pytest.param(
        policy_with("a", {"numeric": 5}),
        located("Value of numeric must be an array.", 19),
        id="numeric-not-list",
    ),
    pytest.param(
        policy_with("a", {"numeric": ["=", 1, 2]}),
        located("Too many elements in numeric expression", 26),
        id="numeric-equals-extra",
    ),
    pytest.param(
        policy_with("a", {"numeric": [">", 1], "x": 1}),
        located("Too many elements in numeric expression", 31),
        id="numeric-extra-key",
    ),
    pytest.param(
        policy_with("a", {"numeric": ["<", 1e10]}),
        located("Value must be between -1.0E9 and 1.0E9, inclusive", 30),
        id="numeric-beyond-limit",
    ),
    pytest.param(
        policy_with("a", {"numeric": [">", 1, "<", 1]}),
        located("Bottom must be less than top", 31),
        id="numeric-empty-range",
    ),
    pytest.param(
        policy_with("a", {"prefix": 5}),
        located("prefix match pattern must be a string", 18),
        id="prefix-number",
    ),
    pytest.param(
        policy_with("a", {"equals-ignore-case": 5}),
        located("equals-ignore-case match pattern must be a string", 30),
        id="ignore-case-number",
    ),
    pytest.param(
        policy_with("a", {"exists": True, "x": 1}),
        located("Only one key allowed in match expression", 27),
        id="exists-extra-key",
    ),
    pytest.param(
        policy_with("a", {"anything-but": True}),
        located("Value of anything-but must be an array or single string/number value.", 27),
        id="anything-but-bool",
    ),
    pytest.param(
        policy_with("a", {"anything-but": [True]}),
        located("Inside anything but list, start|null|boolean is not supported.", 28),
        id="anything-but-list-bool",
    ),
    pytest.param(
        policy_with("a", {"anything-but": []}),
        located(
            "Inside anything but list, either all values are number or string, mixed type is not supported",
            25,
        ),
        id="anything-but-empty-list",
    ),
    pytest.param(
        policy_with("a", {"anything-but": ["x", 1]}),
        located(
            "Inside anything but list, either all values are number or string, mixed type is not supported",
            30,
        ),
        id="anything-but-mixed",
    ),
    pytest.param(
        policy_with("a", {"anything-but": {}}),
        located("Anything-But expression name not found", 25),
        id="anything-but-empty-object",
    ),
    pytest.param(
        policy_with("a", {"anything-but": {"prefix": ""}}),
        located("Null prefix not allowed", 35),
        id="anything-but-empty-prefix",
    ),
    pytest.param(
        policy_with("a", {"anything-but": {"prefix": "p", "x": 1}}),
        located("Only one key allowed in match expression", 42),
        id="anything-but-prefix-extra",
    ),
    pytest.param(
        policy_with("a", {"anything-but": "x", "y": 1}),
        located("Too many elements in numeric expression", 32),
        id="anything-but-extra-key",
    ),
    pytest.param(
        policy_with("a", {"anything-but": [2e9]}),
        located("Value must be between -1.0E9 and 1.0E9, inclusive", 29),
        id="anything-but-beyond-limit",
    ),
    pytest.param(
        policy_with("a", {"cidr": 5}), located("prefix match pattern must be a string", 16), id="cidr-number"
    ),
    pytest.param(
        json.dumps({"$or": [{"a": ["b"]}]}),
        located("Unrecognized match type a", 15),
        id="or-single-object-is-a-field",
    ),
    pytest.param(
        json.dumps({"$or": [{"numeric": 5}, {"b": ["c"]}]}),
        located("Value of numeric must be an array.", 21),
        id="or-reserved-name-is-a-field",
    ),
    # CIDR errors come from outside the JSON parser: no location (guessed wording: event-ruler's)
    pytest.param(
        policy_with("a", {"cidr": "10.0.0.0"}), plain("Malformed CIDR, one '/' required"), id="cidr-no-mask"
    ),
    pytest.param(
        policy_with("a", {"cidr": "10.0.0.0/"}),
        plain("Malformed CIDR, one '/' required"),
        id="cidr-empty-mask",
    ),
    pytest.param(
        policy_with("a", {"cidr": "10.0.0.0/x"}),
        plain("Malformed CIDR, mask bits must be an integer"),
        id="cidr-mask-text",
    ),
    pytest.param(
        policy_with("a", {"cidr": "10.0.0.0/-1"}),
        plain("Malformed CIDR, mask bits must not be negative"),
        id="cidr-mask-negative",
    ),
    pytest.param(
        policy_with("a", {"cidr": "10.0.0.0/32"}), plain("IPv4 mask bits must be < 32"), id="cidr-v4-mask"
    ),
    pytest.param(
        policy_with("a", {"cidr": "::/128"}), plain("IPv6 mask bits must be < 128"), id="cidr-v6-mask"
    ),
    pytest.param(
        policy_with("a", {"cidr": "host/24"}), plain("Nonstandard IP address: host"), id="cidr-hostname"
    ),
    pytest.param(
        policy_with("a", {"cidr": "300.0.0.0/8"}), plain("Invalid IP address: 300.0.0.0"), id="cidr-bad-octet"
    ),
    # Jackson's syntax errors (column of the offending character in the text as sent)
    pytest.param(
        '{"a":["b",]}',
        unparsable(f"Unexpected character (']' (code 93)): expected a valid value {VALID_VALUES}", 11),
        id="json-trailing-comma-array",
    ),
    pytest.param(
        '{"a":["b"],}',
        unparsable(
            "Unexpected character ('}' (code 125)): was expecting double-quote to start field name", 12
        ),
        id="json-trailing-comma-object",
    ),
    pytest.param(
        '{"a" ["b"]}',
        unparsable(
            "Unexpected character ('[' (code 91)): was expecting a colon to separate field name and value", 6
        ),
        id="json-missing-colon",
    ),
    pytest.param(
        '{"a":["b" "c"]}',
        unparsable(
            "Unexpected character ('\"' (code 34)): was expecting comma to separate Array entries", 11
        ),
        id="json-missing-comma",
    ),
    pytest.param(
        '{"a":["b"]',
        unparsable(
            f"Unexpected end-of-input: expected close marker for Object (start marker at {SOURCE.format(1, 1)})",
            11,
        ),
        id="json-unclosed",
    ),
    pytest.param(
        '{"a":["b"}}',
        unparsable(
            f"Unexpected close marker '}}': expected ']' (for Array starting at {SOURCE.format(1, 6)})", 11
        ),
        id="json-mismatched-close",
    ),
    pytest.param(
        '{"a":[01]}',
        unparsable("Invalid numeric value: Leading zeroes not allowed", 9),
        id="json-leading-zero",
    ),
    pytest.param(
        '{"a":[tru]}',
        unparsable(f"Unrecognized token 'tru': was expecting {VALID_VALUES}", 10),
        id="json-bad-token",
    ),
    pytest.param(
        '{"a":["\\x"]}', unparsable("Unrecognized character escape 'x' (code 120)", 9), id="json-bad-escape"
    ),
    pytest.param(
        '{"a":["b\nc"]}',
        unparsable(
            "Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be included in string value",
            9,
        ),
        id="json-raw-newline",
    ),
    pytest.param(
        '{\n  "a": [01]\n}',
        unparsable("Invalid numeric value: Leading zeroes not allowed", 11, line=2),
        id="json-error-line-two",
    ),
    pytest.param(
        "[" * 1001,
        unparsable(
            "Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)",
            1002,
        ),
        id="json-too-deep",
    ),
    # https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html
    pytest.param(
        json.dumps({"key": [f"value{i}" for i in range(151)]}), TOO_COMPLEX, id="complexity-one-key"
    ),  # recorded
    pytest.param(
        json.dumps({"key1": [f"v{i}" for i in range(100)], "key2": [f"v{i}" for i in range(51)]}),
        TOO_COMPLEX,
        id="complexity-two-keys",
    ),  # recorded
    pytest.param(
        json.dumps({f"key{i}": [f"value{i}"] for i in range(1, 7)}), TOO_MANY_KEYS, id="six-keys"
    ),  # recorded
    pytest.param(json.dumps({"a": {"b": ["c"]}}), NESTED, id="nested-in-attribute-scope"),  # recorded
    pytest.param(
        json.dumps({"a": ["x"] * 200, "b": {"c": ["d"]}}), NESTED, id="nesting-reported-before-complexity"
    ),
    pytest.param(
        json.dumps({"a": ["b"], "c": "x" * (256 * 1024)}), plain("Filter policy is too large"), id="too-large"
    ),
    # (4 * 6) + (4 * 4 * 4) + (4 * 4 * 4) = 152: recorded
    pytest.param(
        json.dumps(
            {
                "source": ["aws.cloudwatch", "aws.events", "aws.test", "aws.test2"],
                "$or": [
                    {"metricName": ["CPUUtilization", "ReadLatency", "t1", "t2", "t3", "t4"]},
                    {
                        "metricType": ["MetricType", "TestType", "TestType2", "TestType3"],
                        "$or": [{"metricId": [1234, 4321, 5678, 9012]}, {"spaceId": [1, 2, 3, 4]}],
                    },
                ],
            }
        ),
        TOO_COMPLEX,
        id="complexity-or-branches-add",
    ),
    pytest.param(
        json.dumps({"$or": [{f"k{i}": ["v"]} for i in range(151)]}),
        TOO_COMPLEX,
        id="complexity-many-branches",
    ),
]


@pytest.mark.parametrize(("text", "message"), ERROR_CASES)
def test_invalid_attribute_policy(text: str, message: str) -> None:
    with pytest.raises(FilterPolicyError) as caught:
        parse_filter_policy(text)
    assert caught.value.message == message


DOC_NESTED_216 = {
    "key_a": {"key_b": {"key_c": ["value_one", "value_two", "value_three", "value_four"]}},
    "key_d": {"key_e": ["value_one", "value_two", "value_three"]},
    "key_f": ["value_one", "value_two", "value_three"],
}

BODY_ERROR_CASES = [
    # subscription-filter-policy-constraints.html: 3 x 4 x 2 x 3 x 1 x 3 = 216 (array size times key depth); recorded
    pytest.param(json.dumps(DOC_NESTED_216), TOO_COMPLEX, id="complexity-depth-multiplies"),
    # (3 * 4 * 2) + (3 * 4 * 6) + (2 * 4 * 2) + (2 * 4 * 6) = 160; recorded
    pytest.param(
        json.dumps(
            {
                "$or": [
                    {"metricName": ["CPUUtilization", "ReadLatency", "TestValue"]},
                    {"namespace": ["AWS/EC2", "AWS/ES"]},
                ],
                "detail": {
                    "scope": ["Service", "Test"],
                    "$or": [{"source": ["aws.cloudwatch"]}, {"type": [ALARM, "TestValue", "TestValue2"]}],
                },
            }
        ),
        TOO_COMPLEX,
        id="complexity-nested-or",
    ),
    pytest.param(
        json.dumps({f"key{i}": {"n": ["v"]} for i in range(6)}), TOO_MANY_KEYS, id="six-top-level-keys"
    ),
    # a key's depth multiplies its combinations: 151 levels of one value each is too complex
    pytest.param('{"a":' * 151 + '["x"]' + "}" * 151, TOO_COMPLEX, id="complexity-depth-151"),
    pytest.param('{"a":' * 998 + '["x"]' + "}" * 998, TOO_COMPLEX, id="complexity-depth-999"),
    pytest.param("[" * 999 + "]" * 999, located("Filter is not an object", 2), id="deep-array-policy"),
    pytest.param(
        json.dumps({"a": {"b": ["c"], "d": {}}}),
        located("Empty objects are not allowed", 23),
        id="empty-object",
    ),
    pytest.param(
        json.dumps({"$or": [{"a": ["b"]}, {"exists": ["c"]}]}),
        located("Unrecognized match type a", 15),
        id="or-reserved-field-falls-back",
    ),
]


@pytest.mark.parametrize(("text", "message"), BODY_ERROR_CASES)
def test_invalid_body_policy(text: str, message: str) -> None:
    with pytest.raises(FilterPolicyError) as caught:
        parse_filter_policy(text, "MessageBody")
    assert caught.value.message == message


ACCEPTED_POLICIES = [
    pytest.param({f"key{i}": ["v"] for i in range(5)}, "MessageAttributes", id="five-keys"),
    pytest.param({"a": [f"v{i}" for i in range(150)]}, "MessageAttributes", id="150-values"),
    pytest.param(
        {"a": ["1", "2", "3"], "b": ["1", "2", "3", "4", "5"], "c": [str(i) for i in range(10)]},
        "MessageAttributes",
        id="3x5x10",
    ),
    # (3 * 6) + (3 * 4 * 4) + (3 * 4 * 7) = 150: accepted by AWS (recorded)
    pytest.param(
        {
            "source": ["aws.cloudwatch", "aws.events", "aws.test"],
            "$or": [
                {
                    "metricName": [
                        "CPUUtilization",
                        "ReadLatency",
                        "TestVal",
                        "TestVal2",
                        "TestVal3",
                        "TestVal4",
                    ]
                },
                {
                    "metricType": ["MetricType", "TestType", "TestType2", "TestType3"],
                    "$or": [{"metricId": [1234, 4321, 5678, 9012]}, {"spaceId": [1, 2, 3, 4, 5, 6, 7]}],
                },
            ],
        },
        "MessageAttributes",
        id="or-exactly-150",
    ),
    # constraints page: "3 x 4 x 2 x 3 = 72"
    pytest.param({k: v for k, v in DOC_NESTED_216.items() if k != "key_f"}, "MessageBody", id="nested-72"),
    # constraints page (key counting): only top-level keys count in payload-based filtering
    pytest.param(
        {
            "state": ["SUCCESS"],
            "severity": [{"exists": True}],
            "message": [{"exists": True}],
            "finding": {
                "standard_control": [{"exists": True}],
                "region": [{"exists": True}],
                "account": [{"exists": True}],
            },
        },
        "MessageBody",
        id="six-leaves-four-top-level-keys",
    ),
    pytest.param(
        {"$or": [{f"k{i}": ["v"]} for i in range(6)]}, "MessageAttributes", id="or-keys-count-per-branch"
    ),
    pytest.param({"$or": ["a", "b"]}, "MessageAttributes", id="or-list-of-strings-is-a-field"),
    pytest.param(
        {"a": [{"cidr": "10.0.0.0/31"}, {"cidr": "::/127"}, {"cidr": "10.0.0.5/0"}]},
        "MessageAttributes",
        id="cidr-masks",
    ),
    pytest.param(
        {"a": [{"numeric": ["=", -1e9]}, {"numeric": [">=", 0.000001, "<", 1e9]}]},
        "MessageAttributes",
        id="numeric-limits",
    ),
    pytest.param(
        {"a": [{"prefix": ""}, {"anything-but": 5}, {"anything-but": [1, 2.5]}]},
        "MessageAttributes",
        id="edge-operands",
    ),
    pytest.param({"a": [5e15, -0.0, True, False, None, "x"]}, "MessageAttributes", id="scalars"),
]


@pytest.mark.parametrize(("policy", "scope"), ACCEPTED_POLICIES)
def test_accepted_policy(policy: dict, scope: str) -> None:
    compiled = parse_filter_policy(json.dumps(policy), scope)
    assert compiled.scope == scope


def test_trailing_content_after_the_policy_is_ignored_like_jacksons_tree_reader() -> None:
    compiled = parse_filter_policy('{"a": ["b"]} and more')
    assert compiled.matches(message_attributes={"a": s("b")}, body="")


def test_whitespace_and_unicode_escapes_in_the_policy() -> None:
    text = '{\n  "caf\\u00e9" : [ "cr\\u00e8me", {"prefix" : "\\ud83d\\ude00"} ]\n}'
    compiled = parse_filter_policy(text)
    assert compiled.matches(message_attributes={"café": s("crème")}, body="")
    assert compiled.matches(message_attributes={"café": s("😀 smile")}, body="")
    assert not compiled.matches(message_attributes={"cafe": s("crème")}, body="")


def test_repeated_field_name_keeps_the_last_value() -> None:
    compiled = parse_filter_policy('{"a": ["x"], "a": ["y"]}')
    assert compiled.matches(message_attributes={"a": s("y")}, body="")
    assert not compiled.matches(message_attributes={"a": s("x")}, body="")


def test_error_reason_for_subscribe_messages() -> None:
    # Subscribe words it "Invalid parameter: Attributes Reason: FilterPolicy: ..." (recorded)
    with pytest.raises(FilterPolicyError) as caught:
        parse_filter_policy(json.dumps({f"k{i}": ["v"] for i in range(6)}))
    assert caught.value.reason == "FilterPolicy: Filter policy can not have more than 5 keys"
    assert str(caught.value) == caught.value.message


def test_syntax_errors_win_over_grammar_errors() -> None:
    # AWS parses the JSON before compiling it: a bad operator early does not hide a syntax error later.
    with pytest.raises(FilterPolicyError) as caught:
        parse_filter_policy('{"a": [{"bogus": 1}], "b": [01]}')
    assert caught.value.message.startswith(
        "Invalid parameter: FilterPolicy: failed to parse JSON. Invalid numeric"
    )


def test_matching_never_reads_the_policy_text_again(monkeypatch: pytest.MonkeyPatch) -> None:
    attributes = parse_filter_policy(json.dumps({"a": [{"prefix": "x"}], "b": [{"numeric": [">", 1]}]}))
    body = parse_filter_policy(json.dumps({"a": {"b": ["c"]}}), "MessageBody")

    def no_reader(*args: object) -> None:
        raise AssertionError("the policy JSON was parsed again")

    monkeypatch.setattr(filter_policy, "_Reader", no_reader)
    assert attributes.matches(message_attributes={"a": s("xy"), "b": n("2")}, body="")
    assert body.matches(message_attributes={}, body='{"a": {"b": "c"}}')


def test_body_is_parsed_once_per_match(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = parse_filter_policy(
        json.dumps({"$or": [{"a": ["x"]}, {"b": ["y"]}], "c": ["z"]}), "MessageBody"
    )
    calls = []
    real_loads = filter_policy.json.loads

    def counting_loads(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real_loads(*args, **kwargs)

    monkeypatch.setattr(filter_policy.json, "loads", counting_loads)
    assert compiled.matches(message_attributes={}, body='{"b": "y", "c": "z"}')
    assert len(calls) == 1


def test_deeply_nested_body_key_within_the_complexity_limit() -> None:
    # one value at depth 150 is exactly 150 combinations
    compiled = parse_filter_policy('{"a":' * 150 + '["x"]' + "}" * 150, "MessageBody")
    assert compiled.matches(message_attributes={}, body='{"a":' * 150 + '"x"' + "}" * 150)
    assert not compiled.matches(message_attributes={}, body='{"a":' * 149 + '"x"' + "}" * 149)
