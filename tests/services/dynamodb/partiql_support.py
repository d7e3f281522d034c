"""Helpers shared by the PartiQL tests (test_partiql_*.py): the common message prefix, helpers that
insert, get and select every item of the `items` table, and the `rows` fixture (four sample items).
"""

import pytest

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


@pytest.fixture(name="rows")
def rows_fixture(ddb, table):
    for pk, sk, color, weight in [
        ("a", 1, "red", 3),
        ("a", 2, "blue", 5),
        ("a", 3, "red", 8),
        ("b", 1, "green", 1),
    ]:
        _insert(ddb, pk, sk, color=f"'{color}'", weight=str(weight), tags=f"['{color}', 't']")
    return table
