"""AWS Lambda's control plane and synchronous Invoke: the provider is the sum of one mixin per
operation group, plus the pool of warm execution environments its invocations run in."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from stratus.core.context import RequestContext
from stratus.lambda_runtime import RuntimeResolver
from stratus.protocol.errors import ServiceError
from stratus.services.base import Provider
from stratus.services.lambda_.async_invoke import AsyncInvokeOperations
from stratus.services.lambda_.code_signing import CodeSigningOperations
from stratus.services.lambda_.common import LATEST, function_arn, parse_function_name
from stratus.services.lambda_.concurrency import ConcurrencyOperations
from stratus.services.lambda_.concurrency_limits import ConcurrencyLimits, idle_seconds_from_environment
from stratus.services.lambda_.environments import DEFAULT_IDLE_SECONDS, IDLE_SWEEP_SECONDS, EnvironmentPool
from stratus.services.lambda_.event_invoke_configs import EventInvokeConfigOperations
from stratus.services.lambda_.event_sources import EventSourceMappingOperations
from stratus.services.lambda_.function_settings import FunctionSettingOperations
from stratus.services.lambda_.function_store import Function
from stratus.services.lambda_.function_urls import FunctionUrlOperations
from stratus.services.lambda_.functions import FunctionOperations, find_or_fail
from stratus.services.lambda_.hot_reload import Fingerprints
from stratus.services.lambda_.invoke import InvokeOperations, service_context
from stratus.services.lambda_.layers import LayerOperations
from stratus.services.lambda_.permissions import PermissionOperations
from stratus.services.lambda_.provisioned import (
    ProvisionedConcurrencyOperations,
    forget_outcome,
    provisioned_for,
    record_outcome,
)
from stratus.services.lambda_.schema import LAMBDA_DATABASE, MIGRATIONS
from stratus.services.lambda_.tags import TagOperations
from stratus.services.lambda_.versions import VersionOperations
from stratus.store import Database
from stratus.store.blobs import BlobStore

if TYPE_CHECKING:
    from stratus.runtime import Runtime

log = logging.getLogger(__name__)


class LambdaProvider(
    AsyncInvokeOperations,
    InvokeOperations,
    EventInvokeConfigOperations,
    FunctionOperations,
    VersionOperations,
    TagOperations,
    ConcurrencyOperations,
    LayerOperations,
    FunctionUrlOperations,
    EventSourceMappingOperations,
    PermissionOperations,
    CodeSigningOperations,
    FunctionSettingOperations,
    ProvisionedConcurrencyOperations,
    Provider,
):
    service = "lambda"

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime)
        self.environments = EnvironmentPool()
        self.resolver = RuntimeResolver()  # caches what it finds, once per provider
        self.concurrency_limits = ConcurrencyLimits.from_environment()
        self.fingerprints = Fingerprints()
        self._provisioning: dict[str, asyncio.Task] = {}  # by qualified ARN (version or alias)
        self.idle_seconds = idle_seconds_from_environment(DEFAULT_IDLE_SECONDS)
        runtime.scheduler.every("lambda.idle-environments", IDLE_SWEEP_SECONDS, self._reclaim_idle)
        self.register_async_invocations()
        self.start_event_sources()

    def db(self) -> Database:
        return self.runtime.state.database(LAMBDA_DATABASE, MIGRATIONS)

    def blobs(self) -> BlobStore:
        return self.runtime.state.blobs("lambda")

    # A changed or deleted function's warm environments run old code (whose directory is
    # removed with the old blob): shut them down so the next invocation starts fresh.

    async def update_function_code(self, ctx: RequestContext, req: dict) -> dict:
        answer = await super().update_function_code(ctx, req)
        if not req.get("DryRun"):
            self.environments.retire(_arn_of(ctx, req["FunctionName"]), LATEST)
        return answer

    async def update_function_configuration(self, ctx: RequestContext, req: dict) -> dict:
        answer = await super().update_function_configuration(ctx, req)
        self.environments.retire(_arn_of(ctx, req["FunctionName"]), LATEST)
        return answer

    def delete_function(self, ctx: RequestContext, req: dict) -> dict:
        ref_arn = _arn_of(ctx, req["FunctionName"])
        answer = super().delete_function(ctx, req)
        qualifier = req.get("Qualifier") or parse_function_name(req["FunctionName"]).qualifier
        self.environments.retire(ref_arn, qualifier)  # a version, or (None) all of them
        return answer

    def put_function_concurrency(self, ctx: RequestContext, req: dict) -> dict:
        answer = super().put_function_concurrency(ctx, req)
        self.environments.set_reserved(_arn_of(ctx, req["FunctionName"]), True)
        return answer

    def delete_function_concurrency(self, ctx: RequestContext, req: dict) -> dict:
        answer = super().delete_function_concurrency(ctx, req)
        self.environments.set_reserved(_arn_of(ctx, req["FunctionName"]), False)
        return answer

    # Provisioned concurrency: the configured number of environments is started and initialised
    # ahead of invocations (in the background: Put answers at once, as AWS's IN_PROGRESS does).

    def put_provisioned_concurrency_config(self, ctx: RequestContext, req: dict) -> dict:
        answer = super().put_provisioned_concurrency_config(ctx, req)
        self._provision_later(ctx, _arn_of(ctx, req["FunctionName"]), req["Qualifier"])
        return answer

    def delete_provisioned_concurrency_config(self, ctx: RequestContext, req: dict) -> dict:
        function = find_or_fail(ctx, self.db(), req["FunctionName"], req["Qualifier"])
        answer = super().delete_provisioned_concurrency_config(ctx, req)
        self._stop_provisioning(_arn_of(ctx, req["FunctionName"]), req["Qualifier"])
        self.environments.set_provisioned(function.qualified_arn, 0)
        return answer

    # An alias with provisioned concurrency keeps it on the version it points at.

    def update_alias(self, ctx: RequestContext, req: dict) -> dict:
        before = self._alias_version(ctx, req)
        answer = super().update_alias(ctx, req)  # AWS's errors for a missing alias come from here
        latest = find_or_fail(ctx, self.db(), req["FunctionName"])
        if before is not None and provisioned_for(self.db(), latest.function_id, req["Name"]):
            if answer["FunctionVersion"] != before.version:
                self.environments.set_provisioned(before.qualified_arn, 0)
            self._provision_later(ctx, latest.arn, req["Name"])
        return answer

    def delete_alias(self, ctx: RequestContext, req: dict) -> dict:
        before = self._alias_version(ctx, req)
        latest = find_or_fail(ctx, self.db(), req["FunctionName"])
        provisioned = provisioned_for(self.db(), latest.function_id, req["Name"])
        answer = super().delete_alias(ctx, req)  # AWS's errors for a missing alias come from here
        if before is not None and provisioned:
            self._stop_provisioning(latest.arn, req["Name"])
            self.environments.set_provisioned(before.qualified_arn, 0)
        return answer

    def _alias_version(self, ctx: RequestContext, req: dict) -> Function | None:
        """The version an alias points at now, None when there is no such alias."""
        try:
            return find_or_fail(ctx, self.db(), req["FunctionName"], req["Name"])
        except ServiceError:
            return None

    def _provision_later(self, ctx: RequestContext, arn: str, qualifier: str) -> None:
        """Start (again) the environments the configuration of `arn:qualifier` asks for, replacing
        any start still running for it, and record how far it got (provisioned.record_outcome)."""
        account_id, region = ctx.account_id, ctx.region
        key = f"{arn}:{qualifier}"
        self._stop_provisioning(arn, qualifier)
        db = self.db()
        function = find_or_fail(ctx, db, arn, qualifier)
        with db.transaction():
            forget_outcome(db, function.function_id, qualifier)  # IN_PROGRESS until this start ends

        async def provision() -> None:
            task_ctx = service_context(
                self.runtime, account_id, region, "PutProvisionedConcurrencyConfig", ""
            )
            db = self.db()
            function = find_or_fail(task_ctx, db, arn, qualifier)
            count = provisioned_for(db, function.function_id, qualifier)
            reason = None
            try:
                ready = await self.provision(task_ctx, function, count)
                if ready < count:
                    reason = "FUNCTION_ERROR_INIT_FAILURE: the function's init failed (see its log group)"
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.exception("starting provisioned environments of %s failed", key)
                ready, reason = self.environments.set_provisioned(function.qualified_arn, count), str(error)
            record_outcome(db, function.function_id, qualifier, ready, reason)

        task = asyncio.get_running_loop().create_task(provision())
        self._provisioning[key] = task

        def forget(done: asyncio.Task) -> None:
            if self._provisioning.get(key) is done:
                del self._provisioning[key]

        task.add_done_callback(forget)

    def _stop_provisioning(self, arn: str, qualifier: str) -> None:
        task = self._provisioning.pop(f"{arn}:{qualifier}", None)
        if task is not None:
            task.cancel()

    def _reclaim_idle(self) -> None:
        self.environments.reclaim_idle(self.runtime.clock.time(), self.idle_seconds)

    def on_reset(self) -> None:
        for task in list(self._provisioning.values()):
            task.cancel()
        self.environments.close_all()
        super().on_reset()

    async def shutdown(self) -> None:
        """Called when the server stops (Runtime.stop): no runtime process outlives it."""
        for task in list(self._provisioning.values()):
            task.cancel()
        await super().shutdown()
        await self.environments.aclose()


def _arn_of(ctx: RequestContext, function_name: str) -> str:
    ref = parse_function_name(function_name)
    return function_arn(ctx.partition, ref.region or ctx.region, ref.account_id or ctx.account_id, ref.name)
