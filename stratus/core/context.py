"""What a provider knows about the call it is answering."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from stratus.auth.credentials import Principal
from stratus.core.ids import partition_for_region
from stratus.protocol.http import HttpRequest

if TYPE_CHECKING:
    from stratus.auth.identity import Credential
    from stratus.core.internal_client import InternalClient
    from stratus.runtime import Runtime

T = TypeVar("T")


@dataclass(slots=True)
class RequestContext:
    runtime: Runtime
    service: str
    operation: str
    account_id: str
    region: str
    principal: Principal
    request_id: str
    time: datetime
    protocol: str = ""
    source_ip: str | None = None
    secure_transport: bool = False
    request: HttpRequest | None = None  # None for calls made by another service
    source_arn: str | None = None  # the resource on whose behalf an internal call is made
    credential: Credential | None = None  # the access key the request was signed with, if known
    # IAM decisions taken for this request (audit/enforce): principal, action, resource, decision
    authorization: list[dict] = field(default_factory=list)

    @property
    def partition(self) -> str:
        return partition_for_region(self.region)

    def aws(
        self,
        service: str,
        *,
        principal: str | None = None,
        source_arn: str | None = None,
        region: str | None = None,
        account_id: str | None = None,
    ) -> InternalClient:
        """A client for another service, called as the given service principal (DESIGN.md §3)."""
        from stratus.core.internal_client import InternalClient

        caller = Principal.service(account_id or self.account_id, principal) if principal else self.principal
        return InternalClient(
            self.runtime,
            service,
            caller,
            region=region or self.region,
            account_id=account_id or self.account_id,
            source_arn=source_arn,
        )

    async def offload(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run CPU-heavy work in a worker thread so the event loop keeps serving (DESIGN.md §5)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, functools.partial(fn, *args, **kwargs))
