"""CloudWatch Logs filter patterns on unstructured log events: terms (quoted, optional, excluded)
and regular expressions (%...%).

Table-driven from AWS's "Filter pattern syntax for metric filters, subscription filters, filter log
events, and Live Tail" (current and 2023 editions), its regex page, and behaviour observed against
real AWS (noted per case).
"""

from __future__ import annotations

import pytest

from stratus.services.logs.filter_patterns import compile_pattern

from .filter_patterns_support import cases

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
