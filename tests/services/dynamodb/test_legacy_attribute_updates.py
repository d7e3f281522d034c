"""Legacy AttributeUpdates converted into UpdateExpressions: each action applied to sample items,
missing items, Expected beside it, and updates of key attributes.

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

from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.expressions import apply_update, evaluate_condition
from stratus.services.dynamodb.legacy import expression_members

from .legacy_support import INVALID, KEY, NS, SS, L, N, S, prepared

# -- AttributeUpdates --------------------------------------------------------------------------

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
