"""PartiQL: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction, through boto3.

Messages come from DynamoDB's PartiQL front end (as DynamoDB Local ships it) unless a comment
says "guessed".
"""

import pytest
from botocore.exceptions import ClientError

from .support import definitions, key_schema, refused

NOT_WELL_FORMED = "Statement wasn't well formed, can't be processed: "


def _insert(ddb, pk: str, sk: int, **extra: str) -> None:
    fields = "".join(f", '{name}': {value}" for name, value in extra.items())
    ddb.execute_statement(Statement=f"INSERT INTO \"items\" VALUE {{'pk': '{pk}', 'sk': {sk}{fields}}}")


def _get(ddb, pk: str, sk: int) -> dict | None:
    return ddb.get_item(TableName="items", Key={"pk": {"S": pk}, "sk": {"N": str(sk)}}).get("Item")


def _all(ddb, statement: str, **kwargs) -> list[dict]:
    """Every item a SELECT answers, following NextToken."""
    items, token = [], None
    while True:
        page = ddb.execute_statement(Statement=statement, **kwargs, **({"NextToken": token} if token else {}))
        items.extend(page["Items"])
        token = page.get("NextToken")
        if token is None:
            return items


# -- INSERT ------------------------------------------------------------------------------------------


def test_insert_writes_every_literal_type(ddb, table):
    answer = ddb.execute_statement(
        Statement="INSERT INTO \"items\" VALUE {'pk': 'a', 'sk': 1.50, 's': 'it''s', 'n': -2e2, 'yes': TRUE, "
        "'nothing': NULL, 'l': [1, 'two', [false]], 'm': {'inner': {'deep': 3}}, 'ss': <<'x', 'y'>>, "
        "'ns': <<1, 2>>}"
    )
    assert answer["Items"] == []
    assert _get(ddb, "a", 1.5) == {
        "pk": {"S": "a"},
        "sk": {"N": "1.5"},
        "s": {"S": "it's"},
        "n": {"N": "-200"},
        "yes": {"BOOL": True},
        "nothing": {"NULL": True},
        "l": {"L": [{"N": "1"}, {"S": "two"}, {"L": [{"BOOL": False}]}]},
        "m": {"M": {"inner": {"M": {"deep": {"N": "3"}}}}},
        "ss": {"SS": ["x", "y"]},
        "ns": {"NS": ["1", "2"]},
    }


def test_insert_binds_parameters_in_order(ddb, table):
    ddb.execute_statement(
        Statement="INSERT INTO items VALUE {'pk': ?, 'sk': ?, 'b': ?, 'bs': ?}",
        Parameters=[{"S": "p"}, {"N": "7"}, {"B": b"\x00\x01"}, {"BS": [b"a", b"b"]}],
    )
    item = _get(ddb, "p", 7)
    assert item["b"] == {"B": b"\x00\x01"}
    assert item["bs"] == {"BS": [b"a", b"b"]}


def test_insert_of_an_existing_key_is_a_duplicate(ddb, table):
    _insert(ddb, "a", 1, v="'first'")
    code, message = refused(
        ddb.execute_statement, Statement="INSERT INTO items VALUE {'pk': 'a', 'sk': 1, 'v': 'second'}"
    )
    assert (code, message) == ("DuplicateItemException", "Duplicate primary key exists in table")
    assert _get(ddb, "a", 1)["v"] == {"S": "first"}


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("INSERT INTO items VALUE {'pk': 'a'}", "Key attribute should be present in the item: Key sk"),
        (
            "INSERT INTO items VALUE {'pk': 1, 'sk': 1}",
            "Key attribute's data type should match its data type in table's schema: Key pk",
        ),
        (
            "INSERT INTO items VALUE {'pk': 'a', 'sk': 1} RETURNING ALL OLD *",
            "RETURNING is not supported in INSERT",
        ),
        ("INSERT INTO items VALUE {'pk': 'a', 'sk': 1, 's': <<>>}", "Empty bags are not supported"),
        (
            "INSERT INTO items VALUE {'pk': 'a', 'sk': 1, 's': <<'a', 1>>}",
            "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags",
        ),
        (
            "INSERT INTO items VALUE ['pk', 'a']",
            "Unsupported format in item expression. Please use struct format {...} to express item values "
            "for insert statement.",
        ),
        # "under item" is guessed: DynamoDB names the place of the duplicate in its own way
        (
            "INSERT INTO items VALUE {'pk': 'a', 'sk': 1, 'pk': 'b'}",
            "Duplicate keys in tuple. Key: pk under item",
        ),
        (
            "INSERT INTO items VALUES ('a', 1)",
            NOT_WELL_FORMED + "Unexpected token: VALUES",  # detail guessed
        ),
    ],
)
def test_insert_refusals(ddb, table, statement, message):
    assert refused(ddb.execute_statement, Statement=statement) == ("ValidationException", message)
    assert ddb.scan(TableName="items")["Count"] == 0


# -- SELECT --------------------------------------------------------------------------------------------


@pytest.fixture
def rows(ddb, table):
    for pk, sk, color, weight in [
        ("a", 1, "red", 3),
        ("a", 2, "blue", 5),
        ("a", 3, "red", 8),
        ("b", 1, "green", 1),
    ]:
        _insert(ddb, pk, sk, color=f"'{color}'", weight=str(weight), tags=f"['{color}', 't']")
    return table


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


# -- UPDATE and DELETE ---------------------------------------------------------------------------------


def test_update_sets_removes_and_returns(ddb, table):
    _insert(ddb, "a", 1, n="1", gone="'x'", l="[1]", s="<<'p'>>", t="<<'q', 'r'>>")
    answer = ddb.execute_statement(
        Statement="UPDATE items SET n = n + ?, added = 'new' REMOVE gone SET l = list_append(l, [2]) "
        "SET s = set_add(s, <<'z'>>) SET t = set_delete(t, <<'q'>>) WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *",
        Parameters=[{"N": "4"}],
    )
    expected = {
        "pk": {"S": "a"},
        "sk": {"N": "1"},
        "n": {"N": "5"},
        "added": {"S": "new"},
        "l": {"L": [{"N": "1"}, {"N": "2"}]},
        "s": {"SS": ["p", "z"]},
        "t": {"SS": ["r"]},
    }
    assert answer["Items"] == [expected]
    assert _get(ddb, "a", 1) == expected
    modified = ddb.execute_statement(
        Statement="UPDATE items SET n = 9 WHERE pk = 'a' AND sk = 1 RETURNING MODIFIED OLD *"
    )
    assert modified["Items"] == [{"n": {"N": "5"}}]
    plain = ddb.execute_statement(Statement="UPDATE items SET n = 10 WHERE pk = 'a' AND sk = 1")
    assert plain["Items"] == []


def test_update_needs_an_existing_item_meeting_the_where(ddb, table):
    assert refused(ddb.execute_statement, Statement="UPDATE items SET v = 1 WHERE pk = 'zz' AND sk = 1") == (
        "ConditionalCheckFailedException",
        "The conditional request failed",
    )
    assert _get(ddb, "zz", 1) is None
    _insert(ddb, "a", 1, v="1")
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_statement(
            Statement="UPDATE items SET v = 2 WHERE pk = 'a' AND sk = 1 AND v = 5",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert excinfo.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert excinfo.value.response["Item"] == {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "1"}}
    ddb.execute_statement(Statement="UPDATE items SET v = 2 WHERE pk = 'a' AND sk = 1 AND (v = 5 OR v = 1)")
    assert _get(ddb, "a", 1)["v"] == {"N": "2"}


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            "UPDATE items SET v = 1 WHERE pk = 'a'",
            "Where clause does not contain a mandatory equality on all key attributes",
        ),
        (
            "UPDATE items SET v = 1",
            "Where clause does not contain a mandatory equality on all key attributes",
        ),
        (
            "UPDATE items SET v = 1 WHERE pk = 'a' AND sk = 1 AND sk = 2",
            "Multiple conditions on same key sk. Only single item Update/Insert/Delete are supported",
        ),
        (
            "UPDATE items SET v = 1 WHERE pk = 'a' AND sk = '1'",
            "Key attribute's data type should match its data type in table's schema: Key sk",
        ),
        (
            "UPDATE items SET v = 1 WHERE pk = ['a'] AND sk = 1",
            "Key value must be of type S, N, or B. Key name: pk, Key type: L",
        ),
        (
            "UPDATE items SET s = set_add(t, <<'x'>>) WHERE pk = 'a' AND sk = 1",
            "The first argument to SET_ADD must equal the assignment value",
        ),
        (
            "UPDATE items SET s = set_add(s, 'x') WHERE pk = 'a' AND sk = 1",
            "The second argument to SET_ADD must be a value with type SET",
        ),
        (
            "UPDATE items SET v = 1 WHERE pk = 'a' AND sk = 1 RETURNING ALL OLD v",
            "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause",
        ),
        (
            "DELETE FROM items WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *",
            "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements.",
        ),
        (
            "DELETE FROM items WHERE sk = 1",
            "Where clause does not contain a mandatory equality on all key attributes",
        ),
    ],
)
def test_write_refusals(ddb, table, statement, message):
    assert refused(ddb.execute_statement, Statement=statement) == ("ValidationException", message)


def test_update_of_a_key_attribute_is_the_update_apis_refusal(ddb, table):
    _insert(ddb, "a", 1)
    assert refused(
        ddb.execute_statement, Statement="UPDATE items SET pk = 'b' WHERE pk = 'a' AND sk = 1"
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key",
    )


def test_delete(ddb, table):
    _insert(ddb, "a", 1, v="1")
    _insert(ddb, "a", 2, v="2")
    assert ddb.execute_statement(Statement="DELETE FROM items WHERE pk = 'nobody' AND sk = 1")["Items"] == []
    assert refused(
        ddb.execute_statement, Statement="DELETE FROM items WHERE pk = 'a' AND sk = 1 AND v = 7"
    ) == (
        "ConditionalCheckFailedException",
        "The conditional request failed",
    )
    answer = ddb.execute_statement(
        Statement="DELETE FROM items WHERE pk = ? AND sk = ? AND v = 1 RETURNING ALL OLD *",
        Parameters=[{"S": "a"}, {"N": "1"}],
        ReturnConsumedCapacity="TOTAL",
    )
    assert answer["Items"] == [{"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"N": "1"}}]
    assert answer["ConsumedCapacity"] == {"TableName": "items", "CapacityUnits": 1.0}
    ddb.execute_statement(Statement="DELETE FROM items WHERE pk = 'a' AND sk = 2")
    assert ddb.scan(TableName="items")["Count"] == 0


# -- BatchExecuteStatement -----------------------------------------------------------------------------


def test_batch_of_reads(ddb, rows):
    answer = ddb.batch_execute_statement(
        Statements=[
            {"Statement": "SELECT color FROM items WHERE pk = 'a' AND sk = 1"},
            {
                "Statement": "SELECT * FROM items WHERE pk = ? AND sk = ?",
                "Parameters": [{"S": "x"}, {"N": "9"}],
            },
            {"Statement": "SELECT * FROM items WHERE pk = 'a'"},
            {"Statement": "SELECT * FROM items WHERE pk = 'a' AND sk = 1 AND color = 'red'"},
            {"Statement": "SELEC * FROM items"},
            {"Statement": "SELECT * FROM nosuch WHERE pk = 'a' AND sk = 1"},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert answer["Responses"] == [
        {"TableName": "items", "Item": {"color": {"S": "red"}}},
        {"TableName": "items"},
        {"Error": {"Code": "ValidationError", "Message": "Only single item select is supported"}},
        {"Error": {"Code": "ValidationError", "Message": "Only single item select is supported"}},
        {"Error": {"Code": "ValidationError", "Message": NOT_WELL_FORMED + "Expected data manipulation"}},
        {"Error": {"Code": "ResourceNotFound", "Message": "Requested resource not found"}},
    ]
    assert answer["ConsumedCapacity"] == [{"TableName": "items", "CapacityUnits": 1.0}]


def test_batch_of_writes_answers_each_statement(ddb, table):
    _insert(ddb, "a", 1, v="1")
    _insert(ddb, "a", 2, v="1")
    answer = ddb.batch_execute_statement(
        Statements=[
            {"Statement": "INSERT INTO items VALUE {'pk': 'b', 'sk': 1}"},
            {"Statement": "INSERT INTO items VALUE {'pk': 'a', 'sk': 1}"},
            {
                "Statement": "UPDATE items SET v = 2 WHERE pk = 'a' AND sk = 2 AND v = 5",
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            },
            {"Statement": "UPDATE items SET w = 3 WHERE pk = 'c' AND sk = 1"},
            {"Statement": "DELETE FROM items WHERE pk = 'd' AND sk = 1 RETURNING ALL OLD *"},
            {"Statement": "UPDATE items SET w = 1 WHERE pk = 'e'"},
        ]
    )
    assert answer["Responses"] == [
        {"TableName": "items"},
        {
            "TableName": "items",
            "Error": {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"},
        },
        {
            "TableName": "items",
            "Error": {
                "Code": "ConditionalCheckFailed",
                "Message": "The conditional request failed",
                "Item": {"pk": {"S": "a"}, "sk": {"N": "2"}, "v": {"N": "1"}},
            },
        },
        {
            "TableName": "items",
            "Error": {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
        },
        {"TableName": "items"},
        {
            "Error": {
                "Code": "ValidationError",
                "Message": "Where clause does not contain a mandatory equality on all key attributes",
            }
        },
    ]
    assert _get(ddb, "b", 1) == {"pk": {"S": "b"}, "sk": {"N": "1"}}
    assert _get(ddb, "a", 2)["v"] == {"N": "1"}


def test_batch_refusals(ddb, table):
    mixed = [
        {"Statement": "SELECT * FROM items WHERE pk = 'a' AND sk = 1"},
        {"Statement": "INSERT INTO items VALUE {'pk': 'b', 'sk': 1}"},
    ]
    assert refused(ddb.batch_execute_statement, Statements=mixed) == (
        "ValidationException",
        "Read and write requests together in the same batch is not supported.",
    )
    twice = [
        {"Statement": "INSERT INTO items VALUE {'pk': 'b', 'sk': 1}"},
        {"Statement": "DELETE FROM items WHERE pk = 'b' AND sk = 1"},
    ]
    assert refused(ddb.batch_execute_statement, Statements=twice) == (
        "ValidationException",
        "Provided list of item keys contains duplicates",
    )
    code, message = refused(
        ddb.batch_execute_statement,
        Statements=[{"Statement": "DELETE FROM items WHERE pk = 'b' AND sk = 1"}] * 26,
    )
    assert code == "ValidationException"
    assert "Member must have length less than or equal to 25" in message
    assert ddb.scan(TableName="items")["Count"] == 0


def test_batch_write_capacity_per_table(ddb, table, simple_table):
    answer = ddb.batch_execute_statement(
        Statements=[
            {"Statement": "INSERT INTO items VALUE {'pk': 'a', 'sk': 1}"},
            {"Statement": "INSERT INTO items VALUE {'pk': 'a', 'sk': 2}"},
            {"Statement": "INSERT INTO simple VALUE {'id': 'x'}"},
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert answer["ConsumedCapacity"] == [
        {"TableName": "items", "CapacityUnits": 2.0},
        {"TableName": "simple", "CapacityUnits": 1.0},
    ]


# -- ExecuteTransaction --------------------------------------------------------------------------------


def test_transaction_of_writes_commits_together(ddb, table, simple_table):
    _insert(ddb, "a", 1, n="1")
    _insert(ddb, "gone", 1)
    ddb.execute_statement(Statement="INSERT INTO simple VALUE {'id': 'lock', 'state': 'open'}")
    ddb.execute_transaction(
        TransactStatements=[
            {"Statement": "INSERT INTO items VALUE {'pk': ?, 'sk': 2}", "Parameters": [{"S": "new"}]},
            {"Statement": "UPDATE items SET n = n + 1 WHERE pk = 'a' AND sk = 1"},
            {"Statement": "DELETE FROM items WHERE pk = 'gone' AND sk = 1"},
            {"Statement": "EXISTS(SELECT * FROM simple WHERE id = 'lock' AND state = 'open')"},
        ]
    )
    assert _get(ddb, "new", 2) is not None
    assert _get(ddb, "a", 1)["n"] == {"N": "2"}
    assert _get(ddb, "gone", 1) is None


def test_transaction_cancellation_reasons(ddb, table):
    _insert(ddb, "a", 1, v="1")
    _insert(ddb, "a", 2, v="1")
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_transaction(
            TransactStatements=[
                {"Statement": "INSERT INTO items VALUE {'pk': 'fresh', 'sk': 1}"},
                {"Statement": "INSERT INTO items VALUE {'pk': 'a', 'sk': 1}"},
                {
                    "Statement": "EXISTS(SELECT * FROM items WHERE pk = 'a' AND sk = 2 AND v = 2)",
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                },
                {"Statement": "UPDATE items SET v = 1 WHERE pk = 'missing' AND sk = 1"},
            ]
        )
    response = excinfo.value.response
    assert response["Error"]["Code"] == "TransactionCanceledException"
    # the DuplicateItem reason is guessed (DynamoDB Local answers ValidationError with this message)
    assert response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, DuplicateItem, ConditionalCheckFailed, ConditionalCheckFailed]"
    )
    assert response["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"},
        {
            "Code": "ConditionalCheckFailed",
            "Message": "The conditional request failed",
            "Item": {"pk": {"S": "a"}, "sk": {"N": "2"}, "v": {"N": "1"}},
        },
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
    ]
    assert _get(ddb, "fresh", 1) is None


def test_transaction_of_reads(ddb, rows):
    answer = ddb.execute_transaction(
        TransactStatements=[
            {"Statement": "SELECT color, weight FROM items WHERE pk = 'a' AND sk = 2"},
            {
                "Statement": "SELECT * FROM items WHERE pk = ? AND sk = ?",
                "Parameters": [{"S": "no"}, {"N": "1"}],
            },
        ],
        ReturnConsumedCapacity="TOTAL",
    )
    assert answer["Responses"] == [{"Item": {"color": {"S": "blue"}, "weight": {"N": "5"}}}, {}]
    assert answer["ConsumedCapacity"] == [{"TableName": "items", "CapacityUnits": 4.0}]


def test_transaction_token_makes_it_run_once(ddb, table):
    _insert(ddb, "a", 1, n="1")
    statements = [{"Statement": "UPDATE items SET n = n + 1 WHERE pk = 'a' AND sk = 1"}]
    ddb.execute_transaction(TransactStatements=statements, ClientRequestToken="token-1")
    ddb.execute_transaction(TransactStatements=statements, ClientRequestToken="token-1")
    assert _get(ddb, "a", 1)["n"] == {"N": "2"}
    other = [{"Statement": "UPDATE items SET n = n + 5 WHERE pk = 'a' AND sk = 1"}]
    code, _ = refused(ddb.execute_transaction, TransactStatements=other, ClientRequestToken="token-1")
    assert code == "IdempotentParameterMismatchException"


@pytest.mark.parametrize(
    ("statements", "code", "message"),
    [
        (
            ["SELECT * FROM items WHERE pk = 'a' AND sk = 1", "DELETE FROM items WHERE pk = 'a' AND sk = 1"],
            "ValidationException",
            "ExecuteTransaction API does not support both read and write operations in the same request.",
        ),
        (
            ["SELECT * FROM items WHERE pk = 'a'"],
            "ValidationException",
            "Validation failed in TransactStatements[0]: Select statements within ExecuteTransaction must "
            "specify the primary key in the where clause.",
        ),
        (
            [
                "DELETE FROM items WHERE pk = 'a' AND sk = 1",
                "UPDATE items SET v = 1 WHERE pk = 'b' AND sk = 1 RETURNING ALL NEW *",
            ],
            "ValidationException",
            "Validation failed in TransactStatements[1]: RETURNING clause is not supported in ExecuteTransaction.",
        ),
        (
            ["EXISTS(SELECT * FROM items WHERE pk = 'a' AND sk = 1)"],
            "ValidationException",
            "Validation failed in TransactStatements[0]: EXISTS() must contain a single item read with additional condition",
        ),
        (
            ["DELETE FROM items WHERE pk = 'a' AND sk = 1", "DELETE FROM items WHERE sk = 1 AND pk = 'a'"],
            "ValidationException",
            "Transaction request cannot include multiple operations on one item",
        ),
        (
            ["DELETE FROM nosuch WHERE pk = 'a' AND sk = 1"],
            "ResourceNotFoundException",
            "Requested resource not found",
        ),
        (["DELET FROM items"], "ValidationException", NOT_WELL_FORMED + "Expected data manipulation"),
    ],
)
def test_transaction_refusals(ddb, table, statements, code, message):
    answer = refused(ddb.execute_transaction, TransactStatements=[{"Statement": text} for text in statements])
    assert answer == (code, message)


def test_transaction_key_type_mismatch_cancels(ddb, table):
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_transaction(
            TransactStatements=[
                {"Statement": "INSERT INTO items VALUE {'pk': 'a', 'sk': 1}"},
                {"Statement": "INSERT INTO items VALUE {'pk': 'a', 'sk': 'one'}"},
            ]
        )
    response = excinfo.value.response
    assert response["Error"]["Code"] == "TransactionCanceledException"
    assert response["CancellationReasons"] == [
        {"Code": "None"},
        {
            "Code": "ValidationError",
            "Message": "Key attribute's data type should match its data type in table's schema: Key sk",
        },
    ]
    assert ddb.scan(TableName="items")["Count"] == 0


def test_statements_feed_streams_like_item_writes(ddb, aws_client):
    streams = aws_client("dynamodbstreams")
    arn = ddb.create_table(
        TableName="streamed",
        AttributeDefinitions=definitions(id="S"),
        KeySchema=key_schema("id"),
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]
    ddb.execute_statement(Statement="INSERT INTO streamed VALUE {'id': 'x', 'v': 1}")
    ddb.execute_statement(Statement="UPDATE streamed SET v = 2 WHERE id = 'x'")
    ddb.execute_statement(Statement="DELETE FROM streamed WHERE id = 'x'")
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    position = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=position["ShardIterator"])["Records"]
    assert [record["eventName"] for record in records] == ["INSERT", "MODIFY", "REMOVE"]
    assert records[1]["dynamodb"]["NewImage"] == {"id": {"S": "x"}, "v": {"N": "2"}}
