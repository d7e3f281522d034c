"""SearchVectors with a search schema: the partition key scoping the search, inline filters applied
before TopK, and the rules for search conditions.

Messages not marked were measured against DynamoDB (or are in its documentation); those marked
"guessed" are Stratus's wording where AWS's is not known.
"""

import pytest

from .support import refused
from .vector_search_support import by_distance_fixture, find, products_fixture, search  # noqa: F401

# ------------------------------------------------------------------ search schema


def test_the_partition_key_scopes_the_search(ddb, products):
    assert find(ddb, "category = :c", {":c": {"S": "audio"}}) == ["p1", "p2", "p4"]
    assert find(ddb, "#c = :c", {":c": {"S": "video"}}, ExpressionAttributeNames={"#c": "category"}) == ["p3"]
    assert find(ddb, "category = :c", {":c": {"S": "books"}}) == []


def test_inline_filters_narrow_before_the_top_k(ddb, products):
    # a pre-filter: the nearest audio item under 20 is p1; over 20, p2 (though p1 is nearer)
    assert find(ddb, "category = :c AND price < :p", {":c": {"S": "audio"}, ":p": {"N": "20"}}, top_k=1) == [
        "p1"
    ]
    assert find(ddb, "category = :c AND price > :p", {":c": {"S": "audio"}, ":p": {"N": "20"}}, top_k=1) == [
        "p2"
    ]
    assert find(
        ddb,
        "category = :c AND (price BETWEEN :lo AND :hi OR attribute_not_exists(price))",
        {":c": {"S": "audio"}, ":lo": {"N": "25"}, ":hi": {"N": "35"}},
    ) == ["p2", "p4"]
    assert find(
        ddb,
        "category = :c AND price IN (:a, :b)",
        {":c": {"S": "audio"}, ":a": {"N": "10"}, ":b": {"N": "11"}},
    ) == ["p1"]


@pytest.mark.parametrize(
    ("condition", "values", "message"),
    [
        (None, None, "SearchConditionExpression must be provided when SearchSchema has a HASH key"),
        (
            "price = :p",
            {":p": {"N": "10"}},
            "SearchConditionExpression must have all HASH attributes in configured SearchSchema",
        ),
        (
            "category < :c",
            {":c": {"S": "b"}},
            "Invalid SearchConditionExpression: Invalid comparator used in SearchConditionExpression",
        ),
        (
            "category = :c OR price = :p",
            {":c": {"S": "audio"}, ":p": {"N": "1"}},
            "Invalid SearchConditionExpression: Invalid operator used in SearchConditionExpression",
        ),
        (
            "category = :c AND title = :t",
            {":c": {"S": "audio"}, ":t": {"S": "x"}},
            "SearchConditionExpression must not contain any attributes that is not in SearchSchema. "
            "Invalid attribute: title",
        ),
        (
            "category = :c",
            {":c": {"N": "1"}},  # guessed
            "Search condition value for attribute 'category' does not match type in search schema",
        ),
        (
            "category = :c AND price.x = :p",
            {":c": {"S": "audio"}, ":p": {"N": "1"}},  # guessed
            "SearchConditionExpression cannot have conditions on nested attributes",
        ),
        (
            "category = :c AND category = :d",
            {":c": {"S": "audio"}, ":d": {"S": "video"}},  # guessed
            "SearchConditionExpression must only contain one condition per attribute",
        ),
        (
            "category = :c",
            {":c": {"S": "audio"}, ":unused": {"S": "x"}},
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}",
        ),
    ],
)
def test_search_condition_rules(ddb, products, condition, values, message):
    assert refused(find, ddb, condition, values) == ("ValidationException", message)


def test_a_syntax_error_names_the_search_condition(ddb, products):
    code, message = refused(find, ddb, "category = = :c", {":c": {"S": "audio"}})
    assert code == "ValidationException" and message.startswith(
        "Invalid SearchConditionExpression: Syntax error"
    )


def test_without_a_search_schema_no_condition_may_be_given(ddb, by_distance):
    code, message = refused(
        search,
        ddb,
        "cosine",
        SearchConditionExpression="label = :l",
        ExpressionAttributeValues={":l": {"S": "x"}},
    )
    assert (
        message
        == "SearchConditionExpression must not contain any attributes that is not in SearchSchema. Invalid attribute: label"
    )
