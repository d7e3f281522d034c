"""Invoke (RequestResponse, DryRun; Event hands over to async_invoke.py) and InvokeAsync.

The function runs in a warm execution environment of the provider's pool, with its role's
temporary credentials (STS AssumeRole as lambda.amazonaws.com) and AWS_ENDPOINT_URL pointing
back at Stratus; its log lines go to CloudWatch Logs.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import secrets
from typing import TYPE_CHECKING

from stratus.auth.credentials import Principal
from stratus.core import ids
from stratus.core.context import RequestContext
from stratus.lambda_runtime import (
    MAX_SYNC_REQUEST_BYTES,
    Credentials,
    ExecutionEnvironment,
    FunctionConfig,
    InvocationResult,
    RuntimeResolver,
    RuntimeUnavailable,
)
from stratus.protocol.errors import ServiceError
from stratus.protocol.event_stream import encode_event
from stratus.protocol.serializers.rest import CONTENT_TYPE_KEY, EVENT_STREAM_CONTENT_TYPE
from stratus.services.lambda_ import code_store, hot_reload
from stratus.services.lambda_.checks import LAMBDA_PRINCIPAL, ROLE_NOT_ASSUMABLE
from stratus.services.lambda_.common import InvalidParameterValue, LambdaError
from stratus.services.lambda_.concurrency_limits import ConcurrencyLimits
from stratus.services.lambda_.environments import EnvironmentPool, WarmEnvironment
from stratus.services.lambda_.function_store import Function, account_usage
from stratus.services.lambda_.functions import Resolved, resolve, version_of
from stratus.services.lambda_.layer_access import layer_dirs
from stratus.services.lambda_.log_writer import LogWriter
from stratus.services.lambda_.unsupported import refuse_unsupported
from stratus.store import Database

if TYPE_CHECKING:
    from stratus.runtime import Runtime

LOG_TAIL_BYTES = 4096
STREAM_CHUNK_BYTES = 64 * 1024
MAX_ASYNC_REQUEST_BYTES = 1024 * 1024  # Invoke with InvocationType Event
MAX_INVOKE_ASYNC_BYTES = 256 * 1024  # the deprecated InvokeAsync
SYNCHRONOUS_TYPES = ("RequestResponse", "DryRun")
CLIENT_CONTEXT_MESSAGE = "Client context must be a valid Base64-encoded JSON object."
THROTTLED_MESSAGE = "Rate Exceeded."
THROTTLED_REASON = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT_THROTTLED_REASON = "ConcurrentInvocationLimitExceeded"


class RequestTooLarge(LambdaError):
    code = "RequestTooLargeException"
    status = 413


class InvalidRequestContent(LambdaError):
    code = "InvalidRequestContentException"
    status = 400


class TooManyRequests(LambdaError):
    code = "TooManyRequestsException"
    status = 429


class InvalidRuntime(LambdaError):
    code = "InvalidRuntimeException"
    status = 502
    sender_fault = False


class InvokeOperations:
    environments: EnvironmentPool  # provided by LambdaProvider
    resolver: RuntimeResolver  # provided by LambdaProvider
    routing_random: random.Random = random.Random()  # alias weights; tests may seed their own
    concurrency_limits: ConcurrencyLimits  # provided by LambdaProvider
    fingerprints: hot_reload.Fingerprints  # provided by LambdaProvider

    def db(self) -> Database:  # provided by LambdaProvider
        raise NotImplementedError

    def blobs(self):  # provided by LambdaProvider
        raise NotImplementedError

    async def invoke(self, ctx: RequestContext, req: dict) -> dict:
        refuse_unsupported(req)
        invocation_type = req.get("InvocationType") or "RequestResponse"
        payload = bytes(req.get("Payload") or b"")
        limit = MAX_SYNC_REQUEST_BYTES if invocation_type in SYNCHRONOUS_TYPES else MAX_ASYNC_REQUEST_BYTES
        if len(payload) > limit:
            raise RequestTooLarge(
                f"Request must be smaller than {limit} bytes for the InvokeFunction operation"
            )
        resolved = resolve(ctx, self.db(), req["FunctionName"], req.get("Qualifier"))
        payload = _checked_payload(payload)
        if invocation_type == "Event":
            self.enqueue_event(ctx, resolved, payload)
            return {"StatusCode": 202, "Payload": b""}
        client_context = _client_context(req.get("ClientContext"))
        if invocation_type == "DryRun":
            return {"StatusCode": 204}
        function = routed_version(self.db(), resolved, self.routing_random)
        result = await self.execute(ctx, function, resolved_arn(resolved), payload, client_context)
        answer: dict = {
            "StatusCode": 200,
            "ExecutedVersion": function.version,
            "Payload": result.payload,
            CONTENT_TYPE_KEY: "application/json",
        }
        if result.function_error:
            answer["FunctionError"] = result.function_error
        if (req.get("LogType") or "None") == "Tail":
            answer["LogResult"] = _log_tail(result)
        return answer

    async def invoke_with_response_stream(self, ctx: RequestContext, req: dict) -> dict:
        """The response as an event stream: PayloadChunk events, then InvokeComplete.

        The function's answer is sent once it has returned (in chunks of at most 64 KiB): the
        runtimes here answer through the buffered Runtime API response, not the streaming mode.
        """
        refuse_unsupported(req)
        invocation_type = req.get("InvocationType") or "RequestResponse"
        payload = bytes(req.get("Payload") or b"")
        if len(payload) > MAX_SYNC_REQUEST_BYTES:
            raise RequestTooLarge(
                f"Request must be smaller than {MAX_SYNC_REQUEST_BYTES} bytes for the InvokeFunction operation"
            )
        resolved = resolve(ctx, self.db(), req["FunctionName"], req.get("Qualifier"))
        payload = _checked_payload(payload)
        client_context = _client_context(req.get("ClientContext"))
        if invocation_type == "DryRun":
            return {"StatusCode": 204}
        function = routed_version(self.db(), resolved, self.routing_random)
        result = await self.execute(ctx, function, resolved_arn(resolved), payload, client_context)
        complete: dict = {}
        if result.function_error:
            # Guessed detail: the error document travels in ErrorDetails, its kind in ErrorCode.
            complete["ErrorCode"] = result.function_error
            complete["ErrorDetails"] = result.payload.decode("utf-8", errors="replace")
        if (req.get("LogType") or "None") == "Tail":
            complete["LogResult"] = _log_tail(result)
        events = (
            []
            if result.function_error
            else [
                encode_event("PayloadChunk", result.payload[start : start + STREAM_CHUNK_BYTES])
                for start in range(0, len(result.payload), STREAM_CHUNK_BYTES)
            ]
        )
        events.append(encode_event("InvokeComplete", json.dumps(complete).encode(), "application/json"))
        return {
            "StatusCode": 200,
            "ExecutedVersion": function.version,
            "ResponseStreamContentType": EVENT_STREAM_CONTENT_TYPE,
            "EventStream": b"".join(events),
        }

    def invoke_async(self, ctx: RequestContext, req: dict) -> dict:
        """The deprecated InvokeAsync: an Event invocation with a 256 KB limit, answered 202."""
        args = req.get("InvokeArgs") or b""
        # A streaming blob: a file object from HTTP (read no more than the limit allows), bytes internally.
        payload = args.read(MAX_INVOKE_ASYNC_BYTES + 1) if hasattr(args, "read") else bytes(args)
        if len(payload) > MAX_INVOKE_ASYNC_BYTES:
            raise RequestTooLarge(
                f"Request must be smaller than {MAX_INVOKE_ASYNC_BYTES} bytes for the InvokeAsync operation"
            )
        resolved = resolve(ctx, self.db(), req["FunctionName"])
        self.enqueue_event(ctx, resolved, _checked_payload(payload))
        return {"Status": 202}

    def enqueue_event(self, ctx: RequestContext, resolved: Resolved, payload: bytes) -> None:
        raise NotImplementedError  # provided by AsyncInvokeOperations

    async def execute(
        self,
        ctx: RequestContext,
        function: Function,
        invoked_arn: str,
        payload: bytes,
        client_context: str | None = None,
    ) -> InvocationResult:
        """Run one invocation of `function` (a version) in a warm environment, under its
        concurrency limits; TooManyRequestsException when they are reached."""
        identity = await self._identity(ctx, function)  # before the check: nothing awaits after it
        if function.reserved_concurrency is not None:
            if self.environments.in_flight(function.arn) >= function.reserved_concurrency:
                raise TooManyRequests(THROTTLED_MESSAGE, Reason=THROTTLED_REASON)
        else:
            self._check_account_concurrency(function)
        warm = self.environments.lease_idle(function.qualified_arn, identity, ctx.runtime.clock.time())
        if warm is None:
            start = self.environments.begin_start(
                function.arn, function.account_id, function.region, function.reserved_concurrency is not None
            )
            try:
                warm = await self._start_environment(ctx, function, identity)
            finally:
                self.environments.end_start(start)
        try:
            return await warm.environment.invoke(
                payload,
                request_id=ctx.request_id,
                timeout=float(function.config["Timeout"]),
                function_arn=invoked_arn,
                client_context=client_context,
                trace_id=_trace_header(ctx),
            )
        finally:
            self.environments.release(warm, ctx.runtime.clock.time())
            await warm.log_writer.drain()  # the invocation's lines are readable when it answers

    def _check_account_concurrency(self, function: Function) -> None:
        """Functions without reserved concurrency share what the others have not reserved."""
        running = self.environments.in_flight_unreserved(function.account_id, function.region)
        limits = self.concurrency_limits
        if running < limits.min_unreserved:
            return  # the unreserved pool is never smaller: no need to read the reservations
        _, _, reserved = account_usage(self.db(), function.account_id, function.region)
        if running >= limits.account - reserved:
            raise TooManyRequests(THROTTLED_MESSAGE, Reason=ACCOUNT_THROTTLED_REASON)

    async def _identity(self, ctx: RequestContext, function: Function) -> str:
        """What a warm environment must match: code and configuration, and for hot reload the
        current content of the directory (an edit retires the environments)."""
        directory = hot_reload.directory_of(function.code_blob_id)
        if directory is None:
            return function.runtime_identity
        current = self.fingerprints.cached(directory)
        if current is None:
            current = self.fingerprints.remember(
                directory, await ctx.offload(hot_reload.fingerprint, directory)
            )
        return f"{function.runtime_identity}:{current}"

    async def _start_environment(
        self, ctx: RequestContext, function: Function, identity: str, *, provisioned: bool = False
    ) -> WarmEnvironment:
        """A new environment for `function`, leased; its process starts with the invocation (or,
        `provisioned`, with `initialise_ahead`)."""
        credentials, expires_at = await _role_credentials(ctx, function)
        code_dir = hot_reload.directory_of(function.code_blob_id) or await ctx.offload(
            code_store.extracted_code, self.blobs(), ctx.runtime.state.data_dir, function.code_blob_id
        )
        layer_arns = [layer["Arn"] for layer in function.config.get("Layers") or ()]
        dirs = ()
        if layer_arns:
            dirs = await ctx.offload(
                layer_dirs, self.db(), self.blobs(), ctx.runtime.state.data_dir, layer_arns
            )
        config = _function_config(ctx, function, str(code_dir), credentials, dirs, provisioned)
        try:
            spec = await self.resolver.alaunch_spec(config)
        except RuntimeUnavailable as exc:
            raise InvalidRuntime(str(exc)) from None
        writer = LogWriter(
            ctx.runtime, function.account_id, function.region, spec.log_group_name, spec.log_stream_name
        )
        warm = WarmEnvironment(
            environment=ExecutionEnvironment(spec, on_log=writer),
            function_arn=function.qualified_arn,
            identity=identity,
            log_writer=writer,
            credentials_expire_at=expires_at,
            account_id=function.account_id,
            region=function.region,
            reserved=function.reserved_concurrency is not None,
            provisioned=provisioned,
        )
        self.environments.add_leased(warm)
        return warm

    async def provision(self, ctx: RequestContext, function: Function, count: int) -> int:
        """Keep `count` initialised environments of `function` (a version) that idle reclaim leaves
        alone, starting the missing ones now; how many are ready."""
        ready = self.environments.set_provisioned(function.qualified_arn, count)
        identity = await self._identity(ctx, function)
        while ready < count:
            warm = await self._start_environment(ctx, function, identity, provisioned=True)
            try:
                started = await warm.environment.initialise_ahead(float(function.config["Timeout"]))
            finally:
                self.environments.release(warm, ctx.runtime.clock.time())
            if not started:
                break  # its init failed (logged): invocations will report it
            ready += 1
        return ready


def routed_version(db: Database, resolved: Resolved, rng: random.Random) -> Function:
    """The version an invocation runs: an alias with AdditionalVersionWeights sends that share of
    its invocations to the additional version, the rest to its primary version."""
    alias = resolved.alias
    if alias is None or not alias.additional_weights:
        return resolved.function
    draw = rng.random()
    for version, weight in alias.additional_weights.items():
        if draw < weight:
            return version_of(db, resolved.latest, version)
        draw -= weight
    return resolved.function


def resolved_arn(resolved: Resolved) -> str:
    """The ARN the caller invoked (the context's invoked_function_arn): qualified as given."""
    if resolved.qualifier is None:
        return resolved.latest.arn
    return f"{resolved.latest.arn}:{resolved.qualifier}"


def service_context(
    runtime: Runtime, account_id: str, region: str, operation: str, request_id: str
) -> RequestContext:
    """The context of work Lambda does on its own (asynchronous events, provisioned environments)."""
    return RequestContext(
        runtime=runtime,
        service="lambda",
        operation=operation,
        account_id=account_id,
        region=region,
        principal=Principal.service(account_id, LAMBDA_PRINCIPAL),
        request_id=request_id or ids.request_id(),
        time=runtime.clock.now(),
        protocol="internal",
    )


def _trace_header(ctx: RequestContext) -> str:
    """The X-Ray trace header the runtime hands the function (_X_AMZN_TRACE_ID): the caller's
    X-Amzn-Trace-Id if it sent one, else a new root (not sampled: Stratus records no traces yet)."""
    given = ctx.request.headers.get("x-amzn-trace-id") if ctx.request is not None else None
    if given and "Root=" in given:
        return given
    epoch = int(ctx.runtime.clock.time())
    return f"Root=1-{epoch:08x}-{secrets.token_hex(12)};Parent={secrets.token_hex(8)};Sampled=0"


def _log_tail(result: InvocationResult) -> str:
    """The last 4 KB of the invocation's log, base64 (X-Amz-Log-Result)."""
    return base64.b64encode(result.log_tail.encode("utf-8")[-LOG_TAIL_BYTES:]).decode("ascii")


def _checked_payload(payload: bytes) -> bytes:
    """The event to hand the runtime: Lambda accepts JSON only, and no payload means `{}`."""
    if not payload.strip():
        return b"{}"
    try:
        json.loads(payload)
    except ValueError as exc:
        # Guessed detail: AWS names the Jackson parser's complaint after this prefix.
        raise InvalidRequestContent(
            f"Could not parse request body into json: Could not parse payload into json: {exc}"
        ) from None
    return payload


def _client_context(encoded: str | None) -> str | None:
    """ClientContext is base64 JSON; the runtime receives the JSON itself."""
    if not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
        document = json.loads(decoded)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidRequestContent(CLIENT_CONTEXT_MESSAGE) from None
    if not isinstance(document, dict):
        raise InvalidRequestContent(CLIENT_CONTEXT_MESSAGE)
    return decoded


async def _role_credentials(ctx: RequestContext, function: Function) -> tuple[Credentials, float]:
    """The execution role's session (named after the function, as Lambda names it) and its expiry."""
    sts = ctx.aws("sts", principal=LAMBDA_PRINCIPAL, source_arn=function.arn, account_id=function.account_id)
    try:
        answer = await sts.assume_role(RoleArn=function.config["Role"], RoleSessionName=function.name)
    except ServiceError as error:
        # Guessed code and wording: AWS refuses the invocation when Lambda cannot assume the role.
        raise InvalidParameterValue(f"{ROLE_NOT_ASSUMABLE} {error.message}".strip()) from None
    issued = answer["Credentials"]
    credentials = Credentials(issued["AccessKeyId"], issued["SecretAccessKey"], issued.get("SessionToken"))
    return credentials, issued["Expiration"].timestamp()


def _function_config(
    ctx: RequestContext,
    function: Function,
    code_dir: str,
    credentials: Credentials,
    layer_dirs: tuple[str, ...],
    provisioned: bool = False,
) -> FunctionConfig:
    config = function.config
    logging_config = config.get("LoggingConfig") or {}
    return FunctionConfig(
        function_name=function.name,
        runtime=config["Runtime"],
        handler=config["Handler"],
        code_dir=code_dir,
        layer_dirs=layer_dirs,
        version=function.version,
        memory_size_mb=int(config["MemorySize"]),
        region=function.region,
        log_group_name=logging_config.get("LogGroup") or None,
        credentials=credentials,
        endpoint_url=ctx.runtime.endpoint,
        variables=dict((config.get("Environment") or {}).get("Variables") or {}),
        log_format=logging_config.get("LogFormat") or "Text",
        application_log_level=logging_config.get("ApplicationLogLevel"),
        initialization_type="provisioned-concurrency" if provisioned else "on-demand",
    )
