"""Applying UpdateExpressions to items, as DynamoDB does.

The cases follow AWS's "Update expressions" guide and what suites run against DynamoDB recorded
(ScyllaDB Alternator's test_update_expression.py, dynalite's updateItem tests): values computed
from the item before the update, list indexes of the original list, appends in index order,
"document path ... invalid for update" below missing or mistyped values, and the errors' texts.
"""

from __future__ import annotations

import copy
import re

import pytest

from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.expressions import apply_update, prepare_expressions, project

INVALID_PATH = "The document path provided in the update expression is invalid for update"
MISSING = "The provided expression refers to an attribute that does not exist in the item"
WRONG_TYPE = "An operand in the update expression has an incorrect data type"


def S(text):
    return {"S": text}


def N(text):
    return {"N": text}


def L(*members):
    return {"L": list(members)}


def M(**members):
    return {"M": members}


def SS(*members):
    return {"SS": list(members)}


def NS(*members):
    return {"NS": list(members)}


_PLACEHOLDER = re.compile(r"[#:][A-Za-z0-9_]+")


def bound(expression: str, values: dict | None = None, names: dict | None = None):
    used = set(_PLACEHOLDER.findall(expression))
    return prepare_expressions(
        update_expression=expression,
        expression_attribute_names={k: v for k, v in (names or {}).items() if k in used} or None,
        expression_attribute_values={k: v for k, v in (values or {}).items() if k in used} or None,
    ).update


def updated(item, expression, values=None, names=None, key=None):
    key = key if key is not None else {"p": item["p"] if item else S("k")}
    return apply_update(item, bound(expression, values, names), key=key)


def refused(item, expression, values=None, names=None, key=None) -> str:
    with pytest.raises(ValidationException) as excinfo:
        updated(item, expression, values, names, key)
    return excinfo.value.message


P = S("k")


def item(**attributes):
    return {"p": P, **attributes}


# (item before, expression, values, names, item after). Values: Python shorthands below.
V = {
    ":one": N("1"),
    ":two": N("2"),
    ":three": N("3"),
    ":four": N("4"),
    ":five": N("5"),
    ":seven": N("7"),
    ":seventeen": N("17"),
    ":hello": S("hello"),
    ":hey": S("hey"),
    ":dog": S("dog"),
    ":l_hi2": L(S("hi"), N("2")),
    ":l_4hello": L(N("4"), S("hello")),
    ":l_dog": L(S("dog")),
    ":l_cat": L(S("cat")),
    ":l_8": L(N("8")),
    ":l_empty": L(),
    ":m_empty": M(),
    ":empty": S(""),
    ":ss_pig": SS("pig"),
    ":ss_cat_mouse": SS("cat", "mouse"),
    ":ss_coati": SS("coati", "beaver", "badger"),
    ":ss_dog": SS("dog"),
    ":ns_1": NS("1.0", "3"),
    ":bs_ab": {"BS": [b"a", b"b"]},
}

APPLIED = [
    # SET
    (None, "SET b = :four", None, item(b=N("4"))),
    (item(a=S("hi")), "SET b = :hello", None, item(a=S("hi"), b=S("hello"))),
    (item(a=S("hi"), b=S("hello")), "SET a = :hey", None, item(a=S("hey"), b=S("hello"))),
    (None, "SET x = :four, y = :four", None, item(x=N("4"), y=N("4"))),
    (item(a=S("hello")), "SET b = a", None, item(a=S("hello"), b=S("hello"))),
    (item(a=S("hello")), "SET a = a", None, item(a=S("hello"))),
    (item(a=S("hello")), "SET #one = #two", {"#one": "c", "#two": "a"}, item(a=S("hello"), c=S("hello"))),
    (item(a=S("x"), b=S("y")), "SET a = b, b = a", None, item(a=S("y"), b=S("x"))),
    (None, "SET #n = p", {"#n": "n"}, item(n=P)),
    (None, "SET b = if_not_exists(b, p)", None, item(b=P)),
    (None, "SET d = :l_empty, e = :m_empty, f = :empty", None, item(d=L(), e=M(), f=S(""))),
    (item(a=S("hi")), "sEt b = :three", None, item(a=S("hi"), b=N("3"))),
    (item(a=S("hi")), "  set   b=:five  ", None, item(a=S("hi"), b=N("5"))),
    (None, "SET #a = :three", {"#a": "a.b"}, item(**{"a.b": N("3")})),
    # arithmetic (exact decimal, canonical text)
    (None, "SET b = :four + :three", None, item(b=N("7"))),
    (None, "SET b = :five - :two", None, item(b=N("3"))),
    (item(a=N("2")), "SET a = a + :three", None, item(a=N("5"))),
    (item(a=N("5")), "SET a = :four + a", None, item(a=N("9"))),
    (item(a=N("9")), "SET b = :one + a", None, item(a=N("9"), b=N("10"))),
    (item(a=N("9"), b=N("10")), "SET a = b + a", None, item(a=N("19"), b=N("10"))),
    (item(n=N("2")), "SET #nn = :seven - #n", {"#nn": "nn", "#n": "n"}, item(n=N("2"), nn=N("5"))),
    (item(a=N("10")), "SET a = a - :seventeen", None, item(a=N("-7"))),
    (None, "SET b = if_not_exists(b, :two)+:three", None, item(b=N("5"))),
    (item(b=N("5")), "SET b = if_not_exists(b, :two)+:three", None, item(b=N("8"))),
    (item(a=N("3"), b=N("4")), "set a = ((a)+(b))", None, item(a=N("7"), b=N("4"))),
    # list_append and if_not_exists
    (None, "SET a = list_append(:l_4hello, :l_hi2)", None, item(a=L(N("4"), S("hello"), S("hi"), N("2")))),
    (
        item(a=L(S("hi"), N("2"))),
        "SET a = list_append(a, :l_4hello)",
        None,
        item(a=L(S("hi"), N("2"), N("4"), S("hello"))),
    ),
    (item(a=L(S("hi"))), "SET a = list_append(:l_dog, a)", None, item(a=L(S("dog"), S("hi")))),
    (
        item(a=L(S("x")), b=L(S("y"))),
        "SET c = list_append(a, b)",
        None,
        item(a=L(S("x")), b=L(S("y")), c=L(S("x"), S("y"))),
    ),
    (item(a=L()), "SET a = list_append(a, :l_8)", None, item(a=L(N("8")))),
    (None, "SET a = list_append(if_not_exists(a, :l_empty), :l_cat)", None, item(a=L(S("cat")))),
    (
        item(a=L(S("dog"))),
        "SET a = list_append(if_not_exists(a, :l_empty), :l_cat)",
        None,
        item(a=L(S("dog"), S("cat"))),
    ),
    (None, "SET a = if_not_exists(a, :two)", None, item(a=N("2"))),
    (item(a=N("2")), "SET a = if_not_exists(a, :three)", None, item(a=N("2"))),
    (item(a=N("2")), "SET b = if_not_exists(c, :four)", None, item(a=N("2"), b=N("4"))),
    (item(a=N("2"), b=N("4")), "SET b = if_not_exists(a, :five)", None, item(a=N("2"), b=N("2"))),
    (item(a=N("2")), "SET b = if_not_exists(c, a)", None, item(a=N("2"), b=N("2"))),
    # REMOVE
    (item(a=S("hello"), b=S("hi")), "REMOVE a", None, item(b=S("hi"))),
    (item(a=S("x")), "REMOVE absent", None, item(a=S("x"))),
    (None, "REMOVE absent", None, item()),
    (item(a=S("hello"), b=S("hi")), "REMOVE a, b", None, item()),
    (item(a=S("hello")), "REMOVE a SET b = a", None, item(b=S("hello"))),
    (item(b=S("hello")), "SET c = b REMOVE b", None, item(c=S("hello"))),
    (item(a=N("1"), b=N("2")), "REMOVE a SET b = :three", None, item(b=N("3"))),
    # ADD: numbers and sets; creates what is missing
    (item(a=N("3")), "ADD a :four", None, item(a=N("7"))),
    (item(a=S("hello")), "ADD b :seven", None, item(a=S("hello"), b=N("7"))),
    (None, "ADD b :seven", None, item(b=N("7"))),
    (item(a=N("0.5")), "ADD a :one", None, item(a=N("1.5"))),
    (item(a=SS("dog", "cat", "mouse")), "ADD a :ss_pig", None, item(a=SS("dog", "cat", "mouse", "pig"))),
    (
        item(a=SS("beaver", "lynx", "coati")),
        "ADD a :ss_coati",
        None,
        item(a=SS("beaver", "lynx", "coati", "badger")),
    ),
    (None, "ADD b :ss_dog", None, item(b=SS("dog"))),
    (item(a=NS("1", "2")), "ADD a :ns_1", None, item(a=NS("1", "2", "3"))),
    (item(a={"BS": [b"b", b"c"]}), "ADD a :bs_ab", None, item(a={"BS": [b"b", b"c", b"a"]})),
    # DELETE: set difference; an emptied set disappears; a missing attribute is left alone
    (
        item(a=SS("dog", "cat", "mouse"), b=S("hi")),
        "DELETE a :ss_cat_mouse",
        None,
        item(a=SS("dog"), b=S("hi")),
    ),
    (item(a=SS("dog")), "DELETE a :ss_pig", None, item(a=SS("dog"))),
    (item(a=SS("dog"), b=S("hi")), "DELETE a :ss_dog", None, item(b=S("hi"))),
    (item(b=S("hi")), "DELETE a :ss_dog", None, item(b=S("hi"))),
    (item(a=NS("1", "2", "3")), "DELETE a :ns_1", None, item(a=NS("2"))),
    (item(a={"BS": [b"a", b"b", b"c"]}), "DELETE a :bs_ab", None, item(a={"BS": [b"c"]})),
    # nested documents
    (
        item(a=M(x=N("3"), y=N("4"), c=M(y=N("3"))), b=M(x=N("1"), y=N("2"))),
        "SET a.b = :ten, a.c.d = :dog, b.x = :seventeen REMOVE a.x, b.y",
        None,
        item(a=M(y=N("4"), c=M(y=N("3"), d=S("dog")), b=N("10")), b=M(x=N("17"))),
    ),
    (
        item(a=M(b=N("3"), c=M(x=N("7"), y=N("8"))), d=N("5")),
        "SET z = a.c.x",
        None,
        item(a=M(b=N("3"), c=M(x=N("7"), y=N("8"))), d=N("5"), z=N("7")),
    ),
    (item(a=M(b=N("3"), c=N("4"))), "SET a.c = :seven", None, item(a=M(b=N("3"), c=N("7")))),
    (item(a=M(b=N("3"))), "SET a.d = :three", None, item(a=M(b=N("3"), d=N("3")))),
    (item(a=M(b=N("3"), c=M(one=N("1")))), "SET a.c = :seven", None, item(a=M(b=N("3"), c=N("7")))),
    (
        item(a=L(S("one"), S("two"), S("three"))),
        "SET a[1] = :hello",
        None,
        item(a=L(S("one"), S("hello"), S("three"))),
    ),
    (
        item(a=M(b=N("3"), c=L(S("hi"), M(x=M(y=L(N("3"), N("5"), N("7"))))))),
        "SET a.c[1].#name.y[1] = :nine",
        {"#name": "x"},
        item(a=M(b=N("3"), c=L(S("hi"), M(x=M(y=L(N("3"), N("9"), N("7"))))))),
    ),
    (
        item(a=M(b=N("3"), c=L(S("hi"), M(x=M(y=L(N("3"), N("5"), N("7"))), q=N("2"))))),
        "REMOVE a.c[1].x.y[1], a.c[1].q",
        None,
        item(a=M(b=N("3"), c=L(S("hi"), M(x=M(y=L(N("3"), N("7"))))))),
    ),
    (item(a=M(b=N("1"))), "REMOVE a.b", None, item(a=M())),
    (item(a=L(N("1"))), "REMOVE a[0]", None, item(a=L())),
    (item(a=M(x=N("3")), b=L(S("hi"))), "REMOVE a.y", None, item(a=M(x=N("3")), b=L(S("hi")))),
    (item(a=L(N("4"), N("5"), N("6"))), "REMOVE a[17]", None, item(a=L(N("4"), N("5"), N("6")))),
    (item(a=L(N("1"), N("2"), N("3"), N("4"))), "REMOVE a[1], a[2]", None, item(a=L(N("1"), N("4")))),
    (item(a=L(N("1"), N("2"), N("3"), N("4"))), "REMOVE a[2], a[1]", None, item(a=L(N("1"), N("4")))),
    # list indexes refer to the list as it was, whatever the order written
    (
        item(a=L(*map(N, "234567"))),
        "REMOVE a[1] SET a[3] = :seventeen",
        None,
        item(a=L(N("2"), N("4"), N("17"), N("6"), N("7"))),
    ),
    (
        item(a=L(*map(N, "234567"))),
        "SET a[3] = :seventeen REMOVE a[1]",
        None,
        item(a=L(N("2"), N("4"), N("17"), N("6"), N("7"))),
    ),
    # beyond the end: appended, several in index order
    (
        item(a=L(S("one"), S("two"), S("three"))),
        "SET a[7] = :hello",
        None,
        item(a=L(S("one"), S("two"), S("three"), S("hello"))),
    ),
    (
        item(a=L(S("one"))),
        "SET a[84] = :a1, a[37] = :a2, a[17] = :a3, a[50] = :a4",
        None,
        item(a=L(S("one"), S("a3"), S("a2"), S("a4"), S("a1"))),
    ),
    (item(c=L(N("1"))), "ADD c[5] :seven", None, item(c=L(N("1"), N("7")))),
    (item(c=L(N("1"))), "DELETE c[5] :ss_dog", None, item(c=L(N("1")))),
    (item(c=L(SS("dog", "cat"))), "DELETE c[0] :ss_dog", None, item(c=L(SS("cat")))),
    (
        item(c=L(SS("dog"), N("1"))),
        "DELETE c[0] :ss_dog",
        None,
        item(c=L(N("1"))),
    ),  # guessed: an emptied element is removed
    (item(m=M(s=SS("dog"))), "DELETE m.s :ss_dog", None, item(m=M())),
]
V.update({":ten": N("10"), ":nine": N("9"), ":a1": S("a1"), ":a2": S("a2"), ":a3": S("a3"), ":a4": S("a4")})


@pytest.mark.parametrize(("before", "expression", "names", "after"), APPLIED)
def test_updates(before, expression, names, after):
    snapshot = copy.deepcopy(before)
    assert updated(before, expression, V, names, key={"p": P}) == after
    assert before == snapshot  # the stored item is never modified


def test_arithmetic_is_exact_decimal():
    result = updated(item(a=N("0.1")), "SET a = a + :x", {":x": N("0.2")})
    assert result["a"] == N("0.3")
    result = updated(item(a=N("1E+2")), "ADD a :x", {":x": N("-0.001")})
    assert result["a"] == N("99.999")
    big = "9.9999999999999999999999999999999999999E+125"
    assert refused(item(a=N(big)), "ADD a :x", {":x": N("1E+125")}) == (
        "Number overflow. Attempting to store a number with magnitude larger than supported range"
    )
    assert refused(None, "SET b = :a + :b", {":a": N("1e50"), ":b": N("1")}) == (
        "Number overflow. Attempting to store a number with magnitude larger than supported range"
    )


def test_mixed_clauses_create_what_is_missing():
    values = {":c": SS("a", "b"), ":d": N("5"), ":e": SS("a", "b"), ":f": L(S("a"), N("1"))}
    names = {"#b": "b", "#c": "c", "#d": "d", "#e": "e", "#f": "f"}
    for expression in (
        "REMOVE b DELETE c :c ADD d :d, e :e SET f = :f",
        "ADD #e :e,#d :d DELETE #c :c REMOVE #b SET #f = :f",
    ):
        update = bound(expression, values, names)
        after = apply_update(None, update, key={"a": S("x")})
        assert after == {"a": S("x"), "d": N("5"), "e": SS("a", "b"), "f": L(S("a"), N("1"))}
        assert project(after, update.target_paths) == {"d": N("5"), "e": SS("a", "b"), "f": L(S("a"), N("1"))}


def test_dynalites_nested_scenario_and_updated_new():
    # dynalite's "should update nested attributes", run against DynamoDB: every value is read
    # from the item before the update, list writes land in index order.
    key = {"a": S("key")}
    before = {**key, "b": M(a=N("1"), b=N("2"), c=N("3")), "c": L(N("1"), N("3"))}
    update = bound(
        "set b.c=((c[1])+(b.a)),b.a = a,c[1] = a, c[4] = b.a - b.b, c[2] = b.c add c[8] :b, c[6] :a",
        {":a": N("2"), ":b": SS("a")},
    )
    after = apply_update(before, update, key=key)
    assert after == {
        **key,
        "b": M(a=S("key"), b=N("2"), c=N("4")),
        "c": L(N("1"), S("key"), N("3"), N("-1"), N("2"), SS("a")),
    }
    # ReturnValues UPDATED_NEW is the new item projected onto the updated paths
    assert project(after, update.target_paths) == {
        "b": M(c=N("4"), a=S("key")),
        "c": L(S("key"), N("3"), N("2")),
    }
    assert project(before, update.target_paths) == {"b": M(c=N("3"), a=N("1")), "c": L(N("3"))}


REFUSED = [
    # a value read from a missing attribute
    (item(a=S("hello")), "SET c = z", MISSING),
    (None, "SET c = z", MISSING),
    (item(a=S("hello")), "SET x = :one, y = x", MISSING),
    (item(a=S("hello")), "SET z = z", MISSING),
    (None, "SET a = a + :one", MISSING),
    (item(a=N("1")), "SET a = a + b", MISSING),
    (None, "SET e = list_append(b, c)", MISSING),
    (item(a=N("2")), "SET a = list_append(b, :l)", MISSING),
    (item(a=N("2")), "SET a = list_append(:l, b)", MISSING),
    (item(a=N("2")), "SET b = if_not_exists(c, d)", MISSING),
    # operands of the wrong type, found in the item
    (item(a=S("hello")), "SET e = a + :one", WRONG_TYPE),
    (item(b=M(a=SS("1"))), "SET e = b - :one", WRONG_TYPE),
    (item(d=NS("1")), "SET e = list_append(d, if_not_exists(f, :l))", WRONG_TYPE),
    (item(b=N("7")), "SET a = list_append(b, :l)", WRONG_TYPE),
    (item(b=S("hello")), "SET a = list_append(:l, b)", WRONG_TYPE),
    (item(b=M(a=N("3"))), "SET a = list_append(:l, b)", WRONG_TYPE),
    (item(b=SS("x")), "SET a = list_append(b, :l)", WRONG_TYPE),
    (item(b=S("hi")), "ADD b :one", WRONG_TYPE),
    (item(d=NS("1")), "ADD d :one", WRONG_TYPE),
    (item(b=M(a=SS("1"))), "ADD b :ns", WRONG_TYPE),
    (item(a=L(N("1"), N("2"))), "ADD a :ns", WRONG_TYPE),
    (item(a=N("1")), "ADD a :ss", WRONG_TYPE),
    (item(d=NS("1")), "DELETE d :ss", WRONG_TYPE),
    (item(b=M(a=SS("1"))), "DELETE b :ns", WRONG_TYPE),
    (item(b=M(a=SS("1"))), "DELETE b.a :ns", WRONG_TYPE),
    (item(b=M(a=SS("1"))), "DELETE b.a :bs", WRONG_TYPE),
    (item(c=N("1")), "DELETE c :ns", WRONG_TYPE),
    # writing below a missing or mistyped value
    (item(a=S("hello"), b=L(S("hi"))), "SET a.c = :one", INVALID_PATH),
    (item(a=S("hello"), b=L(S("hi"))), "SET b.c = :one", INVALID_PATH),
    (item(a=S("hello"), b=L(S("hi"))), "SET c.c = :one", INVALID_PATH),
    (item(a=S("hello"), b=L(S("hi"))), "REMOVE a.c", INVALID_PATH),
    (item(a=S("hello"), b=L(S("hi"))), "REMOVE b.c", INVALID_PATH),
    (item(a=S("hello"), b=L(S("hi"))), "REMOVE c.c", INVALID_PATH),
    (None, "SET c.c = :one", INVALID_PATH),
    (None, "SET b.a = p", INVALID_PATH),
    (None, "SET b[1] = p", INVALID_PATH),
    (item(a=S("hello")), "SET a[0] = :one", INVALID_PATH),
    (item(a=S("hello")), "SET b[0] = :one", INVALID_PATH),
    (item(a=S("hello")), "REMOVE a[0]", INVALID_PATH),
    (item(a=S("hello")), "REMOVE b[0]", INVALID_PATH),
    (None, "SET b[0] = :one", INVALID_PATH),
    (item(a=L(N("1"))), "SET a[5].b = :one", INVALID_PATH),
    (item(a=M(b=N("1"))), "ADD a.c.d :one", INVALID_PATH),
]

# dynalite's "update non-existent nested attribute in existing item", run against DynamoDB
_DYNALITE_ITEM = item(b=S("key"), c=M(**{"1": S("a")}), d=L(S("a"), S("b")))
for _expression in [
    "set b.a = :a, #1 = :a",
    "set b[1] = :a, #1 = :a",
    "set y.a = :a, #1 = :a",
    "set y[1] = :a, #1 = :a",
    "set c[1] = :a, #1 = :a",
    "set d.#1 = :a",
    "remove b.a set #1 = :a",
    "remove b[1] set #1 = :a",
    "remove y.a set #1 = :a",
    "remove y[1] set #1 = :a",
    "remove c[1] set #1 = :a",
    "remove d.#1 set #1 = :a",
    "delete b.a :a set #1 = :a",
    "delete b[1] :a set #1 = :a",
    "delete y.a :a set #1 = :a",
    "delete y[1] :a set #1 = :a",
    "delete c[1] :a set #1 = :a",
    "delete d.#1 :a",
    "add b.a :a set #1 = :a",
    "add b[1] :a set #1 = :a",
    "add y.a :a set #1 = :a",
    "add y[1] :a set #1 = :a",
    "add c[1] :a set #1 = :a",
    "add d.#1 :a",
]:
    REFUSED.append((_DYNALITE_ITEM, _expression, INVALID_PATH))


@pytest.mark.parametrize(("before", "expression", "message"), REFUSED)
def test_refused_updates(before, expression, message):
    values = {
        ":one": N("1"),
        ":l": L(N("1")),
        ":ns": NS("1"),
        ":ss": SS("1"),
        ":bs": {"BS": [b"a"]},
        ":a": SS("a"),
    }
    snapshot = copy.deepcopy(before)
    assert refused(before, expression, values, {"#1": "1"}) == message
    assert before == snapshot


def test_remove_below_a_missing_attribute_of_a_missing_item_is_ignored():
    # DynamoDB ignores REMOVE x.y when the item does not exist at all (measured), though it
    # refuses it on an existing item.
    assert updated(None, "REMOVE x.y") == {"p": P}
    assert updated(None, "REMOVE x[0]") == {"p": P}
    assert refused(item(), "REMOVE x.y") == INVALID_PATH


@pytest.mark.parametrize(
    ("key", "expression", "attribute"),
    [
        ({"p": S("k")}, "SET p = :one", "p"),
        ({"p": S("k"), "c": S("r")}, "SET c = :one", "c"),
        ({"p": S("k"), "c": S("r")}, "REMOVE p", "p"),
        ({"p": S("k"), "c": S("r")}, "REMOVE c", "c"),
        ({"p": S("k"), "c": S("r")}, "ADD p :one", "p"),
        ({"p": S("k"), "c": S("r")}, "ADD c :one", "c"),
        ({"p": S("k"), "c": S("r")}, "DELETE p :ss", "p"),
        ({"p": S("k"), "c": S("r")}, "DELETE c :ss", "c"),
        ({"a": S("k")}, "add a.b :one", "a"),
        ({"a": S("k")}, "delete a :ns", "a"),
        ({"a": S("k")}, "remove d set b = :one, a = :one", "a"),
        ({"a": S("k")}, "delete b :ns remove a", "a"),
        ({"a": S("k")}, "set a = a.b + a[1]", "a"),
        ({"a": S("k"), "b": S("r")}, "set d[1] = :one add b.b :one", "b"),
    ],
)
def test_key_attributes_cannot_be_updated(key, expression, attribute):
    values = {":one": N("1"), ":ss": SS("cat", "mouse"), ":ns": NS("1")}
    message = (
        "One or more parameter values were invalid: "
        f"Cannot update attribute {attribute}. This attribute is part of the key"
    )
    assert refused(dict(key), expression, values, key=key) == message
    assert refused(None, expression, values, key=key) == message


def test_key_attributes_can_be_read():
    key = {"p": S("k"), "c": N("7")}
    after = updated(
        dict(key), "SET #n = #p, #nn = #c + #c", names={"#n": "n", "#p": "p", "#nn": "nn", "#c": "c"}, key=key
    )
    assert after == {"p": S("k"), "c": N("7"), "n": S("k"), "nn": N("14")}


def test_target_paths_are_the_updated_paths_in_order():
    update = bound(
        "SET a.b = :one REMOVE c[2] ADD #d :one DELETE e :ss", {":one": N("1"), ":ss": SS("x")}, {"#d": "d.x"}
    )
    assert update.target_paths == (("a", "b"), ("c", 2), ("d.x",), ("e",))


def test_a_bound_update_is_reusable():
    update = bound("ADD n :one", {":one": N("1")})
    first = apply_update(None, update, key={"p": P})
    second = apply_update(first, update, key={"p": P})
    assert (first["n"], second["n"]) == (N("1"), N("2"))


def test_unchanged_values_are_shared_and_changed_ones_copied():
    nested = M(x=M(y=N("1")), z=L(N("1")))
    before = item(a=nested, b=M(q=N("1")))
    after = updated(before, "SET a.x.y = :two", {":two": N("2")})
    assert after["a"]["M"]["x"]["M"]["y"] == N("2")
    assert before["a"]["M"]["x"]["M"]["y"] == N("1")
    assert after["b"] is before["b"]
    assert after["a"]["M"]["z"] is before["a"]["M"]["z"]
