"""Running one operation of one service: the step shared by HTTP requests and internal calls."""

from __future__ import annotations

import inspect

from stratus.core.context import RequestContext
from stratus.protocol.errors import NotImplementedOperation


async def invoke(ctx: RequestContext, params: dict) -> dict:
    """Call the provider's handler for ctx.service/ctx.operation; raises ServiceError on failure."""
    provider = ctx.runtime.providers.get(ctx.service)
    handler = provider.handler(ctx.operation) if provider is not None else None
    if handler is None:
        raise NotImplementedOperation(ctx.service, ctx.operation)
    result = handler(ctx, params)
    if inspect.isawaitable(result):
        result = await result
    return result if result is not None else {}
