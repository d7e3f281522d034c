"""CloudWatch Logs filter patterns on space-delimited log events: fields, ellipses, conditions on
fields, and the values a pattern extracts.

Table-driven from AWS's "Filter pattern syntax for metric filters, subscription filters, filter log
events, and Live Tail" (current and 2023 editions), its regex page, and behaviour observed against
real AWS (noted per case).
"""

from __future__ import annotations

import pytest

from stratus.services.logs.filter_patterns import compile_pattern

from .filter_patterns_support import cases

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
