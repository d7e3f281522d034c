"""ProjectionExpression (projecting items) and KeyConditionExpression (shape and key schema).

Expected results follow AWS's "Projection expressions" and "Key condition expressions" guides and
the answers suites run against DynamoDB recorded (ScyllaDB Alternator's
test_projection_expression.py; dynalite's query tests, whose tables are: hash table `a`; range
table `a`/`b`; index1 `a`/`c`; index3 `c`; index4 `c`/`d`).
"""

from __future__ import annotations

import re

import pytest

from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.expressions import (
    KeyCondition,
    KeyTerm,
    SortKeyCondition,
    check_filter_excludes_keys,
    prepare_expressions,
    project,
    resolve_key_condition,
)


def S(text):
    return {"S": text}


def N(text):
    return {"N": text}


def L(*members):
    return {"L": list(members)}


def M(**members):
    return {"M": members}


_PLACEHOLDER = re.compile(r"[#:][A-Za-z0-9_]+")


def _used(mapping, expression):
    used = set(_PLACEHOLDER.findall(expression))
    return {key: value for key, value in (mapping or {}).items() if key in used} or None


def projected(item, expression, names=None):
    bound = prepare_expressions(
        projection_expression=expression, expression_attribute_names=_used(names, expression)
    )
    return project(item, bound.projection.paths)


NESTED = {
    "p": S("k"),
    "a": M(b=L(N("2"), N("4"), M(x=S("hi"), y=S("yo"))), c=N("5")),
    "b": S("hello"),
    "em": M(),
    "m": M(em=M(), el=L()),
}

PROJECTIONS = [
    ("a", {"a": NESTED["a"]}),
    ("a.b", {"a": M(b=L(N("2"), N("4"), M(x=S("hi"), y=S("yo"))))}),
    ("a.b[0]", {"a": M(b=L(N("2")))}),
    ("a.b[2]", {"a": M(b=L(M(x=S("hi"), y=S("yo"))))}),
    ("a.b[2].y", {"a": M(b=L(M(y=S("yo"))))}),
    ("x", {}),
    ("a.b[3]", {}),
    ("a.x", {}),
    ("a.x.y", {}),
    ("a.b[3].x", {}),
    ("a.b.x", {}),
    ("a[0]", {}),
    ("a.b[0].x", {}),
    ("a.b[0][0]", {}),
    ("b[0]", {}),
    ("b.x", {}),
    ("a.b[0],a.b[1]", {"a": M(b=L(N("2"), N("4")))}),
    ("a.b[2],a.b[0]", {"a": M(b=L(N("2"), M(x=S("hi"), y=S("yo"))))}),  # list order kept, gaps closed
    ("a.b[0],a.c", {"a": M(b=L(N("2")), c=N("5"))}),
    ("a.c,b", {"a": M(c=N("5")), "b": S("hello")}),
    ("a.x, a.b[0], x, a.b[3].x", {"a": M(b=L(N("2")))}),
    ("p, b", {"p": S("k"), "b": S("hello")}),
    ("em", {"em": M()}),
    ("m.em, m.el", {"m": M(em=M(), el=L())}),
    ("m.em.x", {}),
    ("#n1.c", {"a": M(c=N("5"))}),
    ("a.#n2", {"a": M(c=N("5"))}),
    ("#n1.#n2", {"a": M(c=N("5"))}),
    ("a.b[1], a.b[2].x, b", {"a": M(b=L(N("4"), M(x=S("hi")))), "b": S("hello")}),
]


@pytest.mark.parametrize(("expression", "expected"), PROJECTIONS)
def test_projections(expression, expected):
    assert projected(NESTED, expression, {"#n1": "a", "#n2": "c"}) == expected


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (["a"], {"a": S("hello")}),
        (["c", "a"], {"c": S("r"), "a": S("hello")}),
        (["p", "c"], {"p": S("k"), "c": S("r")}),
        (["absent"], {}),
    ],
)
def test_top_level_projections(wanted, expected):
    item = {"p": S("k"), "c": S("r"), "a": S("hello"), "b": S("hi")}
    assert projected(item, ",".join(wanted)) == expected


def test_an_alias_is_one_name_even_with_a_dot():
    item = {"p": S("k"), "a.b": S("hi"), "a": M(b=S("yo"), c=S("jo"))}
    assert projected(item, "a.b") == {"a": M(b=S("yo"))}
    assert projected(item, "#name", {"#name": "a.b"}) == {"a.b": S("hi")}


@pytest.mark.parametrize(
    "expression", ["a, b", "a.b, a.c", "a.b.d, a.b.e", "a[1], a[2]", "a.b, a.c[2]", "a.b, a.c[1]"]
)
def test_paths_that_neither_overlap_nor_conflict(expression):
    assert prepare_expressions(projection_expression=expression).projection.paths


def test_projection_leaves_the_item_unchanged():
    before = {"a": M(b=L(N("1"), N("2")))}
    projected(before, "a.b[1]")
    assert before == {"a": M(b=L(N("1"), N("2")))}


# -- KeyConditionExpression: shape ----------------------------------------------------------------


def key_refusal(expression, values=None, names=None) -> str:
    with pytest.raises(ValidationException) as excinfo:
        prepare_expressions(
            key_condition_expression=expression,
            expression_attribute_values=_used(values, expression),
            expression_attribute_names=_used(names, expression),
        )
    return excinfo.value.message


def terms(expression, values, names=None) -> tuple[KeyTerm, ...]:
    return prepare_expressions(
        key_condition_expression=expression,
        expression_attribute_values=_used(values, expression),
        expression_attribute_names=_used(names, expression),
    ).key_terms


VALUES = {":a": S("1"), ":b": S("1"), ":v": S("x"), ":w": S("y"), ":n": N("1")}

SHAPE_ERRORS = [
    (":a = a and b = :a and :a = c", "Conditions can be of length 1 or 2 only"),
    (
        "(a > :a and b > :a) and (c > :a and d > :a) and (e > :a and f > :a)",
        "Conditions can be of length 1 or 2 only",
    ),
    ("attribute_type(a, :t)", "Invalid operator used in KeyConditionExpression: attribute_type"),
    ("a > b and size(b) > c or a > c", "Invalid operator used in KeyConditionExpression: OR"),
    ("a in (b, size(c), d)", "Invalid operator used in KeyConditionExpression: IN"),
    ("attribute_exists(a)", "Invalid operator used in KeyConditionExpression: attribute_exists"),
    ("attribute_not_exists(a)", "Invalid operator used in KeyConditionExpression: attribute_not_exists"),
    ("contains(a.d, b)", "Invalid operator used in KeyConditionExpression: contains"),
    ("not a > b", "Invalid operator used in KeyConditionExpression: NOT"),
    ("a <> b", "Invalid operator used in KeyConditionExpression: <>"),
    ("pk = :a OR sk = :b", "Invalid operator used in KeyConditionExpression: OR"),
    ("pk IN (:a, :b)", "Invalid operator used in KeyConditionExpression: IN"),
    (
        ":a between size(b) and size(a) and b > :b",
        "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand",
    ),
    (
        "begins_with(:a, b) and a > :b",
        "Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand",
    ),
    ("size(b) > a AND a.b > b AND b > c", "KeyConditionExpressions cannot contain nested operations"),
    ("a > size(b.d)", "KeyConditionExpressions cannot contain nested operations"),
    ("a between size(b) and size(a)", "KeyConditionExpressions cannot contain nested operations"),
    (
        "b > a.b",
        "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
    ),
    (
        "b between c[1] and d",
        "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
    ),
    (
        "a between b and size(a)",
        "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
    ),
    (
        "begins_with(a, b)",
        "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
    ),
    (
        "pk = sk",
        "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
    ),
    ("b.d > a AND c.d > e.f", "KeyConditionExpressions cannot have conditions on nested attributes"),
    ("a.d > c", "KeyConditionExpressions cannot have conditions on nested attributes"),
    ("b[0] > a", "KeyConditionExpressions cannot have conditions on nested attributes"),
    ("pk.x = :a", "KeyConditionExpressions cannot have conditions on nested attributes"),
    (":b > :a AND a < :b", "Invalid condition in KeyConditionExpression: No key attribute specified"),
    (":a > b AND :a < :b", "Invalid condition in KeyConditionExpression: No key attribute specified"),
    (
        "b > :a AND b < :a and c = :a and d = :a",
        "KeyConditionExpressions must only contain one condition per key",
    ),
    (
        "(a > :a and b > :a) and (b > :a and c > :a)",
        "KeyConditionExpressions must only contain one condition per key",
    ),
    ("pk = :a AND pk = :b", "KeyConditionExpressions must only contain one condition per key"),
    ("#k = :a AND pk = :b", "KeyConditionExpressions must only contain one condition per key"),
    # errors of the condition language come first, with the expression's name
    (
        "a between :n and :a",
        "Invalid KeyConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:1}",
    ),
    (
        "a between :w and :v",
        "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:y}, upper bound operand: AttributeValue: {S:x}",
    ),
    (
        "attribute_type(a, b)",
        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}",
    ),
    (
        "attribute_type(a, :n)",
        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N",
    ),
    (
        "things are not gonna be ok",
        'Invalid KeyConditionExpression: Syntax error; token: "are", near: "things are not"',
    ),
    ("a > 4", 'Invalid KeyConditionExpression: Syntax error; token: "4", near: "> 4"'),
    ("(size(a))[0] > a", 'Invalid KeyConditionExpression: Syntax error; token: "[", near: ")[0"'),
    (
        "begins_with(pk, :n)",
        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N",
    ),
    ("((pk = :v))", "Invalid KeyConditionExpression: The expression has redundant parentheses;"),
]


@pytest.mark.parametrize(("expression", "message"), SHAPE_ERRORS)
def test_key_condition_shapes_dynamodb_refuses(expression, message):
    values = dict(VALUES, **{":t": S("S")})
    assert key_refusal(expression, values, {"#k": "pk"}) == message


TERMS = [
    ("pk = :v", (KeyTerm("pk", "EQ", (S("x"),)),)),
    (":v = pk", (KeyTerm("pk", "EQ", (S("x"),)),)),
    ("#k = :v", (KeyTerm("pk", "EQ", (S("x"),)),)),
    ("pk = :v AND sk = :w", (KeyTerm("pk", "EQ", (S("x"),)), KeyTerm("sk", "EQ", (S("y"),)))),
    ("pk = :v and sk < :w", (KeyTerm("pk", "EQ", (S("x"),)), KeyTerm("sk", "LT", (S("y"),)))),
    ("pk = :v AND sk <= :w", (KeyTerm("pk", "EQ", (S("x"),)), KeyTerm("sk", "LE", (S("y"),)))),
    ("pk = :v AND sk > :w", (KeyTerm("pk", "EQ", (S("x"),)), KeyTerm("sk", "GT", (S("y"),)))),
    ("pk = :v AND sk >= :w", (KeyTerm("pk", "EQ", (S("x"),)), KeyTerm("sk", "GE", (S("y"),)))),
    ("pk = :v AND :w < sk", (KeyTerm("pk", "EQ", (S("x"),)), KeyTerm("sk", "GT", (S("y"),)))),
    ("pk = :v AND :w <= sk", (KeyTerm("pk", "EQ", (S("x"),)), KeyTerm("sk", "GE", (S("y"),)))),
    ("pk = :v AND :w > sk", (KeyTerm("pk", "EQ", (S("x"),)), KeyTerm("sk", "LT", (S("y"),)))),
    ("pk = :v AND :w >= sk", (KeyTerm("pk", "EQ", (S("x"),)), KeyTerm("sk", "LE", (S("y"),)))),
    (
        "pk = :v AND sk BETWEEN :v AND :w",
        (KeyTerm("pk", "EQ", (S("x"),)), KeyTerm("sk", "BETWEEN", (S("x"), S("y")))),
    ),
    (
        "pk = :v AND begins_with(sk, :w)",
        (KeyTerm("pk", "EQ", (S("x"),)), KeyTerm("sk", "BEGINS_WITH", (S("y"),))),
    ),
    (
        "begins_with(sk, :w) AND pk = :v",
        (KeyTerm("sk", "BEGINS_WITH", (S("y"),)), KeyTerm("pk", "EQ", (S("x"),))),
    ),
    ("(pk = :v) AND (sk > :w)", (KeyTerm("pk", "EQ", (S("x"),)), KeyTerm("sk", "GT", (S("y"),)))),
    ("sk >= :w AND pk = :v", (KeyTerm("sk", "GE", (S("y"),)), KeyTerm("pk", "EQ", (S("x"),)))),
]


@pytest.mark.parametrize(("expression", "expected"), TERMS)
def test_key_condition_terms(expression, expected):
    assert terms(expression, VALUES, {"#k": "pk"}) == expected


# -- KeyConditionExpression: key schema -----------------------------------------------------------

HASH = {"partition_key": "a"}
RANGE = {"partition_key": "a", "sort_key": "b"}
INDEX3 = {"partition_key": "c"}
INDEX1 = {"partition_key": "a", "sort_key": "c"}
SCHEMA_ERRORS = [
    (HASH, "a > :a", "Query key condition not supported"),
    (HASH, "a < :a", "Query key condition not supported"),
    (HASH, ":a <= a", "Query key condition not supported"),
    (HASH, ":a >= a", "Query key condition not supported"),
    (HASH, "begins_with(a, :a)", "Query key condition not supported"),
    (HASH, "a between :a and :a", "Query key condition not supported"),
    (HASH, "a = :a AND b = :a", "Query key condition not supported"),
    (HASH, "y = :a and z = :a", "Query key condition not supported"),
    (HASH, "z = :a", "Query condition missed key schema element: a"),
    (INDEX3, "c > :a", "Query key condition not supported"),
    (INDEX3, ":a >= c", "Query key condition not supported"),
    (INDEX3, "begins_with(c, :a)", "Query key condition not supported"),
    (INDEX3, "c between :a and :a", "Query key condition not supported"),
    (INDEX3, "c = :a AND b = :a", "Query key condition not supported"),
    (INDEX3, "y = :a and z = :a", "Query key condition not supported"),
    (INDEX3, "z between :a and :b", "Query condition missed key schema element: c"),
    (RANGE, "z between :a and :b", "Query condition missed key schema element: a"),
    (RANGE, "b = :a", "Query condition missed key schema element: a"),
    (RANGE, "a = :a and c = :b", "Query condition missed key schema element: b"),
    (RANGE, "a > :a and b = :b", "Query key condition not supported"),
    (RANGE, "begins_with(a, :a) and b = :b", "Query key condition not supported"),
    (INDEX1, "a = :a and b = :b", "Query condition missed key schema element: c"),
    (INDEX1, "z between :a and :b", "Query condition missed key schema element: a"),
]


@pytest.mark.parametrize(("schema", "expression", "message"), SCHEMA_ERRORS)
def test_key_schema_errors(schema, expression, message):
    found = terms(expression, VALUES)
    with pytest.raises(ValidationException) as excinfo:
        resolve_key_condition(found, **schema)
    assert excinfo.value.message == message


def test_condition_type_must_match_the_key_type():
    message = "One or more parameter values were invalid: Condition parameter type does not match schema type"
    for expression, schema in [
        (":n > a", HASH),
        (":n = a", HASH),
        ("a = :a AND b > :n", RANGE),
        ("a = :n AND b > :b", RANGE),
    ]:
        with pytest.raises(ValidationException) as excinfo:
            resolve_key_condition(terms(expression, VALUES), attribute_types={"a": "S", "b": "S"}, **schema)
        assert excinfo.value.message == message
    # without the key's type the check is not made; conditions on other attributes are not typed
    assert resolve_key_condition(terms(":n = a", VALUES), **HASH).partition_value == N("1")


@pytest.mark.parametrize(
    ("schema", "expression", "expected"),
    [
        (HASH, "a = :a", KeyCondition("a", S("1"), None)),
        (HASH, ":a = a", KeyCondition("a", S("1"), None)),
        (RANGE, "a = :a", KeyCondition("a", S("1"), None)),
        (RANGE, "a = :v AND b > :w", KeyCondition("a", S("x"), SortKeyCondition("b", "GT", (S("y"),)))),
        (RANGE, "b < :w AND a = :v", KeyCondition("a", S("x"), SortKeyCondition("b", "LT", (S("y"),)))),
        (
            RANGE,
            "a = :v AND b BETWEEN :v AND :w",
            KeyCondition("a", S("x"), SortKeyCondition("b", "BETWEEN", (S("x"), S("y")))),
        ),
        (
            RANGE,
            "a = :v AND begins_with(b, :w)",
            KeyCondition("a", S("x"), SortKeyCondition("b", "BEGINS_WITH", (S("y"),))),
        ),
        (INDEX1, "a = :v AND :w <= c", KeyCondition("a", S("x"), SortKeyCondition("c", "GE", (S("y"),)))),
        (INDEX3, "c = :n", KeyCondition("c", N("1"), None)),
    ],
)
def test_key_conditions_resolved(schema, expression, expected):
    assert (
        resolve_key_condition(
            terms(expression, VALUES),
            attribute_types={"a": "S", "b": "S", "c": "N"} if schema is INDEX3 else None,
            **schema,
        )
        == expected
    )


@pytest.mark.parametrize(
    ("keys", "expression", "attribute"),
    [
        (["a"], "attribute_exists(a.b) AND b = :b", "a"),
        (["a"], "a = :b", "a"),
        (["a"], "a[1] = :b", "a"),
        (["a", "b"], "attribute_exists(b.c) AND c = :b", "b"),
        (["a", "b"], "b = :b", "b"),
        (["a", "b"], "b[1] = :b", "b"),
        (["a", "b"], "size(x) > :n OR contains(y, b)", "b"),
        (["a", "b"], "x IN (:b, a)", "a"),
        (["c", "d"], "d BETWEEN :b AND :b", "d"),
    ],
)
def test_a_query_filter_may_not_use_key_attributes(keys, expression, attribute):
    bound = prepare_expressions(
        filter_expression=expression, expression_attribute_values=_used(VALUES, expression)
    )
    with pytest.raises(ValidationException) as excinfo:
        check_filter_excludes_keys(bound.filter, keys)
    assert excinfo.value.message == (
        f"Filter Expression can only contain non-primary key attributes: Primary key attribute: {attribute}"
    )


def test_a_query_filter_on_other_attributes_passes():
    bound = prepare_expressions(
        filter_expression="attribute_exists(x.a) AND y.b = :b", expression_attribute_values={":b": S("1")}
    )
    check_filter_excludes_keys(bound.filter, ["a", "b"])
