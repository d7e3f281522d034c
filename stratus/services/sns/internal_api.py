"""Stratus's own SNS endpoints: what was "sent", how deliveries ended, the signing certificates.

- `GET /_stratus/sns/messages[?topic_arn=&endpoint=&phone_number=&protocol=&account_id=&region=]`:
  the email, email-json, SMS and mobile-push messages and confirmations, oldest first.
- `GET /_stratus/sns/deliveries[?topic_arn=&status=SUCCESS|FAILURE]`: the delivery log.
- `POST /_stratus/sns/opt-out {"phone_number": "+1...", "account_id"?, "region"?}`: the handset
  answered STOP (the only way a number becomes opted out).
- `GET /SimpleNotificationService-<id>.pem`: the certificate named in SigningCertURL.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from stratus.protocol.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from stratus.runtime import Runtime

CERTIFICATE_PREFIX = "/SimpleNotificationService-"
DEFAULT_ACCOUNT = "000000000000"
DEFAULT_REGION = "us-east-1"


def _json(document: object, status: int = 200) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")], json.dumps(document).encode())


def _error(status: int, code: str, message: str) -> HttpResponse:
    return _json({"error": {"code": code, "message": message}}, status)


def _db(runtime: Runtime):
    provider = runtime.providers.get("sns")
    assert provider is not None
    return provider.db()


def is_certificate_path(path: str) -> bool:
    return path.startswith(CERTIFICATE_PREFIX) and path.endswith(".pem")


def certificate(runtime: Runtime, path: str) -> HttpResponse:
    certificate_id = path[len(CERTIFICATE_PREFIX) : -len(".pem")]
    from stratus.services.sns.signing import certificate_pem_for

    pem = certificate_pem_for(_db(runtime), certificate_id)
    if pem is None:
        return _error(404, "NotFound", "no such certificate")
    return HttpResponse(200, [("Content-Type", "application/x-pem-file")], pem.encode())


def handle(runtime: Runtime, request: HttpRequest, name: str, method: str) -> HttpResponse:
    from stratus.services.sns.deliveries import delivery_log
    from stratus.services.sns.sent_messages import sent_messages

    query = {key: values[0] for key, values in request.query.items() if values}
    if name == "messages" and method == "GET":
        messages = sent_messages(
            _db(runtime),
            topic_arn=query.get("topic_arn"),
            endpoint=query.get("endpoint") or query.get("phone_number") or query.get("email"),
            protocol=query.get("protocol"),
            account_id=query.get("account_id"),
            region=query.get("region"),
        )
        return _json({"messages": messages})
    if name == "deliveries" and method == "GET":
        return _json(
            {
                "deliveries": delivery_log(
                    _db(runtime), topic_arn=query.get("topic_arn"), status=query.get("status")
                )
            }
        )
    if name == "opt-out" and method == "POST":
        from stratus.services.sns.sms import opt_out

        try:
            document = json.loads(request.body.read() or b"{}")
            number = document["phone_number"]
        except (ValueError, KeyError, TypeError):
            return _error(400, "InvalidRequest", 'the body must be {"phone_number": "+15555550100"}')
        db = _db(runtime)
        with db.transaction():
            opt_out(
                db,
                document.get("account_id") or DEFAULT_ACCOUNT,
                document.get("region") or DEFAULT_REGION,
                number,
                runtime.clock.time(),
            )
        return _json({"phone_number": number, "opted_out": True})
    return _error(404, "NotFound", f"no internal endpoint {method} /_stratus/sns/{name}")
