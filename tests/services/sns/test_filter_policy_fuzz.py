"""Whatever text a client sends as a filter policy, the answer is a policy or AWS's
InvalidParameter (FilterPolicyError) — never another exception (a 500)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from stratus.services.sns.filter_policy import FilterPolicyError, parse_filter_policy

JSON_PIECES = st.sampled_from(
    [
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        '"a"',
        '"$or"',
        '"numeric"',
        '"prefix"',
        "1",
        "-",
        "null",
        "true",
        " ",
        '"',
    ]
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**10), 10**10)
    | st.floats(allow_nan=False)
    | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


def _parse_or_reject(text: str, scope: str) -> None:
    try:
        policy = parse_filter_policy(text, scope)
    except FilterPolicyError as error:
        # AWS words every refusal as one of these two (the second: nested keys under MessageAttributes)
        assert error.message.startswith(
            ("Invalid parameter: FilterPolicy: ", "Invalid parameter: Filter policy scope ")
        )
        return
    policy.matches(message_attributes={"a": {"DataType": "String", "StringValue": "x"}}, body='{"a": 1}')


@settings(max_examples=300, deadline=None)
@given(st.lists(JSON_PIECES, max_size=12).map("".join), st.sampled_from(["MessageAttributes", "MessageBody"]))
def test_fragments_of_json_never_crash(text, scope):
    _parse_or_reject(text, scope)


@settings(max_examples=300, deadline=None)
@given(json_values, st.sampled_from(["MessageAttributes", "MessageBody"]))
def test_any_json_document_never_crashes(document, scope):
    _parse_or_reject(json.dumps(document), scope)
