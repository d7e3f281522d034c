"""From a function's answer to the HTTP response of its URL ("Invoking Lambda function URLs").

- Valid JSON without `statusCode` (a string, a number, an object, null): 200,
  `content-type: application/json`, and the answer itself as the body.
- An object with `statusCode`: that status; `headers` as given (values made text); `cookies`, one
  `set-cookie` header each; `body` as text, or decoded when `isBase64Encoded` is true;
  `content-type` defaults to `application/json`. Payload format 2.0 has no `multiValueHeaders`:
  they are ignored, as AWS ignores them.
- Anything that cannot be a response (a status out of range, headers that are not an object, a
  base64 body that does not decode) is the URL's 502, as a function error is (`function_error`).
"""

from __future__ import annotations

import base64
import binascii
import json

from stratus.protocol.http import HttpResponse

JSON_TYPE = "application/json"
# Guessed detail: AWS answers a function error with 502 and this body; its content type is ours.
FUNCTION_ERROR_BODY = b"Internal Server Error"


def function_error() -> HttpResponse:
    return HttpResponse(502, [("Content-Type", "text/plain; charset=utf-8")], FUNCTION_ERROR_BODY)


def response_of(payload: bytes) -> HttpResponse | None:
    """The HTTP response a function's answer asks for; None when it cannot be one (the URL's 502)."""
    try:
        answer = json.loads(payload) if payload.strip() else None
    except ValueError:
        return HttpResponse(200, [("Content-Type", JSON_TYPE)], payload)
    if not isinstance(answer, dict) or "statusCode" not in answer:
        return HttpResponse(200, [("Content-Type", JSON_TYPE)], payload if payload.strip() else b"null")
    return _structured(answer)


def _structured(answer: dict) -> HttpResponse | None:
    status = _status(answer["statusCode"])
    headers_in = answer.get("headers")
    cookies = answer.get("cookies")
    if status is None or not isinstance(headers_in, dict | None) or not isinstance(cookies, list | None):
        return None
    headers = [(str(name), _header_value(value)) for name, value in (headers_in or {}).items()]
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", JSON_TYPE))
    headers.extend(("Set-Cookie", _header_value(cookie)) for cookie in cookies or ())
    body = _body(answer.get("body"), answer.get("isBase64Encoded") is True)
    if body is None:
        return None
    return HttpResponse(status, headers, body)


def _status(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and 100 <= value <= 599:
        return value
    return None


def _header_value(value: object) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = value
    elif value is None:
        text = ""
    else:
        text = json.dumps(value) if isinstance(value, dict | list) else str(value)
    return text.replace("\r", " ").replace("\n", " ")  # a header never spans lines


def _body(body: object, base64_encoded: bool) -> bytes | None:
    if body is None:
        return b""
    if not isinstance(body, str):
        return json.dumps(body).encode()  # guessed: a non-text body is sent as its JSON
    if not base64_encoded:
        return body.encode("utf-8")
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return None
