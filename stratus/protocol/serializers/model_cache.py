"""Per-model memo: work derived from a botocore model object is done once per object.

botocore keeps one `ServiceModel` per service and one `OperationModel` per operation, so the
object itself is the natural key. The cache holds the model, so its id is never reused.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

Model = TypeVar("Model")
Value = TypeVar("Value")


class PerModel(Generic[Model, Value]):
    def __init__(self, build: Callable[[Model], Value]) -> None:
        self._build = build
        self._values: dict[int, tuple[Model, Value]] = {}

    def get(self, model: Model) -> Value:
        entry = self._values.get(id(model))
        if entry is not None and entry[0] is model:
            return entry[1]
        value = self._build(model)
        # A race builds the same value twice at worst; dict assignment itself is atomic.
        self._values[id(model)] = (model, value)
        return value


_MISSING = object()


class BuildMemo(Generic[Value]):
    """A memo of recursive builds (writers, converters) that is safe to share between threads.

    A build may `register` its unfinished value first so that recursive shapes find it; such
    values stay private to the building thread until the outermost build completes, so no other
    thread ever uses a half-built writer. Lookups of finished values take no lock.
    """

    def __init__(self) -> None:
        self._ready: dict[object, Value] = {}
        self._pending: dict[object, Value] = {}
        self._lock = threading.RLock()
        self._depth = 0

    def get(self, key: object, build: Callable[[], Value]) -> Value:
        value = self._ready.get(key, _MISSING)
        if value is not _MISSING:
            return value  # type: ignore[return-value]
        with self._lock:
            value = self._ready.get(key, self._pending.get(key, _MISSING))
            if value is not _MISSING:
                return value  # type: ignore[return-value]
            self._depth += 1
            try:
                value = build()
                self._pending[key] = value
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._ready.update(self._pending)
                    self._pending.clear()
            return value

    def register(self, key: object, value: Value) -> None:
        """Make an unfinished value visible to the build in progress (for recursive shapes)."""
        self._pending[key] = value
