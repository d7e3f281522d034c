"""The error a denied request gets, in its service's dialect, and the sealed authorization message
that some services attach (decoded by STS DecodeAuthorizationMessage)."""

from __future__ import annotations

import base64
import json
import os
import zlib

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from stratus.protocol.errors import ServiceError
from stratus.protocol.loader import service_model

SEAL_KEY_SETTING = "authorization-message-key"


OWN_DENIAL_CODES = {"sns": "AuthorizationError"}


class AccessDenied(ServiceError):
    code = "AccessDenied"
    status = 403


def access_denied(service: str, message: str, *, encoded_message: str | None = None) -> ServiceError:
    model = service_model(service)
    protocol = model.metadata.get("protocol", "query")
    if protocol == "ec2":
        text = "You are not authorized to perform this operation."
        if encoded_message:
            text += f" User: {message.split('User: ', 1)[-1]} Encoded authorization failure message: {encoded_message}"
        return ServiceError(text, code="UnauthorizedOperation", status=403)
    # Services whose model names their own code for a denial (SNS: AuthorizationError).
    if service in OWN_DENIAL_CODES:
        return AccessDenied(message, code=OWN_DENIAL_CODES[service])
    # Query-compatible JSON services (SQS) keep their query code, AccessDenied.
    if protocol in ("json", "rest-json", "smithy-rpc-v2-cbor") and not model.is_query_compatible:
        return AccessDenied(message, code="AccessDeniedException")
    return AccessDenied(message)


def new_seal_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal_message(key: bytes, document: dict) -> str:
    """An opaque, authenticated token carrying the decision details (AWS's are opaque too)."""
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, zlib.compress(json.dumps(document).encode()), b"stratus-authz")
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def unseal_message(key: bytes, token: str) -> dict | None:
    """The document inside a sealed message, or None if it was not sealed by this data directory."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        plain = AESGCM(key).decrypt(raw[:12], raw[12:], b"stratus-authz")
        return json.loads(zlib.decompress(plain))
    except Exception:
        return None
