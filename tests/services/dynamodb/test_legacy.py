"""Legacy (non-expression) parameters converted into expressions: the converted members are run
through the expression engine (prepare_expressions, evaluate_condition, apply_update, project)
on sample items to show DynamoDB's legacy semantics, and the refusals carry DynamoDB's messages.

Sources of the expected results: AWS's API reference (ExpectedAttributeValue, Condition,
AttributeValueUpdate, "Legacy conditional parameters"); dynalite's suite, recorded against
DynamoDB; ExtendDB's dual-target tests and paritysuite/dynamodb-conformance (run against DynamoDB,
eu-west-2 and us-east-1, 2026-10) for the mixing lists, ConditionalOperator rules and the
`1 validation error detected: ` envelope on PutItem/UpdateItem/DeleteItem; AWS's DAX client, which
converts legacy requests into expressions, for NE (true on a missing attribute) and NOT_CONTAINS
(false on a missing attribute). Messages marked `# guessed` could not be confirmed.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.expressions import (
    apply_update,
    evaluate_condition,
    prepare_expressions,
    project,
    resolve_key_condition,
)
from stratus.services.dynamodb.legacy import expression_members

ARGUMENTS = {
    "UpdateExpression": "update_expression",
    "ConditionExpression": "condition_expression",
    "KeyConditionExpression": "key_condition_expression",
    "FilterExpression": "filter_expression",
    "ProjectionExpression": "projection_expression",
    "ExpressionAttributeNames": "expression_attribute_names",
    "ExpressionAttributeValues": "expression_attribute_values",
}
INVALID = "One or more parameter values were invalid: "
ONE = "1 validation error detected: "
MIXING = "Can not use both expression and non-expression parameters in the same request: "


def S(text):
    return {"S": text}


def N(text):
    return {"N": text}


def B(data):
    return {"B": data}


def SS(*members):
    return {"SS": list(members)}


def NS(*members):
    return {"NS": list(members)}


def L(*members):
    return {"L": list(members)}


def cond(operator, *values):
    condition = {"ComparisonOperator": operator}
    if values:
        condition["AttributeValueList"] = list(values)
    return condition


def prepared(req, operation):
    members = expression_members(req, operation)
    return prepare_expressions(**{ARGUMENTS[name]: value for name, value in members.items()})


def expected_holds(expected, item, conditional_operator=None):
    req = {"Expected": expected}
    if conditional_operator:
        req["ConditionalOperator"] = conditional_operator
    return evaluate_condition(prepared(req, "PutItem").condition, item)


def refusal(req, operation):
    with pytest.raises(ValidationException) as excinfo:
        prepared(req, operation)
    return excinfo.value.message


ITEM = {
    "id": S("k"),
    "s": S("hello"),
    "six": S("6"),
    "n": N("10"),
    "b": B(b"\x01\x02\x03"),
    "ss": SS("dog", "cat"),
    "ns": NS("1", "2.5"),
    "bs": {"BS": [b"x", b"y"]},
    "l": L(N("7"), S("dog")),
    "m": {"M": {"x": N("1")}},
    "z": {"NULL": True},
    "t": {"BOOL": True},
}


# -- Expected: each form and operator, evaluated ------------------------------------------------

EXPECTED_CASES = [
    # Value alone, Exists true with Value, Exists false
    ({"s": {"Value": S("hello")}}, True),
    ({"s": {"Value": S("bye")}}, False),
    ({"missing": {"Value": S("hello")}}, False),
    ({"s": {"Exists": True, "Value": S("hello")}}, True),
    ({"s": {"Exists": True, "Value": S("bye")}}, False),
    ({"missing": {"Exists": False}}, True),
    ({"s": {"Exists": False}}, False),
    # EQ: any type, sets regardless of order, numbers by value, no cross-type equality
    ({"ss": cond("EQ", SS("cat", "dog"))}, True),
    ({"n": cond("EQ", N("10.0"))}, True),
    ({"six": cond("EQ", N("6"))}, False),
    ({"m": cond("EQ", {"M": {"x": N("1")}})}, True),
    ({"l": cond("EQ", L(N("7"), S("dog")))}, True),
    # Value beside ComparisonOperator is a one-value list (DynamoDB accepts it)
    ({"s": {"ComparisonOperator": "EQ", "Value": S("hello")}}, True),
    # NE: a missing attribute is "not equal"
    ({"s": cond("NE", S("bye"))}, True),
    ({"s": cond("NE", S("hello"))}, False),
    ({"missing": cond("NE", S("hello"))}, True),
    ({"six": cond("NE", N("6"))}, True),
    # ordering: N by value, S and B bytewise, other types and mismatches false
    ({"n": cond("GT", N("9"))}, True),
    ({"n": cond("GE", N("10"))}, True),
    ({"n": cond("LT", N("10"))}, False),
    ({"n": cond("LE", N("10"))}, True),
    ({"s": cond("LT", S("help"))}, True),
    ({"b": cond("GT", B(b"\x01\x02"))}, True),
    ({"six": cond("GT", N("1"))}, False),
    ({"missing": cond("LT", N("1"))}, False),
    # NULL / NOT_NULL test existence, not the NULL type
    ({"z": cond("NOT_NULL")}, True),
    ({"z": cond("NULL")}, False),
    ({"missing": cond("NULL")}, True),
    ({"missing": cond("NOT_NULL")}, False),
    # CONTAINS: substring, subsequence, set member, list element
    ({"s": cond("CONTAINS", S("ell"))}, True),
    ({"b": cond("CONTAINS", B(b"\x02\x03"))}, True),
    ({"ss": cond("CONTAINS", S("cat"))}, True),
    ({"ns": cond("CONTAINS", N("2.50"))}, True),
    ({"l": cond("CONTAINS", S("dog"))}, True),
    ({"ss": cond("CONTAINS", S("do"))}, False),
    ({"s": cond("CONTAINS", N("1"))}, False),
    ({"missing": cond("CONTAINS", S("a"))}, False),
    # NOT_CONTAINS: false for a missing attribute
    ({"s": cond("NOT_CONTAINS", S("xyz"))}, True),
    ({"s": cond("NOT_CONTAINS", S("ell"))}, False),
    ({"ss": cond("NOT_CONTAINS", S("cow"))}, True),
    ({"ss": cond("NOT_CONTAINS", S("dog"))}, False),
    ({"n": cond("NOT_CONTAINS", N("1"))}, True),
    ({"missing": cond("NOT_CONTAINS", S("a"))}, False),
    # BEGINS_WITH: S and B only
    ({"s": cond("BEGINS_WITH", S("he"))}, True),
    ({"b": cond("BEGINS_WITH", B(b"\x01"))}, True),
    ({"s": cond("BEGINS_WITH", S("lo"))}, False),
    ({"ss": cond("BEGINS_WITH", S("d"))}, False),
    # IN: exact scalar match, never a set member
    ({"s": cond("IN", S("a"), S("hello"))}, True),
    ({"n": cond("IN", N("1"), N("10.00"))}, True),
    ({"ss": cond("IN", S("dog"))}, False),
    ({"missing": cond("IN", S("a"))}, False),
    # BETWEEN: inclusive, same type only
    ({"n": cond("BETWEEN", N("10"), N("20"))}, True),
    ({"n": cond("BETWEEN", N("9"), N("10"))}, True),
    ({"n": cond("BETWEEN", N("11"), N("20"))}, False),
    ({"six": cond("BETWEEN", N("1"), N("9"))}, False),
    ({"s": cond("BETWEEN", S("a"), S("z"))}, True),
]


@pytest.mark.parametrize(("expected", "result"), EXPECTED_CASES)
def test_expected_semantics(expected, result):
    assert expected_holds(expected, ITEM) is result


def test_expected_against_no_item():
    assert expected_holds({"id": {"Exists": False}}, None) is True
    assert expected_holds({"id": {"Value": S("k")}}, None) is False
    assert expected_holds({"x": cond("NE", S("v"))}, None) is True


@pytest.mark.parametrize(
    ("conditional_operator", "item", "result"),
    [
        (None, {"a": S("1"), "b": S("2")}, True),
        ("AND", {"a": S("1"), "b": S("3")}, False),
        ("OR", {"a": S("1"), "b": S("3")}, True),
        ("OR", {"a": S("0"), "b": S("3")}, False),
    ],
)
def test_conditional_operator(conditional_operator, item, result):
    expected = {"a": {"Value": S("1")}, "b": cond("EQ", S("2"))}
    assert expected_holds(expected, item, conditional_operator) is result


def test_compound_conditions_keep_their_meaning_under_or():
    # NOT_CONTAINS is `attribute_exists AND NOT contains`: grouped, so OR does not split it.
    expected = {"a": cond("NOT_CONTAINS", S("q")), "b": cond("EQ", S("yes"))}
    assert expected_holds(expected, {"b": S("yes")}, "OR") is True
    assert expected_holds(expected, {"a": S("quiz")}, "OR") is False
    assert expected_holds(expected, {"a": S("abc")}, "OR") is True
    assert expected_holds(expected, {}, "OR") is False


def test_long_in_list_is_split_but_means_the_same():
    values = [N(str(number)) for number in range(150)]
    expected = {"n": cond("IN", *values), "other": cond("NULL")}
    assert expected_holds(expected, {"n": N("120")}) is True
    assert expected_holds(expected, {"n": N("3")}) is True
    assert expected_holds(expected, {"n": N("150")}) is False
    assert expected_holds(expected, {"n": N("120"), "other": S("x")}) is False


def test_attribute_names_need_no_escaping():
    # Reserved words, dots and spaces are plain attribute names in the legacy forms.
    item = {"name": S("x"), "a.b": S("y"), "with space": S("z")}
    expected = {"name": {"Value": S("x")}, "a.b": {"Value": S("y")}, "with space": cond("NOT_NULL")}
    assert expected_holds(expected, item) is True


def test_empty_expected_is_no_condition():
    assert expression_members({"Expected": {}}, "DeleteItem") == {}


# -- QueryFilter and ScanFilter --------------------------------------------------------------


@pytest.mark.parametrize(
    ("scan_filter", "conditional_operator", "matches"),
    [
        ({"s": cond("BEGINS_WITH", S("he"))}, None, ["a"]),
        ({"n": cond("GE", N("5")), "s": cond("NOT_NULL")}, None, ["a"]),
        ({"n": cond("GE", N("5")), "s": cond("NOT_NULL")}, "OR", ["a", "b"]),
        ({"tags": cond("CONTAINS", S("red"))}, None, ["b"]),
        ({"tags": cond("NOT_CONTAINS", S("red"))}, None, []),
        ({"n": cond("NE", N("7"))}, None, ["a", "c"]),
    ],
)
def test_scan_filter_semantics(scan_filter, conditional_operator, matches):
    items = {
        "a": {"id": S("a"), "s": S("hello"), "n": N("7.5")},
        "b": {"id": S("b"), "n": N("7"), "tags": SS("red", "blue")},
        "c": {"id": S("c")},
    }
    req = {"ScanFilter": scan_filter}
    if conditional_operator:
        req["ConditionalOperator"] = conditional_operator
    bound = prepared(req, "Scan").filter
    assert [key for key, item in items.items() if evaluate_condition(bound, item)] == matches


def test_query_filter_becomes_filter_expression():
    req = {
        "KeyConditions": {"pk": cond("EQ", S("p"))},
        "QueryFilter": {"a": cond("GT", N("1")), "b": cond("NULL")},
        "ConditionalOperator": "OR",
    }
    bound = prepared(req, "Query")
    assert evaluate_condition(bound.filter, {"a": N("2"), "b": S("x")}) is True
    assert evaluate_condition(bound.filter, {"a": N("0"), "b": S("x")}) is False


# -- AttributesToGet ---------------------------------------------------------------------------


@pytest.mark.parametrize("operation", ["GetItem", "BatchGetItem", "Query", "Scan"])
def test_attributes_to_get_projects(operation):
    req = {"AttributesToGet": ["s", "a.b", "missing", "name"]}
    if operation == "Query":
        req["KeyConditions"] = {"id": cond("EQ", S("k"))}
    item = {**ITEM, "a.b": S("dotted"), "a": {"M": {"b": S("nested")}}, "name": S("reserved word")}
    bound = prepared(req, operation)
    assert project(item, bound.projection.paths) == {
        "s": S("hello"),
        "a.b": S("dotted"),
        "name": S("reserved word"),
    }


def test_select_specific_attributes_with_attributes_to_get_is_accepted():
    members = expression_members({"AttributesToGet": ["a"], "Select": "SPECIFIC_ATTRIBUTES"}, "Scan")
    assert members["ExpressionAttributeNames"][members["ProjectionExpression"]] == "a"


# -- AttributeUpdates --------------------------------------------------------------------------

KEY = {"id": S("k")}
UPDATE_CASES = [
    # PUT (the default action) sets or replaces
    ({"a": {"Value": S("new")}}, {"a": S("old")}, {"a": S("new")}),
    ({"a": {"Action": "PUT", "Value": N("1")}}, {}, {"a": N("1")}),
    # DELETE without a value removes; nothing to remove is fine
    ({"a": {"Action": "DELETE"}}, {"a": S("x"), "b": S("y")}, {"b": S("y")}),
    ({"a": {"Action": "DELETE"}}, {}, {}),
    # DELETE with a set subtracts it; taking the last members removes the attribute
    ({"ss": {"Action": "DELETE", "Value": SS("a")}}, {"ss": SS("a", "b")}, {"ss": SS("b")}),
    ({"ss": {"Action": "DELETE", "Value": SS("a", "b")}}, {"ss": SS("a", "b")}, {}),
    ({"ns": {"Action": "DELETE", "Value": NS("1.0")}}, {"ns": NS("1", "2")}, {"ns": NS("2")}),
    # ADD: numbers add (a missing one counts as 0), sets union, lists append
    ({"n": {"Action": "ADD", "Value": N("5")}}, {"n": N("10")}, {"n": N("15")}),
    ({"n": {"Action": "ADD", "Value": N("-3")}}, {}, {"n": N("-3")}),
    ({"ss": {"Action": "ADD", "Value": SS("b", "c")}}, {"ss": SS("a", "b")}, {"ss": SS("a", "b", "c")}),
    ({"ns": {"Action": "ADD", "Value": NS("1")}}, {}, {"ns": NS("1")}),
    (
        {"l": {"Action": "ADD", "Value": L(S("c"))}},
        {"l": L(S("a"), S("b"))},
        {"l": L(S("a"), S("b"), S("c"))},
    ),
    ({"l": {"Action": "ADD", "Value": L(S("c"))}}, {}, {"l": L(S("c"))}),
]


@pytest.mark.parametrize(("updates", "before", "after"), UPDATE_CASES)
def test_attribute_updates(updates, before, after):
    bound = prepared({"AttributeUpdates": updates}, "UpdateItem")
    assert apply_update({**KEY, **before}, bound.update, key=KEY) == {**KEY, **after}


def test_attribute_updates_on_a_missing_item_start_from_the_key():
    updates = {"a": {"Value": S("x")}, "n": {"Action": "ADD", "Value": N("1")}, "gone": {"Action": "DELETE"}}
    bound = prepared({"AttributeUpdates": updates}, "UpdateItem")
    assert apply_update(None, bound.update, key=KEY) == {**KEY, "a": S("x"), "n": N("1")}


def test_attribute_updates_with_expected():
    req = {
        "AttributeUpdates": {"n": {"Action": "ADD", "Value": N("1")}},
        "Expected": {"n": {"Value": N("1")}},
    }
    bound = prepared(req, "UpdateItem")
    assert evaluate_condition(bound.condition, {"n": N("1")}) is True
    assert apply_update({**KEY, "n": N("1")}, bound.update, key=KEY)["n"] == N("2")
    assert bound.update.target_paths == (("n",),)  # what UPDATED_OLD/UPDATED_NEW show


def test_attribute_update_of_a_key_attribute_is_the_expression_error():
    bound = prepared({"AttributeUpdates": {"id": {"Value": S("other")}}}, "UpdateItem")
    with pytest.raises(ValidationException) as excinfo:
        apply_update(None, bound.update, key=KEY)
    assert excinfo.value.message == INVALID + "Cannot update attribute id. This attribute is part of the key"


def test_empty_attribute_updates_change_nothing():
    assert expression_members({"AttributeUpdates": {}}, "UpdateItem") == {}


# -- KeyConditions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort_condition", "operator", "values"),
    [
        (cond("EQ", N("1")), "EQ", (N("1"),)),
        (cond("LT", N("5")), "LT", (N("5"),)),
        (cond("GE", N("5")), "GE", (N("5"),)),
        (cond("BETWEEN", N("1"), N("9")), "BETWEEN", (N("1"), N("9"))),
        (cond("BEGINS_WITH", S("ab")), "BEGINS_WITH", (S("ab"),)),
    ],
)
def test_key_conditions(sort_condition, operator, values):
    req = {"KeyConditions": {"sk": sort_condition, "pk": cond("EQ", S("p"))}}
    terms = prepared(req, "Query").key_terms
    key = resolve_key_condition(terms, partition_key="pk", sort_key="sk")
    assert key.partition_value == S("p")
    assert (key.sort.operator, key.sort.values) == (operator, values)


def test_key_conditions_meet_the_key_schema_checks():
    # The same checks as a KeyConditionExpression; their messages are the legacy ones too.
    terms = prepared({"KeyConditions": {"pk": cond("GT", S("p"))}}, "Query").key_terms
    with pytest.raises(ValidationException, match="^Query key condition not supported$"):
        resolve_key_condition(terms, partition_key="pk", sort_key="sk")
    terms = prepared({"KeyConditions": {"other": cond("EQ", S("p"))}}, "Query").key_terms
    with pytest.raises(ValidationException, match="^Query condition missed key schema element: pk$"):
        resolve_key_condition(terms, partition_key="pk", sort_key="sk")


def test_key_conditions_beside_user_expressions_get_their_own_placeholders():
    req = {
        "KeyConditions": {"pk": cond("EQ", S("p"))},
        "FilterExpression": "#0 = :0",
        "ProjectionExpression": "#1",
        "ExpressionAttributeNames": {"#0": "a", "#1": "b"},
        "ExpressionAttributeValues": {":0": S("x")},
    }
    members = expression_members(req, "Query")
    assert members["FilterExpression"] == "#0 = :0"
    assert members["ProjectionExpression"] == "#1"
    generated_names = set(members["ExpressionAttributeNames"]) - {"#0", "#1"}
    assert [members["ExpressionAttributeNames"][name] for name in generated_names] == ["pk"]
    bound = prepared(req, "Query")
    assert resolve_key_condition(bound.key_terms, partition_key="pk").partition_value == S("p")
    assert evaluate_condition(bound.filter, {"a": S("x")}) is True


def test_generated_values_never_stand_in_for_a_users_undefined_placeholder():
    req = {"KeyConditions": {"pk": cond("EQ", S("p"))}, "FilterExpression": "a = :0"}
    assert refusal(req, "Query") == (
        "Invalid FilterExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :0"
    )


def test_a_users_empty_map_is_still_refused_by_the_engine():
    req = {
        "KeyConditions": {"pk": cond("EQ", S("p"))},
        "FilterExpression": "a = :v",
        "ExpressionAttributeNames": {},
    }
    assert refusal(req, "Query") == "ExpressionAttributeNames must not be empty"


# -- requests without legacy parameters, and transaction entries --------------------------------


def test_expression_requests_pass_through():
    req = {
        "TableName": "t",
        "UpdateExpression": "SET a = :v",
        "ConditionExpression": "attribute_exists(a)",
        "ExpressionAttributeValues": {":v": S("x")},
        "ReturnValues": "ALL_NEW",
    }
    assert expression_members(req, "UpdateItem") == {
        "UpdateExpression": "SET a = :v",
        "ConditionExpression": "attribute_exists(a)",
        "ExpressionAttributeValues": {":v": S("x")},
    }
    assert expression_members({"TableName": "t", "Key": KEY}, "GetItem") == {}


@pytest.mark.parametrize(
    ("operation", "members"),
    [
        ("Get", {"ProjectionExpression": "a", "ExpressionAttributeNames": {"#a": "a"}}),
        ("ConditionCheck", {"ConditionExpression": "#a = :v", "ExpressionAttributeValues": {":v": S("x")}}),
        ("Update", {"UpdateExpression": "SET a = :v", "ConditionExpression": "attribute_exists(a)"}),
        ("Put", {}),
    ],
)
def test_transaction_entries_pass_expressions_through(operation, members):
    entry = {"TableName": "t", "Key": KEY, **members}
    assert expression_members(entry, operation) == members


def test_unknown_operation_is_a_programming_error():
    with pytest.raises(ValueError):
        expression_members({}, "ListTables")


# -- refusals ------------------------------------------------------------------------------------

EXPECTED_A = {"a": cond("EQ", S("x"))}
KEY_CONDITIONS = {"pk": cond("EQ", S("p"))}
ERROR_CASES = [
    # mixing, each side listed in DynamoDB's fixed order
    (
        "PutItem",
        {"Expected": {"pk": {"Exists": False}}, "ConditionExpression": "attribute_not_exists(pk)"},
        MIXING + "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}",
    ),
    (
        "DeleteItem",
        {"ConditionalOperator": "AND", "ConditionExpression": "attribute_exists(pk)"},
        MIXING
        + "Non-expression parameters: {ConditionalOperator} Expression parameters: {ConditionExpression}",
    ),
    (
        "UpdateItem",
        {
            "AttributeUpdates": {"a": {"Value": S("v")}},
            "Expected": EXPECTED_A,
            "ConditionalOperator": "AND",
            "UpdateExpression": "SET a = :v",
            "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeValues": {":v": S("x")},
        },
        MIXING + "Non-expression parameters: {AttributeUpdates, Expected, ConditionalOperator} "
        "Expression parameters: {UpdateExpression, ConditionExpression}",
    ),
    (
        "UpdateItem",
        {
            "Expected": EXPECTED_A,
            "UpdateExpression": "SET c = :v",
            "ExpressionAttributeValues": {":v": S("x")},
        },
        MIXING + "Non-expression parameters: {Expected} Expression parameters: {UpdateExpression}",
    ),
    (
        "Query",
        {
            "AttributesToGet": ["a"],
            "QueryFilter": EXPECTED_A,
            "ConditionalOperator": "OR",
            "KeyConditions": KEY_CONDITIONS,
            "ProjectionExpression": "b",
            "FilterExpression": "a = :v",
            "KeyConditionExpression": "pk = :p",
        },
        MIXING
        + "Non-expression parameters: {AttributesToGet, QueryFilter, ConditionalOperator, KeyConditions} "
        "Expression parameters: {ProjectionExpression, FilterExpression, KeyConditionExpression}",
    ),
    (
        "Query",
        {"AttributesToGet": ["a"], "KeyConditions": KEY_CONDITIONS, "FilterExpression": "a = :v"},
        MIXING + "Non-expression parameters: {AttributesToGet} Expression parameters: {FilterExpression}",
    ),
    (
        "Query",
        {"QueryFilter": EXPECTED_A, "KeyConditionExpression": "pk = :p"},
        MIXING + "Non-expression parameters: {QueryFilter} Expression parameters: {KeyConditionExpression}",
    ),
    (
        "Scan",
        {
            "AttributesToGet": ["a"],
            "ScanFilter": EXPECTED_A,
            "ConditionalOperator": "AND",
            "FilterExpression": "a = :v",
            "ProjectionExpression": "b",
        },
        MIXING + "Non-expression parameters: {AttributesToGet, ScanFilter, ConditionalOperator} "
        "Expression parameters: {ProjectionExpression, FilterExpression}",
    ),
    (
        "Scan",
        {
            "ConditionalOperator": "AND",
            "FilterExpression": "a = :v",
            "ExpressionAttributeValues": {":v": S("x")},
        },
        MIXING + "Non-expression parameters: {ConditionalOperator} Expression parameters: {FilterExpression}",
    ),
    (
        "GetItem",
        {"AttributesToGet": ["a"], "ProjectionExpression": "a"},
        MIXING + "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
    ),
    (
        "BatchGetItem",
        {"Keys": [KEY], "AttributesToGet": ["pk"], "ProjectionExpression": "pk"},
        MIXING + "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
    ),
    # placeholder maps without an expression: enveloped on writes (no suffix), bare on reads
    (
        "PutItem",
        {"ExpressionAttributeValues": {":v": S("x")}},
        ONE + "ExpressionAttributeValues can only be specified when using expressions",
    ),
    (
        "DeleteItem",
        {"ExpressionAttributeNames": {"#a": "a"}},
        ONE + "ExpressionAttributeNames can only be specified when using expressions",
    ),
    (
        "DeleteItem",
        {"Expected": {"a": {"Exists": False}}, "ExpressionAttributeNames": {"#a": "a"}},
        ONE + "ExpressionAttributeNames can only be specified when using expressions",
    ),
    (
        "UpdateItem",
        {"AttributeUpdates": {"a": {"Value": S("v")}}, "ExpressionAttributeValues": {":v": S("x")}},
        ONE
        + "ExpressionAttributeValues can only be specified when using expressions",  # guessed: as Put/Delete
    ),
    (
        "Query",
        {"KeyConditions": KEY_CONDITIONS, "ExpressionAttributeNames": {}, "ExpressionAttributeValues": {}},
        "ExpressionAttributeNames can only be specified when using expressions",
    ),
    (
        "Query",
        {"KeyConditions": KEY_CONDITIONS, "ExpressionAttributeValues": {}},
        "ExpressionAttributeValues can only be specified when using expressions: "
        "FilterExpression and KeyConditionExpression are null",
    ),
    (
        "Query",
        {
            "KeyConditions": KEY_CONDITIONS,
            "ProjectionExpression": "a",
            "ExpressionAttributeValues": {":v": S("x")},
        },
        "ExpressionAttributeValues can only be specified when using expressions: "
        "FilterExpression and KeyConditionExpression are null",
    ),
    (
        "Scan",
        {"ScanFilter": EXPECTED_A, "ExpressionAttributeValues": {}},
        "ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null",
    ),
    (
        "GetItem",
        {"ExpressionAttributeNames": {"#a": "a"}},
        "ExpressionAttributeNames can only be specified when using expressions",
    ),
    # ConditionalOperator needs two or more conditions; it is checked before KeyConditions
    ("Scan", {"ConditionalOperator": "AND"}, "ConditionalOperator cannot be used without Filter or Expected"),
    (
        "Scan",
        {"ConditionalOperator": "OR", "ScanFilter": {}},
        "ConditionalOperator cannot be used without Filter or Expected",
    ),
    (
        "Scan",
        {"ConditionalOperator": "AND", "AttributesToGet": ["a", "b"]},
        "ConditionalOperator cannot be used without Filter or Expected",
    ),
    (
        "Query",
        {"ConditionalOperator": "AND"},
        "ConditionalOperator cannot be used without Filter or Expected",
    ),
    (
        "Query",
        {"ConditionalOperator": "AND", "KeyConditions": KEY_CONDITIONS},
        "ConditionalOperator cannot be used without Filter or Expected",
    ),
    (
        "Query",
        {"ConditionalOperator": "AND", "KeyConditions": KEY_CONDITIONS, "QueryFilter": EXPECTED_A},
        "ConditionalOperator can only be used when Filter or Expected has two or more elements",
    ),
    (
        "PutItem",
        {"ConditionalOperator": "AND", "Expected": EXPECTED_A},
        "ConditionalOperator can only be used when Filter or Expected has two or more elements",
    ),
    (
        "UpdateItem",
        {"ConditionalOperator": "AND", "AttributeUpdates": {"a": {"Value": S("v")}}},
        "ConditionalOperator cannot be used without Filter or Expected",
    ),
    # Query needs a key condition
    (
        "Query",
        {"QueryFilter": EXPECTED_A},
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
    ),
    # Expected entries: DeleteItem's five recorded against DynamoDB, enveloped; the others are
    # dynalite's wording, their envelope guessed from those five (floci's capture shows it on
    # "Exists and ComparisonOperator" too)
    (
        "DeleteItem",
        {"Expected": {"a": {"Exists": True}}},
        ONE + INVALID + "Value must be provided when Exists is true for Attribute: a",
    ),
    (
        "DeleteItem",
        {"Expected": {"a": {"Exists": False, "Value": S("x")}}},
        ONE + INVALID + "Value cannot be used when Exists is false for Attribute: a",
    ),
    (
        "DeleteItem",
        {"Expected": {"a": {"Value": S("x"), "ComparisonOperator": "EQ", "AttributeValueList": [S("x")]}}},
        ONE + INVALID + "Value and AttributeValueList cannot be used together for Attribute: a",
    ),
    (
        "DeleteItem",
        {"Expected": {"a": {"ComparisonOperator": "EQ"}}},
        ONE
        + INVALID
        + "Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a",
    ),
    (
        "DeleteItem",
        {"Expected": {"a": cond("BETWEEN", S("x"))}},
        ONE + INVALID + "Invalid number of argument(s) for the BETWEEN ComparisonOperator",
    ),
    (
        "PutItem",
        {"Expected": {"a": {}}},
        ONE + INVALID + "Value must be provided when Exists is null for Attribute: a",
    ),
    (
        "PutItem",
        {"Expected": {"a": {"Exists": True, "ComparisonOperator": "EQ", "AttributeValueList": [S("x")]}}},
        ONE + INVALID + "Exists and ComparisonOperator cannot be used together for Attribute: a",
    ),
    (
        "UpdateItem",
        {"Expected": {"a": {"Exists": True, "AttributeValueList": [S("x")]}}},
        ONE + INVALID + "AttributeValueList can only be used with a ComparisonOperator for Attribute: a",
    ),
    (
        "UpdateItem",
        {"Expected": {"a": {"ComparisonOperator": "NULL", "Value": S("x")}}},
        ONE + INVALID + "Invalid number of argument(s) for the NULL ComparisonOperator",
    ),
    (
        "PutItem",
        {"Expected": {"a": cond("IN", S("b"), N("1"))}},
        ONE + INVALID + "AttributeValues inside AttributeValueList must be of same type",
    ),
    (
        "PutItem",
        {"Expected": {"a": cond("BETWEEN", S("b"), S("a"))}},
        ONE
        + "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound",
    ),
    (
        "PutItem",
        {"Expected": {"a": cond("BEGINS_WITH", N("1"))}},
        ONE
        + INVALID
        + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type",  # guessed: as filters
    ),
    # values inside legacy conditions: AttributeValue messages, enveloped on writes where DynamoDB does
    (
        "PutItem",
        {"Expected": {"a": {"Value": {}}}},
        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
    ),
    (
        "PutItem",
        {"Expected": {"a": {"Value": {"NULL": False}}}},
        ONE
        + INVALID
        + "Null attribute value types must have the value of true",  # guessed: envelope as for items
    ),
    ("Scan", {"ScanFilter": {"a": cond("EQ", {"SS": []})}}, INVALID + "An string set  may not be empty"),
    (
        "Scan",
        {"ScanFilter": {"a": cond("EQ", N("x"))}},
        "The parameter cannot be converted to a numeric value: x",
    ),
    # filter conditions
    (
        "Scan",
        {"ScanFilter": {"a": cond("EQ", S("a"), S("b"))}},
        INVALID + "Invalid number of argument(s) for the EQ ComparisonOperator",
    ),
    (
        "Scan",
        {"ScanFilter": {"a": cond("NE")}},
        INVALID + "Invalid number of argument(s) for the NE ComparisonOperator",
    ),
    (
        "Scan",
        {"ScanFilter": {"a": cond("IN")}},
        INVALID + "Invalid number of argument(s) for the IN ComparisonOperator",
    ),
    (
        "Scan",
        {"ScanFilter": {"a": cond("NULL", S("a"))}},
        INVALID + "Invalid number of argument(s) for the NULL ComparisonOperator",
    ),
    (
        "Scan",
        {"ScanFilter": {"a": cond("BETWEEN", S("a"), S("b"), S("c"))}},
        INVALID + "Invalid number of argument(s) for the BETWEEN ComparisonOperator",
    ),
    (
        "Scan",
        {"ScanFilter": {"a": {"ComparisonOperator": "EQ", "AttributeValueList": []}}},
        INVALID + "Invalid number of argument(s) for the EQ ComparisonOperator",
    ),
    (
        "Query",
        {
            "KeyConditions": KEY_CONDITIONS,
            "QueryFilter": {"a": cond("EQ"), "b": cond("NULL"), "c": cond("NULL")},
        },
        INVALID + "Invalid number of argument(s) for the EQ ComparisonOperator",
    ),
    (
        "Scan",
        {"ScanFilter": {"a": cond("LT", {"BOOL": True})}},
        INVALID + "ComparisonOperator LT is not valid for BOOL AttributeValue type",
    ),
    (
        "Scan",
        {"ScanFilter": {"a": cond("IN", SS("a"))}},
        INVALID + "ComparisonOperator IN is not valid for SS AttributeValue type",
    ),
    (
        "Scan",
        {"ScanFilter": {"a": cond("CONTAINS", L())}},
        INVALID + "ComparisonOperator CONTAINS is not valid for L AttributeValue type",
    ),
    (
        "Scan",
        {"ScanFilter": {"a": cond("NOT_CONTAINS", NS("1"))}},
        INVALID + "ComparisonOperator NOT_CONTAINS is not valid for NS AttributeValue type",
    ),
    (
        "Scan",
        {"ScanFilter": {"a": cond("BEGINS_WITH", N("1"))}},
        INVALID + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type",
    ),
    (
        "Scan",
        {"ScanFilter": {"a": cond("BETWEEN", {"M": {}}, {"M": {}})}},
        INVALID + "ComparisonOperator BETWEEN is not valid for M AttributeValue type",
    ),
    (
        "Scan",
        {"ScanFilter": {"a": cond("IN", S("b"), N("1"))}},
        INVALID + "AttributeValues inside AttributeValueList must be of same type",
    ),
    (
        "Scan",
        {"ScanFilter": {"a": cond("BETWEEN", N("10"), N("9"))}},
        "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound",
    ),
    # AttributesToGet
    ("GetItem", {"AttributesToGet": ["a", "b", "a"]}, INVALID + "Duplicate value in attribute name: a"),
    (
        "Scan",
        {"AttributesToGet": ["a", "a"], "ScanFilter": {"a": cond("EQ")}},
        INVALID + "Duplicate value in attribute name: a",
    ),
    # Select beside AttributesToGet: Query in the envelope, Scan bare
    (
        "Query",
        {"KeyConditions": KEY_CONDITIONS, "AttributesToGet": ["a"], "Select": "ALL_ATTRIBUTES"},
        ONE + "Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES",
    ),
    (
        "Query",
        {"KeyConditions": KEY_CONDITIONS, "AttributesToGet": ["a"], "Select": "COUNT"},
        ONE + "Cannot specify the AttributesToGet when choosing to get only the Count",
    ),
    (
        "Scan",
        {"AttributesToGet": ["a"], "Select": "ALL_PROJECTED_ATTRIBUTES"},
        "Cannot specify the AttributesToGet when choosing to get ALL_PROJECTED_ATTRIBUTES",
    ),
    (
        "Scan",
        {"AttributesToGet": ["a"], "Select": "COUNT"},
        "Cannot specify the AttributesToGet when choosing to get only the Count",
    ),
    # AttributeUpdates (dynalite's wording; the envelope is guessed, as for Expected)
    (
        "UpdateItem",
        {"AttributeUpdates": {"a": {"Action": "PUT"}}},
        ONE + INVALID + "Only DELETE action is allowed when no attribute value is specified",
    ),
    (
        "UpdateItem",
        {"AttributeUpdates": {"a": {}}},
        ONE + INVALID + "Only DELETE action is allowed when no attribute value is specified",
    ),
    (
        "UpdateItem",
        {"AttributeUpdates": {"a": {"Action": "ADD"}}},
        ONE + INVALID + "Only DELETE action is allowed when no attribute value is specified",
    ),
    (
        "UpdateItem",
        {"AttributeUpdates": {"a": {"Action": "DELETE", "Value": S("x")}}},
        ONE + INVALID + "DELETE action with value is not supported for the type S",
    ),
    (
        "UpdateItem",
        {"AttributeUpdates": {"a": {"Action": "DELETE", "Value": L(S("x"))}}},
        ONE + INVALID + "DELETE action with value is not supported for the type L",
    ),
    (
        "UpdateItem",
        {"AttributeUpdates": {"a": {"Action": "ADD", "Value": S("x")}}},
        ONE + INVALID + "ADD action is not supported for the type S",
    ),
    (
        "UpdateItem",
        {"AttributeUpdates": {"a": {"Action": "ADD", "Value": {"BOOL": True}}}},
        ONE + INVALID + "ADD action is not supported for the type BOOL",
    ),
    (
        "UpdateItem",
        {"AttributeUpdates": {"a": {"Action": "ADD", "Value": {"M": {}}}}},
        ONE + INVALID + "ADD action is not supported for the type M",
    ),
    # KeyConditions: Condition checks, then one or two conditions, then indexable operators
    ("Query", {"KeyConditions": {}}, "Conditions can be of length 1 or 2 only"),
    (
        "Query",
        {"KeyConditions": {"a": cond("EQ", S("a")), "b": cond("EQ", S("b")), "c": cond("EQ", S("c"))}},
        "Conditions can be of length 1 or 2 only",
    ),
    (
        "Query",
        {"KeyConditions": {"pk": cond("BEGINS_WITH", N("1"))}},
        INVALID + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type",
    ),
    (
        "Query",
        {"KeyConditions": {"pk": cond("EQ")}},
        INVALID + "Invalid number of argument(s) for the EQ ComparisonOperator",
    ),
]
NOT_INDEXABLE = [
    cond("NULL"),
    cond("NOT_NULL"),
    cond("NE", N("1")),
    cond("CONTAINS", S("a")),
    cond("NOT_CONTAINS", S("a")),
    cond("IN", S("a")),
]
ERROR_CASES += [
    (
        "Query",
        {"KeyConditions": {"pk": condition}},
        "Attempted conditional constraint is not an indexable operation",
    )
    for condition in NOT_INDEXABLE
]
ERROR_CASES += [
    (
        "Query",
        {"KeyConditions": {"pk": cond("EQ", S("p")), "sk": condition}},
        "Attempted conditional constraint is not an indexable operation",
    )
    for condition in NOT_INDEXABLE
]


@pytest.mark.parametrize(("operation", "req", "message"), ERROR_CASES)
def test_refusals(operation, req, message):
    with pytest.raises(ValidationException) as excinfo:
        expression_members(req, operation)
    assert excinfo.value.message == message


def test_valid_requests_near_the_refusals_are_accepted():
    # Two conditions make ConditionalOperator valid; KeyConditions may sit beside ProjectionExpression
    # and AttributesToGet; EQ and NE take any type; CONTAINS takes BOOL and NULL.
    assert expression_members(
        {"ConditionalOperator": "AND", "ScanFilter": {**EXPECTED_A, "b": cond("NULL")}}, "Scan"
    )
    assert expression_members({"KeyConditions": KEY_CONDITIONS, "ProjectionExpression": "a"}, "Query")
    assert expression_members({"KeyConditions": KEY_CONDITIONS, "AttributesToGet": ["a"]}, "Query")
    assert expression_members(
        {"ScanFilter": {"a": cond("NE", {"M": {}}), "b": cond("CONTAINS", {"BOOL": True})}}, "Scan"
    )
    assert expression_members({"ScanFilter": {"a": cond("BETWEEN", N("9"), N("10"))}}, "Scan")
    assert expression_members({"Expected": {"a": cond("IN", *[S(str(n)) for n in range(200)])}}, "PutItem")


# -- through the server ----------------------------------------------------------------------------


def test_legacy_requests_end_to_end(ddb, table):
    key = {"pk": S("a"), "sk": N("1")}
    ddb.put_item(TableName=table, Item={**key, "v": S("x")}, Expected={"pk": {"Exists": False}})
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=table, Item=key, Expected={"pk": {"Exists": False}})
    assert excinfo.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    updated = ddb.update_item(
        TableName=table,
        Key=key,
        AttributeUpdates={"n": {"Action": "ADD", "Value": N("2")}, "v": {"Action": "DELETE"}},
        Expected={"v": {"Value": S("x")}},
        ReturnValues="ALL_NEW",
    )
    assert updated["Attributes"] == {**key, "n": N("2")}
    ddb.put_item(TableName=table, Item={"pk": S("a"), "sk": N("2"), "n": N("5")})
    page = ddb.query(
        TableName=table,
        KeyConditions={"pk": cond("EQ", S("a")), "sk": cond("GE", N("1"))},
        QueryFilter={"n": cond("GT", N("3"))},
        AttributesToGet=["sk", "n"],
    )
    assert (page["Items"], page["Count"], page["ScannedCount"]) == ([{"sk": N("2"), "n": N("5")}], 1, 2)
    assert ddb.scan(TableName=table, ScanFilter={"n": cond("NOT_NULL")}, Select="COUNT")["Count"] == 2
    assert ddb.get_item(TableName=table, Key={"pk": S("a"), "sk": N("2")}, AttributesToGet=["n"])["Item"] == {
        "n": N("5")
    }
    batch = ddb.batch_get_item(
        RequestItems={table: {"Keys": [{"pk": S("a"), "sk": N("2")}], "AttributesToGet": ["n"]}}
    )
    assert batch["Responses"][table] == [{"n": N("5")}]
    with pytest.raises(ClientError) as excinfo:
        ddb.query(TableName=table, KeyConditions={"pk": cond("NE", S("a"))})
    assert (
        excinfo.value.response["Error"]["Message"]
        == "Attempted conditional constraint is not an indexable operation"
    )
