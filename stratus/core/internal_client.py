"""Calling another service from inside Stratus (DESIGN.md §3).

`ctx.aws("sqs").send_message(QueueUrl=..., MessageBody=...)` runs the same dispatch as an
external request — validation, provider, request log — minus HTTP and serialization, as the
calling service principal, and returns the output dict or raises the ServiceError.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from stratus.auth.credentials import Principal
from stratus.core import ids
from stratus.core.context import RequestContext
from stratus.core.invoke import invoke
from stratus.core.request_log import RequestRecord
from stratus.protocol.errors import ServiceError
from stratus.protocol.loader import service_model
from stratus.protocol.validate import validate_input

if TYPE_CHECKING:
    from stratus.runtime import Runtime


class InternalClient:
    def __init__(
        self,
        runtime: Runtime,
        service: str,
        principal: Principal,
        *,
        region: str,
        account_id: str,
        source_arn: str | None = None,
    ) -> None:
        self._runtime = runtime
        self._service = service
        self._principal = principal
        self._region = region
        self._account_id = account_id
        self._source_arn = source_arn
        self._model = service_model(service)
        self._operations = _operations_by_method(service)

    def __getattr__(self, name: str) -> Callable[..., Awaitable[dict]]:
        operation = self._operations.get(name)
        if operation is None:
            raise AttributeError(f"{self._service} has no operation {name}")

        async def call(**params: object) -> dict:
            return await self.call(operation, params)

        return call

    async def call(self, operation: str, params: dict) -> dict:
        runtime = self._runtime
        ctx = RequestContext(
            runtime=runtime,
            service=self._service,
            operation=operation,
            account_id=self._account_id,
            region=self._region,
            principal=self._principal,
            request_id=ids.request_id(),
            time=runtime.clock.now(),
            protocol="internal",
            source_arn=self._source_arn,
        )
        started = time.perf_counter()
        status, error_code = 200, None
        try:
            protocol = self._model.metadata.get("protocol", "json")
            validate_input(protocol, self._model.operation_model(operation), params)
            runtime.auth.authorize(ctx, params)
            return await invoke(ctx, params)
        except ServiceError as error:
            status, error_code = error.status, error.code
            raise
        finally:
            runtime.request_log.record(RequestRecord.of(ctx, status, error_code, started, internal=True))


@functools.cache
def _operations_by_method(service: str) -> dict[str, str]:
    """{"send_message": "SendMessage", ...}: built once per service, as clients are made per call."""
    from botocore import xform_name

    return {xform_name(name): name for name in service_model(service).operation_names}
