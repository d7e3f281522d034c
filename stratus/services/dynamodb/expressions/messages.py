"""AWS's wording for every expression error, in one place.

Messages inside an expression are reported by the caller as `Invalid <ExpressionName>: <message>`;
the ones marked "whole message" are sent as they are. Where AWS's text could not be confirmed the
function says so (see also the report of the tests marked `# guessed`).
"""

from __future__ import annotations

from stratus.services.dynamodb.common import ValidationException

# Attribute types by the names `attribute_type` accepts, and how the ADD/DELETE operand errors
# spell them.
TYPE_NAMES = ("S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M")
LONG_TYPE_NAMES = {
    "S": "STRING",
    "N": "NUMBER",
    "B": "BINARY",
    "NULL": "NULL",
    "BOOL": "BOOLEAN",
    "L": "LIST",
    "M": "MAP",
}
# AWS prints these sets from a Java HashSet; the order is AWS's as seen in real answers.
ALL_TYPES_TEXT = "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
VALID_TYPES_TEXT = "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}"

EMPTY = "The expression can not be empty;"
REDUNDANT_PARENTHESES = "The expression has redundant parentheses;"
MAX_EXPRESSION_BYTES = 4096


def invalid(label: str, message: str) -> ValidationException:
    """`Invalid ConditionExpression: ...` and its siblings."""
    return ValidationException(f"Invalid {label}: {message}")


def too_long(size: int) -> str:
    return f"Expression size has exceeded the maximum allowed size; expression size: {size}"


def syntax_error(token: str, near: str) -> str:
    return f'Syntax error; token: "{token}", near: "{near}"'


def reserved_keyword(name: str) -> str:
    return f"Attribute name is a reserved keyword; reserved keyword: {name}"


def unknown_function(name: str) -> str:
    return f"Invalid function name; function: {name}"


def misused_function(name: str) -> str:
    return f"The function is not allowed to be used this way in an expression; function: {name}"


def undefined_name(name: str) -> str:
    return f"An expression attribute name used in the document path is not defined; attribute name: {name}"


def undefined_value(name: str) -> str:
    return f"An expression attribute value used in expression is not defined; attribute value: {name}"


def operand_count(function: str, count: int) -> str:
    return (
        "Incorrect number of operands for operator or function; "
        f"operator or function: {function}, number of operands: {count}"
    )


def operand_type(function: str, type_name: str) -> str:
    return (
        "Incorrect operand type for operator or function; "
        f"operator or function: {function}, operand type: {type_name}"
    )


def update_operand_type(action: str, type_name: str) -> str:
    """ADD/DELETE with a value of the wrong type (note `operator:`, not `operator or function:`)."""
    return (
        "Incorrect operand type for operator or function; "
        f"operator: {action}, operand type: {LONG_TYPE_NAMES.get(type_name, type_name)}"
    )


def requires_path(function: str) -> str:
    return f"Operator or function requires a document path; operator or function: {function}"


def invalid_type_name(type_name: str) -> str:
    return f"Invalid attribute type name found; type: {type_name}, valid types: {VALID_TYPES_TEXT}"


def not_distinct(operator: str, path_text: str) -> str:
    return (
        "The first operand must be distinct from the remaining operands for this operator or "
        f"function; operator: {operator}, first operand: {path_text}"
    )


def in_too_many(count: int) -> str:
    # Wording as DynamoDB answers for PartiQL's IN; unconfirmed for expressions.
    return f"The IN operator is provided with too many operands; number of operands: {count}"


def between_types(low: str, high: str) -> str:
    return (
        "The BETWEEN operator requires same data type for lower and upper bounds; "
        f"lower bound operand: {low}, upper bound operand: {high}"
    )


def between_order(low: str, high: str) -> str:
    return (
        "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
        f"lower bound operand: {low}, upper bound operand: {high}"
    )


def section_twice(section: str) -> str:
    return f'The "{section}" section can only be used once in an update expression;'


def paths_overlap(first: str, second: str) -> str:
    return (
        "Two document paths overlap with each other; must remove or rewrite one of these paths; "
        f"path one: {first}, path two: {second}"
    )


def paths_conflict(first: str, second: str) -> str:
    return (
        "Two document paths conflict with each other; must remove or rewrite one of these paths; "
        f"path one: {first}, path two: {second}"
    )


# Whole messages, raised while an update is applied to an item.
INVALID_UPDATE_PATH = "The document path provided in the update expression is invalid for update"
MISSING_OPERAND = "The provided expression refers to an attribute that does not exist in the item"
WRONG_OPERAND_TYPE = "An operand in the update expression has an incorrect data type"


def key_attribute_updated(name: str) -> str:
    return (
        "One or more parameter values were invalid: "
        f"Cannot update attribute {name}. This attribute is part of the key"
    )


# Whole messages about the placeholder maps of a request.
def names_empty() -> str:
    return "ExpressionAttributeNames must not be empty"


def values_empty() -> str:
    return "ExpressionAttributeValues must not be empty"


def invalid_name_key(key: str) -> str:
    return f'ExpressionAttributeNames contains invalid key: Syntax error; key: "{key}"'


def invalid_value_key(key: str) -> str:
    return f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{key}"'


def invalid_value(reason: str, key: str) -> str:
    return f"ExpressionAttributeValues contains invalid value: {reason} for key {key}"


def unused(map_name: str, keys: list[str]) -> str:
    return f"Value provided in {map_name} unused in expressions: keys: {{{', '.join(keys)}}}"


# Whole messages about KeyConditionExpression's shape and the key schema.
def key_invalid_operator(operator: str) -> str:
    return f"Invalid operator used in KeyConditionExpression: {operator}"


KEY_NESTED_OPERATIONS = "KeyConditionExpressions cannot contain nested operations"
KEY_NESTED_ATTRIBUTES = "KeyConditionExpressions cannot have conditions on nested attributes"
KEY_MULTIPLE_NAMES = (
    "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"
)
KEY_NO_ATTRIBUTE = "Invalid condition in KeyConditionExpression: No key attribute specified"
KEY_ONE_CONDITION_PER_KEY = "KeyConditionExpressions must only contain one condition per key"
KEY_CONDITION_COUNT = "Conditions can be of length 1 or 2 only"
KEY_NOT_SUPPORTED = "Query key condition not supported"
KEY_TYPE_MISMATCH = (
    "One or more parameter values were invalid: Condition parameter type does not match schema type"
)


def key_first_operand(operator: str) -> str:
    return (
        f"Invalid condition in KeyConditionExpression: {operator} operator must have the key attribute "
        "as its first operand"
    )


def key_missing_element(name: str) -> str:
    return f"Query condition missed key schema element: {name}"


def filter_on_key(name: str) -> str:
    return f"Filter Expression can only contain non-primary key attributes: Primary key attribute: {name}"
