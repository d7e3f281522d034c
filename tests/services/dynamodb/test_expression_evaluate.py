"""Evaluating ConditionExpression/FilterExpression against items, with DynamoDB's semantics.

The expected results follow AWS's "Comparison operator and function reference" and what suites
run against DynamoDB recorded (ScyllaDB Alternator's test_condition_expression.py and
test_filter_expression.py; dynalite's): absent attributes and type mismatches compare false
(`<>` true), ordering only on N/S/B, size() in UTF-16 code units for strings and no value for
N/BOOL/NULL, contains() on strings, binaries, sets and lists.
"""

from __future__ import annotations

import re

import pytest

from stratus.services.dynamodb.expressions import evaluate_condition, prepare_expressions


def S(text):
    return {"S": text}


def N(text):
    return {"N": text}


def B(data):
    return {"B": data}


def L(*members):
    return {"L": list(members)}


def M(**members):
    return {"M": members}


ITEM = {
    "id": S("p1"),
    "s": S("hello"),
    "s2": S("hello"),
    "capital": S("Zebra"),
    "uni": S("é𝄞"),
    "n": N("10"),
    "n2": N("9.5"),
    "neg": N("-3"),
    "big": N("12345678901234567890123456789012345678"),
    "b": B(b"hi there"),
    "t": {"BOOL": True},
    "f": {"BOOL": False},
    "z": {"NULL": True},
    "ss": {"SS": ["dog", "cat"]},
    "ss2": {"SS": ["cat", "dog"]},
    "ns": {"NS": ["1", "2.5", "10"]},
    "ns2": {"NS": ["10", "1", "2.5"]},
    "bs": {"BS": [b"x", b"y"]},
    "l": L(N("2"), S("dog"), N("7"), L(N("3"), N("4")), {"SS": ["a"]}),
    "l2": L(N("2"), S("dog"), N("7"), L(N("3"), N("4")), {"SS": ["a"]}),
    "m": M(x=N("2"), y=M(m=N("3"), n=N("4")), who=S("Ann")),
    "m2": M(who=S("Ann"), y=M(n=N("4"), m=N("3")), x=N("2")),
    "e": S(""),
    "eb": B(b""),
    "el": L(),
    "em": M(),
    "Price": N("650"),
    "ProductCategory": S("Sporting Goods"),
    "Color": {"SS": ["Black", "Red"]},
    "Brand": S("Acme Company"),
    "ProductReviews": M(
        FiveStar=L(S("Excellent!")), OneStar=L(S("Terrible"), S("Awful"), S("Broken"), S("Bad"))
    ),
    "Pictures": M(
        FrontView=S("http://example.com/products/123_front.jpg"),
        SideView=S("http://example.com/products/123_left_side.jpg"),
    ),
    "a.b": S("dotted"),
    "status": S("active"),
}

_PLACEHOLDER = re.compile(r"[#:][A-Za-z0-9_]+")
_NAMES = {
    "#st": "status",
    "#dot": "a.b",
    "#pr": "ProductReviews",
    "#5star": "FiveStar",
    "#p": "Pictures",
    "#sv": "SideView",
}


def holds(expression: str, values: dict | None = None, item: dict | None = ITEM) -> bool:
    used = set(_PLACEHOLDER.findall(expression))
    names = {key: value for key, value in _NAMES.items() if key in used} or None
    values = {key: value for key, value in (values or {}).items() if key in used} or None
    bound = prepare_expressions(
        condition_expression=expression, expression_attribute_names=names, expression_attribute_values=values
    )
    return evaluate_condition(bound.condition, item)


COMPARISONS = [
    # equality: types must match; numbers by value; sets regardless of order; lists in order
    ("s = :v", {":v": S("hello")}, True),
    ("s = :v", {":v": S("Hello")}, False),
    ("s = s2", None, True),
    ("n = :v", {":v": N("10.0")}, True),
    ("n = :v", {":v": N("1E1")}, True),
    ("n = :v", {":v": S("10")}, False),
    ("n <> :v", {":v": S("10")}, True),
    ("n <> :v", {":v": N("10")}, False),
    ("n <> :v", {":v": N("11")}, True),
    ("b = :v", {":v": B(b"hi there")}, True),
    ("b = :v", {":v": S("hi there")}, False),
    ("t = :v", {":v": {"BOOL": True}}, True),
    ("t = f", None, False),
    ("z = :v", {":v": {"NULL": True}}, True),
    ("ss = :v", {":v": {"SS": ["cat", "dog"]}}, True),
    ("ss = ss2", None, True),
    ("ss = :v", {":v": {"SS": ["cat"]}}, False),
    ("ss <> :v", {":v": {"SS": ["cat", "dog"]}}, False),
    ("ns = ns2", None, True),
    ("ns = :v", {":v": {"NS": ["10.0", "1", "2.50"]}}, True),
    ("bs = :v", {":v": {"BS": [b"y", b"x"]}}, True),
    ("l = l2", None, True),
    ("l = :v", {":v": L(S("dog"), N("2"))}, False),
    ("m = m2", None, True),
    ("m = :v", {":v": M(x=N("2"))}, False),
    ("m.y = :v", {":v": M(n=N("4.0"), m=N("3"))}, True),
    ("el = :v", {":v": L()}, True),
    ("em = :v", {":v": M()}, True),
    ("e = :v", {":v": S("")}, True),
    # an absent attribute: false for =, true for <> (even against another absent one)
    ("absent = :v", {":v": S("x")}, False),
    (":v = absent", {":v": S("x")}, False),
    ("absent <> :v", {":v": S("x")}, True),
    ("absent <> nothing", None, True),
    ("absent = nothing", None, False),
    ("m.nope = :v", {":v": S("x")}, False),
    ("l[9] <> :v", {":v": S("x")}, True),
    # ordering: N by value, S and B bytewise; other types, mismatches and absent compare false
    ("n > n2", None, True),
    ("n2 < n", None, True),
    ("n >= :v", {":v": N("10")}, True),
    ("n > :v", {":v": N("10")}, False),
    ("n <= :v", {":v": N("10.00")}, True),
    ("neg < :v", {":v": N("-2")}, True),
    ("neg < :v", {":v": N("-4")}, False),
    ("big > :v", {":v": N("12345678901234567890123456789012345677")}, True),
    ("n < :v", {":v": N("9.99999999999999999999999999999999999")}, False),
    ("s < :v", {":v": S("help")}, True),
    ("s < :v", {":v": S("hello")}, False),
    ("s <= :v", {":v": S("hello")}, True),
    ("s > :v", {":v": S("hell")}, True),
    ("capital < :v", {":v": S("apple")}, True),  # "Z" (0x5A) sorts before "a" (0x61)
    ("uni > :v", {":v": S("z")}, True),  # UTF-8 bytes: é (0xC3...) after every ASCII letter
    ("uni < :v", {":v": S("𝄞")}, True),
    ("b < :v", {":v": B(b"hi therf")}, True),
    ("b > :v", {":v": B(b"\x00")}, True),
    ("b > :v", {":v": B(b"\xff")}, False),
    ("n < :v", {":v": S("17")}, False),
    (":v < n", {":v": S("17")}, False),
    ("absent < :v", {":v": S("17")}, False),
    (":v < absent", {":v": S("17")}, False),
    ("absent < nothing", None, False),
    ("absent >= nothing", None, False),
    ("l < :v", {":v": N("1")}, False),
    (":v >= l", {":v": N("1")}, False),
    ("ss < ss2", None, False),
    ("t > f", None, False),
    ("s > n", None, False),
    # nested paths
    ("m.x < m.y.m", None, True),
    ("l[0] < l[2]", None, True),
    ("l[3][1] = :v", {":v": N("4")}, True),
    ("m.y.n > l[3][0]", None, True),
    ("#pr.#5star[0] = :v", {":v": S("Excellent!")}, True),
    ("#dot = :v", {":v": S("dotted")}, True),
    ("#st = :v", {":v": S("active")}, True),
]


@pytest.mark.parametrize(("expression", "values", "expected"), COMPARISONS)
def test_comparisons(expression, values, expected):
    assert holds(expression, values) is expected


BETWEEN_AND_IN = [
    ("n BETWEEN :a AND :b", {":a": N("1"), ":b": N("10")}, True),
    ("n BETWEEN :a AND :b", {":a": N("10"), ":b": N("20")}, True),
    ("n BETWEEN :a AND :b", {":a": N("10"), ":b": N("10")}, True),
    ("n BETWEEN :a AND :b", {":a": N("11"), ":b": N("20")}, False),
    ("n BETWEEN :a AND :b", {":a": N("0"), ":b": N("9.99")}, False),
    ("s BETWEEN :a AND :b", {":a": S("aardvark"), ":b": S("zebra")}, True),
    ("s BETWEEN :a AND :b", {":a": S("hello"), ":b": S("hello")}, True),
    ("s BETWEEN :a AND :b", {":a": S("help"), ":b": S("zebra")}, False),
    ("b BETWEEN :a AND :b", {":a": B(b"a"), ":b": B(b"z")}, True),
    ("n BETWEEN :a AND :b", {":a": S("0"), ":b": S("2")}, False),
    ("absent BETWEEN :a AND :b", {":a": N("0"), ":b": N("2")}, False),
    ("absent between nothing and more", None, False),
    ("l BETWEEN :a AND :b", {":a": N("0"), ":b": N("2")}, False),
    ("n BETWEEN n2 AND :b", {":b": N("20")}, True),
    ("n BETWEEN :a AND n2", {":a": N("1")}, False),
    ("n BETWEEN :a AND n2", {":a": N("20")}, False),  # reversed bounds from the item: false, no error
    ("n BETWEEN s AND :b", {":b": N("20")}, False),
    ("Price between :lo and :hi", {":lo": N("500"), ":hi": N("600")}, False),
    ("Price between :lo and :hi", {":lo": N("500"), ":hi": N("700")}, True),
    ("n IN (:a, :b)", {":a": N("1"), ":b": N("10.0")}, True),
    ("n IN (:a, :b)", {":a": N("1"), ":b": N("2")}, False),
    ("n IN (:a, :b)", {":a": S("dog"), ":b": N("10")}, True),
    ("n IN (:a)", {":a": S("10")}, False),
    ("s IN (s2)", None, True),
    ("ss IN (:a, :b)", {":a": {"SS": ["x"]}, ":b": {"SS": ["cat", "dog"]}}, True),
    ("l IN (l2)", None, True),
    ("m IN (:a)", {":a": M(x=N("2"), y=M(m=N("3"), n=N("4")), who=S("Ann"))}, True),
    ("absent IN (:a, :b)", {":a": N("1"), ":b": N("2")}, False),
    ("n IN (absent, :b)", {":b": N("10")}, True),
    (
        "ProductCategory IN (:cat1, :cat2) and Price between :lo and :hi",
        {":cat1": S("Sporting Goods"), ":cat2": S("Gardening Supplies"), ":lo": N("500"), ":hi": N("700")},
        True,
    ),
    (
        "ProductCategory IN (:cat1, :cat2) and Price between :lo and :hi",
        {":cat1": S("Books"), ":cat2": S("Gardening Supplies"), ":lo": N("500"), ":hi": N("700")},
        False,
    ),
]


@pytest.mark.parametrize(("expression", "values", "expected"), BETWEEN_AND_IN)
def test_between_and_in(expression, values, expected):
    assert holds(expression, values) is expected


def test_in_with_99_values():
    values = {f":v{i}": N(str(i)) for i in range(99)}
    assert holds(f"n IN ({', '.join(values)})", values) is True
    assert holds(f"neg IN ({', '.join(values)})", values) is False


_TYPE_OF = {
    "s": "S",
    "n": "N",
    "b": "B",
    "t": "BOOL",
    "z": "NULL",
    "ss": "SS",
    "ns": "NS",
    "bs": "BS",
    "l": "L",
    "m": "M",
}
_ALL_TYPES = ("S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M")

FUNCTIONS = [
    ("attribute_exists(s)", None, True),
    ("attribute_exists(absent)", None, False),
    ("attribute_exists(z)", None, True),
    ("attribute_exists(e)", None, True),
    ("attribute_exists(m.y.m)", None, True),
    ("attribute_exists(m.y.q)", None, False),
    ("attribute_exists(l[3][1])", None, True),
    ("attribute_exists(l[5])", None, False),
    ("attribute_exists(m[0])", None, False),
    ("attribute_exists(l.x)", None, False),
    ("attribute_exists(s.x)", None, False),
    ("attribute_exists(#p.#sv)", None, True),
    ("attribute_exists (ProductReviews.OneStar)", None, True),
    ("attribute_exists (#dot)", None, True),
    ("attribute_not_exists(absent)", None, True),
    ("attribute_not_exists(s)", None, False),
    ("attribute_not_exists(m.y.q)", None, True),
    ("attribute_not_exists (Manufacturer)", None, True),
    ("attribute_type(absent, :t)", {":t": S("S")}, False),
    ("attribute_type(m.y, :t)", {":t": S("M")}, True),
    ("attribute_type(l[3], :t)", {":t": S("L")}, True),
    ("attribute_type(:v, :t)", {":v": N("0"), ":t": S("N")}, True),
    ("attribute_type (ProductReviews.FiveStar, :v_sub)", {":v_sub": S("L")}, True),
    ("begins_with(s, :v)", {":v": S("hel")}, True),
    ("begins_with(s, :v)", {":v": S("hello")}, True),
    ("begins_with(s, :v)", {":v": S("dog")}, False),
    ("begins_with(s, :v)", {":v": S("Hel")}, False),
    ("begins_with(b, :v)", {":v": B(b"hi")}, True),
    ("begins_with(b, :v)", {":v": B(b"ho")}, False),
    ("begins_with(s, :v)", {":v": B(b"he")}, False),
    ("begins_with(b, :v)", {":v": S("hi")}, False),
    ("begins_with(n, :v)", {":v": S("1")}, False),
    ("begins_with(ss, :v)", {":v": S("d")}, False),
    ("begins_with(absent, :v)", {":v": S("x")}, False),
    ("begins_with(:v, s)", {":v": S("hellohi")}, True),
    ("begins_with(s, s2)", None, True),
    ("begins_with (Pictures.FrontView, :v_sub)", {":v_sub": S("http://")}, True),
    ("contains(s, :v)", {":v": S("ell")}, True),
    ("contains(s, :v)", {":v": S("hello")}, True),
    ("contains(s, :v)", {":v": S("xyz")}, False),
    ("contains(s, :v)", {":v": N("1")}, False),
    ("contains(b, :v)", {":v": B(b"here")}, True),
    ("contains(b, :v)", {":v": B(b"dog")}, False),
    ("contains(b, :v)", {":v": {"NS": ["1", "2"]}}, False),
    ("contains(ss, :v)", {":v": S("dog")}, True),
    ("contains(ss, :v)", {":v": S("cow")}, False),
    ("contains(ss, :v)", {":v": {"SS": ["dog"]}}, False),
    ("contains(ns, :v)", {":v": N("2.50")}, True),
    ("contains(ns, :v)", {":v": N("3")}, False),
    ("contains(ns, :v)", {":v": S("1")}, False),
    ("contains(bs, :v)", {":v": B(b"x")}, True),
    ("contains(bs, :v)", {":v": B(b"z")}, False),
    ("contains(l, :v)", {":v": N("7.0")}, True),
    ("contains(l, :v)", {":v": S("dog")}, True),
    ("contains(l, :v)", {":v": L(N("3"), N("4"))}, True),
    ("contains(l, :v)", {":v": {"SS": ["a"]}}, True),
    ("contains(l, :v)", {":v": N("3")}, False),
    ("contains(m, :v)", {":v": S("x")}, False),
    ("contains(n, :v)", {":v": N("1")}, False),
    ("contains(absent, :v)", {":v": S("x")}, False),
    ("contains(s, s2)", None, True),
    ("contains (Brand, :v_sub)", {":v_sub": S("Company")}, True),
    ("contains (Color, :v_sub)", {":v_sub": S("Red")}, True),
    # size(): S in UTF-16 code units, B in bytes, members of sets, lists and maps
    ("size(s) = :v", {":v": N("5")}, True),
    ("size(uni) = :v", {":v": N("3")}, True),  # é is one code unit, 𝄞 two (measured)
    ("size(b) = :v", {":v": N("8")}, True),
    ("size(ss) = :v", {":v": N("2")}, True),
    ("size(ns) = :v", {":v": N("3")}, True),
    ("size(bs) = :v", {":v": N("2")}, True),
    ("size(l) = :v", {":v": N("5")}, True),
    ("size(m) = :v", {":v": N("3")}, True),
    ("size(e) = :v", {":v": N("0")}, True),
    ("size(eb) = :v", {":v": N("0")}, True),
    ("size(el) = :v", {":v": N("0")}, True),
    ("size(em) = :v", {":v": N("0")}, True),
    ("size(m.y) = :v", {":v": N("2")}, True),
    ("size(l[3]) = :v", {":v": N("2")}, True),
    ("size(n) = :v", {":v": N("2")}, False),
    ("size(t) = :v", {":v": N("1")}, False),
    ("size(z) = :v", {":v": N("1")}, False),
    ("size(n) <> :v", {":v": N("2")}, True),
    ("size(absent) = :v", {":v": N("0")}, False),
    ("size(s) = :v", {":v": S("5")}, False),
    ("size(s) <> :v", {":v": N("4")}, True),
    ("size(s) < :v", {":v": N("7")}, True),
    ("size(s) <= :v", {":v": N("5")}, True),
    ("size(s) > :v", {":v": N("2")}, True),
    ("size(s) >= :v", {":v": N("6")}, False),
    ("size(s) = n2", None, False),
    ("size(ns) < n", None, True),
    ("size(:v) = :three", {":v": S("abc"), ":three": N("3")}, True),
    ("size (Brand) <= :v_sub", {":v_sub": N("20")}, True),
    ("size(ProductReviews.OneStar) > :v_sub", {":v_sub": N("3")}, True),
    ("size (Color) < :v_sub", {":v_sub": N("2")}, False),
    ("size(s) BETWEEN :a AND :b", {":a": N("1"), ":b": N("5")}, True),
    ("size(l) IN (:a, :b)", {":a": N("1"), ":b": N("5")}, True),
]
for _attribute, _type in _TYPE_OF.items():
    for _candidate in _ALL_TYPES:
        FUNCTIONS.append((f"attribute_type({_attribute}, :t)", {":t": S(_candidate)}, _candidate == _type))


@pytest.mark.parametrize(("expression", "values", "expected"), FUNCTIONS)
def test_functions(expression, values, expected):
    assert holds(expression, values) is expected


LOGIC = [
    ("n = :ten OR n = :one AND s = :nope", True),  # AND binds tighter than OR
    ("(n = :ten OR n = :one) AND s = :nope", False),
    ("n = :one OR n = :ten AND s = :nope", False),
    ("NOT n = :ten", False),
    ("NOT NOT n = :ten", True),
    ("NOT n = :one AND s = :hello", True),  # NOT binds tighter than AND
    ("NOT (n = :one AND s = :hello)", True),
    ("NOT (n = :ten AND s = :hello)", False),
    ("n = :ten AND s = :hello AND attribute_exists(m)", True),
    ("n = :one OR s = :nope OR attribute_not_exists(m)", False),
    ("n = :one OR s = :nope OR attribute_exists(m)", True),
    ("n = :ten and s = :hello", True),
    ("n = :one oR s = :hello", True),
    ("nOt n = :one", True),
    ("(n < :ten OR n > :one) AND (n = :ten AND (s = :hello OR s = :nope))", True),
    ("attribute_not_exists(absent) AND NOT contains(ss, :hello)", True),
]


@pytest.mark.parametrize(("expression", "expected"), LOGIC)
def test_and_or_not(expression, expected):
    values = {":ten": N("10"), ":one": N("1"), ":hello": S("hello"), ":nope": S("nope")}
    assert holds(expression, values) is expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("attribute_not_exists(id)", True),
        ("attribute_exists(id)", False),
        ("id = :v", False),
        ("id <> :v", True),
        ("NOT id = :v", True),
        ("size(id) = :zero", False),
    ],
)
def test_conditions_on_an_absent_item(expression, expected):
    values = {":v": S("p1"), ":zero": N("0")}
    assert holds(expression, values, item=None) is expected
    assert holds(expression, values, item={}) is expected


def test_a_bound_condition_is_reusable_across_items():
    bound = prepare_expressions(
        condition_expression="n > :v", expression_attribute_values={":v": N("5")}
    ).condition
    assert [evaluate_condition(bound, {"n": N(str(i))}) for i in (4, 5, 6, 50)] == [False, False, True, True]
