"""DynamoDB condition and filter expressions checked with their placeholders bound: the error each
leaf (comparison or function) can give, and the conditions DynamoDB accepts.

Expected messages come from DynamoDB's answers as recorded by suites that run against it
(dynalite's and ScyllaDB Alternator's), from AWS's documentation examples, and from errors users
quoted from DynamoDB. Cases marked `# guessed` assert Stratus's chosen wording where DynamoDB's
could not be confirmed.
"""

from __future__ import annotations

import pytest

from stratus.services.dynamodb.expressions import prepare_expressions

from .expression_parser_support import N, S, condition_refusal

# -- per-leaf condition errors --------------------------------------------------------------------

FILTER_LEAF_ERRORS = [
    # (expression, values, message); names: {"#a": "a"} where used
    (
        "attribute_exists(#Pictures.RearView, :a) and a=a",
        None,
        "An expression attribute name used in the document path is not defined; attribute name: #Pictures",
    ),
    (
        "begins_with(Pictures.#RearView)",
        None,
        "An expression attribute name used in the document path is not defined; attribute name: #RearView",
    ),
    (
        "(#P between :lo and :hi) and (#PC in (:cat1, :cat2))",
        None,
        "An expression attribute name used in the document path is not defined; attribute name: #P",
    ),
    (
        "#4g > a",
        None,
        "An expression attribute name used in the document path is not defined; attribute name: #4g",
    ),
    (
        "#_ > a",
        None,
        "An expression attribute name used in the document path is not defined; attribute name: #_",
    ),
    (
        "(a)between(b.c[45].#d)and(:a)",
        None,
        "An expression attribute name used in the document path is not defined; attribute name: #d",
    ),
    (
        "begins_with(:hello, #a, #b)",
        None,
        "An expression attribute value used in expression is not defined; attribute value: :hello",
    ),
    (":a < :b", None, "An expression attribute value used in expression is not defined; attribute value: :a"),
    (":_ > a", None, "An expression attribute value used in expression is not defined; attribute value: :_"),
    (
        "attribute_exists(things, a) and a=a",
        None,
        "Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2",
    ),
    (
        "attribute_not_exists(things, b)",
        None,
        "Incorrect number of operands for operator or function; operator or function: attribute_not_exists, number of operands: 2",
    ),
    (
        "attribute_type(things)",
        None,
        "Incorrect number of operands for operator or function; operator or function: attribute_type, number of operands: 1",
    ),
    (
        "begins_with(things)",
        None,
        "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1",
    ),
    (
        "begins_with(things, size(a), b)",
        None,
        "Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 3",
    ),
    (
        "contains(things)",
        None,
        "Incorrect number of operands for operator or function; operator or function: contains, number of operands: 1",
    ),
    (
        "size(things, a) > b",
        None,
        "Incorrect number of operands for operator or function; operator or function: size, number of operands: 2",
    ),
    (
        "a = a AND #a = b AND :views > a",
        None,
        "The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]",
    ),
    (
        "#a <> a",
        None,
        "The first operand must be distinct from the remaining operands for this operator or function; operator: <>, first operand: [a]",
    ),
    (
        "a > #a",
        None,
        "The first operand must be distinct from the remaining operands for this operator or function; operator: >, first operand: [a]",
    ),
    (
        "((a=a) OR (a=a))",
        None,
        "The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]",
    ),
    (
        "contains(ab.bc[1].a, ab.bc[1].#a)",
        None,
        "The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [ab, bc, [1], a]",
    ),
    (
        "attribute_type(ab.bc[1].#a, ab.bc[1].a)",
        None,
        "The first operand must be distinct from the remaining operands for this operator or function; operator: attribute_type, first operand: [ab, bc, [1], a]",
    ),
    (
        "begins_with(ab.bc[1].a, ab.bc[1].#a)",
        None,
        "The first operand must be distinct from the remaining operands for this operator or function; operator: begins_with, first operand: [ab, bc, [1], a]",
    ),
    (
        "a IN (b, #a)",
        None,
        "The first operand must be distinct from the remaining operands for this operator or function; operator: IN, first operand: [a]",
    ),  # guessed
    (
        "a BETWEEN #a AND b",
        None,
        "The first operand must be distinct from the remaining operands for this operator or function; operator: BETWEEN, first operand: [a]",
    ),  # guessed
    (
        "attribute_type(a, size(a)) and a=a and a=:a",
        {":a": N("1")},
        "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N",
    ),
    (
        "attribute_type(a, b)",
        None,
        "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}",
    ),
    (
        "attribute_type(a, :a)",
        {":a": S("1")},
        "Invalid attribute type name found; type: 1, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
    ),
    (
        "attribute_type (a, :type)",
        {":type": S("DOG")},
        "Invalid attribute type name found; type: DOG, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
    ),
    (
        "begins_with(a, size(a)) and a=:a",
        {":a": N("1")},
        "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N",
    ),
    (
        "size(size(a)) > :a",
        {":a": N("1")},
        "Incorrect operand type for operator or function; operator or function: size, operand type: N",
    ),
    (
        "attribute_not_exists(size(:a))",
        {":a": N("1")},
        "Incorrect operand type for operator or function; operator or function: size, operand type: N",
    ),
    (
        "size(:a) > a",
        {":a": {"BOOL": True}},
        "Incorrect operand type for operator or function; operator or function: size, operand type: BOOL",
    ),
    (
        "size(:a) > a",
        {":a": {"NULL": True}},
        "Incorrect operand type for operator or function; operator or function: size, operand type: NULL",
    ),
    (
        "attribute_exists(:a) and a=a",
        {":a": S("1")},
        "Operator or function requires a document path; operator or function: attribute_exists",
    ),
    (
        "attribute_not_exists(size(:a))",
        {":a": S("1")},
        "Operator or function requires a document path; operator or function: attribute_not_exists",
    ),
    (
        "n <= :v",
        {":v": {"BOOL": True}},
        "Incorrect operand type for operator or function; operator or function: <=, operand type: BOOL",
    ),
    (
        "a < :v",
        {":v": {"L": [N("1"), N("2")]}},
        "Incorrect operand type for operator or function; operator or function: <, operand type: L",
    ),
    (
        ":v >= a",
        {":v": {"M": {}}},
        "Incorrect operand type for operator or function; operator or function: >=, operand type: M",
    ),
    (
        "a > :v",
        {":v": {"SS": ["x"]}},
        "Incorrect operand type for operator or function; operator or function: >, operand type: SS",
    ),
    (
        "a BETWEEN :a AND :b",
        {":a": {"L": []}, ":b": {"L": []}},
        "Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: L",
    ),  # guessed
    (
        "a BETWEEN :a AND :b",
        {":a": N("2"), ":b": N("1")},
        "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}",
    ),
    (
        "a BETWEEN :a AND :b",
        {":a": N("2"), ":b": S("dog")},
        "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {S:dog}",
    ),
    (
        "a BETWEEN :a AND :b",
        {":a": S("b"), ":b": S("a")},
        "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}",
    ),
    (
        "a BETWEEN :a AND :b",
        {":a": N("10"), ":b": N("9.5")},
        "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:10}, upper bound operand: AttributeValue: {N:9.5}",
    ),
    # the first leaf with an error wins, left to right
    (
        "attribute_exists(a, b) AND c = #undefined",
        None,
        "Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2",
    ),
    (
        "c = #undefined AND attribute_exists(a, b)",
        None,
        "An expression attribute name used in the document path is not defined; attribute name: #undefined",
    ),
    # within a leaf: undefined placeholder before operand count before distinct before types
    (
        "begins_with(a, a, :undefined)",
        None,
        "An expression attribute value used in expression is not defined; attribute value: :undefined",
    ),
    (
        "contains(a, a)",
        None,
        "The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [a]",
    ),
]


@pytest.mark.parametrize(("expression", "values", "message"), FILTER_LEAF_ERRORS)
def test_condition_errors_found_with_the_placeholders(expression, values, message):
    names = {"#a": "a"} if "#a" in expression else None
    assert (
        condition_refusal(expression, names, values, "filter_expression")
        == f"Invalid FilterExpression: {message}"
    )


@pytest.mark.parametrize(
    ("expression", "values"),
    [
        (":a > :a", {":a": N("1")}),  # two values may be the same
        ("a BETWEEN :a AND :a", {":a": S("x")}),
        ("a BETWEEN b AND :a", {":a": N("1")}),  # a path bound is only compared at evaluation
        ("a < :v", {":v": {"B": b"x"}}),
        ("size(:v) > a", {":v": S("abc")}),
        ("a IN (:a, :b)", {":a": S("dog"), ":b": N("174")}),
        ("a = :v", {":v": {"L": [S("x")]}}),
        ("a <> :v", {":v": {"NULL": True}}),
        ("contains(a, :v)", {":v": {"SS": ["x"]}}),
        ("begins_with(a, :v)", {":v": {"B": b"\x00"}}),
    ],
)
def test_conditions_dynamodb_accepts(expression, values):
    assert prepare_expressions(filter_expression=expression, expression_attribute_values=values).filter
