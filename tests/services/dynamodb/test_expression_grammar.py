"""DynamoDB expression grammar: the reserved-word list, tokens, syntax errors (with the token and
the text near it), and the expressions that parse.

Expected messages come from DynamoDB's answers as recorded by suites that run against it
(dynalite's and ScyllaDB Alternator's), from AWS's documentation examples, and from errors users
quoted from DynamoDB. Cases marked `# guessed` assert Stratus's chosen wording where DynamoDB's
could not be confirmed.
"""

from __future__ import annotations

import pytest

from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.expressions import (
    parse_condition,
    parse_projection,
    parse_update,
    prepare_expressions,
)
from stratus.services.dynamodb.expressions.lexer import tokenize
from stratus.services.dynamodb.expressions.reserved_words import RESERVED_WORDS, is_reserved

from .expression_parser_support import _PARSERS, S, condition_refusal

# -- reserved words ---------------------------------------------------------------------------------


def test_the_reserved_word_list_is_aws_full_list():
    assert len(RESERVED_WORDS) == 573
    for word in (
        "ABORT",
        "ZONE",
        "STATUS",
        "NAME",
        "DATA",
        "SIZE",
        "COUNT",
        "TTL",
        "FLATTERN",
        "INNTER",
        "LOGED",
    ):
        assert word in RESERVED_WORDS
    for word in ("PK", "SK", "ID", "EMAIL", "PRICE", "COLOR"):
        assert word not in RESERVED_WORDS


@pytest.mark.parametrize("word", sorted(RESERVED_WORDS))
def test_every_reserved_word_is_refused_bare(word):
    spelled = word.lower() if len(word) % 2 else word.capitalize()
    if spelled.upper() in ("AND", "OR", "NOT", "BETWEEN", "IN"):
        pytest.skip("a grammar keyword of conditions: a syntax error, tested below")
    assert is_reserved(spelled)
    assert condition_refusal(f"attribute_exists({spelled})") == (
        f"Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: {spelled}"
    )


@pytest.mark.parametrize(
    ("member", "expression", "word", "label"),
    [
        ("condition_expression", "status = :v", "status", "ConditionExpression"),
        ("filter_expression", ":v < abOrT", "abOrT", "FilterExpression"),
        ("update_expression", " set #c = :v set abOrt = :v ", "abOrt", "UpdateExpression"),
        ("update_expression", " remove Absolute ", "Absolute", "UpdateExpression"),
        ("projection_expression", "id, name", "name", "ProjectionExpression"),
        ("projection_expression", "a.b.Data", "Data", "ProjectionExpression"),
        ("key_condition_expression", "year = :v", "year", "KeyConditionExpression"),
        ("condition_expression", "a.#n.timestamp = :v", "timestamp", "ConditionExpression"),
    ],
)
def test_reserved_words_per_expression(member, expression, word, label):
    assert condition_refusal(expression, {"#c": "c", "#n": "n"}, {":v": S("x")}, member) == (
        f"Invalid {label}: Attribute name is a reserved keyword; reserved keyword: {word}"
    )


def test_an_alias_reaches_a_reserved_attribute():
    bound = prepare_expressions(
        condition_expression="#s = :v",
        expression_attribute_names={"#s": "status"},
        expression_attribute_values={":v": S("x")},
    )
    assert bound.condition is not None


# -- tokens ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("a.b[12]", ["a", ".", "b", "[", "12", "]", "<EOF>"]),
        ("#a=:v", ["#a", "=", ":v", "<EOF>"]),
        ("a<>b<=c>=d<e>f", ["a", "<>", "b", "<=", "c", ">=", "d", "<", "e", ">", "f", "<EOF>"]),
        ("Alpha_Numeric_123 #123 :_", ["Alpha_Numeric_123", "#123", ":_", "<EOF>"]),
        ("_abc", ["_", "abc", "<EOF>"]),
        ("123a", ["123", "a", "<EOF>"]),
        ("# : hi-there", ["#", ":", "hi", "-", "there", "<EOF>"]),
        ('"x" ü', ['"', "x", '"', "ü", "<EOF>"]),
        ("", ["<EOF>"]),
    ],
)
def test_tokens(text, tokens):
    assert [token.text for token in tokenize(text)] == tokens


# -- syntax errors --------------------------------------------------------------------------------

# (expression language, expression, token, near): "near" is the source from the token before the
# offending one through the token after it, as in DynamoDB's answers quoted in issues
# ("ADD hits : incr" -> token ":", near "hits : incr"; "INVALID SYNTAX HERE" -> near
# "INVALID SYNTAX"; a KeyConditionExpression ending early -> token "<EOF>", near ":type").
SYNTAX_ERRORS = [
    ("update", "ADD hits : incr", ":", "hits : incr"),
    ("update", "INVALID SYNTAX HERE", "INVALID", "INVALID SYNTAX"),
    ("update", "SET _123 = :val1", "_", "SET _123"),
    ("update", "SET #assets, #x = :v", ",", "#assets, #x"),
    ("update", "whatever", "whatever", "whatever"),
    ("update", "set a", "<EOF>", "a"),
    ("update", "add a", "<EOF>", "a"),
    ("update", "delete a", "<EOF>", "a"),
    ("update", "set a=set", "set", "=set"),
    ("update", "remove a = b", "=", "a = b"),
    ("update", "add a = b", "=", "a = b"),
    ("update", "delete a = b", "=", "a = b"),
    ("update", "delete a b", "b", "a b"),
    ("update", "delete a if_not_exist(b)", "if_not_exist", "a if_not_exist("),
    ("update", "add abort b", "b", "abort b"),
    ("update", "remove a b", "b", "a b"),
    ("update", "set a b", "b", "a b"),
    ("update", "set :a = b", ":a", "set :a ="),
    ("update", "add :a b", ":a", "add :a b"),
    ("update", "remove :a", ":a", "remove :a"),
    ("update", "set a = b / c", "/", "b / c"),
    ("update", "set a = b * c", "*", "b * c"),
    ("update", 'set a[1] = "eight"', '"', '= "eight'),
    ("update", "set a[1] = 1", "1", "= 1"),
    ("update", "SET a = if_not_exist(a, 100)", "100", ", 100)"),
    ("update", "SET if_not_exist(a, b) = a", "(", "if_not_exist(a"),
    ("update", "set (a = (b + c))", "(", "set (a"),
    ("update", "set a = (b.c).d + e", ".", ").d"),
    ("update", "set a = (b.c)[0] + e", "[", ")[0"),
    ("update", "set a = b + c + d", "+", "c + d"),
    ("update", "SET c = if_not_exists(c, :val1+:val2)", "+", ":val1+:val2"),
    ("update", "SET a[:xyz] = :val1", ":xyz", "[:xyz]"),
    ("update", "SET a[#xyz] = :val1", "#xyz", "[#xyz]"),
    ("update", "SET a = :", ":", "= :"),
    ("update", "SET # = :v", "#", "SET # ="),
    ("update", "SET hi-there = :v", "-", "hi-there"),
    ("update", "SET a = :v,", "<EOF>", ","),
    ("update", "SET a = _f(b,c,d)", "_", "= _f"),
    ("update", "HELLO b = :val1", "HELLO", "HELLO b"),
    ("update", "SET a = list_append()", ")", "()"),
    ("condition", "things are not gonna be ok", "are", "things are not"),
    ("condition", "a > 4", "4", "> 4"),
    ("condition", "a", "<EOF>", "a"),
    ("condition", "a AND b = c", "AND", "a AND b"),
    ("condition", "a = b AND c", "<EOF>", "c"),
    ("condition", "a = b = c", "=", "b = c"),
    ("condition", "attribute_exists(Pictures-RearView)", "-", "Pictures-RearView"),
    ("condition", 'attribute_exists("Pictures.RearView")', '"', '("Pictures'),
    ("condition", "attribute_exists(Pictures..RearView)", ".", "..RearView"),
    ("condition", "attribute_exists(Pi#ctures.RearView)", "#ctures", "Pi#ctures."),
    ("condition", "attribute_exists(asdf[a])", "a", "[a]"),
    ("condition", "a in b, c", "b", "in b,"),
    ("condition", "a > between", "between", "> between"),
    ("condition", "a in b", "b", "in b"),
    ("condition", "a in (b,c,)", ")", ",)"),
    ("condition", "a IN ()", ")", "()"),
    ("condition", "(a)between(b.(c.d))and(c)", "(", ".(c"),
    ("condition", "(a)between(b.c.d)and((c)", "<EOF>", ")"),
    ("condition", "#$.b > a", "#", "#$"),
    ("condition", "a > :things.stuff", ".", ":things.stuff"),
    ("condition", "b[:a] > a", ":a", "[:a]"),
    ("condition", "b[#_] > a", "#_", "[#_]"),
    ("condition", "ü > a", "ü", "ü >"),
    ("condition", "(a)between(b.c[4.5].#d)and(:a)", ".", "4.5"),
    ("condition", "size(a).b > a", ".", ").b"),
    ("condition", "(size(a)).b > a", ".", ").b"),
    ("condition", "size(a)[0] > a", "[", ")[0"),
    ("condition", "(size(a))[0] > a", "[", ")[0"),
    ("condition", "(a = b) = c", "=", ") = c"),
    ("condition", "NOT a", "<EOF>", "a"),
    ("condition", "a = :v OR", "<EOF>", "OR"),
    ("condition", "a BETWEEN :a", "<EOF>", ":a"),
    ("condition", "a BETWEEN :a OR :b", "OR", ":a OR :b"),
    ("key", ":a = pk AND begins_with(sk, :type", "<EOF>", ":type"),
    ("projection", "a,", "<EOF>", ","),
    ("projection", ",a", ",", ",a"),
    ("projection", "a,,b", ",", ",,b"),
    ("projection", "a b", "b", "a b"),
    ("projection", "size(a)", "(", "size(a"),
    ("projection", "a[-1]", "-", "[-1"),
]


@pytest.mark.parametrize(("language", "expression", "token", "near"), SYNTAX_ERRORS)
def test_syntax_errors(language, expression, token, near):
    parse, label = _PARSERS[language]
    with pytest.raises(ValidationException) as excinfo:
        parse(expression)
    assert excinfo.value.message == f'Invalid {label}: Syntax error; token: "{token}", near: "{near}"'


def test_deep_nesting_is_a_syntax_error_not_a_crash():
    with pytest.raises(ValidationException, match="Syntax error"):
        parse_condition("(" * 300 + "a = b" + ")" * 300)
    with pytest.raises(ValidationException, match="Syntax error"):
        parse_condition("NOT " * 600 + "a = b")
    with pytest.raises(ValidationException, match="Syntax error"):
        parse_update("SET a = " + "f(" * 150 + ":v" + ")" * 150)


# -- what parses ----------------------------------------------------------------------------------

# Examples from AWS's developer guide (Condition expressions, Comparison operator and function
# reference, Update expressions, Projection expressions, Key condition expressions) and from the
# measured suites.
VALID_CONDITIONS = [
    "attribute_not_exists(Price)",
    "attribute_exists(ProductReviews.OneStar)",
    "attribute_exists (#Pictures.#SideView)",
    "attribute_not_exists (Manufacturer)",
    "attribute_type (ProductReviews.FiveStar, :v_sub)",
    "begins_with (Pictures.FrontView, :v_sub)",
    "contains (Brand, :v_sub)",
    "contains (Color, :v_sub)",
    "size (Brand) <= :v_sub",
    "size (VideoClip) > :v_sub",
    "size (Color) < :v_sub",
    "size(ProductReviews.OneStar) > :v_sub",
    "Price <= :p",
    "ProductCategory IN (:cat1, :cat2) and Price between :lo and :hi",
    "(ProductCategory IN (:cat1, :cat2)) and (Price between :lo and :hi)",
    "#pr.#5star[0] > :v",
    "a < b AND b < c",
    "a < b aNd b < c",
    "a < b oR b < c",
    "NOT NOT NOT NOT a < b",
    "nOt b < a",
    "(a < b OR b < a) AND (b < c AND (a < b OR b < c))",
    "a BETWEEN x AND y",
    "a between x and y",
    "(a)between(b)and(c)",
    "(a).b = :v",
    "(a.b)[2].c = :v",
    "a IN (b)",
    "begins_with(:str, a)",
    "attribute_type (:val, :type)",
    "size(a)=f",
    "b.x < b.y[1]",
    "#name1.#name2 = :two",
    "ok > (b)",
    "Alpha_Numeric_123 = :v",
    "A123_ = :v",
    "a <> b",
]


@pytest.mark.parametrize("expression", VALID_CONDITIONS)
def test_valid_conditions_parse(expression):
    assert parse_condition(expression).root is not None


VALID_UPDATES = [
    "SET ProductCategory = :c, Price = :p",
    "SET RelatedItems[1] = :ri",
    "SET #pr.#5star[1] = :r5, #pr.#3star = :r3",
    "SET Price = Price - :p",
    "SET Price = Price + :p",
    "SET #ri = list_append(#ri, :vals)",
    "SET #ri = list_append(:vals, #ri)",
    "SET Price = if_not_exists(Price, :p)",
    "REMOVE Brand, InStock, QuantityOnHand",
    "REMOVE RelatedItems[1], RelatedItems[2]",
    "ADD QuantityOnHand :q",
    "ADD Color :c",
    "DELETE Color :p",
    "SET a = :val1 REMOVE b ADD c :val2 DELETE d :val3",
    "REMOVE a SET b = :val2",
    "sEt b = :val1",
    "  set   b=:val1  ",
    "set a = (b + c)",
    "set a = ((b.c.d)+(e))",
    "SET a = (b) + c",
    "SET a = if_not_exists(a, b) + b",
    "SET b = if_not_exists(b, :val1)+:val2",
    "SET a = list_append(if_not_exists(a, :empty), :vals)",
    "SET #nn = :seven - #n",
    "set b.c=((c[1])+(b.a)),b.a = a,c[1] = a, c[4] = b.a - b.b, c[2] = b.c add c[8] :b, c[6] :a",
    "SET a.c[1].#name.y[1] = :val1",
    "ADD #e :e,#d :d DELETE #c :c REMOVE #b SET #f = :f",
]


@pytest.mark.parametrize("expression", VALID_UPDATES)
def test_valid_updates_parse(expression):
    assert parse_update(expression).actions


@pytest.mark.parametrize(
    "expression",
    [
        "Description, RelatedItems[0], ProductReviews.FiveStar",
        " a  ,   b  ",
        "#n1.#n2",
        "a.b[2].y",
        "a[1][2][3]",
    ],
)
def test_valid_projections_parse(expression):
    assert parse_projection(expression).paths


def test_parses_are_cached_and_shared():
    assert parse_condition("a = :v") is parse_condition("a = :v")
    assert parse_update("SET a = :v") is parse_update("SET a = :v")
    assert parse_projection("a, b") is parse_projection("a, b")


def test_precedence_not_and_or():
    root = parse_condition("NOT a = :v AND b = :v OR c = :v").root
    assert type(root).__name__ == "Or"
    assert type(root.left).__name__ == "And"
    assert type(root.left.left).__name__ == "Not"
