"""Running the ASGI app under uvicorn, announcing readiness the way tools wait for it."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

import uvicorn

from stratus.config import Config
from stratus.gateway.app import StratusApp
from stratus.runtime import Runtime

log = logging.getLogger("stratus")


class _Server(uvicorn.Server):
    """uvicorn's server, plus a callback once the socket is listening."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[_Server], None] | None) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets=None) -> None:  # type: ignore[override]
        await super().startup(sockets)
        if self.started and self._on_ready is not None:
            self._on_ready(self)

    def bound_port(self) -> int:
        for server in self.servers:
            for sock in server.sockets:
                return sock.getsockname()[1]
        raise RuntimeError("the server is not listening")


def build_server(
    config: Config, runtime: Runtime, on_ready: Callable[[_Server], None] | None = None
) -> _Server:
    uv_config = uvicorn.Config(
        StratusApp(runtime),
        host=config.host,
        port=config.port,
        loop="uvloop" if sys.platform != "win32" else "asyncio",
        http="httptools",
        lifespan="on",
        access_log=False,
        log_level="warning",
        server_header=False,
        date_header=True,
        timeout_keep_alive=60,
    )
    return _Server(uv_config, on_ready)


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname).1s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def serve(config: Config) -> None:
    """Run until interrupted (the `stratus serve` command)."""
    config.validate()
    configure_logging(config.log_level)
    runtime = Runtime(config)

    def announce(server: _Server) -> None:
        endpoint = f"http://{config.host}:{server.bound_port()}"
        log.info("Stratus %s listening on %s", _version(), endpoint)
        log.info("data directory: %s%s", runtime.data_dir, " (ephemeral)" if config.ephemeral else "")
        print("Ready.", flush=True)  # testcontainers and LocalStack tooling wait for this line
        runtime.on_ready(endpoint)

    server = build_server(config, runtime, announce)
    server.run()


def _version() -> str:
    from stratus import __version__

    return __version__
