"""Reading what a runtime process writes: stdout/stderr lines and telemetry log frames.

Pipes are read with `loop.add_reader` on non-blocking descriptors, so `drain()` can
collect, synchronously, everything the process wrote before it posted its response.
That keeps the function's output ahead of the END and REPORT lines, as in CloudWatch.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

# CloudWatch Logs caps an event at 256 KiB; longer lines are split, as Lambda does.
MAX_EVENT_BYTES = 256 * 1024
_READ_SIZE = 64 * 1024
_FRAME_HEADER = 16  # type (4) + length (4) + timestamp in microseconds (8), big-endian


@dataclass(frozen=True)
class LogEvent:
    """One CloudWatch Logs event of the function's log stream."""

    timestamp_ms: int
    message: str


LogSink = Callable[[LogEvent], None]


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class _PipeReader:
    def __init__(self, loop: asyncio.AbstractEventLoop, fd: int) -> None:
        self._loop = loop
        self._fd = fd
        self._open = True
        os.set_blocking(fd, False)
        loop.add_reader(fd, self.drain)

    def drain(self) -> None:
        """Consume everything available now, without blocking."""
        while self._open:
            try:
                data = os.read(self._fd, _READ_SIZE)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self.close()
                return
            self._feed(data)

    def close(self) -> None:
        if not self._open:
            return
        self._open = False
        self._loop.remove_reader(self._fd)
        os.close(self._fd)
        self._flush()

    def _feed(self, data: bytes) -> None:
        raise NotImplementedError

    def _flush(self) -> None:
        raise NotImplementedError


class LineReader(_PipeReader):
    """stdout/stderr: one event per line, the newline kept as CloudWatch keeps it."""

    def __init__(self, loop: asyncio.AbstractEventLoop, fd: int, sink: LogSink) -> None:
        self._sink = sink
        self._buffer = bytearray()
        super().__init__(loop, fd)

    def _feed(self, data: bytes) -> None:
        self._buffer += data
        while True:
            end = self._buffer.find(b"\n")
            if end < 0 or end >= MAX_EVENT_BYTES:
                break
            self._emit(bytes(self._buffer[: end + 1]))
            del self._buffer[: end + 1]
        while len(self._buffer) >= MAX_EVENT_BYTES:
            self._emit(bytes(self._buffer[:MAX_EVENT_BYTES]))
            del self._buffer[:MAX_EVENT_BYTES]

    def _flush(self) -> None:
        if self._buffer:
            self._emit(bytes(self._buffer))
            self._buffer.clear()

    def _emit(self, line: bytes) -> None:
        self._sink(LogEvent(now_ms(), line.decode("utf-8", errors="replace")))


class FrameReader(_PipeReader):
    """The telemetry log descriptor (_LAMBDA_TELEMETRY_LOG_FD) of the managed runtimes.

    awslambdaric writes each log record as one frame, so a multi-line record (a
    traceback) stays one event, with the timestamp the runtime took.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, fd: int, sink: LogSink) -> None:
        self._sink = sink
        self._buffer = bytearray()
        super().__init__(loop, fd)

    def _feed(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= _FRAME_HEADER:
            length = int.from_bytes(self._buffer[4:8], "big")
            if len(self._buffer) < _FRAME_HEADER + length:
                return
            micros = int.from_bytes(self._buffer[8:16], "big")
            message = bytes(self._buffer[_FRAME_HEADER : _FRAME_HEADER + length])
            del self._buffer[: _FRAME_HEADER + length]
            self._sink(LogEvent(micros // 1000, message.decode("utf-8", errors="replace")))

    def _flush(self) -> None:
        self._buffer.clear()  # a torn frame from a killed process carries no usable message


class TailBuffer:
    """The last `limit` bytes of one invocation's log, for Invoke's LogType=Tail."""

    def __init__(self, limit: int = 4096) -> None:
        self._limit = limit
        self._data = bytearray()
        self.active = False

    def add(self, message: str) -> None:
        if not self.active:
            return
        self._data += message.encode("utf-8")
        if len(self._data) > 2 * self._limit:
            del self._data[: -self._limit]

    def text(self) -> str:
        return bytes(self._data[-self._limit :]).decode("utf-8", errors="ignore")

    def reset(self) -> None:
        self._data.clear()
