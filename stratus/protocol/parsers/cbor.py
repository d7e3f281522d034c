"""The `smithy-rpc-v2-cbor` protocol: a CBOR map body posted to /service/<S>/operation/<Op>."""

from __future__ import annotations

import io

import cbor2
from botocore.model import OperationModel

from stratus.protocol.http import HttpRequest
from stratus.protocol.parsers.document import CborReader
from stratus.protocol.parsers.failures import BODY, MalformedInput
from stratus.protocol.parsers.shapes import input_field

CBOR_READER = CborReader()
# Deeper than any AWS input needs (DynamoDB caps documents at 32 levels), shallow enough to be safe.
MAX_CBOR_DEPTH = 100


def _refuse_tag(decoder, *args):
    raise cbor2.CBORDecodeError("unsupported CBOR tag")


# Shared values (tags 28/29) can expand exponentially like XML entities, string references
# (25/256) likewise; regular expressions (35) and MIME messages (36) make the decoder do work an
# input never needs. None of them is part of the protocol, so they are refused outright.
_REFUSED_TAGS = {tag: _refuse_tag for tag in (25, 28, 29, 35, 36, 256)}


def decode_cbor(raw: bytes) -> object:
    """Exactly one CBOR data item from bytes (trailing bytes are an error, as in any document)."""
    stream = io.BytesIO(raw)
    try:
        decoder = cbor2.CBORDecoder(
            stream, semantic_decoders=_REFUSED_TAGS, str_errors="strict", max_depth=MAX_CBOR_DEPTH
        )
        document = decoder.decode()
    except RecursionError:
        raise MalformedInput("The CBOR document is nested too deeply", BODY, syntax=True) from None
    except Exception as error:  # cbor2 raises CBORDecodeError, ValueError, TypeError, ...
        raise MalformedInput(f"The request body is not valid CBOR: {error}", BODY, syntax=True) from None
    if stream.tell() != len(raw):
        raise MalformedInput("The request body has data after its CBOR document", BODY, syntax=True)
    return document


def parse_cbor(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict:
    field = input_field(operation)
    if field is None:
        return {}
    raw = request.body.read()
    if not raw:
        return {}
    document = decode_cbor(raw)
    if not isinstance(document, dict):
        raise MalformedInput("The request body must be a CBOR map", BODY, syntax=True)
    return CBOR_READER.members(field.body.by_wire, field, document)
