"""CloudWatch Logs filter patterns, table-driven from AWS's "Filter pattern syntax for metric filters,
subscription filters, filter log events, and Live Tail" (current and 2023 editions), its regex page,
and behaviour observed against real AWS (noted per case)."""

from __future__ import annotations

import json

import pytest

from stratus.services.logs.filter_pattern_syntax import FilterPatternError
from stratus.services.logs.filter_patterns import compile_pattern


def cases(pattern: str, matching: tuple[str, ...] = (), not_matching: tuple[str, ...] = ()) -> list:
    """One row per message: (pattern, message, expected)."""
    rows = []
    for expected, messages in ((True, matching), (False, not_matching)):
        for message in messages:
            label = f"{pattern[:50]}|{message[:40]}|{'match' if expected else 'no'}"
            rows.append(pytest.param(pattern, message, expected, id=label))
    return rows


# ---- unstructured terms ----------------------------------------------------------------------------

E400 = "[ERROR 400] BAD REQUEST"
E401 = "[ERROR 401] UNAUTHORIZED REQUEST"
E419 = "[ERROR 419] MISSING ARGUMENTS"
E420 = "[ERROR 420] INVALID ARGUMENTS"
INFO_FAILED = "[INFO] REQUEST FAILED"
WARN_UNAUTH = "[WARN] UNAUTHORIZED REQUEST"
ERROR_BARE = "[ERROR] 400 BAD REQUEST"
E500 = "[ERROR 500] INTERNAL SERVER ERROR"

TERM_CASES = [
    # Empty pattern: everything.
    *cases("", ("anything", "", "{}")),
    *cases("   ", ("anything", "")),
    # "Example: Match a single term"
    *cases("ERROR", (E400, E401, E419, E420, ERROR_BARE, E500), (INFO_FAILED, WARN_UNAUTH)),
    # 2023 edition: terms are substrings ("ERROR" matches "Exiting with ERRORCODE: -1").
    *cases("ERROR", ("[ERROR] A fatal exception has occurred", "Exiting with ERRORCODE: -1")),
    # Filter patterns are case sensitive.
    *cases("ERROR", (), ("error: lower case", "Error: title case")),
    *cases("error", ("an error happened",), ("AN ERROR HAPPENED",)),
    # "Example: Match multiple terms"
    *cases("ERROR ARGUMENTS", (E419, E420), (E400, E401, INFO_FAILED)),
    *cases("ERROR  ARGUMENTS", (E419,), (E400,)),  # extra blanks between terms
    *cases(
        "ERROR Exception",
        ("[ERROR] Caught IllegalArgumentException", "[ERROR] Unhandled Exception"),
        ("[ERROR] all fine", "Exception without the level"),
    ),
    *cases(
        "Failed to process the request",
        ("[WARN] Failed to process the request", "[ERROR] Unable to continue: Failed to process the request"),
        ("[WARN] Failed to process", "Failed process request"),
    ),
    # Terms may appear in any order.
    *cases("request Failed", ("Failed to process the request",)),
    # "Example: Match optional terms"
    *cases("?ERROR ?ARGUMENTS", (E400, E401, E419, E420, "MISSING ARGUMENTS"), (INFO_FAILED, WARN_UNAUTH)),
    *cases("?ERROR", (E400,), (INFO_FAILED,)),
    # "?" combined with other terms: the question mark terms are ignored.
    *cases("?ERROR ?ARGUMENTS REQUEST", (INFO_FAILED, WARN_UNAUTH, ERROR_BARE, E400), (E419, E420)),
    *cases("?ERROR -WARN", (INFO_FAILED, "no level at all"), ("[WARN] x", "ERROR WARN")),
    # "Example: Match exact phrases"
    *cases(
        '"INTERNAL SERVER ERROR"',
        (E500, "xxINTERNAL SERVER ERRORxx"),
        ("INTERNAL ERROR SERVER", "INTERNAL  SERVER ERROR", "internal server error"),
    ),
    # "Example: Include and exclude terms"
    *cases("ERROR -ARGUMENTS", (E400, E401), (E419, E420, INFO_FAILED)),
    # 2023 edition, OR matching: ERROR, ?ERROR ?WARN, ERROR WARN, ERROR -WARN.
    *cases("ERROR", ("ERROR WARN message", "ERROR message"), ("WARN message",)),
    *cases("?ERROR ?WARN", ("ERROR WARN message", "ERROR message", "WARN message"), ("INFO message",)),
    *cases("ERROR WARN", ("ERROR WARN message",), ("ERROR message", "WARN message")),
    *cases("ERROR -WARN", ("ERROR message",), ("ERROR WARN message", "WARN message")),
    # 2023 edition: "ERROR" - "Exiting" (a blank after the minus sign).
    *cases(
        '"ERROR" - "Exiting"', ("[ERROR] A fatal exception has occurred",), ("Exiting with ERRORCODE: -1",)
    ),
    # Exclusion only: every event without the term (Lightsail's "-ERROR").
    *cases("-ERROR", ("all good", ""), ("ERROR here", "xERRORx")),
    *cases("-ERROR -WARN", ("INFO",), ("ERROR", "WARN")),
    # Quoted terms with prefixes (CDK's anyTerm / allTerms write them this way).
    *cases('?"ERROR" ?"WARN"', ("x ERROR", "WARN y"), ("INFO",)),
    *cases('"ERROR" -"Exiting"', ("ERROR 1",), ("ERROR Exiting",)),
    *cases('?"Task timed out" ?"Runtime exited"', ("Task timed out after 3.00 seconds",), ("Task ok",)),
    # Non-alphanumeric characters must be quoted; inside quotes anything goes.
    *cases('"[SUCCESS]"', ("job [SUCCESS] done",), ("job SUCCESS done",)),
    # An event holding escaped JSON: the backslashes are escaped in the term (observed working).
    *cases(r'"level\\\":\\\"error"', (r'{"log":"{\"level\":\"error\"}"}',), ('{"level":"error"}',)),
    *cases(r'"level\":\"error"', ('{"level":"error"}',), (r'{"log":"{\"level\":\"error\"}"}',)),
    # What follows a closing quote is the next term.
    *cases('"ab"cd', ("ab cd", "cdab"), ("ab",)),
    *cases('"say \\"hi\\""', ('they say "hi" twice',), ("they say hi twice",)),
    *cases(
        '"PlayerSpawnedInWorld (reason: JoinMultiplayer"',
        ("INF PlayerSpawnedInWorld (reason: JoinMultiplayer, x)",),
    ),
    *cases('"10.0.0.1" "GET /"', ("10.0.0.1 GET / 200",), ("10.0.0.1 POST / 200",)),
    *cases('"héllo"', ("say héllo",), ("say hello",)),
    # "Example: Match everything": a quoted blank matches every event.
    *cases('" "', ("with spaces", "nospaces", "")),
    *cases('" " ERROR', ("ERROR",), ("WARN",)),
    # Digits and underscores are term characters.
    *cases("404", ("GET / 404 12",), ("GET / 200 12",)),
    *cases("status_code 5xx", ("status_code=5xx",), ("status_code=4xx",)),
    # Multi-line events: terms are searched across the whole message.
    *cases("Traceback KeyError", ("Traceback (most recent call last):\n  ...\nKeyError: 'x'",)),
]


@pytest.mark.parametrize(("pattern", "message", "expected"), TERM_CASES)
def test_unstructured_terms(pattern: str, message: str, expected: bool) -> None:
    assert compile_pattern(pattern)(message) is expected


# ---- regular expressions ---------------------------------------------------------------------------

REGEX_CASES = [
    *cases("%AUTHORIZED%", (E401, "[SUCCESS 200] AUTHORIZED REQUEST"), (E400, "authorized")),
    *cases(
        r"%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%",
        ("client 10.0.0.1 connected", "192.168.100.254"),
        ("no ip here", "10.0.0"),
    ),
    *cases("%[Ee]rror|[Ff]ail%", ("Error", "an error", "Fail", "it will fail"), ("ERROR", "FAIL")),
    # ^ and $ anchor at the start and end of the event.
    *cases("%^[hc]at%", ("hat trick", "cat"), ("that", "a cat", "Hat")),
    *cases("%[hc]at$%", ("that", "a cat"), ("cats", "hat trick")),
    *cases("%colou?r%", ("color", "colour", "colors"), ("colr", "colouur")),
    *cases("%[abc]%", ("a", "xbx", "c"), ("xyz", "ABC")),
    *cases("%[a-z]%", ("abc", "ABCd"), ("ABC123", "")),
    *cases("%[abcx-z]%", ("a", "y", "z"), ("d", "w")),
    *cases("%[^0-9]%", ("12a3",), ("123",)),
    *cases("%a{3,5}%", ("aaa", "baaaab", "aaaaa"), ("aa", "a a a")),
    *cases("%a{3, 5}%", ("aaa",), ("aa",)),  # the documentation writes {m, n}
    *cases("%^a{2}$%", ("aa",), ("aaa", "a")),
    *cases("%^a{,2}b%", ("b", "ab", "aab"), ("aaab",)),  # m omitted
    *cases("%xa{2,}%", ("xaa", "xaaaa"), ("xa",)),  # n omitted
    *cases("%gra|ey%", ("gray", "grey"), ("gry",)),
    *cases(
        "%^starting|^initializing|^shutting down%",
        ("starting ...", "initializing ...", "shutting down"),
        ("skipping initializing ...", "shutting  down"),
    ),
    *cases("%abcc|ab[^c]$%", ("abcc ...", "aba"), ("aac ...", "abc")),
    *cases(r"%\[.\]%", ("[a]", "[b]", "[7]", "[@]", "[]]", "[ ]"), ("[ab]", "[]")),
    *cases(r"%10\.10\.0\.1%", ("10.10.0.1",), ("10010,051",)),
    *cases("%10.10.0.1%", ("10.10.0.1", "10010,051")),  # an unescaped dot matches anything
    *cases("%ab*c%", ("ac", "abc", "abbbc"), ("ab", "adc")),
    *cases("%ab[0-9]*%", ("ab", "ab0", "ab129"), ("a b",)),
    *cases("%ab+c%", ("abc", "abbc", "abbbc"), ("ac",)),
    *cases("%.at%", ("hat", "cat", "bat", "4at", "#at", " at"), ("at", "a")),
    *cases(r"%\d%", ("a1",), ("abc",)),
    *cases(r"%\D%", ("1a",), ("123",)),
    *cases(r"%^\s*$%", ("", "   ", "\t"), ("x",)),
    *cases(r"%\s%", ("a b", "a\tb", "a\nb"), ("ab",)),
    *cases(r"%^\S+$%", ("abc",), ("a b",)),
    *cases(r"%^\w+$%", ("a_Z9",), ("a-b", "é")),
    *cases(r"%\W%", ("a-b",), ("a_b",)),
    *cases(r"%\x3A%", ("key: value",), ("key value",)),
    *cases(r"%\x28%", ("call(",), ("call",)),
    *cases(r"%\x28\x29$%", ("f()",), ("f(x)",)),
    *cases("%Task timed out after|^REPORT.+Status: timeout%", ("Task timed out after 3 s",)),
    *cases("%user_id=[0-9]+;%", ("a user_id=42; b",), ("user_id=;",)),
    *cases("%#tag@host/path,x-y%", ("#tag@host/path,x-y",), ("#tag@host/path,xy",)),
    *cases(r"%a\+b%", ("a+b",), ("aab",)),
    *cases(r"%\$5%", ("cost $5",), ("cost 5",)),
    *cases(r"%\|%", ("a|b",), ("ab",)),
    *cases(r"%[a\-z]%", ("-",), ("b",)),  # an escaped hyphen in a class is literal
    *cases("%[]a]%", ("]",), ("b",)),  # a ] first in a class is literal
    *cases(r"%x\.y\*%", ("x.y*",), ("xzy*", "x.yy")),
    *cases("%ERROR%", ("ERROR",), ("error",)),  # regexes are case-sensitive too
    *cases("%a.c%", (), ("a\nc",)),  # . does not cross a line break
]


@pytest.mark.parametrize(("pattern", "message", "expected"), REGEX_CASES)
def test_regex_patterns(pattern: str, message: str, expected: bool) -> None:
    assert compile_pattern(pattern)(message) is expected


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


# ---- space-delimited patterns ----------------------------------------------------------------------

APACHE_404 = '127.0.0.1 Prod frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534'
APACHE_200 = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534'
APACHE_500 = '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324'
APACHE_410 = '10.0.0.12 - anna [10/Oct/2000:13:50:35 -0700] "GET /gone.html HTTP/1.0" 410 4355'
APACHE_403 = '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /admin.html HTTP/1.0" 403 900'
INFO_GET = "INFO 09/25/2014 12:00:00 GET /service/resource/67 1200"
INFO_POST = "INFO 09/25/2014 12:00:01 POST /service/resource/67/part/111 1310"
WARNING_LINE = "WARNING 09/25/2014 12:00:02 Invalid user request"
ERROR_LINE = "ERROR 09/25/2014 12:00:02 Failed to process request"

DELIMITED_CASES = [
    *cases(
        "[ip, user, username, timestamp, request, status_code, bytes]", (APACHE_404, APACHE_200), ("a b c",)
    ),
    *cases(
        r"[ip=%127\.0\.0\.[1-9]%, user, username, timestamp, request =*.html*, status_code = 4*, bytes]",
        (APACHE_404, APACHE_403),
        (APACHE_200, APACHE_410),
    ),
    *cases(
        "[..., request =*.html*, status_code = 4*, bytes]",
        (APACHE_404, APACHE_410, APACHE_403),
        (APACHE_200,),
    ),
    *cases(
        "[ip, user, username, timestamp, request =*.html*, status_code = 404 || status_code = 410, bytes]",
        (APACHE_404, APACHE_410),
        (APACHE_403, APACHE_200),
    ),
    # 2023 edition examples.
    *cases("[..., status_code, bytes]", (APACHE_404, "a b", "x y z")),
    *cases("[ip, user, ..., status_code, bytes]", (APACHE_404, "a b c d"), ("a b c",)),
    *cases("[ip, user, ...]", (APACHE_404, "a b"), ("a",)),
    *cases(
        "[ip, user, username, timestamp, request, status_code, bytes > 1000]",
        (APACHE_404, APACHE_500, APACHE_410),
        (APACHE_403,),
    ),
    *cases(
        "[ip, user, username, timestamp, request, status_code = 200, bytes]",
        (APACHE_200,),
        (APACHE_500, APACHE_404),
    ),
    *cases(
        "[ip, user, username, timestamp, request, status_code = 4*, bytes]",
        (APACHE_404, APACHE_403),
        (APACHE_200,),
    ),
    *cases(
        "[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]",
        (APACHE_404,),
        (APACHE_200,),
    ),
    *cases(
        "[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]",
        (APACHE_404, APACHE_410),
        (APACHE_403, APACHE_200),
    ),
    *cases("[..., request=*.html*, status_code=4*,]", (APACHE_404, APACHE_403), (APACHE_200,)),
    # Pattern matching in order with indicators; the last field takes the rest of the line.
    *cases("[w1=ERROR, w2]", (ERROR_LINE, "ERROR message"), (INFO_GET, WARNING_LINE, "ERROR")),
    *cases("[w1=ERROR || w1=WARNING, w2]", (ERROR_LINE, WARNING_LINE), (INFO_GET, INFO_POST)),
    *cases("[w1=ERROR || w1=WARN, w2]", ("ERROR message", "WARN message", "ERROR WARN message"), ("INFO x",)),
    *cases("[w1!=ERROR && w1!=WARNING, w2]", (INFO_GET, INFO_POST), (ERROR_LINE, WARNING_LINE)),
    *cases(
        "[logLevel, date, time, method, url=%/service/resource/[0-9]+$%, response_time]",
        (INFO_GET,),
        (INFO_POST, ERROR_LINE),
    ),
    *cases(
        "[logLevel, date, time, method, url=%/service/resource/[0-9]+/part/[0-9]+$%, response_time]",
        (INFO_POST,),
        (INFO_GET,),
    ),
    *cases("[level, date, time, rest]", (ERROR_LINE, INFO_GET), ("ERROR 09/25/2014",)),
    *cases("[level, date, time, rest = Failed*]", (ERROR_LINE,), (WARNING_LINE,)),
    # Awslogs' Lambda REPORT filter.
    *cases("[r=REPORT,...]", ("REPORT RequestId: 1 Duration: 2 ms", "REPORT"), ("START RequestId: 1",)),
    *cases("[type=REPORT, ...]", ("REPORT RequestId: 1",), ("XREPORT RequestId: 1",)),
    # Numeric comparisons need a numeric field; = compares numbers as numbers.
    *cases("[a, b > 10]", ("x 11", "x 1e2", "x 10.5"), ("x 10", "x -", "x abc")),
    *cases("[a, b <= -1.5]", ("x -1.5", "x -2"), ("x 0",)),
    *cases("[a, b = 200]", ("x 200", "x 200.0"), ("x 2000", "x -")),
    *cases("[a, b != 200]", ("x 201", "x -"), ("x 200",)),
    *cases("[a, b >= 10, c < 5]", ("x 10 4",), ("x 10 5", "x 9 4")),
    # String conditions: exact, quoted, prefixes, suffixes, contains; case sensitive.
    *cases('[date, time, tag="rh-sched*", ...]', ("d t rh-sched-1 more", "d t rh-sched"), ("d t sched",)),
    *cases('[a = "two words", b]', ('"two words" tail',), ("two words tail",)),
    *cases("[level=error, msg]", ("error x",), ("ERROR x",)),
    *cases("[a = *end, b]", ("the_end x",), ("ending x",)),
    *cases('[a, b = "x*y"]', ("1 x*y",), ("1 xzy",)),
    # Brackets and double quotes group a field; several blanks separate like one.
    *cases(
        '[a, b = "*:13:25:*", c]',
        ("x [10/Oct/2000:13:25:15 -0700] y",),
        ("x [10/Oct/2000:14:25:15 -0700] y",),
    ),
    *cases("[a, b, c]", ("a   b\tc",), ("a b",)),
    *cases('[a, b = "GET *", c]', ('x "GET /" y',), ('x "POST /" y',)),
    *cases("[a, b]", ("[unclosed bracket",)),  # no closing bracket: an ordinary field
    # The ellipsis anywhere, and more than once.
    *cases("[..., last = end]", ("a b end", "end"), ("end a",)),
    *cases("[first = start, ..., last = end]", ("start end", "start x y end"), ("start", "x start end")),
    *cases("[..., mid = M, ...]", ("a M b", "M"), ("a b",)),
    *cases("[...]", ("anything at all", "")),
    # Regex conditions with != and on a field that is a number.
    *cases(r"[a != %^\d+$%, b]", ("x y",), ("1 y",)),
    *cases("[a, b = %^4[0-9]{2}$%]", ("x 404",), ("x 4040",)),
]


@pytest.mark.parametrize(("pattern", "message", "expected"), DELIMITED_CASES)
def test_space_delimited_patterns(pattern: str, message: str, expected: bool) -> None:
    assert compile_pattern(pattern)(message) is expected


EXTRACT_CASES = [
    # The 2023 edition's extracted fields (unnamed fields by position, from 1).
    (
        "[..., request=*.html*, status_code=4*,]",
        '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /products/index.html HTTP/1.0" 404 1534',
        {
            "$status_code": "404",
            "$request": "GET /products/index.html HTTP/1.0",
            "$7": "1534",
            "$4": "10/Oct/2000:13:25:15 -0700",
            "$3": "frank",
            "$2": "-",
            "$1": "127.0.0.1",
        },
    ),
    (
        "[ip, user, username, timestamp, request, status_code, bytes]",
        APACHE_404,
        {
            "$ip": "127.0.0.1",
            "$user": "Prod",
            "$username": "frank",
            "$timestamp": "10/Oct/2000:13:25:15 -0700",
            "$request": "GET /index.html HTTP/1.0",
            "$status_code": "404",
            "$bytes": "1534",
        },
    ),
    ("[w1=ERROR, w2]", ERROR_LINE, {"$w1": "ERROR", "$w2": "09/25/2014 12:00:02 Failed to process request"}),
    ("[a, , c]", "x y z", {"$a": "x", "$2": "y", "$c": "z"}),
    ("[a, ...]", "x y z", {"$a": "x", "$2": "y", "$3": "z"}),
    ("[..., b]", "x", {"$b": "x"}),
    ("ERROR", "ERROR x", {}),
    ("{ $.a = 1 }", '{"a": 1}', {}),
    ("%x%", "x", {}),
    ("", "x", {}),
    ("[a = 1, b]", "2 y", None),
    ("ERROR", "WARN", None),
]


@pytest.mark.parametrize(("pattern", "message", "expected"), EXTRACT_CASES)
def test_extracted_values(pattern: str, message: str, expected: dict | None) -> None:
    assert compile_pattern(pattern).extract(message) == expected


@pytest.mark.parametrize(
    ("pattern", "kind"),
    [
        ("", "all"),
        ("  ", "all"),
        ("ERROR", "terms"),
        ('"a b"', "terms"),
        ("%a%", "regex"),
        ("{ $.a = 1 }", "json"),
        ("[a, b]", "delimited"),
        ("  { $.a = 1 }  ", "json"),
    ],
)
def test_pattern_kind(pattern: str, kind: str) -> None:
    assert compile_pattern(pattern).kind == kind


# ---- malformed patterns ----------------------------------------------------------------------------

GENERIC = "Invalid filter pattern"  # FilterLogEvents' wording for grammar errors

# (pattern, message, is a grammar error). Marked "observed" where AWS's answer was seen for that very
# pattern (or one of its shape); the others are guesses in AWS's wording.
INVALID_CASES = [
    # Observed (FilterLogEvents): unquoted non-alphanumeric characters.
    ("?Status: timeout", "Invalid character(s) in term ':'", False),
    ("PlayerSpawnedInWorld (reason", "Invalid character(s) in term '('", False),  # observed (subscription)
    ('level\\":\\"error', "Invalid character(s) in term '\\'", False),  # observed
    ('"retrievedReferences":[]', "Invalid character(s) in term ':'", False),  # guess
    ("ERROR-CODE", "Invalid character(s) in term '-'", False),  # guess, per "alphanumeric or underscore"
    ("10.0.0.1", "Invalid character(s) in term '.'", False),  # guess
    ("foo?bar", "Invalid character(s) in term '?'", False),  # guess
    ("café", "Invalid character(s) in term 'é'", False),  # guess
    ("ERROR %foo%", "Invalid character(s) in term '%'", False),  # guess: regexes stand alone
    ("%abc", "Invalid character(s) in term '%'", False),  # guess
    ("abc}", "Invalid character(s) in term '}'", False),  # guess
    # Observed (StartLiveTail, as "Invalid filter pattern: Invalid character(s) in term '\"\"'").
    ('""', "Invalid character(s) in term '\"\"'", False),
    ('ERROR -""', "Invalid character(s) in term '\"\"'", False),
    # Guesses: dangling operators and unterminated quotes.
    ("?", GENERIC, True),
    ("ERROR -", GENERIC, True),
    ('"unterminated', GENERIC, True),
    ('ERROR "a b', GENERIC, True),
    # Observed (PutMetricFilter, PutSubscriptionFilter, FilterLogEvents): unbalanced outer brackets.
    ("[unclosed", "If a filter pattern starts with '[' it must end with ']'", False),
    ("[time, level=ERROR, msg", "If a filter pattern starts with '[' it must end with ']'", False),
    ("[", "If a filter pattern starts with '[' it must end with ']'", False),
    ("{$.kubernetes.namespace_name=abc", "If a filter pattern starts with '{' it must end with '}'", False),
    ("{", "If a filter pattern starts with '{' it must end with '}'", False),
    ('{ $.a = "x" } ERROR', "If a filter pattern starts with '{' it must end with '}'", False),
    # Regex subset: characters outside it (documented: "%something!% would be rejected").
    ("%something!%", "Invalid character(s) in term '!'", False),
    ("%(abc)%", "Invalid character(s) in term '('", False),  # observed shape (metric filter, parentheses)
    ("%a)%", "Invalid character(s) in term ')'", False),
    ("%é%", "Invalid character(s) in term 'é'", False),  # multi-byte characters are not supported
    ("%a%b%", "Invalid character(s) in term '%'", False),
    ('%"quoted"%', "Invalid character(s) in term '\"'", False),
    ("%a<b%", "Invalid character(s) in term '<'", False),
    ("%a&b%", "Invalid character(s) in term '&'", False),
    # Regex subset: structural errors (guesses).
    ("%%", GENERIC, True),
    ("%*abc%", GENERIC, True),
    ("%a**%", GENERIC, True),
    ("%[abc%", GENERIC, True),
    ("%[z-a]%", GENERIC, True),
    ("%a{5,3}%", GENERIC, True),
    ("%a{x}%", GENERIC, True),
    ("%a{,}%", GENERIC, True),
    ("%abc\\%", GENERIC, True),
    (r"%\b%", GENERIC, True),
    (r"%\1%", GENERIC, True),
    (r"%\xZZ%", GENERIC, True),
    # JSON: observed answers.
    ('{ $."sc-status" = 5* }', "Invalid character(s) in term '$.\"'", False),
    ('{ $.message = "error-response", $.path = "/authenticate" }', "Invalid character(s) in term ','", False),
    ("{ $.someInt >= someString }", "Invalid character(s) in term '\"someString\"'", False),
    ('{ $.someInt >= "someString" }', "Invalid character(s) in term '\"someString\"'", False),
    ('{ $.someInt >= "123" }', "Invalid character(s) in term '\"123\"'", False),
    ('{ $.someInt >= "123.0" }', "Invalid character(s) in term '\"123.0\"'", False),
    ('{ $.eventType > "UpdateTrail" }', "Invalid character(s) in term '\"UpdateTrail\"'", False),
    ("{ $.eventType <= UpdateTrail }", "Invalid character(s) in term '\"UpdateTrail\"'", False),
    ("{ $.status = }", GENERIC, True),  # observed as "Invalid metric filter pattern" (PutMetricFilter)
    # JSON: guesses in the same style.
    ("{ $.a > 1* }", "Invalid character(s) in term '\"1*\"'", False),
    ("{ $.a < %1% }", "Invalid character(s) in term '\"%1%\"'", False),
    ("{ $.a = 'single' }", "Invalid character(s) in term '''", False),
    ("{ $.a = x@y }", "Invalid character(s) in term '@'", False),
    ("{ $.a = 1; }", "Invalid character(s) in term ';'", False),
    ("{ $ = 1 }", "Invalid character(s) in term '$ '", False),
    ("{ $a = 1 }", "Invalid character(s) in term '$a'", False),
    ("{ $. = 1 }", "Invalid character(s) in term '$. '", False),
    ("{ $.a..b = 1 }", "Invalid character(s) in term '$.a..'", False),
    ("{ $.[0] = 1 }", "Invalid character(s) in term '$.[0'", False),
    ("{ $.a[x] = 1 }", "Invalid character(s) in term '$.a[x'", False),
    ("{ $.a[0 = 1 }", "Invalid character(s) in term '$.a[0 '", False),
    ("{ $.['a.b = 1 }", "Invalid character(s) in term '$.[''", False),
    ("{ $.a = 1 & $.b = 2 }", "Invalid character(s) in term '&'", False),
    ("{ $.a = 1 | $.b = 2 }", "Invalid character(s) in term '|'", False),
    ("{ $.a ! 1 }", "Invalid character(s) in term '!'", False),
    ("{ $.a = [1] }", "Invalid character(s) in term '['", False),
    ("{ }", GENERIC, True),
    ("{}", GENERIC, True),
    ("{ $.a }", GENERIC, True),
    ("{ $.a == 1 }", GENERIC, True),
    ("{ $.a = 1 $.b = 2 }", GENERIC, True),
    ("{ $.a = 1 && }", GENERIC, True),
    ("{ && $.a = 1 }", GENERIC, True),
    ("{ ($.a = 1 }", GENERIC, True),
    ("{ $.a = 1) }", GENERIC, True),
    ("{ () }", GENERIC, True),
    ("{ 1 = $.a }", GENERIC, True),
    ("{ $.a = $.b }", GENERIC, True),
    ('{ $.a = "unterminated }', GENERIC, True),
    ("{ $.a = %unterminated }", GENERIC, True),
    ("{ $.a IS NOT NULL }", GENERIC, True),  # documented as unsupported
    ("{ $.a EXISTS }", GENERIC, True),  # documented as unsupported
    ("{ $.a IS }", GENERIC, True),
    ("{ $.a IS MAYBE }", GENERIC, True),
    ("{ $.a NOT NULL }", GENERIC, True),
    ("{ $.a = %[% }", GENERIC, True),
    # Documented quotas: one wildcard per selector, three per pattern, two regexes per pattern.
    ("{ $.*.* = 1 }", GENERIC, True),
    ("{ $.a[*].b[*] = 1 }", GENERIC, True),
    ("{ $.a[*] = 1 || $.b[*] = 1 || $.c[*] = 1 || $.d[*] = 1 }", GENERIC, True),
    ("{ $.a = %1% || $.b = %2% || $.c = %3% }", GENERIC, True),
    ("[a = %1%, b = %2%, c = %3%]", GENERIC, True),
    # Space-delimited: observed in the console ("Invalid filter pattern") for a documented example
    # whose && joins two different fields.
    ("[ip, user, username, timestamp, request, status_code = 4* && bytes > 1000]", GENERIC, True),
    # Space-delimited: guesses.
    ("[]", GENERIC, True),
    ("[a b]", GENERIC, True),
    ("[a =, b]", GENERIC, True),
    ("[a = 1 b]", GENERIC, True),
    ("[a = 1 &&, b]", GENERIC, True),
    ("[= 1, b]", GENERIC, True),
    ("[4*, b]", GENERIC, True),
    ('["quoted", b]', GENERIC, True),
    ("[a.b, c]", GENERIC, True),
    ("[...., a]", GENERIC, True),
    ("[(a = 1), b]", "Invalid character(s) in term '('", False),
    ("[a = $b]", "Invalid character(s) in term '$'", False),
    ("[a > abc]", "Invalid character(s) in term '\"abc\"'", False),
    ("[a, b=1:2]", "Invalid character(s) in term ':'", False),
    # Observed (PutSubscriptionFilter): typographic quotes are no quotes (AWS printed the character
    # as '?' through its encoding).
    ("[timestamp=*Z && request_id=\u201c*-*\u201c]", "Invalid character(s) in term '\u201c'", False),
]


@pytest.mark.parametrize(
    ("pattern", "message", "syntax_error"), INVALID_CASES, ids=[c[0] for c in INVALID_CASES]
)
def test_malformed_patterns(pattern: str, message: str, syntax_error: bool) -> None:
    with pytest.raises(FilterPatternError) as raised:
        compile_pattern(pattern)
    error = raised.value
    assert (error.code, error.status, error.message) == ("InvalidParameterException", 400, message)
    assert error.syntax_error is syntax_error


def test_metric_filter_operations_reword_grammar_errors_only() -> None:
    # Observed: PutMetricFilter answers "Invalid metric filter pattern" for `{ $.status = }` and the
    # bracket sentence for `[unclosed`.
    with pytest.raises(FilterPatternError) as raised:
        compile_pattern("{ $.status = }")
    assert raised.value.reworded("Invalid metric filter pattern").message == "Invalid metric filter pattern"
    with pytest.raises(FilterPatternError) as raised:
        compile_pattern("[unclosed")
    reworded = raised.value.reworded("Invalid metric filter pattern")
    assert reworded.message == "If a filter pattern starts with '[' it must end with ']'"


def test_compiled_patterns_are_cached_and_none_means_everything() -> None:
    assert compile_pattern("ERROR -WARN") is compile_pattern("ERROR -WARN")
    assert compile_pattern(None)("anything") is True
    with pytest.raises(FilterPatternError):
        compile_pattern("%(x)%")
    with pytest.raises(FilterPatternError):  # errors are not cached away
        compile_pattern("%(x)%")


def test_long_events_and_many_fields_stay_fast() -> None:
    message = " ".join(f"f{index}" for index in range(2000))
    pattern = compile_pattern("[..., a = f1, ..., b = f1998, ..., c = nowhere, ...]")
    assert pattern(message) is False
    assert compile_pattern("[..., a = f1, ..., b = f1998, ...]")(message) is True
