"""CloudWatch Logs filter patterns on JSON log events: selectors, string and numeric comparisons,
wildcards and regexes, arrays, IS NULL / NOT EXISTS / IS TRUE, and && / || expressions.

Table-driven from AWS's "Filter pattern syntax for metric filters, subscription filters, filter log
events, and Live Tail" (current and 2023 editions), its regex page, and behaviour observed against
real AWS (noted per case).
"""

from __future__ import annotations

import json

import pytest

from stratus.services.logs.filter_patterns import compile_pattern

from .filter_patterns_support import cases

# ---- JSON patterns ---------------------------------------------------------------------------------

# The documentation's JSON log event (entered on a single line, as it says), with the 2023 edition's
# ThisFlag, and the numbers of a suite run against real AWS's TestMetricFilter.
DOC_EVENT = json.dumps(
    {
        "eventType": "UpdateTrail",
        "sourceIPAddress": "111.111.111.111",
        "arrayKey": ["value", "another value"],
        "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
        "SomeObject": None,
        "cluster.name": "c",
        "ThisFlag": True,
        "OtherFlag": False,
    }
)
NUMBERS_EVENT = (
    '{"someString": "111.111.111.111", "someInt": 123, "someFloat": 12.34, "someFloat2": 12.0, '
    '"someObject": {}, "someArray": [], "big": 1e3, "negative": -5, "numericText": "500"}'
)
COMPOUND_EVENT = json.dumps(
    {
        "user": {"id": 1, "email": "John.Stiles@example.com"},
        "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
        "actions": ["GET", "PUT", "DELETE"],
        "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]],
    }
)
OTHER_EVENT = json.dumps({"eventType": "DeleteTrail", "sourceIPAddress": "123.123.0.1", "arrayKey": []})

JSON_CASES = [
    # Documented examples on the documented event.
    *cases('{ $.eventType = "UpdateTrail" }', (DOC_EVENT,), (OTHER_EVENT,)),
    *cases("{ $.eventType = UpdateTrail }", (DOC_EVENT,), (OTHER_EVENT,)),
    *cases('{$.eventType="UpdateTrail"}', (DOC_EVENT,), (OTHER_EVENT,)),  # blanks are optional
    *cases("{ $.sourceIPAddress != 123.123.* }", (DOC_EVENT,), (OTHER_EVENT,)),
    *cases('{ $.arrayKey[0] = "value" }', (DOC_EVENT,), (OTHER_EVENT,)),
    *cases('{ $.arrayKey[1] = "another value" }', (DOC_EVENT,)),
    *cases('{ $.arrayKey[2] = "value" }', (), (DOC_EVENT,)),  # past the end
    *cases("{ $.eventType = %Trail% }", (DOC_EVENT, OTHER_EVENT), ('{"eventType": "trail"}',)),
    *cases("{ $.arrayKey[*] = %val.{2}% }", (DOC_EVENT,), (OTHER_EVENT,)),
    *cases(r"{ $.* = %111\.111\.111\.1[0-9]{1,2}% }", (DOC_EVENT,), (OTHER_EVENT,)),
    *cases("{ $.['cluster.name'] = \"c\" }", (DOC_EVENT,), (OTHER_EVENT,)),
    *cases("{ $.SomeObject IS NULL }", (DOC_EVENT,), (OTHER_EVENT, '{"SomeObject": "x"}')),
    *cases("{ $.SomeOtherObject NOT EXISTS }", (DOC_EVENT, OTHER_EVENT), ('{"SomeOtherObject": null}',)),
    *cases("{ $.SomeObject NOT EXISTS }", (), (DOC_EVENT,)),  # null is there
    *cases("{ $.ThisFlag IS TRUE }", (DOC_EVENT,), ('{"ThisFlag": false}', '{"ThisFlag": "true"}')),
    *cases("{ $.OtherFlag IS FALSE }", (DOC_EVENT,), ('{"OtherFlag": true}', "{}")),
    *cases("{ $.objectList[1].id = 2 }", (DOC_EVENT,), (OTHER_EVENT,)),
    *cases('{ $.objectList[0].name = "a" }', (DOC_EVENT,)),
    # Observed on AWS: a property the event lacks, an index on a non-array.
    *cases('{ $.ThisFlag[0] = "value" }', (), (DOC_EVENT,)),
    *cases("{ $.objectList[1].number = 2 }", (), (DOC_EVENT,)),
    # A selector pointing at an array or object matches neither = nor !=.
    *cases("{ $.users = 1 }", (), ('{"users": [1, 2, 3]}',)),
    *cases("{ $.users != 1 }", (), ('{"users": [1, 2, 3]}', '{"users": {"a": 1}}')),
    # A missing property matches neither = nor !=.
    *cases('{ $.notExisted != "UpdateTrail" }', (), (DOC_EVENT,)),
    *cases("{ $.notExisted = * }", (), (DOC_EVENT,)),
    *cases(
        "{ $.latency = * }", ('{"latency": 5}', '{"latency": "slow"}'), ('{"other": 5}', '{"latency": null}')
    ),
    # An event that is not JSON never matches a JSON pattern.
    *cases("{ $.eventType = * }", (), ("eventType UpdateTrail", '{"eventType": ', "", "[1, 2]", "NaN")),
    *cases("{ $.a NOT EXISTS }", ('{"b": 1}', '  {"b": 1}  \n'), ("not json", '{"a": NaN}')),
    # Keys and values are case sensitive.
    *cases('{ $.eventtype = "UpdateTrail" }', (), (DOC_EVENT,)),
    *cases('{ $.eventType = "updatetrail" }', (), (DOC_EVENT,)),
    # Hyphens and underscores in property names; nested objects; nested arrays.
    *cases('{ $.detail-type = "Scheduled Event" }', ('{"detail-type": "Scheduled Event"}',)),
    *cases("{ $.a_b.c-d.e = 1 }", ('{"a_b": {"c-d": {"e": 1}}}',), ('{"a_b": {"c-d": {"e": 2}}}',)),
    *cases("{ $.a.b = 1 }", (), ('{"a": 1}', '{"a": [{"b": 1}]}')),
    *cases("{ $.coordinates[1][2] = 6 }", (COMPOUND_EVENT,)),
    *cases("{ $.users[*].id = 3 }", (COMPOUND_EVENT,), (DOC_EVENT,)),
    *cases('{ $.user.* = "John.Stiles@example.com" }', (COMPOUND_EVENT,)),
    # Compound expressions: () > && > ||.
    *cases('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', (COMPOUND_EVENT,)),
    *cases(
        '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }',
        (COMPOUND_EVENT,),
    ),
    *cases(
        '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") && $.actions[2] = "nonmatch" }',
        (),
        (COMPOUND_EVENT,),
    ),
    *cases(
        '{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', (), (COMPOUND_EVENT,)
    ),
    *cases('{ $.actions[2] = "DELETE" && $.actions[0] = "GET" }', (COMPOUND_EVENT,)),
    *cases("{ (($.user.id = 1)) }", (COMPOUND_EVENT,)),
    *cases("{ $.user.id = 2 || $.user.id = 1 && $.users[0].id = 2 }", (COMPOUND_EVENT,)),
    *cases("{ ($.user.id = 2 || $.user.id = 1) && $.users[0].id = 3 }", (), (COMPOUND_EVENT,)),
    # 2023 edition, OR in JSON.
    *cases("{$.foo = bar}", ('{"foo": "bar"}',), ('{"foo": "baz"}',)),
    *cases("{$.foo = baz }", ('{"foo": "baz"}',), ('{"foo": "bar"}',)),
    *cases("{$.foo = bar || $.foo = baz }", ('{"foo": "bar"}', '{"foo": "baz"}'), ('{"foo": "qux"}',)),
    # Numeric comparisons (documented operators and notations).
    *cases("{ $.bandwidth > 75 }", ('{"bandwidth": 76}', '{"bandwidth": 75.5}'), ('{"bandwidth": 75}',)),
    *cases("{ $.latency < 50 }", ('{"latency": 49.9}', '{"latency": -1}'), ('{"latency": 50}',)),
    *cases("{ $.refreshRate >= 60 }", ('{"refreshRate": 60}',), ('{"refreshRate": 59}',)),
    *cases("{ $.responseTime <= 5 }", ('{"responseTime": 5}',), ('{"responseTime": 5.01}',)),
    *cases("{ $.errorCode = 400}", ('{"errorCode": 400}', '{"errorCode": 400.0}'), ('{"errorCode": 401}',)),
    *cases("{ $.errorCode != 500 }", ('{"errorCode": 400}',), ('{"errorCode": 500}', "{}")),
    *cases("{ $.number[0] = 1e+3 }", ('{"number": [1000]}', '{"number": [1e3]}'), ('{"number": [100]}',)),
    *cases("{ $.number[0] != 1e-3 }", ('{"number": [1]}',), ('{"number": [0.001]}',)),
    *cases("{ $.numbers[0] < 10e3 }", ('{"numbers": [9999]}',), ('{"numbers": [10000]}',)),
    *cases(
        "{ $.processes[4].averageRuntime <= 55.5 }",
        ('{"processes": [0, 0, 0, 0, {"averageRuntime": 55.5}]}',),
    ),
    *cases("{ $.latency > +1000 }", ('{"latency": 1001}',), ('{"latency": 1000}',)),
    *cases("{ $.latency >= 500 }", ('{"latency": 500}',), ('{"latency": "900"}',)),  # a string is no number
    # Observed on AWS (TestMetricFilter): unquoted numbers compare as numbers.
    *cases("{ $.someInt = 123 }", (NUMBERS_EVENT,)),
    *cases("{ $.someInt = 123.0 }", (NUMBERS_EVENT,)),
    *cases("{ $.someFloat2 = 12 }", (NUMBERS_EVENT,)),
    *cases("{ $.someInt != 111 }", (NUMBERS_EVENT,)),
    *cases("{ $.someInt > 1 }", (NUMBERS_EVENT,)),
    *cases("{ $.someFloat   >= 1.0 }", (NUMBERS_EVENT,)),
    *cases("{ $.someFloat <       100.0 }", (NUMBERS_EVENT,)),
    *cases("{ $.someInt != 123 }", (), (NUMBERS_EVENT,)),
    *cases("{ $.someFloat != 12.34 }", (), (NUMBERS_EVENT,)),
    *cases("{ $.big = 1000 }", (NUMBERS_EVENT,)),
    *cases("{ $.negative < -4 }", (NUMBERS_EVENT,)),
    *cases("{ $.eventType >= 123 }", (), (DOC_EVENT,)),  # numeric operators on strings never match
    # Observed on AWS: quoted values compare with the number's text.
    *cases('{ $.someInt = "123" }', (NUMBERS_EVENT,)),
    *cases('{ $.someInt != "123.0" }', (NUMBERS_EVENT,)),
    *cases('{ $.someFloat2 != "12" }', (NUMBERS_EVENT,)),
    *cases('{ $.someFloat = "12.34" }', (NUMBERS_EVENT,)),
    *cases('{ $.someInt = "123.0" }', (), (NUMBERS_EVENT,)),
    # Observed on AWS: wildcards at either end, on strings and on numbers' text.
    *cases("{ $.someInt = * }", (NUMBERS_EVENT,)),
    *cases('{ $.someInt = "*" }', (NUMBERS_EVENT,)),
    *cases("{ $.someInt = 1* }", (NUMBERS_EVENT,)),
    *cases("{ $.someInt = 12* }", (NUMBERS_EVENT,)),
    *cases("{ $.someInt = *23 }", (NUMBERS_EVENT,)),
    *cases('{ $.someInt = "*3" }', (NUMBERS_EVENT,)),
    *cases("{ $.someInt != 32* }", (NUMBERS_EVENT,)),
    *cases("{ $.someInt != *321 }", (NUMBERS_EVENT,)),
    *cases("{ $.someFloat = 12.* }", (NUMBERS_EVENT,)),
    *cases("{ $.someFloat = *.34 }", (NUMBERS_EVENT,)),
    *cases('{ $.someFloat = "12.3*" }', (NUMBERS_EVENT,)),
    *cases("{ $.someFloat != 43.2* }", (NUMBERS_EVENT,)),
    *cases('{ $.someFloat != "*.21" }', (NUMBERS_EVENT,)),
    *cases("{ $.someString = 111.111.111.111 }", (NUMBERS_EVENT,)),
    *cases('{ $.someString = "111*" }', (NUMBERS_EVENT,)),
    *cases("{ $.someString = *.111.111.111 }", (NUMBERS_EVENT,)),
    *cases('{ $.someString != "222*" }', (NUMBERS_EVENT,)),
    *cases("{ $.someString != *222 }", (NUMBERS_EVENT,)),
    *cases("{ $.someInt = 3* }", (), (NUMBERS_EVENT,)),
    *cases("{ $.someString = 222* }", (), (NUMBERS_EVENT,)),
    # Observed on AWS: a * inside a value is literal ("Ev*ent will only match the actual string Ev*ent").
    *cases("{ $.someString != 111*111 }", (NUMBERS_EVENT,)),
    *cases('{ $.name = "Ev*ent" }', ('{"name": "Ev*ent"}',), ('{"name": "Event"}', '{"name": "EvXent"}')),
    *cases("{ $.name = *Event }", ('{"name": "PutEvent"}', '{"name": "GetEvent"}'), ('{"name": "EventId"}',)),
    *cases(
        "{ $.name = Event* }", ('{"name": "EventId"}', '{"name": "EventName"}'), ('{"name": "PutEvent"}',)
    ),
    *cases('{ $.name = "*vent*" }', ('{"name": "PutEvents"}',), ('{"name": "Put"}',)),
    # Arrays and objects under a wildcard value still do not compare.
    *cases("{ $.someObject = * }", (), (NUMBERS_EVENT,)),
    *cases("{ $.someArray != x }", (), (NUMBERS_EVENT,)),
    # A string holding digits equals an unquoted number by its text, and is no number for < >.
    *cases("{ $.numericText = 500 }", (NUMBERS_EVENT,)),
    *cases("{ $.numericText > 100 }", (), (NUMBERS_EVENT,)),
    # Regex values: = and !=, on strings and numbers' text; a quoted %...% is a plain string.
    *cases("{ $.eventType != %^Delete% }", (DOC_EVENT,), (OTHER_EVENT,)),
    *cases(r"{ $.someInt = %^\d+$% }", (NUMBERS_EVENT,)),
    *cases('{ $.foo = "%bar%" }', ('{"foo": "%bar%"}',), ('{"foo": "bar"}',)),
    *cases("{ $.a = %x% && $.b = %y% }", ('{"a": "x", "b": "y"}',), ('{"a": "x", "b": "z"}',)),
    # Escapes inside quoted values.
    *cases(r'{ $.msg = "error \"message\"" }', ('{"msg": "error \\"message\\""}',)),
    *cases(r'{ $.path = "C:\\temp" }', ('{"path": "C:\\\\temp"}',)),
    *cases('{ $.email = "John.Doe@example.com" }', ('{"email": "John.Doe@example.com"}',)),
    *cases(
        '{ $.text = "has spaces, commas; and $ signs" }', ('{"text": "has spaces, commas; and $ signs"}',)
    ),
    # Booleans compare by their text (unverified on AWS); null only answers IS NULL.
    *cases("{ $.flag = true }", ('{"flag": true}',), ('{"flag": false}', '{"flag": "yes"}')),
    *cases("{ $.value != x }", (), ('{"value": null}',)),
    *cases("{ $.value IS NULL }", ('{"value": null}',), ('{"value": "null"}', "{}")),
    # Keywords read in any case.
    *cases("{ $.value is null }", ('{"value": null}',)),
    *cases("{ $.value not exists }", ("{}",)),
    # The last of duplicate keys wins, as JSON parsers do.
    *cases("{ $.a = 2 }", ('{"a": 1, "a": 2}',), ('{"a": 2, "a": 1}',)),
    # Wildcard selectors: any field or element; NOT EXISTS when none.
    *cases("{ $.list[*] = 2 }", ('{"list": [1, 2, 3]}',), ('{"list": [1, 3]}', '{"list": []}')),
    *cases("{ $.map.* > 10 }", ('{"map": {"a": 1, "b": 11}}',), ('{"map": {"a": 1}}',)),
    *cases("{ $.list[*] NOT EXISTS }", ('{"list": []}', "{}"), ('{"list": [1]}',)),
    *cases("{ $.list[*] IS NULL }", ('{"list": [1, null]}',), ('{"list": [1]}',)),
]


@pytest.mark.parametrize(("pattern", "message", "expected"), JSON_CASES)
def test_json_patterns(pattern: str, message: str, expected: bool) -> None:
    assert compile_pattern(pattern)(message) is expected
