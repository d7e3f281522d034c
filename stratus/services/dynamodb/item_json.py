"""Items as stored text: DynamoDB JSON with binaries in base64 (as on the wire).

Inside Stratus B/BS values are bytes (the protocol layer decodes them); a stored item without any
binary is plain `json.loads`, the common case, so only items holding binaries pay for a walk.
"""

from __future__ import annotations

import base64
import json

_BINARY_MARKERS = ('"B":', '"BS":')


def _encode(value: dict) -> dict:
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode("ascii")}
    if kind == "BS":
        return {"BS": [base64.b64encode(member).decode("ascii") for member in inner]}
    if kind == "L":
        return {"L": [_encode(member) for member in inner]}
    if kind == "M":
        return {"M": {name: _encode(member) for name, member in inner.items()}}
    return value


def _decode(value: dict) -> dict:
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner)}
    if kind == "BS":
        return {"BS": [base64.b64decode(member) for member in inner]}
    if kind == "L":
        return {"L": [_decode(member) for member in inner]}
    if kind == "M":
        return {"M": {name: _decode(member) for name, member in inner.items()}}
    return value


def _has_binary(value: dict) -> bool:
    ((kind, inner),) = value.items()
    if kind in ("B", "BS"):
        return True
    if kind == "L":
        return any(_has_binary(member) for member in inner)
    if kind == "M":
        return any(_has_binary(member) for member in inner.values())
    return False


def dumps(item: dict) -> str:
    if any(_has_binary(value) for value in item.values()):
        item = {name: _encode(value) for name, value in item.items()}
    return json.dumps(item, separators=(",", ":"), ensure_ascii=False)


def loads(text: str) -> dict:
    item = json.loads(text)
    if any(marker in text for marker in _BINARY_MARKERS):
        return {name: _decode(value) for name, value in item.items()}
    return item
