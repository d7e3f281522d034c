"""Everything one running Stratus holds: config, state, clock, providers, log, background work."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from stratus.auth.authority import Authority
from stratus.config import Config
from stratus.core.clock import Clock
from stratus.core.clock import clock as global_clock
from stratus.core.init_hooks import InitHooks, default_init_dirs
from stratus.core.outbox import Outbox, OutboxWorker
from stratus.core.request_log import MIGRATIONS as REQUEST_LOG_MIGRATIONS
from stratus.core.request_log import RequestLog
from stratus.core.scheduler import Scheduler
from stratus.gateway.localstack import new_machine_id, new_session_id
from stratus.services import RESUMED_ON_START, ProviderRegistry, import_provider_module
from stratus.store import Database, StateStore

log = logging.getLogger("stratus")

# The system database (request log, ...) is named so that it cannot clash with a service name.
SYSTEM_DATABASE = "_stratus"
# A file that marks a directory as Stratus's, so `stratus reset` never wipes anything else.
DATA_DIR_MARKER = ".stratus-data"


class Runtime:
    def __init__(self, config: Config, *, clock: Clock | None = None) -> None:
        self.config = config
        self.clock = clock or global_clock
        self._temp_dir: Path | None = None
        if config.ephemeral or config.data_dir is None:
            self._temp_dir = Path(tempfile.mkdtemp(prefix="stratus-"))
            self.data_dir = self._temp_dir
        else:
            self.data_dir = Path(config.data_dir).expanduser().resolve()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / DATA_DIR_MARKER).touch()
        self.state = StateStore(self.data_dir, synchronous=config.synchronous)
        self.providers = ProviderRegistry(self)
        self.auth = Authority(self)
        self.request_log = RequestLog(echo=config.request_log)
        self.scheduler = Scheduler(self.clock)
        self.scheduler.every("request-log-flush", 1.0, self._flush_request_log_in_thread)
        # Delivery kinds are named "<service>.<what>"; the service registers its handlers when its
        # provider is created, so a pending delivery found after a restart loads its service.
        self.outbox = Outbox(resolver=lambda kind: self.providers.get(kind.split(".", 1)[0]))
        self.outbox_worker = OutboxWorker(self.state, self.clock, self.outbox)
        self.started_at = time.monotonic()
        self._system_db: Database | None = None
        self.endpoint = f"http://{config.host}:{config.port}"
        dirs = list(config.init_dirs) if config.init_dirs is not None else default_init_dirs(os.environ)
        self.init_hooks = InitHooks(dirs)
        self.session_id = new_session_id()
        self.machine_id = new_machine_id()
        self._background: set[asyncio.Task] = set()
        self._log_lock = asyncio.Lock()

    @property
    def system_db(self) -> Database:
        if self._system_db is None:
            self._system_db = self.state.database(SYSTEM_DATABASE, REQUEST_LOG_MIGRATIONS)
        return self._system_db

    def _background_thread(self, fn) -> None:
        future = asyncio.get_running_loop().run_in_executor(None, fn)
        future.add_done_callback(_log_failure)

    def hook_environment(self) -> dict[str, str]:
        """What init scripts get, so `aws` and boto3 inside them reach this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "us-east-1",
            "STRATUS_ENDPOINT": self.endpoint,
        }

    def on_ready(self, endpoint: str) -> None:
        """Called on the event loop once the server listens: run the READY init hooks."""
        self.endpoint = endpoint
        task = asyncio.get_running_loop().create_task(
            self.init_hooks.run_stage("READY", self.hook_environment())
        )
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        resume = asyncio.get_running_loop().create_task(self._resume_background_work())
        self._background.add(resume)
        resume.add_done_callback(self._background.discard)

    async def _resume_background_work(self) -> None:
        """Providers are created on first use; those with background work that must go on after a
        restart (Lambda's event source pollers, DynamoDB's TTL sweeps, Logs' retention) start with
        the server when their data exists. Their modules are imported off the event loop."""
        on_disk = set(self.state.services_on_disk())
        for service in RESUMED_ON_START:
            if service in on_disk:
                await asyncio.to_thread(import_provider_module, service)
                self.providers.get(service)

    def uptime(self) -> float:
        return time.monotonic() - self.started_at

    async def start(self) -> None:
        # Index every service's metadata on a worker thread while the server comes up, so the very
        # first request pays only for its own service's model (DESIGN.md: models load lazily).
        self._background_thread(_warm_routing_index)
        if self.auth.mode != "off":
            self._background_thread(self.auth.warm)
        await self.init_hooks.run_stage("BOOT", self.hook_environment())
        await self.init_hooks.run_stage("START", self.hook_environment())
        await self.scheduler.start()
        await self.outbox_worker.start()

    async def stop(self) -> None:
        for task in list(self._background):
            task.cancel()
        await self.init_hooks.run_stage("SHUTDOWN", self.hook_environment())
        await self.outbox_worker.stop()
        await self.scheduler.stop()
        await self.providers.shutdown()
        self.flush_request_log()
        self.request_log.close()
        self.state.close()
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)

    def flush_request_log(self) -> None:
        self.request_log.flush(self.system_db)

    async def _flush_request_log_in_thread(self) -> None:
        async with self._log_lock:
            await self.request_log.flush_in_thread(self.system_db.path)

    async def reset(self) -> None:
        """Wipe all state (every account, every region) and put the clock back."""
        async with self._log_lock:  # a batch being written must not land after the wipe
            self._reset_now()

    def _reset_now(self) -> None:
        self.request_log.clear()
        self.state.reset()
        self._system_db = None
        self.clock.reset()
        self.providers.reset()
        self.auth.reset()


def _warm_routing_index() -> None:
    from stratus.gateway.route_index import service_index

    service_index()


def _log_failure(future: asyncio.Future) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("background work failed", exc_info=future.exception())
