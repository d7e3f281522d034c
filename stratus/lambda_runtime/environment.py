"""One Lambda execution environment: a runtime process and its Runtime API server.

Lambda's model: an environment runs one invocation at a time (concurrency comes from more
environments), initialises once (the first invocation is the cold start), stays warm for
the next ones, and is destroyed when an invocation times out or the runtime exits. Its
output goes, line by line, to a log sink together with the START/END/REPORT lines Lambda
writes around each invocation.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import signal
import time
from dataclasses import dataclass
from enum import Enum

from stratus.lambda_runtime import platform_lines as lines
from stratus.lambda_runtime.output import FrameReader, LineReader, LogEvent, LogSink, TailBuffer, now_ms
from stratus.lambda_runtime.process_memory import tree_peak_rss_kb
from stratus.lambda_runtime.runtime_api import InitFailure, InvocationEvent, RuntimeApiServer, RuntimeReply
from stratus.lambda_runtime.runtimes import LaunchSpec

log = logging.getLogger(__name__)

# Lambda's limit for the init phase of an on-demand environment.
DEFAULT_INIT_TIMEOUT = 10.0
# A synchronous Invoke request payload may not exceed 6 MB (RequestTooLargeException).
MAX_SYNC_REQUEST_BYTES = 6 * 1024 * 1024
_MEMORY_SAMPLE_INTERVAL = 0.05


class EnvironmentDeadError(RuntimeError):
    """The environment timed out, crashed or was shut down: start a new one."""


class EnvironmentBusyError(RuntimeError):
    """An invocation is already running here; Lambda never shares an environment."""


class _State(Enum):
    NEW = "new"
    IDLE = "idle"
    BUSY = "busy"
    DEAD = "dead"


@dataclass(frozen=True)
class InvocationResult:
    payload: bytes  # the function's response, or the error document
    function_error: str | None  # X-Amz-Function-Error: None or "Unhandled"
    error_type: str | None  # e.g. "ValueError", "Runtime.ExitError", "Sandbox.Timedout"
    status: str  # "success", "error" or "timeout"
    duration_ms: float
    billed_duration_ms: int
    init_duration_ms: float | None  # set on the invocation that started the environment
    max_memory_used_mb: int
    content_type: str = "application/json"
    log_tail: str = ""  # last 4 KB of this invocation's log (Invoke LogType=Tail)


class ExecutionEnvironment:
    """Create inside a running event loop; `invoke` starts the process on first use."""

    def __init__(
        self, launch: LaunchSpec, *, on_log: LogSink | None = None, init_timeout: float = DEFAULT_INIT_TIMEOUT
    ) -> None:
        self._launch = launch
        self._on_log = on_log
        self._init_timeout = init_timeout
        self._state = _State.NEW
        self._server: RuntimeApiServer | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._exit: asyncio.Future[int] | None = None
        self._readers: list[LineReader | FrameReader] = []
        self._tail = TailBuffer()
        self._peak_rss_kb = 0
        self._cleanup_task: asyncio.Task | None = None

    @property
    def alive(self) -> bool:
        return self._state is not _State.DEAD

    @property
    def busy(self) -> bool:
        return self._state is _State.BUSY

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def invoke(
        self,
        payload: bytes,
        *,
        request_id: str,
        timeout: float,
        function_arn: str,
        trace_id: str | None = None,
        client_context: str | None = None,
        cognito_identity: str | None = None,
    ) -> InvocationResult:
        """Run one invocation. `timeout` is the function's Timeout in seconds; as in Lambda,
        the deadline handed to the runtime starts when the event is, after any init."""
        if self._state is _State.DEAD:
            raise EnvironmentDeadError("this execution environment is no longer running")
        if self._state is _State.BUSY:
            raise EnvironmentBusyError("this execution environment is already running an invocation")
        cold = self._state is _State.NEW
        self._state = _State.BUSY
        self._tail.reset()
        self._tail.active = True
        sampler = asyncio.ensure_future(self._sample_memory_periodically())
        try:
            init_ms = None
            if cold:
                init_started = time.monotonic()
                failure = await self._initialise(request_id, timeout)
                init_ms = (time.monotonic() - init_started) * 1000
                if failure is not None:
                    return await self._fail_init(request_id, init_ms, *failure)
            event = InvocationEvent(
                request_id=request_id,
                payload=payload,
                deadline_ms=now_ms() + int(timeout * 1000),
                function_arn=function_arn,
                trace_id=trace_id,
                client_context=client_context,
                cognito_identity=cognito_identity,
            )
            return await self._run(event, timeout, init_ms)
        except asyncio.CancelledError:
            # Nobody waits for this invocation any more; the runtime may still be in it,
            # so the environment cannot be handed another one.
            self._state = _State.DEAD
            self._cleanup_task = asyncio.ensure_future(self._die())
            raise
        finally:
            sampler.cancel()
            self._tail.active = False
            if self._state is _State.BUSY:
                self._state = _State.IDLE
                if self._exit is not None and self._exit.done():
                    self._on_exit(self._exit)  # it exited right after answering

    async def initialise_ahead(self, timeout: float) -> bool:
        """Start the runtime and run its init now, before any invocation (provisioned concurrency).
        True when it is ready; a failed init leaves the environment dead."""
        if self._state is not _State.NEW:
            return self._state is not _State.DEAD
        self._state = _State.BUSY
        try:
            failure = await self._initialise("", timeout)
        except BaseException:
            self._state = _State.DEAD
            self._cleanup_task = asyncio.ensure_future(self._die())
            raise
        if failure is not None:
            self._state = _State.DEAD
            self._cleanup_task = asyncio.ensure_future(self._die())
            return False
        self._state = _State.IDLE
        return True

    async def shutdown(self) -> None:
        """Kill the runtime process (and its process group) and stop the server."""
        self._state = _State.DEAD
        await self._kill()
        await self._cleanup()

    # -- init ----------------------------------------------------------------------

    async def _initialise(self, request_id: str, timeout: float) -> tuple[str, bytes, str] | None:
        """Start the runtime and wait until it asks for work. On failure: (status, payload, error type)."""
        problem = await self._spawn()
        if problem is not None:
            return "error", lines.invalid_entrypoint_payload(request_id, problem), "Runtime.InvalidEntrypoint"
        assert self._server is not None and self._exit is not None
        init_outcome = self._server.init_outcome
        done, _ = await asyncio.wait(
            {init_outcome, self._exit}, timeout=self._init_timeout, return_when=asyncio.FIRST_COMPLETED
        )
        self._sample_memory()  # a runtime that posted /init/error is still waiting for our answer
        self._drain()  # what init printed belongs before START
        if init_outcome in done and not init_outcome.cancelled():
            failure: InitFailure | None = init_outcome.result()
            if failure is None:
                return None
            return (
                "error",
                failure.body,
                failure.error_type or lines.error_type_of(failure.body) or "Runtime.Unknown",
            )
        if self._exit in done:
            return "error", lines.exit_error_payload(request_id, self._exit.result()), "Runtime.ExitError"
        return "timeout", lines.timeout_payload(request_id, timeout), "Sandbox.Timedout"

    async def _spawn(self) -> str | None:
        """Start the server and the process; a string is why the entrypoint could not run."""
        launch = self._launch
        executable = launch.argv[0]
        if launch.entrypoint_candidates and not os.path.isfile(executable):
            return f"Couldn't find valid bootstrap(s): [{' '.join(launch.entrypoint_candidates)}]"
        self._server = RuntimeApiServer()
        await self._server.start()
        env = dict(launch.env)
        env["AWS_LAMBDA_RUNTIME_API"] = self._server.address
        loop = asyncio.get_running_loop()
        pipes = [os.pipe(), os.pipe()]
        pass_fds: tuple[int, ...] = ()
        if launch.telemetry_log_fd:
            pipes.append(os.pipe())
            env["_LAMBDA_TELEMETRY_LOG_FD"] = str(pipes[2][1])
            pass_fds = (pipes[2][1],)
        try:
            self._process = await asyncio.create_subprocess_exec(
                *launch.argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=pipes[0][1],
                stderr=pipes[1][1],
                pass_fds=pass_fds,
                cwd=launch.cwd,
                env=env,
                start_new_session=True,  # its own process group, killed as a whole
            )
        except OSError as exc:
            for read_end, _ in pipes:
                os.close(read_end)
            reason = (exc.strerror or str(exc)).lower()
            return f"fork/exec {executable}: {reason}"
        finally:
            for _, write_end in pipes:
                os.close(write_end)
        self._readers = [LineReader(loop, pipes[0][0], self._emit), LineReader(loop, pipes[1][0], self._emit)]
        if launch.telemetry_log_fd:
            self._readers.append(FrameReader(loop, pipes[2][0], self._emit))
        self._exit = asyncio.ensure_future(self._process.wait())
        self._exit.add_done_callback(self._on_exit)
        return None

    async def _fail_init(
        self, request_id: str, init_ms: float, status: str, payload: bytes, error_type: str
    ) -> InvocationResult:
        self._drain()
        self._log(
            lines.init_report_line(
                init_ms, status=status, error_type=error_type if status == "error" else None
            )
        )
        self._log(lines.start_line(request_id, self._launch.version))
        started = time.monotonic()
        await self._die()
        duration_ms = (time.monotonic() - started) * 1000
        return self._finish(
            request_id,
            payload=payload,
            error_type=error_type,
            status=status,
            duration_ms=duration_ms,
            billed_ms=lines.billed_duration(duration_ms, init_ms),
            report_init_ms=None,
            result_init_ms=init_ms,
        )

    # -- invoke --------------------------------------------------------------------

    async def _run(self, event: InvocationEvent, timeout: float, init_ms: float | None) -> InvocationResult:
        assert self._server is not None and self._exit is not None
        self._log(lines.start_line(event.request_id, self._launch.version))
        started = time.monotonic()
        reply = self._server.dispatch(event)
        done, _ = await asyncio.wait(
            {reply, self._exit}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        duration_ms = (time.monotonic() - started) * 1000
        billed_ms = lines.billed_duration(duration_ms, init_ms)
        common = {
            "duration_ms": duration_ms,
            "billed_ms": billed_ms,
            "report_init_ms": init_ms,
            "result_init_ms": init_ms,
        }
        if reply in done and not reply.cancelled():
            answer: RuntimeReply = reply.result()
            self._drain()
            self._sample_memory()
            error_type = None
            if answer.is_error:
                error_type = answer.error_type or lines.error_type_of(answer.body)
            return self._finish(
                event.request_id,
                payload=answer.body,
                error_type=error_type,
                status="error" if answer.is_error else "success",
                content_type=answer.content_type,
                function_error="Unhandled" if answer.is_error else None,
                report_status=False,
                **common,
            )
        if self._exit in done:
            returncode = self._exit.result()
            await self._die()
            return self._finish(
                event.request_id,
                payload=lines.exit_error_payload(event.request_id, returncode),
                error_type="Runtime.ExitError",
                status="error",
                **common,
            )
        self._sample_memory()
        await self._die()
        return self._finish(
            event.request_id,
            payload=lines.timeout_payload(event.request_id, timeout),
            error_type="Sandbox.Timedout",
            status="timeout",
            **common,
        )

    def _finish(
        self,
        request_id: str,
        *,
        payload: bytes,
        error_type: str | None,
        status: str,
        duration_ms: float,
        billed_ms: int,
        report_init_ms: float | None,
        result_init_ms: float | None,
        content_type: str = "application/json",
        function_error: str | None = "Unhandled",
        report_status: bool = True,
    ) -> InvocationResult:
        max_memory_mb = math.ceil(self._peak_rss_kb / 1024)
        self._log(lines.end_line(request_id))
        self._log(
            lines.report_line(
                request_id,
                duration_ms=duration_ms,
                billed_duration_ms=billed_ms,
                memory_size_mb=self._launch.memory_size_mb,
                max_memory_used_mb=max_memory_mb,
                init_duration_ms=report_init_ms,
                status=status if report_status else None,
                error_type=error_type if report_status and status == "error" else None,
            )
        )
        return InvocationResult(
            payload=payload,
            function_error=function_error,
            error_type=error_type,
            status=status,
            duration_ms=duration_ms,
            billed_duration_ms=billed_ms,
            init_duration_ms=result_init_ms,
            max_memory_used_mb=max_memory_mb,
            content_type=content_type,
            log_tail=self._tail.text(),
        )

    # -- process and output --------------------------------------------------------

    def _emit(self, event: LogEvent) -> None:
        self._tail.add(event.message)
        if self._on_log is None:
            return
        try:
            self._on_log(event)
        except Exception:  # a broken sink must not break the invocation
            log.exception("Lambda log sink failed")

    def _log(self, message: str) -> None:
        self._emit(LogEvent(now_ms(), message))

    def _drain(self) -> None:
        for reader in self._readers:
            reader.drain()

    def _sample_memory(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._peak_rss_kb = max(self._peak_rss_kb, tree_peak_rss_kb(self._process.pid))

    async def _sample_memory_periodically(self) -> None:
        # A process that crashes takes its peak with it: sample while the invocation runs.
        while True:
            self._sample_memory()
            await asyncio.sleep(_MEMORY_SAMPLE_INTERVAL)

    def _on_exit(self, _: asyncio.Future) -> None:
        # Exits during an invocation are handled by it; an idle runtime that exits is gone.
        if self._state is _State.IDLE:
            self._state = _State.DEAD
            self._cleanup_task = asyncio.ensure_future(self._cleanup())

    async def _die(self) -> None:
        self._state = _State.DEAD
        await self._kill()
        self._drain()
        await self._cleanup()

    async def _kill(self) -> None:
        process = self._process
        if process is None or self._exit is None:
            return
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._exit), timeout=5)

    async def _cleanup(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if self._process is not None:
                os.killpg(self._process.pid, signal.SIGKILL)  # leftovers of its group
        for reader in self._readers:
            reader.close()
        self._readers = []
        if self._server is not None:
            await self._server.close()
