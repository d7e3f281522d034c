"""Malformed CloudWatch Logs filter patterns: the InvalidParameterException each one gets, and how
the metric-filter operations reword grammar errors.

Table-driven from AWS's "Filter pattern syntax for metric filters, subscription filters, filter log
events, and Live Tail" (current and 2023 editions), its regex page, and behaviour observed against
real AWS (noted per case).
"""

from __future__ import annotations

import pytest

from stratus.services.logs.filter_pattern_syntax import FilterPatternError
from stratus.services.logs.filter_patterns import compile_pattern

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
