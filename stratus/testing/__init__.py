"""Stratus in-process, for tests: `with stratus.testing.serve() as endpoint: ...`.

The pytest plugin (`stratus.testing.plugin`, registered through an entry point) builds on this:
fixtures `stratus_endpoint` (a server shared by the session, its state wiped before each test)
and `aws_client` (a factory of boto3 clients bound to it).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from stratus.config import Config

START_TIMEOUT_SECONDS = 30.0


class StratusServer:
    """A Stratus running on a background thread of this process, on a free port by default."""

    def __init__(
        self,
        *,
        data_dir: Path | str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "warning",
        request_log: bool = False,
        init_dirs: list[Path] | tuple[Path, ...] = (),
    ) -> None:
        self.config = Config(
            host=host,
            port=port,
            data_dir=Path(data_dir) if data_dir else None,
            ephemeral=data_dir is None,
            log_level=log_level,
            request_log=request_log,
            init_dirs=tuple(Path(d) for d in init_dirs),
        )
        self.endpoint = ""
        self.runtime = None
        self._server = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> str:
        from stratus.runtime import Runtime
        from stratus.server import build_server

        self.config.validate()
        self.runtime = Runtime(self.config)
        ready = threading.Event()

        def on_ready(server) -> None:
            self._loop = asyncio.get_running_loop()
            self.endpoint = f"http://{self.config.host}:{server.bound_port()}"
            self.runtime.on_ready(self.endpoint)
            ready.set()

        self._server = build_server(self.config, self.runtime, on_ready)
        self._thread = threading.Thread(target=self._server.run, name="stratus-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not ready.wait(0.05):
            if not self._thread.is_alive():
                raise RuntimeError("Stratus failed to start (see the log above)")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Stratus did not start within {START_TIMEOUT_SECONDS} s")
        return self.endpoint

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=15)
        self._server = None
        self._thread = None

    def call_on_loop(self, coroutine) -> object:
        """Run a coroutine on the server's event loop (where all state changes happen)."""
        if self._loop is None:
            raise RuntimeError("the server is not running")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    def reset(self) -> None:
        self.call_on_loop(self.runtime.reset())

    def advance_clock(self, seconds: float) -> None:
        post_json(f"{self.endpoint}/_stratus/clock", {"advance_seconds": seconds})

    def __enter__(self) -> StratusServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


@contextmanager
def serve(**options: object) -> Iterator[str]:
    """Start Stratus on a free port for the duration of the block; yields its endpoint URL."""
    with StratusServer(**options) as server:  # type: ignore[arg-type]
        yield server.endpoint


def post_json(url: str, document: object | None = None) -> dict:
    data = json.dumps(document if document is not None else {}).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"{}")
