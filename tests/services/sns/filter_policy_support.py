"""Helpers shared by the SNS filter-policy unit tests (test_filter_policy_*.py): AWS's error
messages and how they are located, message-attribute builders, and the example policies.
"""

import json

SOURCE = "[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: {}, column: {}]"
NESTED = "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"
TOO_COMPLEX = "Invalid parameter: FilterPolicy: Filter policy is too complex"
TOO_MANY_KEYS = "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys"
VALID_VALUES = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"


def located(reason: str, column: int, line: int = 1) -> str:
    return f"Invalid parameter: FilterPolicy: {reason}\n at {SOURCE.format(line, column)}"


def unparsable(reason: str, column: int, line: int = 1) -> str:
    return located(f"failed to parse JSON. {reason}", column, line)


def plain(reason: str) -> str:
    return f"Invalid parameter: FilterPolicy: {reason}"


def s(value: str) -> dict:
    return {"DataType": "String", "StringValue": value}


def n(value: str) -> dict:
    return {"DataType": "Number", "StringValue": value}


def sa(values: list) -> dict:
    return {"DataType": "String.Array", "StringValue": json.dumps(values)}


def typed(data_type: str, value: str) -> dict:
    return {"DataType": data_type, "StringValue": value}


def binary(value: bytes) -> dict:
    return {"DataType": "Binary", "BinaryValue": value}


INTERESTS = {"customer_interests": ["rugby", "tennis"]}
NOT_INTERESTS = {"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}
SUFFIX_BALL = {"customer_interests": [{"suffix": "ball"}]}
IGNORE_CASE = {"customer_interests": [{"equals-ignore-case": "tennis"}]}
CIDR_V4 = {"source_ip": [{"cidr": "10.0.0.0/24"}]}
EQUALS_3015 = {"price_usd": [{"numeric": ["=", 301.5]}]}
NOT_100_500 = {"price": [{"anything-but": [100, 500]}]}
UP_TO_150 = {"price_usd": [{"numeric": [">", 0, "<=", 150]}]}
STORE_EXISTS = {"store": [{"exists": True}]}
STORE_ABSENT = {"store": [{"exists": False}]}
EXAMPLE_ACCEPTS = {
    "store": ["example_corp"],
    "event": [{"anything-but": "order_cancelled"}],
    "customer_interests": ["rugby", "football", "baseball"],
    "price_usd": [{"numeric": [">=", 100]}],
}
EXAMPLE_REJECTS = {
    "store": ["example_corp"],
    "event": ["order_cancelled"],
    "encrypted": [False],
    "customer_interests": ["basketball", "baseball"],
}
ALARM = "CloudWatch Alarm State Change"
