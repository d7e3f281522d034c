"""SNS filter policies matched against message attributes (the MessageAttributes scope): exact,
anything-but, prefix, suffix, case-insensitive, IP, numeric and key matching, and $or logic,
as pure unit tests.

Matching cases come from AWS's documentation (cited per group). Error cases marked "recorded" are AWS
responses captured against real SNS (localstack's tests/aws/services/sns/test_sns_filter_policy
.snapshot.json and test_sns.snapshot.json); their policies were sent as `json.dumps(policy)`, with
spaces, and AWS reports columns in the compact re-serialization of the policy.
"""

import json

import pytest

from stratus.services.sns.filter_policy import parse_filter_policy

from .filter_policy_support import (
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
    binary,
    n,
    s,
    sa,
    typed,
)

NOT_ORDER = {"event": [{"anything-but": {"prefix": "order-"}}]}
PREFIX_BAS = {"customer_interests": [{"prefix": "bas"}]}
CIDR_V6 = {"source_ip": [{"cidr": "2001:db8::/32"}]}
NEGATIVE = {"price_usd": [{"numeric": ["<", 0]}]}
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
