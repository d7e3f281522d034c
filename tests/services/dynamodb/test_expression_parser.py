"""Parsing and validating DynamoDB expressions: syntax, reserved words, placeholders, and the
errors AWS reports before any item is read.

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


def S(text):
    return {"S": text}


def N(text):
    return {"N": text}


def refusal(**request) -> str:
    """The ValidationException message prepare_expressions gives for a request."""
    with pytest.raises(ValidationException) as excinfo:
        prepare_expressions(**request)
    return excinfo.value.message


def condition_refusal(expression, names=None, values=None, member="condition_expression") -> str:
    return refusal(
        **{member: expression}, expression_attribute_names=names, expression_attribute_values=values
    )


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

_PARSERS = {
    "update": (parse_update, "UpdateExpression"),
    "condition": (lambda text: parse_condition(text, "FilterExpression"), "FilterExpression"),
    "key": (lambda text: parse_condition(text, "KeyConditionExpression"), "KeyConditionExpression"),
    "projection": (parse_projection, "ProjectionExpression"),
}


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


# -- errors the text alone shows ------------------------------------------------------------------

TEXT_ERRORS = [
    # (language, expression, message)
    ("condition", "a=a and a > ((views))", "The expression has redundant parentheses;"),
    ("condition", "(a)between(((b.c)).d)and(c)", "The expression has redundant parentheses;"),
    ("condition", "a > whatever((:things), ((a)))", "The expression has redundant parentheses;"),
    ("condition", "a=a AND ((a=a AND a=a)) AND a=a", "The expression has redundant parentheses;"),
    ("condition", "a=a OR ((a=a OR a=a)) OR a=a", "The expression has redundant parentheses;"),
    ("condition", "a=a AND ((a=a AND (a=a AND a=a)))", "The expression has redundant parentheses;"),
    ("condition", "((attribute_not_exists(pk)))", "The expression has redundant parentheses;"),
    ("key", "((pk = :v))", "The expression has redundant parentheses;"),
    ("condition", "a=a and whatever((:things)) > a", "Invalid function name; function: whatever"),
    ("condition", "attRIbute_exIsts((views), #a)", "Invalid function name; function: attRIbute_exIsts"),
    ("condition", "dog(a)=:arg", "Invalid function name; function: dog"),
    ("condition", "SIZE(a) > :v", "Invalid function name; function: SIZE"),
    ("update", "SET a = f(b,c,d)", "Invalid function name; function: f"),
    ("update", "SET a = f123_hi(b,c,d)", "Invalid function name; function: f123_hi"),
    ("update", "SET a = LIST_APPEND(:val1, :val2)", "Invalid function name; function: LIST_APPEND"),
    ("update", "set #c = if_not_exist(:c) set c = d", "Invalid function name; function: if_not_exist"),
    (
        "condition",
        "a=a and attribute_exists((views), (#a)) > b",
        "The function is not allowed to be used this way in an expression; function: attribute_exists",
    ),
    (
        "condition",
        "attribute_not_exists(things) > b",
        "The function is not allowed to be used this way in an expression; function: attribute_not_exists",
    ),
    (
        "condition",
        "attribute_type(things, :a) > b",
        "The function is not allowed to be used this way in an expression; function: attribute_type",
    ),
    (
        "condition",
        "begins_with(things, a) > b",
        "The function is not allowed to be used this way in an expression; function: begins_with",
    ),
    (
        "condition",
        "contains(:things, c) > b",
        "The function is not allowed to be used this way in an expression; function: contains",
    ),
    (
        "condition",
        "size(contains(a, b)) > a",
        "The function is not allowed to be used this way in an expression; function: contains",
    ),
    (
        "condition",
        "size(things)",
        "The function is not allowed to be used this way in an expression; function: size",
    ),
    (
        "condition",
        "a between b and attribute_exists(things)",
        "The function is not allowed to be used this way in an expression; function: attribute_exists",
    ),
    (
        "condition",
        "a in (b, attribute_exists(things))",
        "The function is not allowed to be used this way in an expression; function: attribute_exists",
    ),
    (
        "condition",
        "if_not_exists(a, a)=:arg",
        "The function is not allowed to be used this way in an expression; function: if_not_exists",
    ),
    (
        "condition",
        "list_append(a, a)=:arg",
        "The function is not allowed to be used this way in an expression; function: list_append",
    ),
    (
        "update",
        "SET a = list_append(list_append(:val1, :val2), :val3)",
        "The function is not allowed to be used this way in an expression; function: list_append",
    ),
    (
        "update",
        "SET a = if_not_exists(b, if_not_exists(c, :val1))",  # guessed
        "The function is not allowed to be used this way in an expression; function: if_not_exists",
    ),
    (
        "update",
        "SET a = size(b)",  # guessed
        "The function is not allowed to be used this way in an expression; function: size",
    ),
    (
        "condition",
        "attribute_exists(views, #a)",
        "Attribute name is a reserved keyword; reserved keyword: views",
    ),
    ("update", "set a = #c set c = :d", 'The "SET" section can only be used once in an update expression;'),
    (
        "update",
        "remove #d set a = b remove e",
        'The "REMOVE" section can only be used once in an update expression;',
    ),
    (
        "update",
        "add #d :e set a = b add e :f",
        'The "ADD" section can only be used once in an update expression;',
    ),
    (
        "update",
        "delete #d :e set a = b delete #e :f",
        'The "DELETE" section can only be used once in an update expression;',
    ),
    (
        "update",
        "SET a = :v1 REMOVE a SET b = :v2",
        'The "SET" section can only be used once in an update expression;',
    ),
    # precedence among them (DynamoDB's order): parentheses, function name, misuse, reserved word
    ("condition", "status = :v AND ((a = b))", "The expression has redundant parentheses;"),
    ("condition", "status = :v AND dog(a) = :v", "Invalid function name; function: dog"),
    (
        "condition",
        "status = :v AND size(a)",
        "The function is not allowed to be used this way in an expression; function: size",
    ),
    (
        "update",
        "SET status = f(a) SET b = :v",
        "Attribute name is a reserved keyword; reserved keyword: status",
    ),
    ("update", "SET a = f(a) SET b = :v", "Invalid function name; function: f"),
]


@pytest.mark.parametrize(("language", "expression", "message"), TEXT_ERRORS)
def test_errors_the_text_alone_shows(language, expression, message):
    parse, label = _PARSERS[language]
    with pytest.raises(ValidationException) as excinfo:
        parse(expression)
    assert excinfo.value.message == f"Invalid {label}: {message}"


@pytest.mark.parametrize(
    ("member", "label"),
    [
        ("update_expression", "UpdateExpression"),
        ("condition_expression", "ConditionExpression"),
        ("key_condition_expression", "KeyConditionExpression"),
        ("filter_expression", "FilterExpression"),
        ("projection_expression", "ProjectionExpression"),
    ],
)
def test_empty_and_oversized_expressions(member, label):
    assert refusal(**{member: ""}) == f"Invalid {label}: The expression can not be empty;"
    too_long = "a" * 4097
    assert refusal(**{member: too_long}) == (
        f"Invalid {label}: Expression size has exceeded the maximum allowed size; expression size: 4097"
    )


def test_expression_size_counts_utf8_bytes():
    # 2049 characters but 4098 bytes: refused for its size, before any syntax error
    assert refusal(condition_expression="é" * 2049) == (
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4098"
    )
    padded = "a = :v" + " " * (4096 - 6)  # exactly 4096 bytes: accepted
    assert prepare_expressions(
        condition_expression=padded, expression_attribute_values={":v": S("x")}
    ).condition


def test_in_accepts_99_values_and_refuses_more():
    values = {f":v{i}": N(str(i)) for i in range(100)}
    ninety_nine = ", ".join(list(values)[:99])
    prepare_expressions(
        condition_expression=f"a IN ({ninety_nine})",
        expression_attribute_values={key: values[key] for key in list(values)[:99]},
    )
    # guessed: DynamoDB's wording for PartiQL's IN, and the count including the subject
    assert condition_refusal(f"a IN ({', '.join(values)})", values=values) == (
        "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101"
    )


# -- placeholders ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_members", "message"),
    [
        (
            {
                "condition_expression": "a = :v",
                "expression_attribute_names": {},
                "expression_attribute_values": {},
            },
            "ExpressionAttributeNames must not be empty",
        ),
        (
            {"condition_expression": "a = :v", "expression_attribute_names": {"a": "a"}},
            'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"',
        ),
        (
            {"condition_expression": "a = :v", "expression_attribute_names": {"#sryLiyD8D-": "x"}},
            'ExpressionAttributeNames contains invalid key: Syntax error; key: "#sryLiyD8D-"',
        ),
        (
            {"condition_expression": "a = :v", "expression_attribute_names": {"#": "x"}},
            'ExpressionAttributeNames contains invalid key: Syntax error; key: "#"',
        ),
        (
            {"condition_expression": "a = :v", "expression_attribute_values": {}},
            "ExpressionAttributeValues must not be empty",
        ),
        (
            {"condition_expression": "a = :v", "expression_attribute_values": {":b": S("a"), "b": S("a")}},
            'ExpressionAttributeValues contains invalid key: Syntax error; key: "b"',
        ),
        (
            {"condition_expression": "", "expression_attribute_names": {"a": "a"}},
            'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"',
        ),
        (
            {
                "update_expression": "remove a set b = list_append(b, if_not_exists(a, :a))",
                "condition_expression": "a = :b",
                "expression_attribute_values": {":a": S("a"), ":b": S("a")},
                "expression_attribute_names": {"#a": "a", "#b": "b"},
            },
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}",
        ),
        (
            {
                "update_expression": "remove a",
                "condition_expression": "a = :b",
                "expression_attribute_values": {":a": S("a"), ":b": S("a"), ":c": S("a")},
            },
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:a, :c}",
        ),
        (
            {
                "update_expression": "SET #a = :val1",
                "expression_attribute_names": {"#a": "hello", "#b": "hi"},
                "expression_attribute_values": {":val1": N("3"), ":val2": N("4")},
            },
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}",
        ),
        (
            {"projection_expression": "#name", "expression_attribute_names": {"#name": "a", "#unused": "b"}},
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}",
        ),
        (
            {
                "update_expression": "SET #one = #two",
                "expression_attribute_names": {"#one": "c", "#two": "a", "#three": "z"},
            },
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#three}",
        ),
        (
            {
                "update_expression": "SET #c = if_not_exists(:c)",
                "expression_attribute_names": {"#a": "a", "#b": "b"},
            },
            "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; "
            "attribute name: #c",
        ),
        (
            {"update_expression": "SET #a = if_not_exists(:c)", "expression_attribute_names": {"#a": "a"}},
            "Invalid UpdateExpression: An expression attribute value used in expression is not defined; "
            "attribute value: :c",
        ),
        (
            {
                "update_expression": "SET #subscriptionStatus = :v",
                "expression_attribute_values": {":v": S("x")},
            },
            "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; "
            "attribute name: #subscriptionStatus",
        ),
        (
            {"update_expression": "SET a = :v"},
            "Invalid UpdateExpression: An expression attribute value used in expression is not defined; "
            "attribute value: :v",
        ),
        (
            {"projection_expression": "a.#n2", "expression_attribute_names": {"#wrong": "b"}},
            "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; "
            "attribute name: #n2",
        ),
    ],
)
def test_placeholder_errors(request_members, message):
    assert refusal(**request_members) == message


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        (
            {"M": {"a": {}}},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
        (
            {"L": [{}]},
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        ),
        (
            {"NULL": False},
            "One or more parameter values were invalid: Null attribute value types must have the value of true",
        ),
        ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
        ({"NS": []}, "One or more parameter values were invalid: An number set  may not be empty"),
        ({"BS": []}, "One or more parameter values were invalid: Binary sets should not be empty"),
        (
            {"SS": ["a", "a"]},
            "One or more parameter values were invalid: Input collection [a, a] contains duplicates.",
        ),
        ({"S": "a", "N": ""}, "The parameter cannot be converted to a numeric value"),
        ({"S": "a", "N": "b"}, "The parameter cannot be converted to a numeric value: b"),
        ({"NS": ["1", "b"]}, "The parameter cannot be converted to a numeric value: b"),
        ({"NS": ["1", "1"]}, "Input collection contains duplicates"),
        (
            {"S": "a", "N": "1"},
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
        ),
    ],
)
def test_invalid_expression_attribute_values(value, reason):
    assert refusal(update_expression="SET a = :b", expression_attribute_values={":b": value}) == (
        f"ExpressionAttributeValues contains invalid value: {reason} for key :b"
    )


def test_keys_are_checked_before_values_and_values_before_expressions():
    assert (
        refusal(update_expression="SET a = :b", expression_attribute_values={":b": {"a": ""}, "b": S("a")})
        == 'ExpressionAttributeValues contains invalid key: Syntax error; key: "b"'
    )
    assert refusal(update_expression="", expression_attribute_values={":b": {}}) == (
        "ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, "
        "must contain exactly one of the supported datatypes for key :b"
    )


def test_values_are_bound_in_canonical_form():
    bound = prepare_expressions(
        condition_expression="a = :v", expression_attribute_values={":v": {"N": "010.50"}}
    )
    assert bound.condition.root.right.value == {"N": "10.5"}


def test_names_and_values_are_used_across_all_expressions():
    bound = prepare_expressions(
        key_condition_expression="#name1 = :val1",
        projection_expression="#name2",
        expression_attribute_names={"#name1": "p", "#name2": "a"},
        expression_attribute_values={":val1": S("x")},
    )
    assert bound.key_terms[0].attribute == "p"
    assert bound.projection.paths == (("a",),)


def test_update_errors_name_before_value_before_overlap():
    # DynamoDB's order for UpdateExpression: undefined name, undefined value, overlap, conflict,
    # ADD/DELETE operand type, then function errors.
    assert refusal(update_expression="SET a = :v, a = #x") == (
        "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; "
        "attribute name: #x"
    )
    assert refusal(update_expression="SET a = :v, a = b", expression_attribute_values={":w": S("x")}) == (
        "Invalid UpdateExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :v"
    )


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


# -- UpdateExpression checks needing the placeholders ---------------------------------------------

UPDATE_BINDING_ERRORS = [
    (
        "set d[1] = a, d.b = a, c[1].a = a, #c = if_not_exists(a)",
        {"#c": "c", "#d": "[3]"},
        None,
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [c, [1], a], path two: [c]",
    ),
    (
        "set #c[3].#d = a, #c[3] = a",
        {"#c": "c", "#d": "[3]"},
        None,
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [c, [3], [3]], path two: [c, [3]]",
    ),
    (
        "set #c[3].#d = a, #c.#d[3] = if_not_exists(a)",
        {"#c": "c", "#d": "[3]"},
        None,
        "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [c, [3], [3]], path two: [c, [3], [3]]",
    ),
    (
        "remove a.#c set a[1] = #d",
        {"#c": "c", "#d": "[3]"},
        None,
        "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, c], path two: [a, [1]]",
    ),
    (
        "SET a = :v REMOVE a",
        None,
        {":v": S("hi")},
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]",
    ),
    (
        "SET f = :v1, f = :v2",
        None,
        {":v1": S("x"), ":v2": S("y")},
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [f], path two: [f]",
    ),
    (
        "SET #a1 = :v1, #a2 = :v2",
        {"#a1": "a", "#a2": "a"},
        {":v1": S("x"), ":v2": S("y")},
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]",
    ),
    (
        "SET profile.#n = :v REMOVE profile",
        {"#n": "name"},
        {":v": S("x")},
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [profile, name], path two: [profile]",
    ),
    (
        "SET a = :v, a.b = :w",
        None,
        {":v": S("x"), ":w": S("y")},
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]",
    ),
    (
        "SET a[1][1] = :v, a[1] = :w",
        None,
        {":v": S("x"), ":w": S("y")},
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, [1], [1]], path two: [a, [1]]",
    ),
    (
        "SET a.b.c = :v, a.b[2] = :w",
        None,
        {":v": S("x"), ":w": S("y")},
        "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b, c], path two: [a, b, [2]]",
    ),
    (
        "ADD a :v DELETE a :w",
        None,
        {":v": {"SS": ["x"]}, ":w": {"SS": ["y"]}},
        "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]",
    ),
    (
        "set b = list_append(:a, a), c = if_not_exists(a) add a.b :a",
        None,
        {":a": S("a")},
        "Incorrect operand type for operator or function; operator: ADD, operand type: STRING",
    ),
    (
        "delete a.b :a",
        None,
        {":a": S("a")},
        "Incorrect operand type for operator or function; operator: DELETE, operand type: STRING",
    ),
    (
        "add a.b :a",
        None,
        {":a": {"NULL": True}},
        "Incorrect operand type for operator or function; operator: ADD, operand type: NULL",
    ),
    (
        "delete a.b :a",
        None,
        {":a": {"NULL": True}},
        "Incorrect operand type for operator or function; operator: DELETE, operand type: NULL",
    ),
    (
        "add a.b :a",
        None,
        {":a": {"BOOL": False}},
        "Incorrect operand type for operator or function; operator: ADD, operand type: BOOLEAN",
    ),
    (
        "delete a.b :a",
        None,
        {":a": {"BOOL": False}},
        "Incorrect operand type for operator or function; operator: DELETE, operand type: BOOLEAN",
    ),
    (
        "add a.b :a",
        None,
        {":a": {"B": b"a"}},
        "Incorrect operand type for operator or function; operator: ADD, operand type: BINARY",
    ),
    (
        "delete a.b :a",
        None,
        {":a": {"B": b"a"}},
        "Incorrect operand type for operator or function; operator: DELETE, operand type: BINARY",
    ),
    (
        "add a.b :a",
        None,
        {":a": {"M": {"a": {"L": [N("1")]}}}},
        "Incorrect operand type for operator or function; operator: ADD, operand type: MAP",
    ),
    (
        "delete a.b :a",
        None,
        {":a": {"M": {}}},
        "Incorrect operand type for operator or function; operator: DELETE, operand type: MAP",
    ),
    (
        "add a.b :a",
        None,
        {":a": {"L": [N("1")]}},
        "Incorrect operand type for operator or function; operator: ADD, operand type: LIST",
    ),
    (
        "delete a.b :a",
        None,
        {":a": {"L": [N("1")]}},
        "Incorrect operand type for operator or function; operator: DELETE, operand type: LIST",
    ),
    (
        "delete a.b :a",
        None,
        {":a": N("1")},
        "Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER",
    ),
    (
        "set a = if_not_exists(c)",
        None,
        None,
        "Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1",
    ),
    (
        "set a = list_append(c)",
        None,
        None,
        "Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1",
    ),
    (
        "SET a = list_append(:val1, :val2, :val3)",
        None,
        {":val1": {"L": []}, ":val2": {"L": []}, ":val3": {"L": []}},
        "Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 3",
    ),
    (
        "set a = if_not_exists(:a, c)",
        None,
        {":a": S("a")},
        "Operator or function requires a document path; operator or function: if_not_exists",
    ),
    (
        "set a = if_not_exists(list_append(a, b), c)",
        None,
        None,
        "Operator or function requires a document path; operator or function: if_not_exists",
    ),
]

_TYPED_VALUES = {
    ":a": S("a"),
    ":b": N("1"),
    ":c": {"B": b"a"},
    ":d": {"BOOL": False},
    ":e": {"NULL": True},
    ":f": {"SS": ["a"]},
    ":g": {"NS": ["1"]},
    ":h": {"BS": [b"a"]},
    ":i": {"M": {}},
    ":j": {"L": []},
}

# The function-operand cases of dynalite's suite, each with its own value map.
for _expression, _function, _type in [
    ("set a = list_append(:a, a)", "list_append", "S"),
    ("set a = list_append(a, :b)", "list_append", "N"),
    ("set a = list_append(:c, a)", "list_append", "B"),
    ("set a = list_append(:d, a)", "list_append", "BOOL"),
    ("set a = list_append(:e, a)", "list_append", "NULL"),
    ("set a = list_append(:f, a)", "list_append", "SS"),
    ("set a = list_append(:g, a)", "list_append", "NS"),
    ("set a = list_append(:h, a)", "list_append", "BS"),
    ("set a = list_append(:i, a)", "list_append", "M"),
    ("set a = a + :a", "+", "S"),
    ("set a = :c + a", "+", "B"),
    ("set a = a + :d", "+", "BOOL"),
    ("set a = a + :e", "+", "NULL"),
    ("set a = a + :f", "+", "SS"),
    ("set a = a + :g", "+", "NS"),
    ("set a = a + :h", "+", "BS"),
    ("set a = a + :i", "+", "M"),
    ("set a = a + :j", "+", "L"),
    ("set a = a - :a", "-", "S"),
    ("set a = :c - a", "-", "B"),
    ("set a = a - :d", "-", "BOOL"),
    ("set a = a - :e", "-", "NULL"),
    ("set a = a - :f", "-", "SS"),
    ("set a = a - :g", "-", "NS"),
    ("set a = a - :h", "-", "BS"),
    ("set a = a - :i", "-", "M"),
    ("set a = a - :j", "-", "L"),
]:
    _used = {key: value for key, value in _TYPED_VALUES.items() if key in _expression}
    UPDATE_BINDING_ERRORS.append(
        (
            _expression,
            None,
            _used,
            f"Incorrect operand type for operator or function; operator or function: {_function}, operand type: {_type}",
        )
    )
UPDATE_BINDING_ERRORS.append(
    (
        "set a = :a + :c",
        None,
        {":a": S("a"), ":c": {"B": b"a"}},
        "Incorrect operand type for operator or function; operator or function: +, operand type: S",
    )
)


@pytest.mark.parametrize(("expression", "names", "values", "message"), UPDATE_BINDING_ERRORS)
def test_update_errors_found_with_the_placeholders(expression, names, values, message):
    assert (
        refusal(
            update_expression=expression, expression_attribute_names=names, expression_attribute_values=values
        )
        == f"Invalid UpdateExpression: {message}"
    )


@pytest.mark.parametrize(
    "expression",
    [
        "SET a.b = :v, a.c = :v",
        "SET a.b.d = :v, a.b.e = :v",
        "SET a[1] = :v, a[2] = :v",
        "SET a.b = :v, a.c[2] = :v",
        "SET a = :v, b = a",  # reading a path another action writes is allowed
        "REMOVE a SET b = a",
    ],
)
def test_update_paths_that_neither_overlap_nor_conflict(expression):
    values = {":v": N("1")} if ":v" in expression else None
    assert prepare_expressions(update_expression=expression, expression_attribute_values=values).update


# -- ProjectionExpression checks ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "a, a",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]",
        ),
        (
            "a.b, a.b",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, b]",
        ),
        (
            "a[1], a[1]",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, [1]], path two: [a, [1]]",
        ),
        (
            "a, a.b",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]",
        ),
        (
            "a.b, a",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]",
        ),
        (
            "a.b, a.b[2]",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, b, [2]]",
        ),
        (
            "a, a.b[2].c",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b, [2], c]",
        ),
        (
            "a.b.d.e, a.b",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b, d, e], path two: [a, b]",
        ),
        (
            "a.b[0],a.b[0]",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b, [0]], path two: [a, b, [0]]",
        ),
        (
            "a.b, a[1]",
            "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]",
        ),
        (
            "#a, a",
            "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]",
        ),
    ],
)
def test_projection_overlaps_and_conflicts(expression, message):
    names = {"#a": "a"} if "#a" in expression else None
    assert refusal(projection_expression=expression, expression_attribute_names=names) == (
        f"Invalid ProjectionExpression: {message}"
    )


def test_order_of_expressions_in_a_request():
    # DynamoDB reads UpdateExpression, ConditionExpression, KeyConditionExpression,
    # FilterExpression, then ProjectionExpression; the first error wins.
    assert refusal(update_expression="", condition_expression="") == (
        "Invalid UpdateExpression: The expression can not be empty;"
    )
    assert refusal(key_condition_expression="", filter_expression="", projection_expression="") == (
        "Invalid KeyConditionExpression: The expression can not be empty;"
    )
    assert (
        refusal(
            key_condition_expression="attribute_type(a, :a)",
            filter_expression="",
            projection_expression="",
            expression_attribute_values={":a": S("N")},
        )
        == "Invalid FilterExpression: The expression can not be empty;"
    )
    assert (
        refusal(
            key_condition_expression="attribute_type(a, :a)",
            filter_expression="a > b",
            projection_expression="",
            expression_attribute_values={":a": S("N")},
        )
        == "Invalid ProjectionExpression: The expression can not be empty;"
    )
    # an unused entry is reported only once every expression parsed
    assert (
        refusal(
            condition_expression="a = :v",
            projection_expression="status",
            expression_attribute_values={":v": S("x"), ":w": S("y")},
        )
        == "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: status"
    )
