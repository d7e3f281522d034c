"""The `json` protocol (X-Amz-Target + a JSON object body), and the JSON decoding rest-json shares."""

from __future__ import annotations

import json

from botocore.model import OperationModel

from stratus.protocol.http import HttpRequest
from stratus.protocol.parsers.document import DocumentReader
from stratus.protocol.parsers.failures import BODY, MalformedInput
from stratus.protocol.parsers.shapes import input_field

JSON_READER = DocumentReader()


def decode_json(raw: bytes) -> object:
    """A JSON document from bytes: strict UTF-8, any JSON value (the caller checks the kind)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedInput("The request body is not valid UTF-8", BODY, syntax=True) from None
    try:
        return json.loads(text)
    except RecursionError:
        raise MalformedInput("The JSON document is nested too deeply", BODY, syntax=True) from None
    except ValueError as error:
        raise MalformedInput(f"The request body is not valid JSON: {error}", BODY, syntax=True) from None


def decode_json_object(raw: bytes) -> dict:
    document = decode_json(raw)
    if not isinstance(document, dict):
        raise MalformedInput("The request body must be a JSON object", BODY, syntax=True)
    return document


def parse_json(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict:
    field = input_field(operation)
    if field is None:
        return {}
    raw = request.body.read()
    if not raw or raw.isspace():
        return {}
    return JSON_READER.members(field.body.by_wire, field, decode_json_object(raw))
