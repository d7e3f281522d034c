"""Writes to a table with a vector index: bad vectors refused by item writes, transactions and
PartiQL, and the partition attribute keeping its type.

Messages not marked were measured against DynamoDB (or are in its documentation); those marked
"guessed" are Stratus's wording where AWS's is not known.
"""

from .support import refused
from .vector_search_support import (
    INVALID,
    find,
    products_fixture,  # noqa: F401
    vec,
)

# ------------------------------------------------------------------ writes


def test_writes_of_a_bad_vector_are_refused(ddb, products):
    item = {"pk": {"S": "bad"}, "category": {"S": "audio"}}
    for embedding in (vec(1, 0, 0), {"S": "1,0"}, {"L": [{"N": "1"}, {"S": "0"}]}):
        code, message = refused(ddb.put_item, TableName="products", Item={**item, "embedding": embedding})
        assert code == "ValidationException" and message.startswith(INVALID)  # wording guessed
    code, message = refused(ddb.put_item, TableName="products", Item={**item, "embedding": vec(1, 0, 0)})
    assert (
        message
        == INVALID
        + "Vector dimension 3 of attribute embedding does not match vector index dimension 2. IndexName: vix"
    )
    assert "Item" not in ddb.get_item(TableName="products", Key={"pk": {"S": "bad"}})
    code, _ = refused(
        ddb.update_item,
        TableName="products",
        Key={"pk": {"S": "p1"}},
        UpdateExpression="SET embedding = :v",
        ExpressionAttributeValues={":v": vec(1)},
    )
    assert code == "ValidationException"
    assert find(ddb, "category = :c", {":c": {"S": "audio"}}, top_k=1) == ["p1"]  # unchanged
    code, _ = refused(
        ddb.batch_write_item,
        RequestItems={"products": [{"PutRequest": {"Item": {"pk": {"S": "x"}, "embedding": vec(1, 2, 3)}}}]},
    )
    assert code == "ValidationException"


def test_transactions_and_partiql_writes_are_checked_too(ddb, products):
    bad = {"pk": {"S": "t"}, "embedding": vec(1, 2, 3)}
    code, _ = refused(
        ddb.transact_write_items, TransactItems=[{"Put": {"TableName": "products", "Item": bad}}]
    )
    assert code == "ValidationException"
    code, _ = refused(
        ddb.execute_statement, Statement="INSERT INTO products VALUE {'pk': 'q', 'embedding': [1, 2, 3]}"
    )
    assert code == "ValidationException"
    ddb.execute_statement(
        Statement="INSERT INTO products VALUE {'pk': 'q', 'category': 'books', 'embedding': [0, 1]}"
    )
    assert find(ddb, "category = :c", {":c": {"S": "books"}}) == ["q"]
    assert "Item" not in ddb.get_item(TableName="products", Key={"pk": {"S": "t"}})


def test_the_partition_attribute_keeps_its_type(ddb, products):
    code, message = refused(
        ddb.put_item, TableName="products", Item={"pk": {"S": "x"}, "category": {"N": "1"}}
    )
    assert (code, message) == (
        "ValidationException",
        INVALID + "Type mismatch for Index Key category Expected: S Actual: N IndexName: vix",  # guessed
    )
    ddb.put_item(TableName="products", Item={"pk": {"S": "y"}, "title": {"S": "no vector is fine"}})
