"""botocore's service models, loaded lazily and once.

`catalog()` is a light index of every known service's metadata (signing name, target prefix,
protocols, ...) read from the head of each model file, without loading whole models: routing
uses it to narrow a request down to a few candidate services. `service_model(name)` loads one
full model, on first use, and keeps it.
"""

from __future__ import annotations

import gzip
import json
import os
import threading
from dataclasses import dataclass
from functools import cache, lru_cache

from botocore.loaders import create_loader
from botocore.model import OperationModel, ServiceModel

_loader_lock = threading.Lock()


@lru_cache(maxsize=1)
def _loader():
    return create_loader()


@dataclass(frozen=True, slots=True)
class ServiceMeta:
    name: str  # botocore's service name (the name boto3.client() takes)
    api_version: str
    protocol: str
    protocols: tuple[str, ...]
    signing_name: str
    endpoint_prefix: str
    target_prefix: str | None
    json_version: str | None
    service_id: str
    global_endpoint: bool


def _model_path(name: str, version: str) -> str | None:
    for base in _loader().search_paths:
        for filename in ("service-2.json", "service-2.json.gz"):
            path = os.path.join(base, name, version, filename)
            if os.path.isfile(path):
                return path
    return None


def _read_metadata(path: str) -> dict:
    opener = gzip.open if path.endswith(".gz") else open
    decoder = json.JSONDecoder()
    with opener(path, "rb") as handle:
        head = handle.read(8192).decode("utf-8", "replace")
    start = head.find('"metadata"')
    if start >= 0:
        brace = head.find("{", start)
        try:
            metadata, _ = decoder.raw_decode(head, brace)
            return metadata
        except ValueError:
            pass
    with opener(path, "rb") as handle:
        return json.load(handle)["metadata"]


def _meta_from(name: str, metadata: dict) -> ServiceMeta:
    protocol = metadata.get("protocol", "")
    protocols = tuple(metadata.get("protocols") or ([protocol] if protocol else []))
    return ServiceMeta(
        name=name,
        api_version=metadata.get("apiVersion", ""),
        protocol=protocol,
        protocols=protocols,
        signing_name=metadata.get("signingName") or metadata.get("endpointPrefix", name),
        endpoint_prefix=metadata.get("endpointPrefix", name),
        target_prefix=metadata.get("targetPrefix"),
        json_version=metadata.get("jsonVersion"),
        service_id=metadata.get("serviceId", name),
        global_endpoint=bool(metadata.get("globalEndpoint")),
    )


_catalog: dict[str, ServiceMeta] | None = None


def catalog() -> dict[str, ServiceMeta]:
    """Metadata of every service botocore knows, keyed by service name (built once, ~50 ms)."""
    global _catalog
    if _catalog is None:
        with _loader_lock:
            if _catalog is None:
                loader = _loader()
                entries: dict[str, ServiceMeta] = {}
                for name in loader.list_available_services("service-2"):
                    version = loader.determine_latest_version(name, "service-2")
                    path = _model_path(name, version)
                    if path is None:
                        continue
                    entries[name] = _meta_from(name, _read_metadata(path))
                _catalog = entries
    return _catalog


@cache
def service_model(name: str) -> ServiceModel:
    """The full botocore model of one service, loaded on first use."""
    with _loader_lock:
        data = _loader().load_service_model(name, "service-2")
    return ServiceModel(data, service_name=name)


def operation_model(service: str, operation: str) -> OperationModel:
    return service_model(service).operation_model(operation)
