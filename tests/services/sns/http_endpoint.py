"""A real HTTP endpoint on loopback for SNS to POST to: it records every request and answers with
the status the test chooses (one per request, then the last one for good)."""

from __future__ import annotations

import json
import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RecordingEndpoint:
    def __init__(self, statuses: list[int] | None = None) -> None:
        self.requests: queue.Queue = queue.Queue()
        self._statuses = list(statuses or [200])
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = endpoint._next_status()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                endpoint.requests.put(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    }
                )

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/sns/hook?source=test"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _next_status(self) -> int:
        return self._statuses.pop(0) if len(self._statuses) > 1 else self._statuses[0]

    def next(self, timeout: float = 5.0) -> dict:
        return self.requests.get(timeout=timeout)

    def next_json(self, timeout: float = 5.0) -> tuple[dict, dict]:
        request = self.next(timeout)
        return request["headers"], json.loads(request["body"])

    def __enter__(self) -> RecordingEndpoint:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
