"""How SNS reads a filter policy's JSON text: trailing content, whitespace and unicode escapes,
repeated field names, which error wins, the error reason, and that the text and the message body
are parsed only once, as pure unit tests. Comments say where AWS's answer was recorded.
"""

import json

import pytest

from stratus.services.sns import filter_policy
from stratus.services.sns.filter_policy import FilterPolicyError, parse_filter_policy

from .filter_policy_support import n, s


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
