"""SNS filter-policy validation: the error AWS gives for each malformed or unsupported policy
(grammar, CIDR, JSON syntax and constraint errors), as pure unit tests.

Cases marked "recorded" are AWS responses captured against real SNS (localstack's
tests/aws/services/sns/test_sns_filter_policy.snapshot.json and test_sns.snapshot.json); their
policies were sent as `json.dumps(policy)`, with spaces, and AWS reports columns in the compact
re-serialization of the policy.
"""

import json

import pytest

from stratus.services.sns.filter_policy import FilterPolicyError, parse_filter_policy

from .filter_policy_support import (
    NESTED,
    SOURCE,
    TOO_COMPLEX,
    TOO_MANY_KEYS,
    VALID_VALUES,
    located,
    plain,
    unparsable,
)


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
