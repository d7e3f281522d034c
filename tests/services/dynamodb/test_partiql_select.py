"""PartiQL SELECT through ExecuteStatement, with boto3: queries and scans, WHERE operators and
functions, projections, paging with NextToken, consumed capacity, indexes and refusals.

Messages come from DynamoDB's PartiQL front end (as DynamoDB Local ships it) unless a comment
says "guessed".
"""

import pytest

from .partiql_support import (
    NOT_WELL_FORMED,
    _all,
    rows_fixture,  # noqa: F401
)
from .support import definitions, key_schema, refused

# -- SELECT --------------------------------------------------------------------------------------------


def _keys(items: list[dict]) -> list[tuple[str, str]]:
    return [(item["pk"]["S"], item["sk"]["N"]) for item in items]


def test_select_on_the_partition_key_is_a_query_in_key_order(ddb, rows):
    answer = ddb.execute_statement(Statement="SELECT * FROM \"items\" WHERE pk = 'a'")
    assert _keys(answer["Items"]) == [("a", "1"), ("a", "2"), ("a", "3")]
    answer = ddb.execute_statement(
        Statement="SELECT * FROM items WHERE pk = ? AND sk >= ?", Parameters=[{"S": "a"}, {"N": "2"}]
    )
    assert _keys(answer["Items"]) == [("a", "2"), ("a", "3")]
    answer = ddb.execute_statement(
        Statement="SELECT * FROM items WHERE sk BETWEEN 2 AND 3 AND 'a' = pk ORDER BY sk DESC"
    )
    assert _keys(answer["Items"]) == [("a", "3"), ("a", "2")]


def test_select_without_a_partition_key_equality_scans_and_filters(ddb, rows):
    red = ddb.execute_statement(Statement="SELECT * FROM items WHERE color = 'red'")["Items"]
    assert sorted(_keys(red)) == [("a", "1"), ("a", "3")]
    both = ddb.execute_statement(Statement="SELECT * FROM items WHERE pk IN ['a', 'b'] AND sk = 1")["Items"]
    assert sorted(_keys(both)) == [("a", "1"), ("b", "1")]
    assert len(ddb.execute_statement(Statement="SELECT * FROM items")["Items"]) == 4


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("pk = 'a' AND (sk = 1 OR sk = 3)", [("a", "1"), ("a", "3")]),
        ("pk = 'a' AND NOT color = 'red'", [("a", "2")]),
        ("pk = 'a' AND color <> 'red'", [("a", "2")]),
        ("pk = 'a' AND color != 'blue' AND weight > 4", [("a", "3")]),
        ("pk = 'a' AND weight BETWEEN 4 AND 9", [("a", "2"), ("a", "3")]),
        ("pk = 'a' AND color IN ['blue', 'green']", [("a", "2")]),
        ("pk = 'a' AND color NOT IN ['blue', 'green']", [("a", "1"), ("a", "3")]),
        ("pk = 'a' AND begins_with(color, 'r')", [("a", "1"), ("a", "3")]),
        ("pk = 'a' AND contains(tags, 'blue')", [("a", "2")]),
        ("pk = 'a' AND attribute_type(weight, 'N')", [("a", "1"), ("a", "2"), ("a", "3")]),
        ("pk = 'a' AND size(color) = 4", [("a", "2")]),
        (
            "pk = 'a' AND missing_attribute IS MISSING AND color IS NOT MISSING",
            [("a", "1"), ("a", "2"), ("a", "3")],
        ),
        ("pk = 'a' AND color IS MISSING", []),
        ("pk = 'a' AND color IS STRING AND NOT (weight IS NUMERIC)", []),
        ("pk = 'a' AND tags[0] = 'red' AND sk < 3", [("a", "1")]),
        ('"pk" = \'b\' AND "weight" = 1', [("b", "1")]),
        ("pk = 'a' AND begins_with(sk, 1)", None),
    ],
)
def test_where_operators_and_functions(ddb, rows, where, expected):
    if expected is None:  # begins_with on a number sort key: the expression API's refusal
        code, _ = refused(ddb.execute_statement, Statement=f"SELECT * FROM items WHERE {where}")
        assert code == "ValidationException"
        return
    answer = ddb.execute_statement(Statement=f"SELECT * FROM items WHERE {where}")
    assert _keys(answer["Items"]) == expected


def test_projection_shows_each_path_under_its_last_name(ddb, rows):
    ddb.execute_statement(
        Statement="UPDATE items SET m = {'nested': {'leaf': 'x'}} WHERE pk = 'a' AND sk = 1"
    )
    answer = ddb.execute_statement(
        Statement="SELECT color, m.nested.leaf, tags[1], absent FROM items WHERE pk = 'a' AND sk = 1"
    )
    assert answer["Items"] == [{"color": {"S": "red"}, "leaf": {"S": "x"}, "tags[1]": {"S": "t"}}]


def test_select_pages_with_limit_and_next_token(ddb, rows):
    first = ddb.execute_statement(Statement="SELECT * FROM items WHERE pk = 'a'", Limit=2)
    assert _keys(first["Items"]) == [("a", "1"), ("a", "2")]
    assert first["LastEvaluatedKey"] == {"pk": {"S": "a"}, "sk": {"N": "2"}}
    second = ddb.execute_statement(
        Statement="SELECT * FROM items WHERE pk = 'a'", Limit=2, NextToken=first["NextToken"]
    )
    assert _keys(second["Items"]) == [("a", "3")]
    assert "NextToken" not in second
    # Limit counts items read, before the WHERE filters them (as Query and Scan's Limit does)
    assert sorted(_keys(_all(ddb, "SELECT * FROM items WHERE color = 'red'", Limit=1))) == [
        ("a", "1"),
        ("a", "3"),
    ]


def test_next_token_belongs_to_its_statement(ddb, rows):
    token = ddb.execute_statement(Statement="SELECT * FROM items", Limit=1)["NextToken"]
    assert refused(ddb.execute_statement, Statement="SELECT * FROM items WHERE sk = 1", NextToken=token) == (
        "ValidationException",
        "NextToken does not match request",
    )
    assert refused(ddb.execute_statement, Statement="SELECT * FROM items", NextToken="not-a-token") == (
        "ValidationException",
        "Invalid NextToken",
    )


def test_select_reports_consumed_capacity(ddb, rows):
    answer = ddb.execute_statement(
        Statement="SELECT * FROM items WHERE pk = 'a'", ConsistentRead=True, ReturnConsumedCapacity="TOTAL"
    )
    assert answer["ConsumedCapacity"] == {"TableName": "items", "CapacityUnits": 1.0}
    eventual = ddb.execute_statement(
        Statement="SELECT * FROM items WHERE pk = 'a'", ReturnConsumedCapacity="TOTAL"
    )
    assert eventual["ConsumedCapacity"] == {"TableName": "items", "CapacityUnits": 0.5}


def test_select_from_an_index(ddb):
    ddb.create_table(
        TableName="orders",
        AttributeDefinitions=definitions(id="S", customer="S", total="N"),
        KeySchema=key_schema("id"),
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-customer",
                "KeySchema": key_schema("customer", "total"),
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for number, customer, total in [("o1", "c1", 30), ("o2", "c1", 10), ("o3", "c2", 20)]:
        ddb.execute_statement(
            Statement=f"INSERT INTO orders VALUE {{'id': '{number}', 'customer': '{customer}', 'total': {total}, 'note': 'x'}}"
        )
    answer = ddb.execute_statement(Statement='SELECT * FROM "orders"."by-customer" WHERE customer = \'c1\'')
    assert answer["Items"] == [
        {"id": {"S": "o2"}, "customer": {"S": "c1"}, "total": {"N": "10"}},
        {"id": {"S": "o1"}, "customer": {"S": "c1"}, "total": {"N": "30"}},
    ]
    assert refused(
        ddb.execute_statement,
        Statement='SELECT * FROM "orders"."by-customer" WHERE customer = \'c1\'',
        ConsistentRead=True,
    ) == ("ValidationException", "Consistent reads are not supported on global secondary indexes")
    assert refused(ddb.execute_statement, Statement='SELECT * FROM "orders"."nope"') == (
        "ValidationException",
        "The table does not have the specified index: nope",
    )


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "SELECT * FROM items ORDER BY sk",
            "Must have WHERE clause in the statement when using ORDER BY clause.",
        ),
        (
            "SELECT * FROM items WHERE sk = 1 ORDER BY sk",
            "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.",
        ),
        (
            "SELECT * FROM items WHERE pk = 'a' ORDER BY color",
            "Variable reference color in ORDER BY clause must be part of the primary key",
        ),
        (
            "SELECT * FROM items WHERE pk = 1",
            "Key attribute's data type should match its data type in table's schema: Key pk",
        ),
        ("SELECT * FROM items i WHERE pk = 'a'", "Aliasing is not supported"),
        (
            "SELECT *, color FROM items",
            "Other attributes should not be present in the projection when '*' is used.",
        ),
        ("SELECT * FROM items WHERE pk = 'a' LIMIT 1", "Unsupported clause: LIMIT"),
        (
            "SELECT * FROM items WHERE pk = 'a' AND color = MISSING",
            "MISSING must be compared using IS operator",
        ),
        ("SELECT * FROM items WHERE nosuch(color)", "Unrecognized function: nosuch"),
        ("SELECT * FROM items WHERE color IS DATE", None),
        (
            "SELECT * FROM items WHERE color",
            "WHERE clause must contain an expression that resolves to a boolean",
        ),
        ("SELECT * FROM a.b.c", "A path may contain at most 2 components in the FROM clause"),
        ("SELECT * FROM items WHERE pk = ?", "Number of parameters in request and statement don't match."),
        (
            "EXISTS(SELECT * FROM items WHERE pk = 'a' AND sk = 1 AND v = 1)",
            "EXISTS can only be used in ExecuteTransaction write requests.",
        ),
    ],
)
def test_select_refusals(ddb, table, statement, message):
    code, answer = refused(ddb.execute_statement, Statement=statement)
    assert code == "ValidationException"
    if message is None:
        assert answer.startswith("Unsupported data type for IS operator: DATE.")
    else:
        assert answer == message


def test_syntax_errors(ddb, table):
    assert refused(ddb.execute_statement, Statement="SLECT * FROM items") == (
        "ValidationException",
        NOT_WELL_FORMED + "Expected data manipulation",
    )
    assert refused(ddb.execute_statement, Statement="SELECT * FROM items WHERE pk = 'a' garbage") == (
        "ValidationException",
        NOT_WELL_FORMED + "Unexpected token after expression",
    )
    # detail guessed: DynamoDB's parser names the token it stopped at
    assert refused(ddb.execute_statement, Statement="SELECT * FROM items WHERE")[1] == (
        NOT_WELL_FORMED + "Unexpected end of statement"
    )
    # reserved words must be quoted to be names
    assert refused(ddb.execute_statement, Statement="SELECT * FROM items WHERE value = 1")[1] == (
        NOT_WELL_FORMED + "Unexpected token: value"  # detail guessed
    )
    assert ddb.execute_statement(Statement='SELECT * FROM items WHERE "value" = 1')["Items"] == []


def test_comments_semicolon_and_case(ddb, rows):
    statement = "select -- the reds\n * from items /* all of them */ where color = 'red';"
    assert sorted(_keys(ddb.execute_statement(Statement=statement)["Items"])) == [("a", "1"), ("a", "3")]


def test_unknown_table(ddb):
    assert refused(ddb.execute_statement, Statement="SELECT * FROM nosuch") == (
        "ResourceNotFoundException",
        "Requested resource not found",
    )
