"""SNS filter-policy limits: the complexity and key-count limits of message-body policies, and the
policies accepted right at the limits, as pure unit tests.

Cases marked "recorded" are AWS responses captured against real SNS (localstack's
tests/aws/services/sns/test_sns_filter_policy.snapshot.json and test_sns.snapshot.json); their
policies were sent as `json.dumps(policy)`, with spaces, and AWS reports columns in the compact
re-serialization of the policy.
"""

import json

import pytest

from stratus.services.sns.filter_policy import FilterPolicyError, parse_filter_policy

from .filter_policy_support import ALARM, TOO_COMPLEX, TOO_MANY_KEYS, located

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


def test_deeply_nested_body_key_within_the_complexity_limit() -> None:
    # one value at depth 150 is exactly 150 combinations
    compiled = parse_filter_policy('{"a":' * 150 + '["x"]' + "}" * 150, "MessageBody")
    assert compiled.matches(message_attributes={}, body='{"a":' * 150 + '"x"' + "}" * 150)
    assert not compiled.matches(message_attributes={}, body='{"a":' * 149 + '"x"' + "}" * 149)
