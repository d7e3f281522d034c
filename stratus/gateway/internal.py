"""Stratus's own endpoints and the LocalStack/moto compatibility endpoints.

`handle()` answers None for a path it does not own, so the request goes on to AWS dispatch.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING

from stratus import __version__
from stratus.protocol.http import HttpRequest, HttpResponse
from stratus.protocol.loader import catalog
from stratus.services import is_implemented

if TYPE_CHECKING:
    from stratus.runtime import Runtime

# What /_localstack/* reports as the edition: tools that wait on LocalStack treat it as community.
LOCALSTACK_EDITION = "community"


def _json(document: object, status: int = 200) -> HttpResponse:
    body = json.dumps(document).encode()
    return HttpResponse(status, [("Content-Type", "application/json")], body)


def _error(status: int, code: str, message: str) -> HttpResponse:
    return _json({"error": {"code": code, "message": message}}, status)


def _raw_json(body: bytes, status: int = 200) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")], body)


async def handle(runtime: Runtime, request: HttpRequest) -> HttpResponse | None:
    path, method = request.path, request.method
    if path.startswith("/_stratus/"):
        return await _stratus(runtime, request, path[len("/_stratus/") :].rstrip("/"), method)
    if path.startswith("/_localstack/"):
        return _localstack(runtime, path[len("/_localstack/") :].rstrip("/"), method)
    if path.startswith("/SimpleNotificationService-") and method == "GET":
        from stratus.services.sns import internal_api

        if internal_api.is_certificate_path(path):
            return internal_api.certificate(runtime, path)
    if path.rstrip("/") == "/moto-api/reset":
        if method != "POST":
            return _error(405, "MethodNotAllowed", "use POST /moto-api/reset")
        await runtime.reset()
        return _json({"status": "ok"})
    return None


async def _stratus(runtime: Runtime, request: HttpRequest, name: str, method: str) -> HttpResponse:
    if name == "health" and method in ("GET", "HEAD"):
        return _json(_health(runtime))
    if name == "reset":
        if method != "POST":
            return _error(405, "MethodNotAllowed", "use POST /_stratus/reset")
        await runtime.reset()
        return _json({"status": "ok"})
    if name == "clock":
        return _clock(runtime, request, method)
    if name == "requests" and method == "GET":
        return _requests(runtime, request)
    if name.startswith("sns/"):
        from stratus.services.sns import internal_api

        return internal_api.handle(runtime, request, name[4:], method)
    if name.startswith("lambda/"):  # function code downloads (GetFunction's Code.Location)
        from stratus.services.lambda_ import code_urls

        return code_urls.handle(runtime, request, name[len("lambda/") :], method)
    if name == "iam" or name.startswith("iam/"):
        return await _iam(runtime, request, name[4:], method)
    return _error(404, "NotFound", f"no internal endpoint {method} /_stratus/{name}")


def _health(runtime: Runtime) -> dict:
    started = runtime.providers.started()
    services = {
        name: {"implemented": is_implemented(name), "running": name in started} for name in sorted(catalog())
    }
    return {
        "status": "running",
        "version": __version__,
        "data_dir": str(runtime.data_dir),
        "ephemeral": runtime.config.ephemeral,
        "uptime_seconds": round(runtime.uptime(), 3),
        "services": services,
    }


def _clock_document(runtime: Runtime) -> dict:
    clock = runtime.clock
    return {
        "now": clock.now().isoformat().replace("+00:00", "Z"),
        "epoch_seconds": clock.time(),
        "offset_seconds": clock.offset,
    }


def _clock(runtime: Runtime, request: HttpRequest, method: str) -> HttpResponse:
    if method == "GET":
        return _json(_clock_document(runtime))
    if method != "POST":
        return _error(405, "MethodNotAllowed", "use GET or POST /_stratus/clock")
    try:
        document = json.loads(request.body.read() or b"{}")
    except ValueError:
        return _error(400, "InvalidRequest", 'the body must be a JSON object like {"advance_seconds": 60}')
    seconds = document.get("advance_seconds") if isinstance(document, dict) else None
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return _error(400, "InvalidRequest", "advance_seconds must be a number of seconds")
    if seconds < 0 or seconds != seconds or seconds > 100 * 365 * 86400:
        return _error(
            400, "InvalidRequest", "advance_seconds must be between 0 and 100 years; time only moves forward"
        )
    runtime.clock.advance(float(seconds))
    return _json(_clock_document(runtime))


def _requests(runtime: Runtime, request: HttpRequest) -> HttpResponse:
    try:
        limit = int(request.query.get("limit", ["100"])[0])
    except ValueError:
        return _error(400, "InvalidRequest", "limit must be an integer")
    limit = max(0, min(limit, 10_000))
    service = request.query.get("service", [None])[0]
    if request.query.get("source", ["memory"])[0] == "table":
        # The durable log (what survives a restart), newest last like the ring.
        runtime.flush_request_log()
        rows = runtime.request_log.from_table(runtime.system_db, limit, service=service)
        return _json({"requests": [entry.as_dict() for entry in rows]})
    entries = runtime.request_log.recent(limit, service=service)
    return _json({"requests": [entry.as_dict() for entry in entries]})


async def _iam(runtime: Runtime, request: HttpRequest, name: str, method: str) -> HttpResponse:
    """`/_stratus/iam` (mode), `/_stratus/iam/decisions`, `/_stratus/iam/policy?principal=ARN`."""
    from stratus.auth.least_privilege import decisions_of, least_privilege_policy

    if name == "":
        if method == "POST":
            try:
                document = json.loads(request.body.read() or b"{}")
                runtime.auth.set_mode(document.get("mode") if isinstance(document, dict) else None)
            except (ValueError, TypeError):
                return _error(400, "InvalidRequest", 'the body must be {"mode": "off" | "audit" | "enforce"}')
            if runtime.auth.mode != "off":  # load the action database off the event loop, now
                await asyncio.to_thread(runtime.auth.warm)
        elif method != "GET":
            return _error(405, "MethodNotAllowed", "use GET or POST /_stratus/iam")
        return _json({"mode": runtime.auth.mode})
    if method != "GET" or name not in ("decisions", "policy"):
        return _error(404, "NotFound", f"no internal endpoint {method} /_stratus/iam/{name}")
    principal = request.query.get("principal", [None])[0]
    if name == "policy" and not principal:
        return _error(400, "InvalidRequest", "give the principal's ARN: /_stratus/iam/policy?principal=ARN")
    # Every decision still in the durable log (what survives a restart), oldest first.
    runtime.flush_request_log()
    records = runtime.request_log.from_table(runtime.system_db, 100_000)
    decisions = [
        {"time": entry.time, "request_id": entry.request_id, **decision}
        for entry in records
        for decision in entry.authorization or ()
    ]
    if principal:
        decisions = decisions_of(decisions, principal)
    if name == "policy":
        return _json(least_privilege_policy(d for d in decisions))
    return _json({"mode": runtime.auth.mode, "decisions": decisions})


def _localstack(runtime: Runtime, name: str, method: str) -> HttpResponse:
    from stratus.gateway import localstack
    from stratus.services import PROVIDERS

    if name == "health":
        if method == "HEAD":
            return HttpResponse(
                localstack.HEALTH_HEAD_STATUS,
                [("Content-Type", localstack.TEXT_CONTENT_TYPE)],
                localstack.HEALTH_HEAD_BODY,
            )
        if method == "GET":
            states = localstack.service_states(PROVIDERS, runtime.providers.started())
            return _raw_json(
                localstack.health_document(states, edition=LOCALSTACK_EDITION, version=__version__)
            )
    elif name == "info" and method == "GET":
        return _raw_json(
            localstack.info_document(
                version=__version__,
                edition=LOCALSTACK_EDITION,
                session_id=runtime.session_id,
                machine_id=runtime.machine_id,
                uptime_seconds=int(runtime.uptime()),
                is_docker=False,
                server_time_utc=localstack.format_server_time(runtime.clock.now()),
            )
        )
    elif name == "init" and method == "GET":
        return _raw_json(localstack.init_document(runtime.init_hooks.report()))
    elif name.startswith("init/") and method == "GET":
        status, content_type, body = localstack.init_stage_response(runtime.init_hooks.report(), name[5:])
        return HttpResponse(status, [("Content-Type", content_type)], body)
    return _error(404, "NotFound", f"no endpoint {method} /_localstack/{name}")
