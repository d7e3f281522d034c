"""Asynchronous invocation (InvocationType Event, InvokeAsync): the event is queued durably in the
outbox, in the same transaction nothing else needs, and answered 202; the outbox worker runs it.

As Lambda does (developer guide, "Error handling and automatic retries"): a function error is
retried up to MaximumRetryAttempts (default 2) times, one minute before the second attempt and two
before the third; a throttled or otherwise failed attempt is retried with back-off (1 s doubling to
5 minutes) without counting, until MaximumEventAgeInSeconds (default 6 hours). Then the record goes
to the OnSuccess/OnFailure destination of the event invoke config, else a failed event to the
function's DeadLetterConfig target. Each retry is a new outbox row whose delay runs on Stratus's
clock, so tests move the clock instead of waiting.
"""

from __future__ import annotations

import base64
import json
import logging

from stratus.core.context import RequestContext
from stratus.core.outbox import enqueue
from stratus.protocol.errors import ServiceError
from stratus.services.lambda_.destinations import (
    invocation_record,
    send_dead_letter,
    send_record,
)
from stratus.services.lambda_.event_invoke_configs import AsyncSettings, async_settings, config_qualifier
from stratus.services.lambda_.functions import Resolved, resolve
from stratus.services.lambda_.invoke import TooManyRequests, routed_version, service_context
from stratus.store import Database

log = logging.getLogger(__name__)

ASYNC_KIND = "lambda.async"
RETRY_DELAYS = (60.0, 120.0)  # before the second and the third attempt
THROTTLE_FIRST_DELAY = 1.0
THROTTLE_MAX_DELAY = 300.0


class AsyncInvokeOperations:
    def db(self) -> Database:  # provided by LambdaProvider
        raise NotImplementedError

    def register_async_invocations(self) -> None:
        """Called once by LambdaProvider.__init__."""
        # The handler schedules its own retries; the outbox's only cover a crash inside it.
        self.runtime.outbox.register(
            ASYNC_KIND, self._run_event, max_attempts=5, base_delay=1.0, max_delay=60.0
        )

    def enqueue_event(self, ctx: RequestContext, resolved: Resolved, payload: bytes) -> None:
        event = {
            "account_id": resolved.latest.account_id,
            "region": resolved.latest.region,
            "function_arn": resolved.latest.arn,
            "qualifier": resolved.qualifier,
            "payload": base64.b64encode(payload).decode("ascii"),
            "request_id": ctx.request_id,
            "enqueued_at": ctx.runtime.clock.time(),
            "attempt": 0,  # function errors so far
            "throttles": 0,
            "invoke_count": 0,
        }
        db = self.db()
        with db.transaction():
            enqueue(db, ASYNC_KIND, event, clock=ctx.runtime.clock)

    async def _run_event(self, event: dict) -> None:
        runtime = self.runtime
        ctx = service_context(runtime, event["account_id"], event["region"], "Invoke", event["request_id"])
        db = self.db()
        try:
            resolved = resolve(ctx, db, event["function_arn"], event["qualifier"])
        except ServiceError:
            log.info("dropping an asynchronous event of %s: the function is gone", event["function_arn"])
            return
        settings = async_settings(db, resolved.latest.function_id, config_qualifier(resolved))
        payload = base64.b64decode(event["payload"])
        age = runtime.clock.time() - event["enqueued_at"]
        if age > settings.max_event_age:
            await self._event_failed(ctx, resolved, event, settings, payload, "EventAgeExceeded", None, "")
            return
        function = routed_version(db, resolved, self.routing_random)
        invoked_arn = (
            f"{resolved.latest.arn}:{event['qualifier']}" if event["qualifier"] else resolved.latest.arn
        )
        try:
            result = await self.execute(ctx, function, invoked_arn, payload)
        except ServiceError as error:
            # Throttles and errors before the function ran: retried until the event is too old.
            throttles = event["throttles"] + 1
            delay = min(THROTTLE_MAX_DELAY, THROTTLE_FIRST_DELAY * 2 ** (throttles - 1))
            if isinstance(error, TooManyRequests) or error.status >= 500:
                self._requeue(event, delay, throttles=throttles)
                return
            await self._event_failed(
                ctx,
                resolved,
                event,
                settings,
                payload,
                "RetriesExhausted",
                None,
                f"{error.code}: {error.message}",
            )
            return
        event = {**event, "invoke_count": event["invoke_count"] + 1}
        response = (function.version, result.function_error, result.payload)
        if not result.function_error:
            if settings.on_success:
                await send_record(
                    runtime,
                    resolved.latest.arn,
                    settings.on_success,
                    self._record(ctx, resolved, event, payload, "Success", response),
                    success=True,
                )
            return
        if event["attempt"] < min(settings.max_retry_attempts, len(RETRY_DELAYS)):
            self._requeue({**event, "attempt": event["attempt"] + 1}, RETRY_DELAYS[event["attempt"]])
            return
        await self._event_failed(
            ctx,
            resolved,
            event,
            settings,
            payload,
            "RetriesExhausted",
            response,
            _error_message(result.payload),
        )

    def _requeue(self, event: dict, delay: float, **changes: int) -> None:
        db = self.db()
        with db.transaction():
            enqueue(db, ASYNC_KIND, {**event, **changes}, delay=delay, clock=self.runtime.clock)

    async def _event_failed(
        self,
        ctx: RequestContext,
        resolved: Resolved,
        event: dict,
        settings: AsyncSettings,
        payload: bytes,
        condition: str,
        response: tuple[str, str | None, bytes] | None,
        error_message: str,
    ) -> None:
        # Destinations may be configured "in addition to or instead of a dead-letter queue" (AWS):
        # each configured target receives the failed event.
        source = resolved.latest.arn
        if settings.on_failure:
            record = self._record(ctx, resolved, event, payload, condition, response)
            await send_record(self.runtime, source, settings.on_failure, record, success=False)
        dead_letter = (resolved.function.config.get("DeadLetterConfig") or {}).get("TargetArn")
        if dead_letter:
            await send_dead_letter(
                self.runtime, source, dead_letter, payload, event["request_id"], error_message
            )
        if settings.on_failure or dead_letter:
            return
        log.info(
            "asynchronous event %s of %s failed (%s) and has no destination",
            event["request_id"],
            source,
            condition,
        )

    def _record(
        self,
        ctx: RequestContext,
        resolved: Resolved,
        event: dict,
        payload: bytes,
        condition: str,
        response: tuple[str, str | None, bytes] | None,
    ) -> dict:
        return invocation_record(
            request_id=event["request_id"],
            function_arn=f"{resolved.latest.arn}:{config_qualifier(resolved)}",
            condition=condition,
            invoke_count=event["invoke_count"],
            request_payload=payload,
            now=ctx.runtime.clock.time(),
            response=response,
        )


def _error_message(payload: bytes) -> str:
    """The errorMessage of a function's error document, for the dead-letter attribute."""
    try:
        document = json.loads(payload)
    except ValueError:
        return payload.decode("utf-8", errors="replace")
    if isinstance(document, dict) and isinstance(document.get("errorMessage"), str):
        return document["errorMessage"]
    return payload.decode("utf-8", errors="replace")
