"""The `rest-json` protocol: members bound to the URI, headers and query string, the rest a JSON body."""

from __future__ import annotations

from botocore.model import OperationModel

from stratus.protocol.http import HttpRequest
from stratus.protocol.parsers.json_ import JSON_READER, decode_json, decode_json_object
from stratus.protocol.parsers.rest import parse_rest
from stratus.protocol.parsers.shapes import Field


def _read_body(field: Field, raw: bytes) -> dict:
    return JSON_READER.members(field.body.body_by_wire, field, decode_json_object(raw))


def _read_payload(payload: Field, raw: bytes) -> object:
    return JSON_READER.read(payload, decode_json(raw))


def parse_rest_json(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict:
    return parse_rest(operation, request, uri_params, _read_body, _read_payload)
